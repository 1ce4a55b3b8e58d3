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
  ENCRYPTION_KEY: z
    .string({ error: "is required: 32 random bytes, base64 (openssl rand -base64 32)" })
    .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 random bytes, base64-encoded"),
  ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 random bytes, base64-encoded")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GRAPH_API_URL: z.url("must be a URL, e.g. https://graph.facebook.com").default("https://graph.facebook.com"),
  GRAPH_API_VERSION: z.string().regex(/^v\d+\.\d+$/, "must look like v24.0").default("v24.0"),
  TWILIO_API_URL: z.url("must be a URL, e.g. https://api.twilio.com").default("https://api.twilio.com"),
  TWILIO_CONTENT_API_URL: z.url("must be a URL, e.g. https://content.twilio.com").default("https://content.twilio.com"),
  META_APP_ID: z.string().regex(/^\d{5,25}$/, "must be the numeric Meta App ID (App settings → Basic)").optional(),
  META_APP_SECRET: z.string().min(16, "must be the Meta app secret (App settings → Basic)").optional(),
  META_LOGIN_CONFIG_ID: z.string().regex(/^\d{5,25}$/, "must be the numeric configuration ID (Facebook Login for Business → Configurations)").optional(),
  FACEBOOK_DIALOG_URL: z.url("must be a URL, e.g. https://www.facebook.com").default("https://www.facebook.com"),
  META_VERIFY_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  RUN_WORKERS: z.enum(["true", "false"], { error: "must be true or false" }).default("true"),
  /** How long job workers may finish what they hold when told to stop (lib/ops/on-shutdown-signal.ts). */
  JOBS_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int("must be a whole number of seconds").min(1).max(300).optional(),
  /** Webhook deliveries a worker processes per batch (lib/jobs/registry.ts). */
  WEBHOOK_JOB_BATCH_SIZE: z.coerce.number().int("must be a whole number").min(1).max(1000).optional(),
  /** pg-boss's schema (lib/jobs/boss.ts). */
  JOBS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier").optional(),
  CRON_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** Fetch attachment URLs on private/loopback addresses; unset = only outside production (lib/attachments/fetch-remote-file.ts). */
  ATTACHMENT_FETCH_ALLOW_PRIVATE: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
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
