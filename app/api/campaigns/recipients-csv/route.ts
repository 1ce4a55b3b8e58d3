// POST /api/campaigns/recipients-csv – check a CSV of phone numbers (text/csv body, ?defaultCountry=FR): valid E.164 numbers plus bad and duplicate rows by line
import { z } from "zod";
import { getCountries, type CountryCode } from "libphonenumber-js";
import { withWorkspace } from "@/lib/auth/with-workspace";
import { AppError } from "@/lib/http/errors";
import { readText } from "@/lib/http/parse-body";
import { parseRecipientsCsv } from "@/lib/campaigns/definition/parse-recipients-csv";

const MAX_CSV_BYTES = 5 * 1024 * 1024;
const countries = new Set<string>(getCountries());
const querySchema = z.object({
  defaultCountry: z
    .string()
    .toUpperCase()
    .refine((code) => countries.has(code), "must be a two-letter country code like US or FR")
    .optional(),
});

export const POST = withWorkspace(async (req) => {
  const query = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  const contentType = req.headers.get("content-type") ?? "";
  if (!/^(text\/(csv|plain)|application\/(csv|vnd\.ms-excel))\b/i.test(contentType)) {
    throw new AppError({ code: "unsupported_media_type", message: "Send the file as text/csv" });
  }
  const report = parseRecipientsCsv(await readText(req, MAX_CSV_BYTES), query.defaultCountry as CountryCode | undefined);
  if (report.error) throw new AppError({ code: "unprocessable", field: "file", message: report.error });
  return Response.json(report);
});
