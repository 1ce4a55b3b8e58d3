import { createHmac, randomInt } from "node:crypto";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import type { FakeTemplate } from "../../fakes/fake-providers";
import { E2E_WHATSAPP } from "../global-setup";
import { registerFakePhoneNumber, setFakeTemplates } from "./fake-control";

// Helpers for the inbox journeys: sign up, connect a WhatsApp Cloud number of their own against
// the fake Graph API, and post signed webhooks the way Meta does.

const PASSWORD = "inbox journey passphrase 42";

/** Signs up a new owner with a new workspace; resolves with the workspace slug. */
export async function signUp(page: Page, { name, workspace }: { name: string; workspace: string }): Promise<string> {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(`${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}-${randomInt(1e6)}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/[a-z0-9-]+\/inbox$/);
  return new URL(page.url()).pathname.split("/")[1];
}

/** 15 random digits, like Meta's ids. */
export function randomMetaId(): string {
  return `${randomInt(1, 10)}${Array.from({ length: 14 }, () => randomInt(0, 10)).join("")}`;
}

export type ConnectedWhatsApp = { channelId: string; phoneNumberId: string; wabaId: string; appSecret: string; name: string };

/**
 * Connects a WhatsApp Cloud number that only this test uses (registered on the fake first), via
 * the same API the Settings form calls. `templates` are what the fake lists for its WABA.
 */
export async function connectWhatsApp(page: Page, { slug, templates = [] }: { slug: string; templates?: FakeTemplate[] }): Promise<ConnectedWhatsApp> {
  const phoneNumberId = randomMetaId();
  const wabaId = randomMetaId();
  const name = `E2E Shop ${phoneNumberId.slice(-4)}`;
  await registerFakePhoneNumber({ id: phoneNumberId, displayPhoneNumber: `+1 555-01${phoneNumberId.slice(-5)}`, verifiedName: name });
  await setFakeTemplates(wabaId, templates);
  const response = await page.request.post("/api/channels/whatsapp", {
    headers: { "X-Workspace": slug },
    data: { phoneNumberId, wabaId, accessToken: E2E_WHATSAPP.accessToken, appSecret: E2E_WHATSAPP.appSecret, name },
  });
  expect(response.status(), await response.text()).toBe(201);
  const body = (await response.json()) as { channel: { id: string } };
  return { channelId: body.channel.id, phoneNumberId, wabaId, appSecret: E2E_WHATSAPP.appSecret, name };
}

type Envelope = { phoneNumberId: string; wabaId: string };

/** A WhatsApp Cloud API `messages` webhook with one text message from a customer. */
export function whatsAppTextWebhook({ phoneNumberId, wabaId, from, name, text, at = new Date() }: Envelope & { from: string; name: string; text: string; at?: Date }) {
  return envelope({
    phoneNumberId,
    wabaId,
    value: {
      contacts: [{ profile: { name }, wa_id: from }],
      messages: [{ from, id: `wamid.e2e${randomMetaId()}`, timestamp: String(Math.floor(at.getTime() / 1000)), type: "text", text: { body: text } }],
    },
  });
}

/** A WhatsApp Cloud API `statuses` webhook for one outbound message. */
export function whatsAppStatusWebhook({ phoneNumberId, wabaId, wamid, status, recipient }: Envelope & { wamid: string; status: "sent" | "delivered" | "read"; recipient: string }) {
  return envelope({
    phoneNumberId,
    wabaId,
    value: { statuses: [{ id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient }] },
  });
}

function envelope({ phoneNumberId, wabaId, value }: Envelope & { value: Record<string, unknown> }) {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: wabaId, changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550100000", phone_number_id: phoneNumberId }, ...value } }] }],
  };
}

/** POSTs a webhook body to the channel's endpoint, signed with its app secret (X-Hub-Signature-256). */
export async function postWhatsAppWebhook(request: APIRequestContext, { channelId, appSecret, payload }: { channelId: string; appSecret: string; payload: unknown }) {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
  const response = await request.post(`/api/webhooks/whatsapp/${channelId}`, { headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature }, data: body });
  expect(response.status(), await response.text()).toBe(200);
}

/** Sends a customer message to the workspace's Sandbox channel (the simulator's API). */
export async function sendSandboxMessage(page: Page, { slug, name, text }: { slug: string; name: string; text: string }) {
  const response = await page.request.post("/api/sandbox/messages", { headers: { "X-Workspace": slug }, data: { contactName: name, text } });
  expect(response.status(), await response.text()).toBe(202);
}
