import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/http/errors";
import { readBytes } from "@/lib/http/parse-body";
import { errorResponse, isClientAbort, isDatabaseUnavailable } from "@/lib/http/respond";
import { logger } from "@/lib/logger";

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * A real node:http server whose client sends half a body and hangs up. `read` receives the
 * server side's request and reports what reading its body threw.
 */
async function abortMidBody(read: (req: IncomingMessage) => Promise<unknown>): Promise<unknown> {
  let settle!: (error: unknown) => void;
  const thrown = new Promise<unknown>((resolve) => (settle = resolve));
  const server = createServer((req) => {
    read(req).then(
      () => settle(null),
      (error: unknown) => settle(error),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = request({ host: "127.0.0.1", port, method: "POST", path: "/api/webhooks/whatsapp/x", headers: { "Content-Length": "100000" } });
  client.on("error", () => undefined);
  client.write("x".repeat(1000));
  setTimeout(() => client.destroy(), 50);
  try {
    return await thrown;
  } finally {
    server.close();
  }
}

/** How Next.js hands a node request body to a route handler: a Web stream fed by the IncomingMessage. */
function asWebRequest(req: IncomingMessage): Request {
  const body = new ReadableStream<Uint8Array>({
    start: async (controller) => {
      try {
        for await (const chunk of req) controller.enqueue(new Uint8Array(chunk as Buffer));
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  const init: RequestInit & { duplex: "half" } = { method: "POST", body, duplex: "half", headers: { "content-length": req.headers["content-length"] ?? "" } };
  return new Request(`http://localhost${req.url}`, init);
}

describe("a client that hangs up mid-request", () => {
  it("is not taken for a database outage: no 503 and no error-level 'database unavailable' log", async () => {
    const error = await abortMidBody(async (req) => {
      for await (const chunk of req) void chunk;
    });
    expect(error).toBeInstanceOf(Error);
    // node:http's own error for it has the same code as a reset database connection.
    expect(error).toMatchObject({ code: "ECONNRESET", message: "aborted" });
    const logged = vi.spyOn(logger, "error");

    expect(isClientAbort(error)).toBe(true);
    expect(isDatabaseUnavailable(error)).toBe(false);
    const res = errorResponse(error);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    expect(logged).not.toHaveBeenCalled();
  });

  it("makes readBytes fail with a 400 AppError (the webhook endpoints' body reader)", async () => {
    const error = await abortMidBody((req) => readBytes(asWebRequest(req), 4 * 1024 * 1024));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "bad_request", status: 400 });
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("is told apart from a database connection reset, which stays a 503", () => {
    // What pg throws when the server's side of the connection is reset.
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", errno: -104, syscall: "read" });
    expect(isClientAbort(reset)).toBe(false);
    expect(isDatabaseUnavailable(reset)).toBe(true);
    expect(errorResponse(reset).status).toBe(503);
  });

  it("recognises a Web AbortError, also as the cause of another error", () => {
    const abort = new DOMException("The operation was aborted.", "AbortError");
    expect(isClientAbort(abort)).toBe(true);
    expect(isClientAbort(new Error("body read failed", { cause: abort }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("body read failed", { cause: abort }))).toBe(false);
  });
});
