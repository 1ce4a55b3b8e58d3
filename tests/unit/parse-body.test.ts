import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { parseBody } from "@/lib/http/parse-body";

const URL = "http://localhost:3000/api/test";

function post(body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }) {
  const init: RequestInit & { duplex?: "half" } = { method: "POST", headers, body };
  if (body instanceof ReadableStream) init.duplex = "half";
  return new Request(URL, init);
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** A body stream that counts how much was pulled from it and whether it was cancelled. */
function trackedStream({ chunkSize, chunks }: { chunkSize: number; chunks: number }) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= chunks) return controller.close();
      state.pulled++;
      controller.enqueue(new TextEncoder().encode(" ".repeat(chunkSize)));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe("parseBody", () => {
  it("returns the parsed JSON value", async () => {
    await expect(parseBody(post(JSON.stringify({ a: 1, b: ["x"] })))).resolves.toEqual({ a: 1, b: ["x"] });
  });

  it.each(["application/json; charset=utf-8", "application/vnd.api+json", "APPLICATION/JSON"])(
    "accepts the JSON content type %s",
    async (contentType) => {
      await expect(parseBody(post('{"ok":true}', { "content-type": contentType }))).resolves.toEqual({ ok: true });
    },
  );

  it.each([
    ["text/plain", "text/plain"],
    ["form data", "application/x-www-form-urlencoded"],
    ["a look-alike type", "application/jsonp"],
  ])("answers 415 for %s", async (_label, contentType) => {
    const error = await rejection(parseBody(post('{"a":1}', { "content-type": contentType })));
    expect(error.status).toBe(415);
    expect(error.code).toBe("unsupported_media_type");
  });

  it("answers 415 when there is no content type at all", async () => {
    const error = await rejection(parseBody(post('{"a":1}', {})));
    expect(error.status).toBe(415);
  });

  it("answers 400 for malformed JSON", async () => {
    const error = await rejection(parseBody(post('{"a": 1,')));
    expect(error.status).toBe(400);
    expect(error.message).toBe("The request body is not valid JSON");
  });

  it.each([
    ["no body", null],
    ["an empty body", ""],
    ["a whitespace-only body", "  \n "],
  ])("answers 400 for %s", async (_label, body) => {
    const error = await rejection(parseBody(post(body)));
    expect(error.status).toBe(400);
    expect(error.message).toBe("The request body is empty");
  });

  it("answers 413 from the declared Content-Length without reading the body", async () => {
    const { stream, state } = trackedStream({ chunkSize: 1024, chunks: 1000 });
    const req = post(stream, { "content-type": "application/json", "content-length": String(200 * 1024) });
    const error = await rejection(parseBody(req));
    expect(error.status).toBe(413);
    expect(error.code).toBe("payload_too_large");
    expect(state.pulled).toBeLessThanOrEqual(1);
  });

  it("answers 413 for a streamed body without Content-Length, and stops reading it early", async () => {
    const { stream, state } = trackedStream({ chunkSize: 1024, chunks: 10_000 });
    const req = post(stream);
    expect(req.headers.get("content-length")).toBeNull();
    const error = await rejection(parseBody(req));
    expect(error.status).toBe(413);
    // 100 KB limit: it stops after ~101 chunks instead of pulling all 10 MB.
    expect(state.pulled).toBeLessThan(200);
    expect(state.cancelled).toBe(true);
  });

  it("answers 413 when the body is bigger than its declared Content-Length claims", async () => {
    const { stream } = trackedStream({ chunkSize: 1024, chunks: 500 });
    const req = post(stream, { "content-type": "application/json", "content-length": "10" });
    const error = await rejection(parseBody(req));
    expect(error.status).toBe(413);
  });

  it("respects a smaller maxBytes and accepts a body exactly at the limit", async () => {
    const atLimit = JSON.stringify({ s: "x".repeat(100 - 8) });
    expect(atLimit).toHaveLength(100);
    await expect(parseBody(post(atLimit), { maxBytes: 100 })).resolves.toEqual({ s: "x".repeat(92) });
    const over = JSON.stringify({ s: "x".repeat(93) });
    const error = await rejection(parseBody(post(over), { maxBytes: 100 }));
    expect(error.status).toBe(413);
  });

  it("counts bytes, not characters, against the limit", async () => {
    // 40 three-byte characters = 120 bytes in 44 characters of JSON.
    const body = JSON.stringify({ s: "€".repeat(40) });
    expect(body.length).toBeLessThan(100);
    const error = await rejection(parseBody(post(body), { maxBytes: 100 }));
    expect(error.status).toBe(413);
  });
});
