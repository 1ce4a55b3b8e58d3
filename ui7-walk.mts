import { chromium } from "@playwright/test";
const base = "http://localhost:3400";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update","--disable-sync","--no-first-run"] });
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
page.on("console", (m) => { if (m.type() === "error") console.log("console error:", m.text()); });
await page.goto(base + "/signup");
await page.getByLabel("Your name").fill("Uma Tester");
await page.getByLabel("Email").fill(`uma-${Date.now()}@example.com`);
await page.getByLabel("Password").fill("a-very-good-passphrase-42");
await page.getByLabel("Workspace name").fill("UI Seven");
await page.getByRole("button", { name: "Create account" }).click();
await page.waitForURL(/\/inbox$/);
const slug = new URL(page.url()).pathname.split("/")[1];
console.log("slug", slug);
await page.getByRole("link", { name: "Sandbox" }).click();
await page.waitForURL(/\/sandbox$/);
await page.waitForTimeout(800);
await page.screenshot({ path: "/tmp/ui7-shots/01-sandbox-empty.png", fullPage: true });
const t0 = Date.now();
await page.getByRole("textbox", { name: "Message" }).fill("Hi! Do you ship to Lisbon?");
await page.getByRole("textbox", { name: "Message" }).press("Enter");
await page.getByTestId("sandbox-thread").getByTestId("message").first().waitFor({ timeout: 8000 });
console.log("first message visible after", Date.now() - t0, "ms");
for (const text of ["And how long does it take?", "Line one\nline two <b>not bold</b>"]) {
  const t = Date.now();
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send as customer" }).click();
  const n = await page.getByTestId("message").count();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length > n, n, { timeout: 8000 });
  console.log("message visible after", Date.now() - t, "ms");
}
// another customer
await page.getByLabel("Customer name").fill("Grace Hopper");
await page.getByRole("textbox", { name: "Message" }).fill("Hello from Grace");
await page.getByRole("textbox", { name: "Message" }).press("Enter");
await page.getByText("Hello from Grace").first().waitFor({ timeout: 8000 });
await page.waitForTimeout(3500);
await page.screenshot({ path: "/tmp/ui7-shots/02-sandbox-thread.png", fullPage: true });
// empty submit error
await page.getByRole("textbox", { name: "Message" }).fill("");
await page.getByRole("button", { name: "Send as customer" }).click();
await page.screenshot({ path: "/tmp/ui7-shots/03-sandbox-error.png" });
// trace
await page.getByRole("button", { name: /Simulated|Ada Lovelace/ }).first().click().catch(() => {});
await page.getByTestId("message").last().getByRole("button", { name: /Trace/ }).click();
await page.getByTestId("trace-step").first().waitFor();
await page.screenshot({ path: "/tmp/ui7-shots/04-trace.png" });
console.log("steps:", await page.getByTestId("trace-step").allInnerTexts());
await page.keyboard.press("Escape");
// webhooks
await page.goto(`${base}/${slug}/settings/webhooks`);
await page.getByTestId("webhook-row").first().waitFor();
await page.getByTestId("webhook-row").first().click();
await page.waitForTimeout(300);
await page.screenshot({ path: "/tmp/ui7-shots/05-webhooks.png", fullPage: true });
await page.getByRole("button", { name: "Failed" }).click();
await page.waitForTimeout(1000);
await page.screenshot({ path: "/tmp/ui7-shots/06-webhooks-failed.png" });
await page.getByRole("button", { name: /^All/ }).click();
await page.getByTestId("webhook-row").first().getByRole("button", { name: "Replay" }).click().catch(async () => {
  await page.getByTestId("webhook-row").first().click();
  await page.getByRole("button", { name: "Replay" }).first().click();
});
await page.waitForTimeout(1500);
await page.screenshot({ path: "/tmp/ui7-shots/07-webhooks-replayed.png" });

// phone
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await ctx.storageState(), isMobile: true, hasTouch: true });
const p2 = await phone.newPage();
await p2.goto(`${base}/${slug}/sandbox`);
await p2.getByTestId("message").first().waitFor();
await p2.waitForTimeout(500);
await p2.screenshot({ path: "/tmp/ui7-shots/11-phone-sandbox.png", fullPage: true });
await p2.getByTestId("message").first().getByRole("button", { name: /Trace/ }).click();
await p2.getByTestId("trace-step").first().waitFor();
await p2.screenshot({ path: "/tmp/ui7-shots/12-phone-trace.png" });
await p2.goto(`${base}/${slug}/settings/webhooks`);
await p2.getByTestId("webhook-row").first().waitFor();
await p2.getByTestId("webhook-row").first().click();
await p2.waitForTimeout(300);
await p2.screenshot({ path: "/tmp/ui7-shots/13-phone-webhooks.png", fullPage: true });
await browser.close();
