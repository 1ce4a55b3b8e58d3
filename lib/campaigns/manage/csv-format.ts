// Cells and file names of the recipients CSV export (pure: unit-tested without a database).

/**
 * Leading characters that make Excel, LibreOffice or Google Sheets read a cell as a formula
 * (OWASP "CSV injection"): = + - @, their full-width forms (Excel converts them), and a leading
 * tab or line break; whitespace before a trigger does not disarm it.
 */
const FORMULA_START = /^(?:[\t\r\n]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/**
 * One RFC 4180 cell. A value a spreadsheet would run as a formula gets a leading ' and is quoted,
 * so it shows as text: "+33612345678" becomes "'+33612345678" (contact names, reasons and
 * numbers come from customers and providers, never trusted).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) return `"'${text.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line break) from a row of values. */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(",");
}

/**
 * The Content-Disposition of a campaign's recipients file: an ASCII `filename` every client
 * understands ("Été 2026" → ete-2026-recipients.csv) and, when the name has other letters, the
 * RFC 6266 `filename*` in UTF-8 that browsers prefer ("été-2026-recipients.csv").
 */
export function recipientsCsvDisposition(campaignName: string): string {
  const ascii = `${slugPart(campaignName.normalize("NFKD").replace(/\p{M}+/gu, ""), /[^a-z0-9]+/g) || "campaign"}-recipients.csv`;
  const unicode = `${slugPart(campaignName.normalize("NFC"), /[^\p{L}\p{N}]+/gu) || "campaign"}-recipients.csv`;
  const disposition = `attachment; filename="${ascii}"`;
  return unicode === ascii ? disposition : `${disposition}; filename*=UTF-8''${encodeRfc5987(unicode)}`;
}

function slugPart(name: string, separators: RegExp): string {
  return Array.from(name.toLowerCase().replace(separators, "-").replace(/^-+|-+$/g, ""))
    .slice(0, 60)
    .join("")
    .replace(/-+$/, "");
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
