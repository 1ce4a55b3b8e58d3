import { describe, expect, it } from "vitest";
import { sniffMimeType } from "@/lib/attachments/sniff-mime";

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? [...part].map((char) => char.charCodeAt(0)) : part)));

describe("sniffMimeType", () => {
  it.each([
    ["image/jpeg", bytes([0xff, 0xd8, 0xff, 0xe0], "JFIF")],
    ["image/png", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])],
    ["image/gif", bytes("GIF89a", [1, 0])],
    ["application/pdf", bytes("%PDF-1.7\n")],
    ["video/mp4", bytes([0, 0, 0, 0x18], "ftypisom", [0, 0, 2, 0])],
    ["video/3gpp", bytes([0, 0, 0, 0x18], "ftyp3gp5")],
    ["video/quicktime", bytes([0, 0, 0, 0x14], "ftypqt  ")],
    ["audio/mp4", bytes([0, 0, 0, 0x20], "ftypM4A ")],
    ["video/webm", bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f])],
    ["audio/ogg", bytes("OggS", [0, 2])],
    ["audio/wav", bytes("RIFF", [0, 0, 0, 0], "WAVEfmt ")],
    ["audio/amr", bytes("#!AMR\n")],
    ["audio/mpeg", bytes("ID3", [4, 0])],
    ["audio/mpeg", bytes([0xff, 0xfb, 0x90, 0x64])],
    ["audio/aac", bytes([0xff, 0xf1, 0x50, 0x80])],
  ])("recognises %s", (type, content) => {
    expect(sniffMimeType({ bytes: content })).toBe(type);
  });

  it("goes by the content, not by what the client claims", () => {
    expect(sniffMimeType({ bytes: bytes([0xff, 0xd8, 0xff, 0xe0]), declaredType: "image/png", fileName: "x.png" })).toBe("image/jpeg");
    expect(sniffMimeType({ bytes: bytes("<html><script>alert(1)</script>"), declaredType: "image/png" })).toBeNull();
    expect(sniffMimeType({ bytes: bytes("MZ", [0x90, 0]), declaredType: "application/pdf", fileName: "invoice.pdf" })).toBeNull();
  });

  it("tells Office Open XML documents apart by their entries", () => {
    expect(sniffMimeType({ bytes: bytes([0x50, 0x4b, 0x03, 0x04], "....[Content_Types].xml....word/document.xml") })).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(sniffMimeType({ bytes: bytes([0x50, 0x4b, 0x03, 0x04], "[Content_Types].xml xl/workbook.xml") })).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    // Any other ZIP is not a document a channel accepts.
    expect(sniffMimeType({ bytes: bytes([0x50, 0x4b, 0x03, 0x04], "payload.exe"), fileName: "report.docx" })).toBeNull();
  });

  it("uses the name for the old Office container, which looks the same for all three", () => {
    const ole = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(sniffMimeType({ bytes: ole, fileName: "budget.xls" })).toBe("application/vnd.ms-excel");
    expect(sniffMimeType({ bytes: ole, declaredType: "application/msword" })).toBe("application/msword");
    expect(sniffMimeType({ bytes: ole, fileName: "thing.bin" })).toBeNull();
  });

  it("accepts plain text only when it says so and is UTF-8 without NUL bytes", () => {
    expect(sniffMimeType({ bytes: new TextEncoder().encode("Opening hours: 9–5 ☕"), fileName: "hours.txt" })).toBe("text/plain");
    expect(sniffMimeType({ bytes: new TextEncoder().encode("hello"), declaredType: "text/plain; charset=utf-8" })).toBe("text/plain");
    expect(sniffMimeType({ bytes: new TextEncoder().encode("hello") })).toBeNull();
    expect(sniffMimeType({ bytes: bytes("a", [0], "b"), fileName: "x.txt" })).toBeNull();
    expect(sniffMimeType({ bytes: bytes([0xc3, 0x28]), fileName: "x.txt" })).toBeNull();
  });
});
