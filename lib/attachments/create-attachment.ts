import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { parseBody, readBytes } from "@/lib/http/parse-body";
import { ATTACHMENT_KIND_MAX_BYTES, ATTACHMENT_MAX_BYTES, mediaKindOf } from "@/lib/inbox/compose/channel-limits";
import { attachmentUrl } from "./attachment-url";
import { allowPrivateAttachmentUrls, fetchRemoteFile } from "./fetch-remote-file";
import { ATTACHMENT_TYPES, sniffMimeType } from "./sniff-mime";

// An agent's attachment, stored in Postgres (Attachment.data) so the app can serve it to Meta
// and Twilio from a stable URL whatever happens to the original: uploads come as multipart
// `file`, links as JSON `{ url }` fetched by the server.

/** Room for the multipart envelope (boundaries, part headers) around the largest file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export const attachmentUrlInputSchema = z.strictObject({
  url: z.string({ error: "is required" }).trim().min(1, "is required").max(2048, "must be at most 2048 characters"),
});

export type AttachmentUpload =
  | { kind: "file"; bytes: Buffer; fileName: string | null; declaredType: string | null }
  | { kind: "url"; url: string };

/**
 * Reads POST /api/attachments: multipart/form-data with a `file` part, or JSON `{ url }`.
 * Throws AppError 413 (too large), 415 (another content type) or 422 (no file / bad URL field).
 */
export async function readAttachmentUpload(req: Request): Promise<AttachmentUpload> {
  const contentType = req.headers.get("content-type") ?? "";
  if (/^multipart\/form-data\b/i.test(contentType)) {
    // Read with the cap first: formData() on its own would buffer any size.
    const raw = await readBytes(req, ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES);
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
    } catch {
      throw new AppError({ code: "bad_request", message: "The multipart body couldn't be read" });
    }
    const file = form.get("file");
    if (!file || typeof file === "string") throw new AppError({ code: "unprocessable", message: "Attach the file as the multipart field `file`", field: "file" });
    return { kind: "file", bytes: Buffer.from(await file.arrayBuffer()), fileName: file.name || null, declaredType: file.type || null };
  }
  if (/^application\/(.+\+)?json\b/i.test(contentType)) {
    return { kind: "url", url: attachmentUrlInputSchema.parse(await parseBody(req)).url };
  }
  throw new AppError({ code: "unsupported_media_type", message: "Upload the file as multipart/form-data (field `file`) or send JSON { url }" });
}

export type CreateAttachmentOptions = {
  workspaceId: string;
  userId: string | null;
  upload: AttachmentUpload;
  /** Public origin of the app, for the URL providers fetch (lib/channels/connect/public-url.ts). */
  baseUrl: string;
};

export type AttachmentSummary = { id: string; fileName: string; mimeType: string; size: number; url: string };

/**
 * Stores an uploaded or fetched file after checking what it really is (sniffed from its bytes)
 * and how big it may be for its kind. Throws AppError 413 (too large), 415 (a type no channel
 * accepts) or 422 (empty file, URL that cannot be fetched).
 */
export async function createAttachment({ workspaceId, userId, upload, baseUrl }: CreateAttachmentOptions): Promise<AttachmentSummary> {
  const file =
    upload.kind === "file"
      ? upload
      : await fetchRemoteFile({ url: upload.url, maxBytes: ATTACHMENT_MAX_BYTES, allowPrivateAddresses: allowPrivateAttachmentUrls() }).then((remote) => ({
          bytes: remote.bytes,
          fileName: remote.fileName,
          declaredType: remote.contentType,
        }));
  const field = upload.kind === "file" ? "file" : "url";
  if (file.bytes.length === 0) throw new AppError({ code: "unprocessable", message: "The file is empty", field });
  if (file.bytes.length > ATTACHMENT_MAX_BYTES) throw new AppError({ code: "payload_too_large", message: `Files can be at most ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB`, field });

  const mimeType = sniffMimeType({ bytes: file.bytes, declaredType: file.declaredType, fileName: file.fileName });
  if (!mimeType) {
    const allowed = [...new Set(Object.values(ATTACHMENT_TYPES))].join(", ");
    throw new AppError({ code: "unsupported_media_type", message: `This file type isn't supported. Send one of: ${allowed}`, field });
  }
  const kind = mediaKindOf(mimeType);
  const kindMax = ATTACHMENT_KIND_MAX_BYTES[kind];
  if (file.bytes.length > kindMax) {
    throw new AppError({ code: "payload_too_large", message: `${ATTACHMENT_TYPES[mimeType]} files can be at most ${kindMax / 1024 / 1024} MB (the smallest limit of the channels)`, field });
  }

  const fileName = cleanFileName(file.fileName, mimeType);
  const row = await prisma.attachment.create({
    data: {
      workspaceId,
      fileName,
      mimeType,
      size: file.bytes.length,
      sha256: createHash("sha256").update(file.bytes).digest("hex"),
      data: new Uint8Array(file.bytes),
      sourceUrl: upload.kind === "url" ? upload.url : null,
      createdById: userId,
    },
    select: { id: true, fileName: true, mimeType: true, size: true },
  });
  return { ...row, url: attachmentUrl({ baseUrl, id: row.id }) };
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "video/mp4": "mp4", "video/3gpp": "3gp", "video/quicktime": "mov",
  "video/webm": "webm", "video/ogg": "ogv", "audio/mpeg": "mp3", "audio/aac": "aac", "audio/mp4": "m4a", "audio/ogg": "ogg",
  "audio/amr": "amr", "audio/wav": "wav", "application/pdf": "pdf", "text/plain": "txt",
};

// The name is shown to the customer (documents) and put in a header: keep the last path segment,
// drop control and quoting characters, cap the length, and make sure it has an extension.
function cleanFileName(name: string | null, mimeType: string): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|*?:]/g, "").replace(/\s+/g, " ").trim().slice(-200);
  const extension = EXTENSIONS[mimeType];
  if (!cleaned || cleaned.startsWith(".")) return `attachment${extension ? `.${extension}` : ""}`;
  return extension && !/\.[A-Za-z0-9]{1,5}$/.test(cleaned) ? `${cleaned}.${extension}` : cleaned;
}
