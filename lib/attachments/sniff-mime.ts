// The type of an uploaded or fetched file, decided from its first bytes, not from what the
// client or the remote server claims: the public attachment URL serves it with this type to
// Meta and Twilio (which check it against the content), and a file that is not what it says is
// refused. Only the formats some channel accepts (lib/inbox/compose/channel-limits.ts) are
// recognised, so a small table of signatures is enough — no general-purpose detector needed.
// Pure: no I/O (server-side: it uses Buffer).

const OOXML = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
} as const;

const OLE = { doc: "application/msword", xls: "application/vnd.ms-excel", ppt: "application/vnd.ms-powerpoint" } as const;

/** Every type an attachment may have, with a label for error messages. */
export const ATTACHMENT_TYPES: Record<string, string> = {
  "image/jpeg": "JPEG image",
  "image/png": "PNG image",
  "image/gif": "GIF image",
  "video/mp4": "MP4 video",
  "video/3gpp": "3GP video",
  "video/quicktime": "QuickTime video",
  "video/webm": "WebM video",
  "video/ogg": "Ogg video",
  "audio/mpeg": "MP3 audio",
  "audio/aac": "AAC audio",
  "audio/mp4": "M4A audio",
  "audio/ogg": "Ogg audio",
  "audio/amr": "AMR audio",
  "audio/wav": "WAV audio",
  "application/pdf": "PDF",
  "text/plain": "text file",
  [OOXML.docx]: "Word document",
  [OOXML.xlsx]: "Excel spreadsheet",
  [OOXML.pptx]: "PowerPoint presentation",
  [OLE.doc]: "Word 97–2003 document",
  [OLE.xls]: "Excel 97–2003 spreadsheet",
  [OLE.ppt]: "PowerPoint 97–2003 presentation",
};

export type SniffOptions = {
  bytes: Uint8Array;
  /** What the client or server said (Content-Type, File.type); only used to split families. */
  declaredType?: string | null;
  fileName?: string | null;
};

/** The file's type from its content, or null when it is none of ATTACHMENT_TYPES. */
export function sniffMimeType({ bytes, declaredType, fileName }: SniffOptions): string | null {
  const declared = (declaredType ?? "").split(";")[0].trim().toLowerCase();
  const extension = (fileName ?? "").toLowerCase().match(/\.([a-z0-9]{1,5})$/)?.[1] ?? "";
  const starts = (signature: number[] | string, offset = 0) => {
    const expected = typeof signature === "string" ? [...signature].map((char) => char.charCodeAt(0)) : signature;
    return bytes.length >= offset + expected.length && expected.every((byte, index) => bytes[offset + index] === byte);
  };

  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (starts("%PDF-")) return "application/pdf";
  if (starts("ftyp", 4)) return isoMediaType(String.fromCharCode(...bytes.slice(8, 12)), declared);
  if (starts([0x1a, 0x45, 0xdf, 0xa3])) return "video/webm";
  if (starts("OggS")) return declared === "video/ogg" || extension === "ogv" ? "video/ogg" : "audio/ogg";
  if (starts("RIFF") && starts("WAVE", 8)) return "audio/wav";
  if (starts("#!AMR")) return "audio/amr";
  if (starts("ID3")) return "audio/mpeg";
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
    // MPEG audio frame sync. Layer bits 00 = ADTS, i.e. AAC; anything else is MP3.
    return (bytes[1] & 0x06) === 0 ? "audio/aac" : "audio/mpeg";
  }
  if (starts([0x50, 0x4b, 0x03, 0x04])) return officeOpenXmlType(bytes);
  if (starts([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // The old Office container looks the same for all three: trust the name or declared type.
    const byExtension = (OLE as Record<string, string>)[extension];
    return byExtension ?? (Object.values(OLE) as string[]).find((type) => type === declared) ?? null;
  }
  if ((declared === "text/plain" || extension === "txt") && isPlainText(bytes)) return "text/plain";
  return null;
}

// ISO base media (MP4 family): the major brand says which member it is.
function isoMediaType(brand: string, declared: string): string {
  if (brand.startsWith("M4A") || brand.startsWith("M4B") || declared === "audio/mp4" || declared === "audio/x-m4a") return "audio/mp4";
  if (brand.startsWith("3gp") || brand.startsWith("3g2")) return "video/3gpp";
  if (brand === "qt  ") return "video/quicktime";
  return "video/mp4";
}

// An Office Open XML file is a ZIP whose entries sit under word/, xl/ or ppt/; the local file
// headers near the start name them, so looking at the first 64 KB is enough.
function officeOpenXmlType(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64 * 1024)).toString("latin1");
  if (!head.includes("[Content_Types].xml")) return null;
  if (head.includes("word/")) return OOXML.docx;
  if (head.includes("xl/")) return OOXML.xlsx;
  if (head.includes("ppt/")) return OOXML.pptx;
  return null;
}

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
