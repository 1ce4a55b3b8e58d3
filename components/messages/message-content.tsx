import { z } from "zod";
import { safeHref, splitLinks } from "./linkify";

// Message content is stored JSON (lib/channels/types.ts MessageContent). It is parsed here
// leniently, so an unexpected shape falls back to a plain label instead of breaking the thread.
// Everything is rendered as React text (never as HTML); only http(s) URLs become links or media.

const optionalText = z.string().optional().catch(undefined);
const mediaTypes = ["image", "video", "audio", "file", "sticker"] as const;
const choice = z.object({ id: z.string().catch(""), title: z.string() });

/** What an outbound message asked the customer to pick (lib/messaging/outbound-content.ts keeps it as `outbound`). */
const outboundChoices = z
  .object({
    options: z.array(choice).optional().catch(undefined),
    buttons: z.array(choice).optional().catch(undefined),
    sections: z.array(z.object({ rows: z.array(choice).catch([]) })).optional().catch(undefined),
  })
  .optional()
  .catch(undefined);

const contentSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string(), outbound: outboundChoices }),
  z.object({ type: z.enum(mediaTypes), url: optionalText, mimeType: optionalText, caption: optionalText, filename: optionalText }),
  z.object({
    type: z.literal("location"),
    latitude: z.number().optional().catch(undefined),
    longitude: z.number().optional().catch(undefined),
    name: optionalText,
    address: optionalText,
    url: optionalText,
  }),
  z.object({ type: z.literal("story_mention"), url: optionalText }),
  z.object({ type: z.literal("story_reply"), text: optionalText, storyUrl: optionalText }),
  z.object({ type: z.literal("share"), url: optionalText, title: optionalText, text: optionalText }),
  z.object({ type: z.literal("contacts"), contacts: z.array(z.object({ name: z.string(), phones: z.array(z.string()).catch([]) })).catch([]) }),
  z.object({
    type: z.literal("interactive"),
    reply: z.object({ kind: optionalText, title: z.string(), description: optionalText }),
    text: optionalText,
  }),
  z.object({ type: z.literal("reaction"), emoji: z.string().nullable().catch(null) }),
  z.object({ type: z.literal("template"), name: z.string(), language: optionalText, text: optionalText }),
  z.object({ type: z.literal("unsupported"), providerType: z.string().catch("unknown"), text: optionalText }),
]);

const MEDIA_LABELS: Record<(typeof mediaTypes)[number], string> = {
  image: "Image",
  video: "Video",
  audio: "Audio",
  file: "File",
  sticker: "Sticker",
};

const CHOICE_LABELS: Record<string, string> = {
  quick_reply: "Tapped a quick reply",
  button: "Tapped a button",
  list: "Picked from a list",
  postback: "Tapped a button",
};

export type MessageContentProps = {
  /** The message's stored content JSON. */
  content: unknown;
  /** Message.contentType, shown when the content cannot be read. */
  contentType: string;
};

/** The body of a message bubble for every content type, as text, safe links and media. */
export function MessageContent({ content, contentType }: MessageContentProps) {
  const parsed = contentSchema.safeParse(content);
  if (!parsed.success) return <Meta>[{contentType} message that cannot be displayed]</Meta>;
  const value = parsed.data;
  switch (value.type) {
    case "text": {
      const choices = value.outbound ? [...(value.outbound.options ?? []), ...(value.outbound.buttons ?? []), ...(value.outbound.sections ?? []).flatMap((section) => section.rows)] : [];
      return (
        <>
          <Text>{value.text}</Text>
          {choices.length ? (
            <ul aria-label="Choices offered" className="mt-2 flex flex-wrap gap-1.5">
              {choices.map((option, index) => (
                <li key={`${option.id}-${index}`} className="rounded-full border border-current/40 px-2 py-0.5 text-xs">
                  {option.title}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      );
    }
    case "image":
    case "sticker":
    case "video":
    case "audio":
    case "file":
      return <Media type={value.type} url={value.url} mimeType={value.mimeType} caption={value.caption} filename={value.filename} />;
    case "location": {
      const hasCoordinates = value.latitude !== undefined && value.longitude !== undefined;
      const coordinates = hasCoordinates ? `${value.latitude}, ${value.longitude}` : null;
      const mapUrl = value.url ?? (hasCoordinates ? `https://www.openstreetmap.org/?mlat=${value.latitude}&mlon=${value.longitude}#map=16/${value.latitude}/${value.longitude}` : undefined);
      return (
        <>
          <Meta>Location</Meta>
          <Text>{[value.name, value.address, coordinates].filter(Boolean).join(" · ") || "No details"}</Text>
          <SafeLink href={mapUrl}>Open map</SafeLink>
        </>
      );
    }
    case "story_mention":
      return (
        <>
          <Meta>Mentioned you in a story</Meta>
          <SafeLink href={value.url}>Open story</SafeLink>
        </>
      );
    case "story_reply":
      return (
        <>
          <Meta>Replied to your story</Meta>
          {value.text ? <Text>{value.text}</Text> : null}
          <SafeLink href={value.storyUrl}>Open story</SafeLink>
        </>
      );
    case "share":
      return (
        <>
          <Meta>Shared{value.title ? `: ${value.title}` : " a post"}</Meta>
          {value.text ? <Text>{value.text}</Text> : null}
          <SafeLink href={value.url}>Open link</SafeLink>
        </>
      );
    case "contacts":
      return (
        <>
          <Meta>Shared {value.contacts.length === 1 ? "a contact" : "contacts"}</Meta>
          <Text>{value.contacts.map((contact) => [contact.name, ...contact.phones].join(" ")).join("\n")}</Text>
        </>
      );
    case "interactive":
      return (
        <>
          <Meta>{CHOICE_LABELS[value.reply.kind ?? ""] ?? "Chose an option"}</Meta>
          <Text>{value.reply.title}</Text>
          {value.reply.description ? <Meta>{value.reply.description}</Meta> : null}
        </>
      );
    case "reaction":
      return value.emoji ? (
        <p>
          Reacted <span className="text-lg leading-none">{value.emoji}</span>
        </p>
      ) : (
        <Meta>Removed a reaction</Meta>
      );
    case "template":
      return (
        <>
          <Meta>
            Template {value.name}
            {value.language ? ` (${value.language})` : ""}
          </Meta>
          {value.text ? <Text>{value.text}</Text> : null}
        </>
      );
    case "unsupported":
      return (
        <>
          <Meta>Unsupported message ({value.providerType})</Meta>
          {value.text ? <Text>{value.text}</Text> : null}
        </>
      );
  }
}

type MediaProps = { type: (typeof mediaTypes)[number]; url?: string; mimeType?: string; caption?: string; filename?: string };

/** Images and stickers inline, video and audio with the browser's player, files as a link. */
function Media({ type, url, mimeType, caption, filename }: MediaProps) {
  const href = mediaHref(url);
  const label = `${MEDIA_LABELS[type]}${filename ? `: ${filename}` : ""}`;
  let preview: React.ReactNode = null;
  if (href && (type === "image" || type === "sticker")) {
    preview = (
      // Provider and attachment URLs are arbitrary hosts: next/image would need each configured.
      // eslint-disable-next-line @next/next/no-img-element
      <img src={href} alt={caption ?? label} loading="lazy" referrerPolicy="no-referrer" className={type === "sticker" ? "max-h-32 w-auto" : "max-h-72 w-auto rounded-lg"} />
    );
  } else if (href && type === "video") {
    preview = <video src={href} controls preload="metadata" className="max-h-72 w-full rounded-lg" aria-label={label} />;
  } else if (href && type === "audio") {
    preview = <audio src={href} controls preload="none" className="w-64 max-w-full" aria-label={label} />;
  }
  return (
    <>
      {preview ?? (
        <Meta>
          {label}
          {mimeType ? ` (${mimeType})` : ""}
          {href ? "" : " · not available"}
        </Meta>
      )}
      {caption ? <Text>{caption}</Text> : null}
      <SafeLink href={href ?? undefined}>{type === "file" ? `Download ${filename ?? "file"}` : `Open ${MEDIA_LABELS[type].toLowerCase()}`}</SafeLink>
    </>
  );
}

/** http(s) URLs, or this app's own paths (stored attachments). */
function mediaHref(url: string | undefined): string | null {
  if (url && url.startsWith("/") && !url.startsWith("//")) return url;
  return safeHref(url);
}

/** Message text with its http(s) links clickable; the rest stays plain text. */
function Text({ children }: { children: string }) {
  return (
    <p className="break-words whitespace-pre-wrap">
      {splitLinks(children).map((part, index) =>
        part.type === "link" ? (
          <a key={index} href={part.href} target="_blank" rel="noopener noreferrer nofollow" className="underline underline-offset-2">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}

function Meta({ children }: { children: React.ReactNode }) {
  return <p className="text-xs font-medium opacity-80">{children}</p>;
}

/** A link only for http(s) URLs (or our own paths): a provider-supplied `javascript:` URL is never clickable. */
function SafeLink({ href, children }: { href?: string; children: React.ReactNode }) {
  const safe = mediaHref(href);
  if (!safe) return null;
  return (
    <a href={safe} target="_blank" rel="noopener noreferrer nofollow" className="mt-1 inline-block text-xs font-medium underline underline-offset-2">
      {children}
    </a>
  );
}
