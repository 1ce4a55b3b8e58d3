import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type pg from "pg";
import { newWamid, signMetaBody, whatsAppTextPayload } from "../../lib/simulate/payloads";
import type { FakeProviders } from "../../tests/fakes/fake-providers";
import { FLOW_KEYWORD } from "./flows-seed";
import type { BenchChannel } from "./seed";

// One phase of `npm run bench:flows`: signed WhatsApp text messages that start the keyword flow,
// posted to the app at a fixed rate (open loop: a message leaves when it is due, whatever the
// app does), and three times per message:
//   t0       the POST leaves (its due time),
//   t_ingest the inbound Message row is committed: on PostgreSQL the commit time PostgreSQL itself
//            recorded (track_commit_timestamp, read after the phase: no load on the database while
//            it runs); on the embedded database, observed by polling the outstanding wamids every
//            `pollMs` (late by up to pollMs + a query),
//   t_reply  the fake Graph API receives POST /{phone-number-id}/messages for that contact (the
//            adapter's call; the fake stamps it on arrival).
// Replies are matched by recipient: with one message per contact each reply is that message's;
// with several messages from one contact, the k-th reply is the k-th message's.

export type Inbound = {
  n: number;
  wamid: string;
  from: string;
  t0: number;
  answeredAt?: number;
  status?: number;
  ingestAt?: number;
  replyAt?: number;
};

export type FlowPhaseResult = {
  name: string;
  rate: number;
  seconds: number;
  contacts: "distinct" | number;
  inbound: Inbound[];
  accepted: number;
  notAccepted: number;
  /** Replies received beyond one per accepted message. */
  duplicates: number;
  /** Replies to contacts this phase never wrote from (late replies of an earlier phase, if it left a backlog). */
  strayReplies: number;
  lost: number;
  generatorLagMs: number;
};

export type RunFlowPhaseOptions = {
  name: string;
  baseUrl: string;
  channel: BenchChannel;
  pool: pg.Pool;
  fake: FakeProviders;
  rate: number;
  seconds: number;
  /** The sender of message n (distinct numbers, or one number for the pacing run). */
  fromOf: (n: number) => string;
  pollMs: number;
  /**
   * How t_ingest is known: "commit-timestamp" reads pg_xact_commit_timestamp(xmin) of the inbound
   * Message rows after the phase (PostgreSQL started with track_commit_timestamp=on); "poll"
   * queries the outstanding wamids every pollMs while the phase runs (about 3 ms of database time
   * per poll at 100 msg/s: measurable load on a 2-core machine, so only where nothing else works).
   */
  ingestClock: "commit-timestamp" | "poll";
  /** After the last message, how long to wait for the missing replies. */
  settleSeconds: number;
  log: (message: string) => void;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export async function runFlowPhase(options: RunFlowPhaseOptions): Promise<FlowPhaseResult> {
  const { baseUrl, channel, pool, fake, rate, seconds, fromOf, pollMs, ingestClock, log } = options;
  const url = new URL(`/api/webhooks/whatsapp/${channel.channelId}`, baseUrl);
  const inbound: Inbound[] = [];
  const byContact = new Map<string, Inbound[]>();
  const repliesByContact = new Map<string, number>();
  let strayReplies = 0;
  let scanned = fake.requests.length;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();

  const scanReplies = () => {
    for (; scanned < fake.requests.length; scanned++) {
      const request = fake.requests[scanned]!;
      if (request.provider !== "graph" || request.method !== "POST" || !request.path.endsWith(`/${channel.phoneNumberId}/messages`)) continue;
      const to = request.body && typeof request.body === "object" && "to" in request.body ? String(request.body.to) : "";
      const list = byContact.get(to);
      const index = repliesByContact.get(to) ?? 0;
      repliesByContact.set(to, index + 1);
      if (!list) {
        strayReplies++;
        continue;
      }
      const target = list[index];
      if (target) target.replyAt = request.receivedAt.getTime();
    }
  };

  let polling = true;
  const poller = (async () => {
    while (polling) {
      const started = Date.now();
      scanReplies();
      const outstanding = ingestClock === "poll" ? inbound.filter((item) => item.ingestAt === undefined && item.status !== undefined && item.status < 300).map((item) => item.wamid) : [];
      if (outstanding.length > 0) {
        const { rows } = await pool.query<{ externalId: string }>(`SELECT "externalId" FROM "Message" WHERE "channelId" = $1 AND "externalId" = ANY($2::text[])`, [channel.channelId, outstanding]);
        const seen = Date.now();
        const found = new Set(rows.map((row) => row.externalId));
        for (const item of inbound) if (item.ingestAt === undefined && found.has(item.wamid)) item.ingestAt = seen;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, pollMs - (Date.now() - started))));
    }
  })();

  const total = Math.round(rate * seconds);
  const startedAt = Date.now() + 50;
  const requests: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = startedAt + (n * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const from = fromOf(n);
    const wamid = newWamid();
    const body = JSON.stringify(
      whatsAppTextPayload({ wabaId: channel.wabaId, phoneNumberId: channel.phoneNumberId, from, name: `Flow customer ${from.slice(-5)}`, text: `${FLOW_KEYWORD} message ${n}`, id: wamid }),
    );
    const item: Inbound = { n, wamid, from, t0: Date.now() };
    inbound.push(item);
    byContact.set(from, [...(byContact.get(from) ?? []), item]);
    requests.push(
      post(url, body, signMetaBody(body, channel.appSecret)).then(
        (status) => {
          item.status = status;
          item.answeredAt = Date.now();
        },
        () => {
          item.status = 0;
          item.answeredAt = Date.now();
        },
      ),
    );
    if (n > 0 && n % Math.max(1, Math.round(rate * 10)) === 0) log(`${options.name}: ${n}/${total} sent, ${inbound.filter((i) => i.replyAt !== undefined).length} replied`);
  }
  await Promise.all(requests);
  const deadline = Date.now() + options.settleSeconds * 1000;
  const waitsForIngest = ingestClock === "poll";
  while (Date.now() < deadline && inbound.some((item) => item.status !== undefined && item.status < 300 && (item.replyAt === undefined || (waitsForIngest && item.ingestAt === undefined)))) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A little longer for duplicates to show up (a retried send would arrive within seconds).
  await new Promise((resolve) => setTimeout(resolve, 2000));
  polling = false;
  await poller;
  scanReplies();
  lag.disable();
  if (ingestClock === "commit-timestamp") await readCommitTimes({ pool, channelId: channel.channelId, inbound });

  const accepted = inbound.filter((item) => item.status !== undefined && item.status >= 200 && item.status < 300);
  let duplicates = 0;
  for (const [contact, count] of repliesByContact) {
    const mine = byContact.get(contact);
    if (!mine) continue; // counted as stray
    const expected = mine.filter((item) => item.status !== undefined && item.status < 300).length;
    if (count > expected) duplicates += count - expected;
  }
  return {
    name: options.name,
    rate,
    seconds,
    contacts: byContact.size === inbound.length ? "distinct" : byContact.size,
    inbound,
    accepted: accepted.length,
    notAccepted: inbound.length - accepted.length,
    duplicates,
    strayReplies,
    lost: accepted.filter((item) => item.replyAt === undefined).length,
    generatorLagMs: lag.max / 1e6,
  };
}

/**
 * t_ingest of every accepted message: when the transaction that inserted its inbound Message row
 * committed, as PostgreSQL recorded it (track_commit_timestamp=on). xmin names that transaction as
 * long as nothing updated the row since; a later update would show as an ingestion after the reply
 * (impossible: the flow reads the committed message), which is refused rather than reported.
 */
async function readCommitTimes({ pool, channelId, inbound }: { pool: pg.Pool; channelId: string; inbound: Inbound[] }) {
  const byWamid = new Map(inbound.map((item) => [item.wamid, item]));
  const { rows } = await pool.query<{ externalId: string; at: number | null }>(
    `SELECT "externalId", (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::float8 AS at
       FROM "Message" WHERE "channelId" = $1 AND direction = 'inbound' AND "externalId" = ANY($2::text[])`,
    [channelId, [...byWamid.keys()]],
  );
  for (const row of rows) {
    const item = byWamid.get(row.externalId);
    if (!item || row.at === null) continue;
    if (item.replyAt !== undefined && row.at > item.replyAt + 1) {
      throw new Error(`message ${item.wamid}: its row's commit time is after the reply (the row was updated after ingestion?): t_ingest cannot be read from commit timestamps`);
    }
    item.ingestAt = row.at;
  }
}

function post(url: URL, body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", agent, timeout: 10_000, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "X-Hub-Signature-256": signature } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
    request.end(body);
  });
}

export type WaitForIdleOptions = { pool: pg.Pool; timeoutSeconds: number; log: (message: string) => void };

/** Waits until no webhook, automation or send job is waiting or running (an earlier phase's backlog), up to the timeout. */
export async function waitForIdle({ pool, timeoutSeconds, log }: WaitForIdleOptions): Promise<number> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('webhook-process', 'automations', 'message-send') AND state < 'completed' AND start_after < now() + interval '1 minute'`,
    );
    const left = rows[0]?.n ?? 0;
    if (left === 0 || Date.now() > deadline) {
      if (left > 0) log(`still ${left} job(s) waiting after ${timeoutSeconds} s: going on`);
      return left;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export type QueueTiming = { jobs: number; waitP50: number; waitP95: number; runP50: number; runP95: number };

/**
 * Where the time goes, from pg-boss's own bookkeeping of the jobs created in [from, to]: per queue,
 * the wait (due → fetched by a worker: polling and backlog) and the run (fetched → completed: the
 * handler, including its database round trips and, for sends, the provider call).
 */
export async function queueTimings(pool: pg.Pool, from: Date, to: Date): Promise<Record<string, QueueTiming>> {
  const { rows } = await pool.query<{ name: string; jobs: number; w50: number; w95: number; r50: number; r95: number }>(
    `SELECT name, count(*)::int AS jobs,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY w) AS w50, percentile_cont(0.95) WITHIN GROUP (ORDER BY w) AS w95,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY r) AS r50, percentile_cont(0.95) WITHIN GROUP (ORDER BY r) AS r95
       FROM (SELECT name, extract(epoch FROM started_on - GREATEST(created_on, start_after)) * 1000 AS w, extract(epoch FROM completed_on - started_on) * 1000 AS r
               FROM pgboss.job WHERE name IN ('webhook-process', 'automations', 'message-send') AND state = 'completed' AND created_on BETWEEN $1 AND $2) t
      GROUP BY name ORDER BY name`,
    [from, to],
  );
  return Object.fromEntries(rows.map((row) => [row.name, { jobs: row.jobs, waitP50: Math.round(row.w50), waitP95: Math.round(row.w95), runP50: Math.round(row.r50), runP95: Math.round(row.r95) }]));
}

/** Per message, where the engine's time goes between the ingestion commit and the reply (ms). */
export type EngineStages = { automationWait: number[]; automationRun: number[]; sendWait: number[]; sendToProvider: number[] };

/**
 * The engine's part of each message, in stages, from the database's own clocks (PostgreSQL only:
 * commit timestamps): ingestion committed → its automations job fetched (started_on) → the
 * automation run committed (its AutomationReceipt row's commit time: the row is never updated) →
 * the reply's send job fetched → the fake Graph API received the reply. Messages whose rows are
 * incomplete (no run, no send) are left out.
 */
export async function engineStages(pool: pg.Pool, { channelId, inbound }: { channelId: string; inbound: Inbound[] }): Promise<EngineStages> {
  const byWamid = new Map(inbound.filter((item) => item.ingestAt !== undefined && item.replyAt !== undefined).map((item) => [item.wamid, item]));
  const { rows } = await pool.query<{ wamid: string; auto_start: number | null; auto_commit: number | null; send_start: number | null }>(
    `WITH inbound AS (
       SELECT m.id, m."workspaceId", m."conversationId", m."externalId" FROM "Message" m
        WHERE m."channelId" = $1 AND m.direction = 'inbound' AND m."externalId" = ANY($2::text[])
     ),
     autos AS (
       SELECT j.data->>'messageId' AS message_id, min(j.started_on) AS started_on FROM pgboss.job j
        WHERE j.name = 'automations' AND j.data->>'messageId' IN (SELECT id FROM inbound) GROUP BY 1
     ),
     sends AS (
       SELECT o."conversationId", min(j.started_on) AS started_on
         FROM pgboss.job j JOIN "Message" o ON o.id = j.data->>'messageId'
        WHERE j.name = 'message-send' AND o."conversationId" IN (SELECT "conversationId" FROM inbound) AND o.direction = 'outbound'
        GROUP BY 1
     )
     SELECT i."externalId" AS wamid,
            (extract(epoch FROM a.started_on) * 1000)::float8 AS auto_start,
            (extract(epoch FROM pg_xact_commit_timestamp(r.xmin)) * 1000)::float8 AS auto_commit,
            (extract(epoch FROM s.started_on) * 1000)::float8 AS send_start
       FROM inbound i
       LEFT JOIN autos a ON a.message_id = i.id
       LEFT JOIN "AutomationReceipt" r ON r."workspaceId" = i."workspaceId" AND r.key = 'message:' || i.id
       LEFT JOIN sends s ON s."conversationId" = i."conversationId"`,
    [channelId, [...byWamid.keys()]],
  );
  const stages: EngineStages = { automationWait: [], automationRun: [], sendWait: [], sendToProvider: [] };
  for (const row of rows) {
    const item = byWamid.get(row.wamid);
    if (!item || row.auto_start === null || row.auto_commit === null || row.send_start === null) continue;
    stages.automationWait.push(row.auto_start - item.ingestAt!);
    stages.automationRun.push(row.auto_commit - row.auto_start);
    stages.sendWait.push(row.send_start - row.auto_commit);
    stages.sendToProvider.push(item.replyAt! - row.send_start);
  }
  return stages;
}
