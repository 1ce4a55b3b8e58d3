import { z } from "zod";

// Message content is stored JSON (lib/channels/types.ts MessageContent). It is parsed here
// leniently, so an unexpected shape falls back to a plain label instead of breaking the thread.
// Everything is rendered as React text: never as HTML.

const optionalText = z.string().optional().catch(undefined);
const mediaTypes = ["image", "video", "audio", "file", "sticker"] as const;

const contentSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
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
  z.object({ type: z.literal("interactive"), reply: z.object({ title: z.string(), description: optionalText }), text: optionalText }),
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

export type MessageContentProps = {
  /** The message's stored content JSON. */
  content: unknown;
  /** Message.contentType, shown when the content cannot be read. */
  contentType: string;
};

/** The body of a message bubble for every content type, as text and safe links. */
export function MessageContent({ content, contentType }: MessageContentProps) {
  const parsed = contentSchema.safeParse(content);
  if (!parsed.success) return <Meta>[{contentType} message that cannot be displayed]</Meta>;
  const value = parsed.data;
  switch (value.type) {
    case "text":
      return <Text>{value.text}</Text>;
    case "image":
    case "video":
    case "audio":
    case "file":
    case "sticker":
      return (
        <>
          <Meta>
            {MEDIA_LABELS[value.type]}
            {value.filename ? `: ${value.filename}` : ""}
            {value.mimeType ? ` (${value.mimeType})` : ""}
          </Meta>
          {value.caption ? <Text>{value.caption}</Text> : null}
          <SafeLink href={value.url}>Open {MEDIA_LABELS[value.type].toLowerCase()}</SafeLink>
        </>
      );
    case "location": {
      const coordinates = value.latitude !== undefined && value.longitude !== undefined ? `${value.latitude}, ${value.longitude}` : null;
      return (
        <>
          <Meta>Location</Meta>
          <Text>{[value.name, value.address, coordinates].filter(Boolean).join(" · ") || "No details"}</Text>
          <SafeLink href={value.url}>Open map</SafeLink>
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
          <Meta>Shared{value.title ? `: ${value.title}` : ""}</Meta>
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
          <Meta>Chose an option</Meta>
          <Text>{value.reply.title}</Text>
          {value.reply.description ? <Meta>{value.reply.description}</Meta> : null}
        </>
      );
    case "reaction":
      return value.emoji ? <Text>Reacted {value.emoji}</Text> : <Meta>Removed a reaction</Meta>;
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

function Text({ children }: { children: React.ReactNode }) {
  return <p className="break-words whitespace-pre-wrap">{children}</p>;
}

function Meta({ children }: { children: React.ReactNode }) {
  return <p className="text-xs font-medium opacity-80">{children}</p>;
}

/** A link only for http(s) URLs: a provider-supplied `javascript:` URL is never clickable. */
function SafeLink({ href, children }: { href?: string; children: React.ReactNode }) {
  if (!href || !/^https?:\/\//i.test(href)) return null;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="mt-1 inline-block text-xs font-medium underline underline-offset-2">
      {children}
    </a>
  );
}
