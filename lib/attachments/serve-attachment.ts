import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { mediaKindOf } from "@/lib/inbox/compose/channel-limits";
import { verifyAttachmentToken } from "./attachment-url";

export type ServeAttachmentOptions = { id: string; token: string };

/**
 * The public answer for /api/attachments/<id>/<token>: the stored bytes with their sniffed type.
 * The token is checked before the database is read; a wrong token and an unknown id get the same
 * 404, so the endpoint says nothing about which ids exist.
 */
export async function serveAttachment({ id, token }: ServeAttachmentOptions): Promise<Response> {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(id) || !verifyAttachmentToken(id, token)) throw notFound();
  const attachment = await prisma.attachment.findUnique({ where: { id }, select: { data: true, mimeType: true, fileName: true, size: true } });
  if (!attachment) throw notFound();
  // Media is shown in place; documents download under their name (Twilio and Meta read the
  // file name from this header).
  const disposition = ["image", "video", "audio"].includes(mediaKindOf(attachment.mimeType)) ? "inline" : "attachment";
  return new Response(new Uint8Array(attachment.data), {
    status: 200,
    headers: {
      "Content-Type": attachment.mimeType,
      "Content-Length": String(attachment.data.length),
      "Content-Disposition": `${disposition}; filename="${asciiFileName(attachment.fileName)}"; filename*=UTF-8''${encodeRfc5987(attachment.fileName)}`,
      "X-Content-Type-Options": "nosniff",
      // Never rendered as a page of this origin, whatever the bytes are.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      // The bytes behind an id never change: caches (and providers' fetchers) may keep them.
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
}

function asciiFileName(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
}

function encodeRfc5987(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function notFound() {
  return new AppError({ code: "not_found", message: "Attachment not found" });
}
