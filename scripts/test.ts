// `npm test`: unit + integration tests (vitest, real database), then end-to-end tests in
// Chromium (Playwright against the production build). Without Chromium the browser tests are
// skipped with instructions, which fails the run only under CI=true.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const isCi = process.env.CI === "true" || process.env.CI === "1";

function step(title: string, command: string, args: string[]) {
  console.log(`\n[test] ${title}`);
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, env: process.env });
  return result.status ?? 1;
}

let failed = step("unit and integration tests (vitest)", bin("vitest"), ["run"]) !== 0;

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `\n[test] Chromium was not found at ${chromium}: the end-to-end tests were NOT run.\n` +
      "[test] Install it with: sudo apt-get update && sudo apt-get install -y chromium\n" +
      "[test] (or point CHROMIUM_PATH at a Chromium/Chrome binary).",
  );
  if (isCi) failed = true;
} else {
  failed = step("end-to-end tests (Playwright + Chromium)", bin("playwright"), ["test"]) !== 0 || failed;
}

console.log(failed ? "\n[test] FAILED" : "\n[test] all test suites passed");
process.exit(failed ? 1 : 0);
