import { describe, expect, it } from "vitest";
import { csvCell, csvLine, recipientsCsvDisposition } from "@/lib/campaigns/manage/csv-format";

// The recipients export: cells a spreadsheet would run as formulas are shown as text, and the
// file is named after the campaign in every browser.

describe("recipients CSV cells", () => {
  it("neutralises every formula trigger with a leading ' inside quotes", () => {
    for (const value of ["=HYPERLINK(\"http://evil\",\"x\")", "+33612345678", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1+1", "＝1+1", "＋1", "－1", "＠A1"]) {
      const cell = csvCell(value);
      expect(cell.startsWith(`"'`), `${JSON.stringify(value)} → ${cell}`).toBe(true);
      // Unquoted, the cell is the value with its ' prefix: nothing is lost.
      expect(cell.slice(2, -1).replace(/""/g, '"')).toBe(value);
    }
  });

  it("quotes commas, quotes and line breaks (RFC 4180) and leaves plain values alone", () => {
    expect(csvCell("Ada, Lovelace")).toBe('"Ada, Lovelace"');
    expect(csvCell('Say "hi"')).toBe('"Say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("Ada Lovelace")).toBe("Ada Lovelace");
    expect(csvCell("a-b=c")).toBe("a-b=c");
    expect(csvCell(3)).toBe("3");
    expect(csvCell(null)).toBe("");
    expect(csvCell(new Date("2030-01-02T03:04:05.000Z"))).toBe("2030-01-02T03:04:05.000Z");
    expect(csvLine(["c1", "=1", null, 2])).toBe(`c1,"'=1",,2`);
  });
});

describe("recipients CSV file name", () => {
  it("is the campaign name as a slug", () => {
    expect(recipientsCsvDisposition("Spring sale 2030!")).toBe('attachment; filename="spring-sale-2030-recipients.csv"');
  });

  it("adds the UTF-8 name (RFC 6266) with an ASCII fallback for accented and non-Latin names", () => {
    expect(recipientsCsvDisposition("Été à Paris")).toBe(`attachment; filename="ete-a-paris-recipients.csv"; filename*=UTF-8''${encodeURIComponent("été-à-paris-recipients.csv")}`);
    const greek = recipientsCsvDisposition("Προσφορά");
    expect(greek).toContain('filename="campaign-recipients.csv"');
    expect(greek).toContain(`filename*=UTF-8''${encodeURIComponent("προσφορά-recipients.csv")}`);
  });

  it("never lets a name break out of the header", () => {
    const header = recipientsCsvDisposition('a"; filename="evil.exe\r\nX-Evil: 1');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toBe('attachment; filename="a-filename-evil-exe-x-evil-1-recipients.csv"');
  });
});
