// `npm run simulate -- <channel> <kind> [--options]`: sends correctly signed webhooks to a
// running Switchboard, for manual testing and demos. Run without arguments for help.
import { parseArgs } from "node:util";
import {
  instagramCommentPayload, instagramTextPayload, signMetaBody, signTwilioRequest, twilioInboundParams, twilioStatusParams,
  whatsAppImagePayload, whatsAppStatusPayload, whatsAppTextPayload,
} from "../lib/simulate/payloads";

const HELP = `Usage: npm run simulate -- <channel> <kind> [options]

  whatsapp text|image|status   --channel-id ID --app-secret S --phone-number-id P [--waba-id W] [--from 15551234567] [--text "..."]
                               status: --message-id wamid... --status sent|delivered|read|failed
  instagram text|comment       --app-secret S (META_APP_SECRET) --account-id IG_ACCOUNT_ID [--from IGSID] [--text "..."]
  twilio text|status           --channel-id ID --auth-token T --account-sid AC... --sender +14155238886 [--from +15551234567]
                               status: --message-id SM... --status sent|delivered|read|failed
  sandbox text                 --api-key sb_live_... [--name "Ada"] [--text "..."]

Common: --url http://localhost:3000 (default $SWITCHBOARD_URL or http://localhost:3000)
Prints the HTTP status and response body. Exit code 1 when the app did not answer 2xx.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: process.env.SWITCHBOARD_URL ?? "http://localhost:3000" },
    "channel-id": { type: "string" }, "app-secret": { type: "string" }, "phone-number-id": { type: "string" },
    "waba-id": { type: "string", default: "102290129340398" }, from: { type: "string" }, text: { type: "string" },
    name: { type: "string", default: "Test Customer" }, "account-id": { type: "string" }, "auth-token": { type: "string" },
    "account-sid": { type: "string" }, sender: { type: "string" }, "message-id": { type: "string" }, status: { type: "string" },
    "api-key": { type: "string" }, help: { type: "boolean" },
  },
});

const [channel, kind] = positionals;
if (values.help || !channel || !kind) {
  console.log(HELP);
  process.exit(channel ? 1 : 0);
}

function need(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") {
    console.error(`missing --${name}\n\n${HELP}`);
    process.exit(2);
  }
  return value;
}

async function postJson(path: string, body: unknown, headers: Record<string, string>) {
  const raw = JSON.stringify(body);
  return fetch(new URL(path, values.url), { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: raw });
}

async function main(): Promise<Response> {
  const text = values.text ?? "Hello from the simulator";
  if (channel === "whatsapp") {
    const ids = { wabaId: values["waba-id"]!, phoneNumberId: need("phone-number-id") };
    const from = values.from ?? "16505551234";
    const payload =
      kind === "text" ? whatsAppTextPayload({ ...ids, from, name: values.name, text })
      : kind === "image" ? whatsAppImagePayload({ ...ids, from, name: values.name, caption: values.text })
      : kind === "status" ? whatsAppStatusPayload({ ...ids, messageId: need("message-id"), recipient: from, status: need("status") as "sent" })
      : null;
    if (!payload) throw new Error(`unknown whatsapp kind ${kind}`);
    const raw = JSON.stringify(payload);
    return fetch(new URL(`/api/webhooks/whatsapp/${need("channel-id")}`, values.url), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signMetaBody(raw, need("app-secret")) },
      body: raw,
    });
  }
  if (channel === "instagram") {
    const accountId = need("account-id");
    const from = values.from ?? "7051234567891234";
    const payload =
      kind === "text" ? instagramTextPayload({ accountId, from, text })
      : kind === "comment" ? instagramCommentPayload({ accountId, fromId: from, username: values.name!.replace(/\s+/g, ".").toLowerCase(), text })
      : null;
    if (!payload) throw new Error(`unknown instagram kind ${kind}`);
    const raw = JSON.stringify(payload);
    return fetch(new URL("/api/webhooks/instagram", values.url), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signMetaBody(raw, need("app-secret")) },
      body: raw,
    });
  }
  if (channel === "twilio") {
    const base = { accountSid: need("account-sid"), sender: need("sender") };
    const from = values.from ?? "+15551234567";
    const isStatus = kind === "status";
    const params = isStatus
      ? twilioStatusParams({ ...base, to: from, sid: need("message-id"), status: need("status") as "sent" })
      : twilioInboundParams({ ...base, from, name: values.name, body: text });
    const url = new URL(`/api/webhooks/twilio/${need("channel-id")}${isStatus ? "/status" : ""}`, values.url).toString();
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signTwilioRequest(url, params, need("auth-token")) },
      body: new URLSearchParams(params).toString(),
    });
  }
  if (channel === "sandbox" && kind === "text") {
    return postJson("/api/sandbox/messages", { contactName: values.name, text }, { Authorization: `Bearer ${need("api-key")}` });
  }
  throw new Error(`unknown channel/kind: ${channel} ${kind}`);
}

try {
  const res = await main();
  console.log(`${res.status} ${await res.text()}`);
  process.exit(res.ok ? 0 : 1);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
