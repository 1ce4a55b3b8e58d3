// Calls route handler modules directly with real Requests: the same objects Next.js passes
// them, without a server. Nothing here mocks next/server or the database.
import { encode } from "next-auth/jwt";
import { uniqueIp } from "./ids";
import { TEST_BASE_URL } from "./test-env";

export type SessionSubject = { id: string; email: string; name: string };

/** The next-auth session cookie for a user, signed with the test NEXTAUTH_SECRET. */
export async function sessionCookie(user: SessionSubject) {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: is the integration setup file loaded?");
  const jwt = await encode({ token: { sub: user.id, email: user.email, name: user.name }, secret });
  return `next-auth.session-token=${jwt}`;
}

export type BuildRequestOptions = {
  method?: string;
  /** Signed-in user (session cookie). */
  as?: SessionSubject;
  /** Workspace API key (Authorization: Bearer). */
  apiKey?: string;
  /** Serialised as JSON with Content-Type: application/json. */
  json?: unknown;
  /** A raw body; set the content type yourself in headers. */
  body?: BodyInit;
  headers?: Record<string, string>;
};

export async function buildRequest(path: string, { method = "GET", as, apiKey, json, body, headers = {} }: BuildRequestOptions = {}) {
  const allHeaders = new Headers({ "x-forwarded-for": uniqueIp() });
  if (as) allHeaders.set("cookie", await sessionCookie(as));
  if (apiKey) allHeaders.set("authorization", `Bearer ${apiKey}`);
  let requestBody = body;
  if (json !== undefined) {
    allHeaders.set("content-type", "application/json");
    requestBody = JSON.stringify(json);
  }
  for (const [name, value] of Object.entries(headers)) allHeaders.set(name, value);
  const init: RequestInit & { duplex?: "half" } = { method, headers: allHeaders, body: requestBody };
  if (requestBody instanceof ReadableStream) init.duplex = "half";
  return new Request(new URL(path, TEST_BASE_URL), init);
}

// What a Next 16 route module exports: (req, { params: Promise<...> }) => Response.
export type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export type CallOptions = BuildRequestOptions & { params?: Record<string, string | string[]> };

/** Builds the Request, calls the handler as Next.js would, and returns the Response. */
export async function call(handler: RouteHandler, path: string, { params = {}, ...options }: CallOptions = {}) {
  const req = await buildRequest(path, options);
  return handler(req, { params: Promise.resolve(params) });
}

/** The response body as JSON (null for an empty body), keeping the status at hand. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index freely into bodies
export async function readJson<T = any>(res: Response): Promise<T> {
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}
