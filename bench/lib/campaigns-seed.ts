import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";
import type { FakeProviders } from "../../tests/fakes/fake-providers";
import { seedChannel, type BenchChannel } from "./seed";

// The tenant of one `npm run bench:campaigns` phase, written with plain SQL after the app applied
// its migrations (bench/lib/seed.ts gives the workspace and its WhatsApp Cloud channel):
// - Channel.settings.messagingLimit = "unlimited" (lib/campaigns/dispatch/messaging-limit.ts reads
//   it; unknown would be Meta's starting 250 and stop the campaign there);
// - one APPROVED template without variables, as a template sync stores it (MessageTemplate row)
//   and listed by the fake Graph API for the WABA too;
// - `recipients` contacts with a conversation each and no inbound message (outside the 24-hour
//   window: the template is the content, as for a real broadcast), in two set-based statements;
// - an admin API key (only its SHA-256 is stored, as lib/auth/api-keys.ts does), so the campaign
//   is created and launched through the REST API as an integration would.

export const TEMPLATE = { name: "bench_order_update", language: "en_US", text: "Your order has shipped. Reply STOP to opt out." };

export type CampaignTenant = BenchChannel & {
  apiKey: string;
  slug: string;
  /** Every recipient's WhatsApp id (the `to` of its send), in seeding order. */
  phones: string[];
};

export async function seedCampaignTenant(pool: pg.Pool, fake: FakeProviders, { recipients, firstPhone }: { recipients: number; firstPhone: number }): Promise<CampaignTenant> {
  const channel = await seedChannel(pool);
  fake.registerToken(channel.accessToken);
  fake.registerPhoneNumber({ id: channel.phoneNumberId });
  fake.setTemplates(channel.wabaId, [{ name: TEMPLATE.name, language: TEMPLATE.language, status: "APPROVED", category: "UTILITY", components: [{ type: "BODY", text: TEMPLATE.text }] }]);
  const suffix = channel.channelId.slice("bench-ch-".length);
  const { rows } = await pool.query<{ slug: string }>(`SELECT slug FROM "Workspace" WHERE id = $1`, [channel.workspaceId]);
  await pool.query(`UPDATE "Channel" SET settings = settings || '{"messagingLimit":"unlimited"}'::jsonb WHERE id = $1`, [channel.channelId]);
  await pool.query(
    `INSERT INTO "MessageTemplate" (id, "workspaceId", "channelId", "externalId", name, language, category, status, components, "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, 'UTILITY', 'APPROVED', $7::jsonb, now())`,
    [`bench-tpl-${suffix}`, channel.workspaceId, channel.channelId, String(900_000_000_000_000 + Math.floor(Math.random() * 1e12)), TEMPLATE.name, TEMPLATE.language, JSON.stringify([{ type: "BODY", text: TEMPLATE.text }])],
  );
  await pool.query(
    `INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", phone, "displayName", "updatedAt")
     SELECT 'bench-ct-' || $3 || '-' || g, $1, $2, ($4::bigint + g)::text, '+' || ($4::bigint + g)::text, 'Customer ' || g, now() FROM generate_series(0, $5::int - 1) AS g`,
    [channel.workspaceId, channel.channelId, suffix, firstPhone, recipients],
  );
  await pool.query(
    `INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", status, "lastMessageAt", "updatedAt")
     SELECT 'bench-cv-' || substr(c.id, 10), c."workspaceId", c."channelId", c.id, 'open', now() - interval '3 days', now() FROM "Contact" c WHERE c."channelId" = $1`,
    [channel.channelId],
  );
  const userId = `bench-user-${suffix}`;
  await pool.query(`INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") VALUES ($1, $2, 'Benchmark marketer', 'x', now())`, [userId, `marketer-${suffix}@bench.invalid`]);
  await pool.query(`INSERT INTO "Membership" (id, "workspaceId", "userId", role) VALUES ($1, $2, $3, 'admin')`, [`bench-m-${suffix}`, channel.workspaceId, userId]);
  const apiKey = `sb_live_${randomBytes(32).toString("base64url")}`;
  await pool.query(`INSERT INTO "ApiKey" (id, "workspaceId", name, role, prefix, "keyHash", "createdById") VALUES ($1, $2, 'Benchmark', 'admin', $3, $4, $5)`, [
    `bench-key-${suffix}`,
    channel.workspaceId,
    apiKey.slice(0, 14),
    createHash("sha256").update(apiKey).digest("hex"),
    userId,
  ]);
  const phones = Array.from({ length: recipients }, (_, i) => String(firstPhone + i));
  return { ...channel, apiKey, slug: rows[0]!.slug, phones };
}
