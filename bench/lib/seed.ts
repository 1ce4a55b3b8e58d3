import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { encryptJson } from "../../lib/crypto/secrets";

// The benchmark's tenant: one workspace with one active WhatsApp Cloud channel, written with
// plain SQL after the app applied its migrations. Credentials are encrypted exactly as the
// app stores them (AES-256-GCM with ENCRYPTION_KEY, which must be set in this process).

export type BenchChannel = {
  workspaceId: string;
  channelId: string;
  phoneNumberId: string;
  wabaId: string;
  appSecret: string;
  /** The channel's access token (a fake Graph API must accept it). */
  accessToken: string;
};

export async function seedChannel(pool: pg.Pool): Promise<BenchChannel> {
  const suffix = randomBytes(4).toString("hex");
  const channel: BenchChannel = {
    workspaceId: `bench-ws-${suffix}`,
    channelId: `bench-ch-${suffix}`,
    phoneNumberId: String(100_000_000_000_000 + Math.floor(Math.random() * 1e12)),
    wabaId: String(200_000_000_000_000 + Math.floor(Math.random() * 1e12)),
    appSecret: randomBytes(16).toString("hex"),
    accessToken: `EAAG${randomBytes(24).toString("hex")}`,
  };
  const credentials = encryptJson({
    phoneNumberId: channel.phoneNumberId,
    wabaId: channel.wabaId,
    accessToken: channel.accessToken,
    appSecret: channel.appSecret,
    verifyToken: randomUUID(),
  });
  await pool.query(`INSERT INTO "Workspace" (id, name, slug, "updatedAt") VALUES ($1, 'Benchmark', $2, now())`, [channel.workspaceId, `bench-${suffix}`]);
  await pool.query(
    `INSERT INTO "Channel" (id, "workspaceId", type, name, status, "externalId", "credentialsEncrypted", "updatedAt")
     VALUES ($1, $2, 'whatsapp_cloud', 'Benchmark number', 'active', $3, $4, now())`,
    [channel.channelId, channel.workspaceId, channel.phoneNumberId, credentials],
  );
  return channel;
}

/** The bare baseline's table: the raw delivery, nothing else. */
export async function createBaselineTable(pool: pg.Pool) {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline_event (id uuid PRIMARY KEY, body text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
}
