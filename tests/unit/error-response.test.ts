import { createServer } from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError, errorStatus, type ErrorCode } from "@/lib/http/errors";
import { errorResponse, isDatabaseUnavailable } from "@/lib/http/respond";
import { logger } from "@/lib/logger";

async function bodyOf(res: Response) {
  return (await res.json()) as { error: { code: string; message: string; field?: string; requestId?: string } };
}

function prismaError(code: string, message = `Invalid prisma call (${code})`) {
  return new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: "6.19.3" });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("errorResponse", () => {
  it.each(Object.entries(errorStatus) as [ErrorCode, number][])(
    "answers AppError %s with status %i and its own message",
    async (code, status) => {
      const res = errorResponse(new AppError({ code, message: `message for ${code}` }));
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await bodyOf(res)).toEqual({ error: { code, message: `message for ${code}` } });
    },
  );

  it("keeps the field of an AppError so a form can show it next to that input", async () => {
    const res = errorResponse(new AppError({ code: "conflict", message: "Email taken", field: "email" }));
    expect(await bodyOf(res)).toEqual({ error: { code: "conflict", message: "Email taken", field: "email" } });
  });

  it("sets Retry-After in whole seconds for rate_limited errors", async () => {
    const res = errorResponse(new AppError({ code: "rate_limited", message: "Slow down", retryAfter: 12.2 }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("13");
  });

  it("sends no Retry-After when the error has none", () => {
    expect(errorResponse(new AppError({ code: "forbidden", message: "No" })).headers.has("retry-after")).toBe(false);
  });

  it("answers a ZodError with 422, the first readable issue and its field path", async () => {
    const schema = z.object({ profile: z.object({ email: z.email("is not a valid email address") }), age: z.number() });
    const result = schema.safeParse({ profile: { email: "nope" }, age: "x" });
    expect(result.success).toBe(false);
    const res = errorResponse(result.error);
    expect(res.status).toBe(422);
    expect(await bodyOf(res)).toEqual({
      error: { code: "unprocessable", message: "profile.email: is not a valid email address", field: "profile.email" },
    });
  });

  it("answers a ZodError about the whole input with 422 and no field", async () => {
    const result = z.string("must be text").safeParse(42);
    const body = await bodyOf(errorResponse(result.error));
    expect(body.error.code).toBe("unprocessable");
    expect(body.error.message).toBe("must be text");
    expect(body.error.field).toBeUndefined();
  });

  it("maps Prisma P2025 (record not found) to 404 without Prisma's text", async () => {
    const res = errorResponse(prismaError("P2025", "No record was found for an update on model User"));
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "not_found", message: "Not found" } });
    expect(text).not.toContain("model User");
  });

  it("maps Prisma P2002 (unique violation) to 409 without Prisma's text", async () => {
    const res = errorResponse(prismaError("P2002", "Unique constraint failed on the fields: (`email`)"));
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "conflict", message: "That already exists" } });
    expect(text).not.toContain("email");
  });

  it("answers an unknown error with a generic 500 and a request id, leaking nothing and logging the details", async () => {
    const logged = vi.spyOn(logger, "error");
    const internal = new Error('relation "secret_table" does not exist at /srv/app/lib/db.ts:42 password=hunter2');
    const res = errorResponse(internal);
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.error.code).toBe("internal");
    expect(body.error.message).toBe("Something went wrong");
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    for (const secret of ["secret_table", "/srv/app", "hunter2", "stack", "Error"]) expect(text).not.toContain(secret);
    // The details go to the log, under the same request id, for whoever investigates.
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: body.error.requestId, err: expect.objectContaining({ message: internal.message }) }),
      "unhandled error",
    );
  });

  it("answers non-Error throwables with a generic 500 too", async () => {
    for (const thrown of ["a string", 42, null, undefined, { some: "object" }]) {
      const res = errorResponse(thrown);
      expect(res.status).toBe(500);
      expect((await bodyOf(res)).error.message).toBe("Something went wrong");
    }
  });

  it("gives every 500 its own request id", async () => {
    const a = await bodyOf(errorResponse(new Error("a")));
    const b = await bodyOf(errorResponse(new Error("b")));
    expect(a.error.requestId).not.toBe(b.error.requestId);
  });

  it("answers a refused database connection with 503 and Retry-After, without the address", async () => {
    // A real ECONNREFUSED from the pg driver: connect to a port nothing listens on.
    const port = await closedPort();
    const client = new pg.Client({ host: "127.0.0.1", port, user: "x", database: "x", connectionTimeoutMillis: 2000 });
    const refused = await client.connect().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).not.toBeNull();
    const res = errorResponse(refused);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("unavailable");
    expect(text).not.toContain(String(port));
  });

  it.each([
    ["a wrapped ECONNREFUSED cause", new Error("query failed", { cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:5432"), { code: "ECONNREFUSED" }) })],
    ["Prisma P1001 (cannot reach database server)", prismaError("P1001")],
    ["a driver adapter DatabaseNotReachable error", Object.assign(new Error("adapter error"), { cause: { kind: "DatabaseNotReachable" } })],
    ["a terminated connection", new Error("Connection terminated unexpectedly")],
  ])("recognises %s as the database being unavailable", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(errorResponse(error).status).toBe(503);
  });

  it("does not mistake ordinary errors for an unavailable database", () => {
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(prismaError("P2002"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

function closedPort() {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
