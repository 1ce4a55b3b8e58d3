import { describe, expect, it } from "vitest";
import { getEnv } from "@/lib/env";

const KEY = Buffer.alloc(32, 7).toString("base64");

const valid = {
  DATABASE_URL: "postgresql://user:pass@db.example.com:5432/switchboard",
  NEXTAUTH_SECRET: "x".repeat(32),
  NEXTAUTH_URL: "https://inbox.example.com",
  ENCRYPTION_KEY: KEY,
};

function without(name: string) {
  const source: Record<string, string | undefined> = { ...valid };
  delete source[name];
  return source;
}

function errorOf(source: Record<string, string | undefined>): string {
  try {
    getEnv(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("getEnv accepted an invalid configuration");
}

describe("getEnv", () => {
  it("accepts a complete configuration and fills in the defaults", () => {
    const env = getEnv({ ...valid });
    expect(env).toMatchObject({
      DATABASE_URL: valid.DATABASE_URL,
      NEXTAUTH_SECRET: valid.NEXTAUTH_SECRET,
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      INVITE_TTL_HOURS: 72,
    });
  });

  it("accepts the postgres:// scheme too and coerces INVITE_TTL_HOURS to a number", () => {
    const env = getEnv({ ...valid, DATABASE_URL: "postgres://localhost/db", INVITE_TTL_HOURS: "24" });
    expect(env.INVITE_TTL_HOURS).toBe(24);
  });

  it.each(["DATABASE_URL", "NEXTAUTH_SECRET", "ENCRYPTION_KEY"])("names %s in the error when it is missing", (name) => {
    const message = errorOf(without(name));
    expect(message).toContain("Invalid environment configuration");
    expect(message).toMatch(new RegExp(`- ${name}: is required`));
  });

  it("names every missing variable in one error, not just the first", () => {
    const message = errorOf({});
    for (const name of ["DATABASE_URL", "NEXTAUTH_SECRET", "ENCRYPTION_KEY"]) expect(message).toContain(`- ${name}:`);
  });

  it.each([
    ["DATABASE_URL", "mysql://root@localhost/db", "must be a postgresql:// connection URL"],
    ["DATABASE_URL", "localhost:5432", "must be a postgresql:// connection URL"],
    ["NEXTAUTH_SECRET", "short-secret", "must be at least 32 characters"],
    ["NEXTAUTH_URL", "not a url", "must be the public base URL"],
    ["ENCRYPTION_KEY", Buffer.alloc(16).toString("base64"), "must be 32 random bytes"],
    ["ENCRYPTION_KEY_PREVIOUS", "too-short", "must be 32 random bytes"],
    ["LOG_LEVEL", "verbose", ""],
    ["NODE_ENV", "staging", ""],
    ["INVITE_TTL_HOURS", "1.5", "must be a whole number of hours"],
    ["INVITE_TTL_HOURS", "0", ""],
    ["INVITE_TTL_HOURS", "721", ""],
    ["INVITE_TTL_HOURS", "soon", ""],
    ["GRAPH_API_URL", "graph.facebook.com", "must be a URL"],
    ["GRAPH_API_VERSION", "24", "must look like v24.0"],
    ["TWILIO_API_URL", "twilio", "must be a URL"],
    ["TWILIO_CONTENT_API_URL", "content", "must be a URL"],
    ["META_APP_SECRET", "short", "must be the Meta app secret"],
    ["META_VERIFY_TOKEN", "short", "must be at least 16 characters"],
    ["RUN_WORKERS", "yes", "must be true or false"],
  ])("names %s in the error when it is %j", (name, value, hint) => {
    const message = errorOf({ ...valid, [name]: value });
    expect(message).toContain(`- ${name}: ${hint}`);
    // Only the bad variable is reported.
    expect(message.trim().split("\n")).toHaveLength(2);
  });

  it("never echoes a secret's value in the error", () => {
    const message = errorOf({ ...valid, NEXTAUTH_SECRET: "my-short-secret-value" });
    expect(message).not.toContain("my-short-secret-value");
  });
});
