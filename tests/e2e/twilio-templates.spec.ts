import { randomBytes, randomInt } from "node:crypto";
import { expect, test } from "@playwright/test";
import { Client } from "pg";
import { signTwilioRequest, twilioInboundParams } from "../../lib/simulate/payloads";
import type { FakeTwilioContent } from "../fakes/fake-providers";
import { E2E_TWILIO } from "./global-setup";
import { fakeRequests, setFakeTwilioContents } from "./support/fake-control";
import { signUp } from "./support/inbox-helpers";

// Twilio WhatsApp Content templates (issue: templates on Twilio): the owner syncs the account's
// Content templates on the channel page, and an agent answers a customer whose 24-hour window
// closed by picking the approved template, filling its variable and sending it: Twilio receives
// the Content SID with ContentVariables, the thread shows the template's friendly name.

const ORDER_SID = `HX${randomBytes(16).toString("hex")}`;
const CONTENTS: FakeTwilioContent[] = [
  {
    sid: ORDER_SID,
    friendly_name: "order_ready",
    language: "en",
    variables: { 1: "Ana" },
    types: { "twilio/text": { body: "Hi {{1}}, your order is ready for pickup" } },
    approval_requests: { name: "order_ready", category: "UTILITY", content_type: "twilio/text", status: "approved", rejection_reason: "", allow_category_change: true },
  },
  {
    sid: `HX${randomBytes(16).toString("hex")}`,
    friendly_name: "winter_promo",
    language: "en",
    types: { "twilio/text": { body: "Winter sale!" } },
    approval_requests: { name: "winter_promo", category: "MARKETING", content_type: "twilio/text", status: "rejected", rejection_reason: "Promotional", allow_category_change: true },
  },
];

/** The app's embedded database (playwright.config.ts gives it a known port). */
async function withDatabase<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${process.env.E2E_DB_PORT}/postgres?sslmode=disable` });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

test("sync a Twilio sender's Content templates, then answer after 24 h with the approved one", async ({ page, request, baseURL }) => {
  const slug = await signUp(page, { name: "Tilda Twilio", workspace: "Twilio Templates Co" });
  const sender = `+1415${randomInt(1_000_000, 9_999_999)}`;
  // Nothing in the account yet: the connect's own sync finds no template.
  await setFakeTwilioContents(E2E_TWILIO.accountSid, []);
  const connected = await page.request.post("/api/channels/twilio", { headers: { "X-Workspace": slug }, data: { ...E2E_TWILIO, sender, name: "Twilio Pickup" } });
  expect(connected.status(), await connected.text()).toBe(201);
  const { channel } = (await connected.json()) as { channel: { id: string } };

  // Templates created in Twilio's console since: "Sync templates" on the channel page.
  await setFakeTwilioContents(E2E_TWILIO.accountSid, CONTENTS);
  await page.goto(`/${slug}/settings/channels/${channel.id}`);
  await expect(page.getByRole("heading", { level: 2, name: "Twilio Pickup", exact: true })).toBeVisible();
  await expect(page.getByText("No templates yet")).toBeVisible();
  await page.getByRole("button", { name: "Sync templates" }).click();
  await expect(page.getByText("2 templates synced")).toBeVisible();
  const templates = page.getByRole("list", { name: "Message templates" });
  await expect(templates.getByRole("listitem").filter({ hasText: "order_ready" })).toContainText("Approved");
  await expect(templates.getByRole("listitem").filter({ hasText: "winter_promo" })).toContainText("Rejected");
  await expect(templates.getByRole("listitem").filter({ hasText: "winter_promo" })).toContainText("Promotional");

  // A customer writes (a signed Twilio webhook)…
  const customer = `+1555${randomInt(1_000_000, 9_999_999)}`;
  const text = `Is my order ready? ${Date.now()}`;
  const url = `${baseURL}/api/webhooks/twilio/${channel.id}`;
  const params = twilioInboundParams({ accountSid: E2E_TWILIO.accountSid, sender, from: customer, name: "Olaf Old", body: text });
  const webhook = await request.post(url, { form: params, headers: { "X-Twilio-Signature": signTwilioRequest(url, params, E2E_TWILIO.authToken) } });
  expect(webhook.status()).toBe(200);
  await page.goto(`/${slug}/inbox`);
  const row = page.getByTestId("conversation-row").filter({ hasText: text });
  await expect(row).toBeVisible({ timeout: 15_000 });

  // …and a day and more passes (Twilio webhooks carry no time, so the clock is moved in the database).
  await withDatabase((client) =>
    client.query(`UPDATE "Conversation" SET "lastInboundAt" = now() - interval '25 hours' WHERE "channelId" = $1`, [channel.id]),
  );
  await page.reload();
  await expect(row).toContainText("Window closed");
  await row.click();

  const pane = page.getByRole("region", { name: "Conversation with Olaf Old" });
  await expect(pane.getByTestId("composer")).toHaveAttribute("data-mode", "template_only");
  const form = pane.getByRole("form", { name: "Send a template" });
  // Only the approved content is offered.
  await expect(form.getByLabel("Template").locator("option")).toHaveCount(1);
  await expect(form.getByLabel("Template")).toHaveValue("order_ready|en");
  await expect(form.getByTestId("template-preview")).toHaveText("Hi {{1}}, your order is ready for pickup");
  await form.getByRole("button", { name: "Send template" }).click();
  await expect(form.getByRole("alert")).toContainText("Fill in {{1}}");
  await form.getByLabel("Variable {{1}}").fill("Olaf");
  await expect(form.getByTestId("template-preview")).toHaveText("Hi Olaf, your order is ready for pickup");
  await form.getByRole("button", { name: "Send template" }).click();

  const bubble = pane.getByTestId("message").filter({ hasText: "Hi Olaf, your order is ready for pickup" });
  await expect(bubble).toHaveAttribute("data-direction", "outbound");
  await expect(bubble).toHaveAttribute("data-status", "sent");
  // The thread names the template by its friendly name, also as stored (after a reload), never by its SID.
  await page.reload();
  const stored = page.getByRole("region", { name: "Conversation with Olaf Old" }).getByTestId("message").filter({ hasText: "Hi Olaf, your order is ready for pickup" });
  await expect(stored).toContainText("Template order_ready (en)");
  await expect(stored).not.toContainText(ORDER_SID);

  // Twilio received exactly one message: the Content SID and the variable by its placeholder.
  const sends = async () =>
    (await fakeRequests()).filter(
      (summary) => summary.provider === "twilio" && summary.method === "POST" && (summary.body as { To?: string } | null)?.To === `whatsapp:${customer}`,
    );
  await expect.poll(async () => (await sends()).length).toBe(1);
  const [send] = await sends();
  expect(send.body).toMatchObject({ From: `whatsapp:${sender}`, ContentSid: ORDER_SID, ContentVariables: JSON.stringify({ 1: "Olaf" }) });
  expect(send.body).not.toHaveProperty("Body");
});
