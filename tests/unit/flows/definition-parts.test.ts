import { describe, expect, it } from "vitest";
import { blockSchema } from "@/lib/flows/definition/block-schema";
import { durationSchema } from "@/lib/flows/definition/duration-schema";
import { getBlockHandles } from "@/lib/flows/definition/get-block-handles";
import { isPrivateHost } from "@/lib/flows/definition/is-private-host";
import { parseJsonPath } from "@/lib/flows/definition/parse-json-path";
import { readJsonPath } from "@/lib/flows/engine/read-json-path";
import { block } from "./flow-fixtures";

describe("flow definition parts", () => {
  it("bounds durations between one minute and thirty days", () => {
    expect(durationSchema.safeParse({ amount: 30, unit: "days" }).success).toBe(true);
    expect(durationSchema.safeParse({ amount: 721, unit: "hours" }).success).toBe(false);
    expect(durationSchema.safeParse({ amount: 0, unit: "minutes" }).success).toBe(false);
    expect(durationSchema.safeParse({ amount: 1.5, unit: "hours" }).success).toBe(false);
  });

  it("caps the HTTP timeout at 10 seconds and forbids transport headers", () => {
    const http = (data: Record<string, unknown>) => blockSchema.safeParse(block("h", "http_request", { method: "GET", url: "https://x.example/", ...data })).success;
    expect(http({ timeoutMs: 10_000 })).toBe(true);
    expect(http({ timeoutMs: 10_001 })).toBe(false);
    expect(http({ headers: [{ name: "Host", value: "evil" }] })).toBe(false);
    expect(http({ headers: [{ name: "Bad Header", value: "x" }] })).toBe(false);
    expect(http({ saveResponse: [{ path: "items[*].id", attribute: "ids" }] })).toBe(false);
  });

  it("lists the outputs of each block for the canvas", () => {
    const ask = blockSchema.parse(
      block("q", "ask_question", { prompt: "Size?", validation: { kind: "choice", replies: { style: "buttons", options: [{ id: "s", title: "S" }] } }, timeout: { amount: 1, unit: "hours" } }),
    );
    expect(getBlockHandles(ask).map((handle) => handle.id)).toEqual(["next", "option:s", "invalid", "timeout"]);
    expect(getBlockHandles(blockSchema.parse(block("e", "end"))).map((handle) => handle.id)).toEqual([]);
    expect(getBlockHandles(blockSchema.parse(block("h", "http_request", { method: "GET", url: "https://x.example/" }))).map((handle) => handle.id)).toEqual(["success", "error"]);
  });

  it("parses and reads JSON paths without wildcards or expressions", () => {
    expect(parseJsonPath("data.items[0].name")).toEqual(["data", "items", 0, "name"]);
    expect(parseJsonPath("$.a[1][2]")).toEqual(["a", 1, 2]);
    expect(parseJsonPath("a..b")).toBeNull();
    expect(parseJsonPath("a[b]")).toBeNull();
    expect(readJsonPath({ value: { data: { items: [{ name: "x" }] } }, path: "data.items[0].name" })).toBe("x");
    expect(readJsonPath({ value: { data: [] }, path: "data[3]" })).toBeUndefined();
    expect(readJsonPath({ value: {}, path: "constructor" })).toBeUndefined();
  });

  it.each([
    ["localhost", true],
    ["api.localhost", true],
    ["printer.local", true],
    ["127.0.0.1", true],
    ["10.0.0.8", true],
    ["172.20.1.1", true],
    ["172.32.1.1", false],
    ["192.168.1.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["[::1]", true],
    ["[fd00::1]", true],
    ["[fe80::1]", true],
    ["[::ffff:7f00:1]", true],
    ["[2606:4700::1111]", false],
    ["8.8.8.8", false],
    ["api.example.com", false],
  ])("isPrivateHost(%j) is %s", (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });
});

describe("lib/flows/definition", () => {
  it("imports nothing server-only, so the canvas can run the schema and the validator in the browser", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const folder = new URL("../../../lib/flows/definition/", import.meta.url);
    for (const file of await readdir(folder)) {
      const source = await readFile(new URL(file, folder), "utf8");
      const imports = [...source.matchAll(/from "([^"]+)"/g)].map((match) => match[1]);
      for (const specifier of imports) expect(specifier, `${file} imports ${specifier}`).toMatch(/^(zod|re2js|\.\/[a-z-]+)$/);
    }
  });
});
