import { expect, test, type Page } from "@playwright/test";
import { E2E_TWILIO, E2E_WHATSAPP } from "./global-setup";

// An owner connects a WhatsApp Cloud API number through Settings → Channels. The app checks the
// credentials live against the fake Graph API started by global-setup.ts, then shows what to
// paste into Meta's console; the Twilio form refuses a sender that is not E.164.
const password = "correct horse battery staple";

async function signUp(page: Page, { name, email, workspace }: { name: string; email: string; workspace: string }) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/[a-z0-9-]+\/inbox$/);
}

test("an owner connects WhatsApp Cloud API and sees the callback URL, the verify token and a healthy channel", async ({ page, request }) => {
  await signUp(page, { name: "Cora Connect", email: `owner-${Date.now()}@example.com`, workspace: "Cora Bakery" });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Channels" }).click();
  await expect(page).toHaveURL(/\/settings\/channels$/);

  // The built-in Sandbox is there from the start.
  const channels = page.getByRole("list", { name: "Channels" });
  await expect(channels.getByRole("article", { name: "Sandbox" })).toContainText("Connected");
  await expect(page.getByRole("link", { name: "Connect Instagram" })).toHaveAttribute("href", /\/api\/oauth\/instagram\/start\?workspace=cora-bakery/);

  await page.getByRole("button", { name: "Connect WhatsApp (Cloud API)" }).click();
  const form = page.getByRole("form", { name: "Connect WhatsApp Cloud API" });
  await form.getByLabel("Phone number ID").fill(E2E_WHATSAPP.phoneNumberId);
  await form.getByLabel("WhatsApp Business Account ID").fill(E2E_WHATSAPP.wabaId);
  await expect(form.getByLabel("Access token")).toHaveAttribute("type", "password");
  await form.getByLabel("Access token").fill(E2E_WHATSAPP.accessToken);
  await form.getByLabel("App secret").fill(E2E_WHATSAPP.appSecret);
  await form.getByRole("button", { name: "Check and connect" }).click();

  const setup = page.getByTestId("setup-panel");
  await expect(setup.getByRole("heading", { name: "E2E Bakery (+1 555-019-0001) is connected" })).toBeVisible();
  await expect(setup).toContainText("2 message templates synced");
  const callbackUrl = await page.getByTestId("callback-url").inputValue();
  expect(callbackUrl).toMatch(/^http:\/\/localhost:\d+\/api\/webhooks\/whatsapp\/[\w-]+$/);
  const verifyToken = await page.getByTestId("verify-token").inputValue();
  expect(verifyToken.length).toBeGreaterThanOrEqual(32);
  await expect(setup.getByRole("listitem")).toHaveCount(3);
  await expect(setup.getByRole("button", { name: "Copy callback url" })).toBeVisible();
  await expect(setup.getByRole("button", { name: "Copy verify token" })).toBeVisible();

  // What Meta does with those two values: the subscription check answers the challenge.
  const challenge = await request.get(`${callbackUrl}?${new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": verifyToken, "hub.challenge": "4242" })}`);
  expect(challenge.status()).toBe(200);
  expect(await challenge.text()).toBe("4242");

  const card = channels.getByRole("article", { name: "E2E Bakery (+1 555-019-0001)" });
  await expect(card).toContainText("Connected");
  await expect(card).toContainText("WhatsApp Cloud API");
  await expect(card).toContainText("+1 555-019-0001");
  // The token never reaches the page.
  expect(await page.content()).not.toContain(E2E_WHATSAPP.accessToken);

  // The channel page: masked credentials and the synced templates.
  await card.getByRole("link", { name: "Details of E2E Bakery (+1 555-019-0001)" }).click();
  await expect(page).toHaveURL(/\/settings\/channels\/[\w-]+$/);
  await expect(page.getByRole("heading", { level: 2, name: "E2E Bakery (+1 555-019-0001)", exact: true })).toBeVisible();
  await expect(page.getByText("EAAG…def")).toBeVisible();
  const templates = page.getByRole("list", { name: "Message templates" });
  await expect(templates.getByRole("listitem")).toHaveCount(2);
  await expect(templates.getByRole("listitem").filter({ hasText: "order_confirmation" })).toContainText("Approved");
  await expect(templates.getByRole("listitem").filter({ hasText: "spring_sale" })).toContainText("Rejected");
  expect(await page.content()).not.toContain(E2E_WHATSAPP.accessToken);

  // Narrow phones: nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of [page.url(), page.url().replace(/\/[^/]+$/, "")]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 2 }).first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }
});

test("the Twilio form shows a field error for a sender that is not E.164", async ({ page }) => {
  await signUp(page, { name: "Tara Twilio", email: `twilio-${Date.now()}@example.com`, workspace: "Tara Tours" });
  await page.goto(page.url().replace(/\/inbox$/, "/settings/channels"));
  await page.getByRole("button", { name: "Connect Twilio WhatsApp" }).click();
  const form = page.getByRole("form", { name: "Connect Twilio WhatsApp" });
  await form.getByLabel("Account SID").fill(E2E_TWILIO.accountSid);
  await form.getByLabel("Auth Token").fill(E2E_TWILIO.authToken);
  await form.getByLabel("WhatsApp sender").fill("415 523 8886");
  await form.getByRole("button", { name: "Check and connect" }).click();
  await expect(form.getByText("WhatsApp sender must be an E.164 number with country code, like +14155238886")).toBeVisible();
  await expect(form.getByLabel("WhatsApp sender")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("WhatsApp sender")).toBeFocused();

  // Fixed, it connects; the setup panel names the two Twilio URLs.
  await form.getByLabel("WhatsApp sender").fill("+1 415 523 8886");
  await form.getByRole("button", { name: "Check and connect" }).click();
  await expect(page.getByTestId("inbound-url")).toHaveValue(/\/api\/webhooks\/twilio\/[\w-]+$/);
  await expect(page.getByTestId("status-callback-url")).toHaveValue(/\/api\/webhooks\/twilio\/[\w-]+\/status$/);
  await expect(page.getByRole("list", { name: "Channels" }).getByRole("article", { name: "Twilio +14155238886" })).toContainText("Connected");
});
