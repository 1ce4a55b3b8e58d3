// START / resubscribe (issue 6): a contact who opted out with STOP and later writes START (or
// UNSTOP, SUBSCRIBE… in any case, with accents or punctuation) is opted back in, gets one
// confirmation through the normal send rules, and the activity log says so. Signed webhooks
// through the real pipeline against the fake Graph API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { FakeProviders } from "@/tests/fakes/fake-providers";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { postWhatsApp, randomDigits, type TestChannel } from "../helpers/channels";
import { discardWaitingJobs } from "../helpers/jobs";
import { discardAutomationJobs, drainChannel, publishTestFlow, setUpWhatsAppWorkspace, whatsAppTextsTo, type WhatsAppWorkspace } from "./flows-runner-support";

let world: WhatsAppWorkspace;
let fake: FakeProviders;
let workspaceId: string;
let channel: TestChannel<WhatsAppCredentials>;

beforeAll(async () => {
  world = await setUpWhatsAppWorkspace({ label: "flows-opt-in" });
  ({ fake, workspaceId, channel } = world);
  await publishTestFlow({
    workspaceId,
    name: "Price",
    flow: { blocks: [{ id: "t", type: "keyword", data: { match: "contains", keywords: ["price"] } }, { id: "m", type: "send_message", data: { kind: "text", text: "It costs $10" } }], edges: [["t", "m"]] },
  });
  await publishTestFlow({
    workspaceId,
    name: "Start",
    flow: { blocks: [{ id: "t", type: "keyword", data: { match: "exact", keywords: ["start"] } }, { id: "m", type: "send_message", data: { kind: "text", text: "Let's begin!" } }], edges: [["t", "m"]] },
  });
});

afterAll(async () => {
  await discardAutomationJobs([workspaceId]);
  await discardWaitingJobs([workspaceId]);
  await world?.tearDown();
});

async function say(customer: string, text: string, body = whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: customer, name: "Ada Lovelace", text, id: newWamid() })) {
  expect((await postWhatsApp(channel, body)).status).toBe(200);
  return drainChannel({ workspaceId, channelId: channel.id });
}

const sentTo = (customer: string) => whatsAppTextsTo({ fake, phoneNumberId: channel.externalId, customer });

function contactOf(customer: string) {
  return prisma.contact.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: customer } } });
}

describe("START after STOP", () => {
  it("opts the contact back in with one confirmation, logged, and automations answer again", async () => {
    const customer = randomDigits(11);
    await say(customer, "price");
    await say(customer, "STOP");
    expect(sentTo(customer)).toEqual(["It costs $10", expect.stringContaining("unsubscribed")]);
    await say(customer, "price");
    expect(sentTo(customer)).toHaveLength(2);

    const start = whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: customer, name: "Ada Lovelace", text: "Start!", id: newWamid() });
    await say(customer, "Start!", start);
    const contact = await contactOf(customer);
    expect(contact).toMatchObject({ optedOut: false, optedOutAt: null });
    // The confirmation only: the "start" keyword flow does not run for the opt-in message itself.
    expect(sentTo(customer).slice(2)).toEqual([expect.stringContaining("subscribed again")]);

    const confirmation = await prisma.message.findFirstOrThrow({ where: { workspaceId, idempotencyKey: { startsWith: "optin:" }, conversation: { contactId: contact.id } }, include: { compliance: true } });
    expect(confirmation).toMatchObject({ direction: "outbound", senderType: "flow", isAutoReply: true, status: "sent" });
    expect(confirmation.compliance).toMatchObject({ rule: "inside_window", insideWindow: true, consent: "subscribed" });
    const logs = await prisma.automationLog.findMany({ where: { workspaceId, contactId: contact.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(logs.map((entry) => `${entry.kind}:${entry.result}`)).toEqual(expect.arrayContaining(["opt_out:ok", "opt_in:ok", "opt_in_confirmation:ok"]));
    expect(logs.find((entry) => entry.kind === "opt_in")?.detail).toMatchObject({ keyword: "start" });

    // A replay of the START delivery changes nothing; automations answer again.
    await say(customer, "Start!", start);
    expect(sentTo(customer)).toHaveLength(3);
    await say(customer, "price");
    expect(sentTo(customer).at(-1)).toBe("It costs $10");
  });

  it.each(["UNSTOP", "subscribe", "Subscribé.", "  opt in "])("accepts %j (case, accents and punctuation ignored)", async (text) => {
    const customer = randomDigits(11);
    await say(customer, "hello");
    await say(customer, "stop");
    expect((await contactOf(customer)).optedOut).toBe(true);
    await say(customer, text);
    expect((await contactOf(customer)).optedOut).toBe(false);
    expect(sentTo(customer)).toEqual([expect.stringContaining("unsubscribed"), expect.stringContaining("subscribed again")]);
  });

  it("is an ordinary message for a contact who never opted out (the START keyword flow answers)", async () => {
    const customer = randomDigits(11);
    await say(customer, "start");
    expect(sentTo(customer)).toEqual(["Let's begin!"]);
    const contact = await contactOf(customer);
    expect(await prisma.automationLog.count({ where: { workspaceId, contactId: contact.id, kind: "opt_in" } })).toBe(0);
  });

  it("opts back in but sends no confirmation into a blocked conversation (the send rules still apply)", async () => {
    const customer = randomDigits(11);
    await say(customer, "stop");
    const contact = await contactOf(customer);
    await prisma.conversation.updateMany({ where: { contactId: contact.id }, data: { status: "blocked" } });
    await say(customer, "START");
    expect((await contactOf(customer)).optedOut).toBe(false);
    expect(sentTo(customer)).toEqual([expect.stringContaining("unsubscribed")]);
    const skipped = await prisma.automationLog.findFirstOrThrow({ where: { workspaceId, contactId: contact.id, kind: "opt_in_confirmation" } });
    expect(skipped.result).toBe("skipped");
  });
});
