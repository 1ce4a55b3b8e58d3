import pino from "pino";

// Secrets never reach the logs: credentials, tokens and auth headers are redacted wherever
// they appear in a logged object.
const redactPaths = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "secret",
  "*.secret",
  "appSecret",
  "*.appSecret",
  "authToken",
  "*.authToken",
  "apiKey",
  "*.apiKey",
  "key",
  "*.key",
  "credentials",
  "*.credentials",
  "credentialsEncrypted",
  "*.credentialsEncrypted",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
];

export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: "switchboard" },
  redact: { paths: redactPaths, censor: "[redacted]" },
  timestamp: pino.stdTimeFunctions.isoTime,
});
