import { z } from "zod";

// Every variable the app reads, validated once. Mirrored in .env.example.
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string({ error: "is required (npm start sets it when it runs the embedded database)" })
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL"),
  NEXTAUTH_SECRET: z
    .string({ error: "is required: a random string of at least 32 characters (openssl rand -base64 32)" })
    .min(32, "must be at least 32 characters"),
  NEXTAUTH_URL: z.url("must be the public base URL of the app, e.g. https://inbox.example.com").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  INVITE_TTL_HOURS: z.coerce.number().int("must be a whole number of hours").min(1).max(720).default(72),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | null = null;

/** Returns the validated environment; throws one error naming every missing or bad variable. */
export function getEnv(source: Record<string, string | undefined> = process.env): Env {
  if (cached && source === process.env) return cached;
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  if (source === process.env) cached = result.data;
  return result.data;
}
