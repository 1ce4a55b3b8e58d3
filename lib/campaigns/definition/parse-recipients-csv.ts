import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import Papa from "papaparse";
import { MAX_LIST_SIZE } from "./audience-schema";

// A CSV of phone numbers for a campaign audience (WhatsApp channels). Client-safe: the wizard
// shows the report before anything is saved, and the server parses the same file the same way.
//
// The number column is the one named phone / phone_number / number / mobile / whatsapp / wa_id
// (any case), else the first column; a header row is recognised by such a name or by a first
// row whose number cell does not parse. Each number must be valid (libphonenumber metadata):
// international form (+33 6 12 34 56 78), or national form when a default country is given.
// Bad rows and duplicates are reported with their line number instead of being silently dropped.

export type CsvRowProblem = { line: number; value: string; reason: string };

export type RecipientsCsvReport = {
  /** Valid, distinct numbers in E.164, in file order. */
  phones: string[];
  /** Data rows read (header and empty lines excluded). */
  rows: number;
  /** The first problems (up to 200 each); the counts below are exact. */
  invalid: CsvRowProblem[];
  duplicates: CsvRowProblem[];
  invalidCount: number;
  duplicateCount: number;
  /** Set when the file itself cannot be used (empty, too many rows). */
  error?: string;
};

const NUMBER_COLUMNS = ["phone", "phone_number", "phonenumber", "number", "mobile", "whatsapp", "wa_id", "msisdn", "telephone", "tel"];
/** How many problems the report lists (the counts stay exact). */
const MAX_LISTED_PROBLEMS = 200;

export function parseRecipientsCsv(text: string, defaultCountry?: CountryCode): RecipientsCsvReport {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  const table = parsed.data.filter((row) => row.some((cell) => cell.trim() !== ""));
  const report: RecipientsCsvReport = { phones: [], rows: 0, invalid: [], duplicates: [], invalidCount: 0, duplicateCount: 0 };
  if (table.length === 0) return { ...report, error: "The file has no rows" };

  const header = table[0].map((cell) => cell.trim().toLowerCase().replace(/[\s-]+/g, "_"));
  const named = header.findIndex((cell) => NUMBER_COLUMNS.includes(cell));
  const column = named >= 0 ? named : 0;
  const hasHeader = named >= 0 || (toE164(table[0][column] ?? "", defaultCountry) === null && !/\d{6,}/.test(table[0][column] ?? ""));
  const first = hasHeader ? 1 : 0;
  if (table.length - first > MAX_LIST_SIZE) return { ...report, rows: table.length - first, error: `The file has ${table.length - first} rows; at most ${MAX_LIST_SIZE} numbers per campaign` };

  const seen = new Map<string, number>();
  for (let index = first; index < table.length; index++) {
    const line = index + 1;
    const value = (table[index][column] ?? "").trim();
    report.rows++;
    const phone = toE164(value, defaultCountry);
    if (phone === null) {
      report.invalidCount++;
      if (report.invalid.length < MAX_LISTED_PROBLEMS) report.invalid.push({ line, value, reason: value === "" ? "No number in this row" : describeProblem(value, defaultCountry) });
      continue;
    }
    const firstLine = seen.get(phone);
    if (firstLine !== undefined) {
      report.duplicateCount++;
      if (report.duplicates.length < MAX_LISTED_PROBLEMS) report.duplicates.push({ line, value, reason: `Same number as line ${firstLine}` });
      continue;
    }
    seen.set(phone, line);
    report.phones.push(phone);
  }
  return report;
}

/** E.164 of a valid number, or null. */
export function toE164(value: string, defaultCountry?: CountryCode): string | null {
  const cleaned = value.trim().replace(/^whatsapp:/i, "").replace(/^00/, "+");
  if (cleaned === "") return null;
  const number = parsePhoneNumberFromString(cleaned, defaultCountry);
  return number && number.isValid() ? number.number : null;
}

function describeProblem(value: string, defaultCountry?: CountryCode): string {
  const cleaned = value.replace(/^whatsapp:/i, "").trim();
  if (!/\d/.test(cleaned)) return "Not a phone number";
  if (!cleaned.startsWith("+") && !cleaned.startsWith("00") && !defaultCountry) return "Missing the country code (write it like +14155238886)";
  return "Not a valid phone number for its country";
}
