import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { E2E_META_APP } from "./tests/e2e/global-setup";

// Browsers cannot be downloaded here: Playwright drives Debian's Chromium.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const port = Number(process.env.E2E_PORT ?? 3210);
// The fake Graph API / Twilio server started by tests/e2e/global-setup.ts; derived from the app
// port so parallel runs on different E2E_PORTs do not collide (3210 → 3499).
const fakePort = Number(process.env.E2E_FAKE_PORT ?? port + 289);
process.env.E2E_FAKE_PORT = String(fakePort);
const embeddedDbPort = Number(process.env.E2E_DB_PORT ?? port + 292);
process.env.E2E_DB_PORT = String(embeddedDbPort);
// A fresh embedded database per run keeps the journeys independent of earlier runs.
const dataDir = process.env.E2E_DB_DIR ?? path.join(mkdtempSync(path.join(tmpdir(), "switchboard-e2e-")), "pglite");
process.env.E2E_DB_DIR = dataDir;

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    // Like `npm start`: node --import tsx, so signals reach start.ts without the tsx CLI's relay.
    command: "node --import tsx scripts/start.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 420_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: {
      PORT: String(port),
      EMBEDDED_DB_DIR: dataDir,
      NEXTAUTH_SECRET: "e2e-secret-that-is-long-enough-0123456789",
      NEXTAUTH_URL: `http://localhost:${port}`,
      LOG_LEVEL: "warn",
      // Every journey signs up its own workspace from 127.0.0.1: more than the default 20 per hour.
      SIGNUP_RATE_LIMIT_PER_HOUR: "1000",
      GRAPH_API_URL: `http://127.0.0.1:${fakePort}/graph`,
      TWILIO_API_URL: `http://127.0.0.1:${fakePort}/twilio`,
      TWILIO_CONTENT_API_URL: `http://127.0.0.1:${fakePort}/twilio-content`,
      // A known port for the embedded database, so a journey can seed what no API can (a
      // Twilio conversation older than 24 h: Twilio webhooks carry no time).
      EMBEDDED_DB_PORT: String(embeddedDbPort),
      // "Connect Instagram": the platform's Meta app and the Facebook Login dialog, both on the fake.
      META_APP_ID: E2E_META_APP.appId,
      META_APP_SECRET: E2E_META_APP.appSecret,
      FACEBOOK_DIALOG_URL: `http://127.0.0.1:${fakePort}/facebook`,
    },
  },
});
