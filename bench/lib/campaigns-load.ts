import http from "node:http";
import type pg from "pg";
import PgBoss from "pg-boss";
import type { FakeProviders } from "../../tests/fakes/fake-providers";
import { TEMPLATE, type CampaignTenant } from "./campaigns-seed";
import { sleep, startCpuMeter, type CpuProbe } from "./processes";

// One phase of `npm run bench:campaigns` and its baselines.
//
// A phase creates a template campaign to every contact of the tenant's channel at `pace` messages
// per second and launches it through the REST API (Bearer API key), as an integration would. Time
// runs from the moment the launch POST leaves to the moment the fake Graph API receives the last
// recipient's send (the fake stamps each request on arrival). Meanwhile the only database traffic
// is the app's: completion is watched on the fake's request log in this process, so
// pg_stat_statements (reset at launch) and the PostgreSQL CPU measured over the phase are the
// product's alone.

export type SendCounts = { received: number; distinct: number; duplicates: number; lost: number; stray: number };

export type StatementStat = { query: string; calls: number; totalMs: number; meanMs: number };

export type StatementStats = { totalMs: number; calls: number; top: StatementStat[] };

export type CampaignPhaseResult = {
  name: string;
  pace: number;
  recipients: number;
  campaignId: string;
  /** Launch POST → its answer. */
  launchAnswerMs: number;
  /** Receive times at the fake, ms after the launch POST left, sorted. */
  sendOffsetsMs: number[];
  counts: SendCounts;
  /** CPU seconds per probe from the launch to the last send. */
  cpu: Record<string, number>;
  /** Launch → last send (or → the end of waiting when sends are missing), seconds. */
  wallSeconds: number;
  statements: StatementStats | null;
  /** The campaign as GET /api/campaigns/:id shows it at the end. */
  final: { status: string; counts: Record<string, number> } | null;
};

export type RunCampaignPhaseOptions = {
  name: string;
  baseUrl: string;
  tenant: CampaignTenant;
  pool: pg.Pool;
  fake: FakeProviders;
  pace: number;
  probes: CpuProbe[];
  /** With no new send for this long, the phase gives up waiting for the missing ones. */
  stallSeconds: number;
  statements: boolean;
  log: (message: string) => void;
};

export async function runCampaignPhase(options: RunCampaignPhaseOptions): Promise<CampaignPhaseResult> {
  const { baseUrl, tenant, fake, pace, log } = options;
  const headers = { Authorization: `Bearer ${tenant.apiKey}`, "Content-Type": "application/json" };
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, baseUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  const content = { kind: "template", name: TEMPLATE.name, language: TEMPLATE.language, variables: {} };
  const audience = { source: "channel" };
  const estimate = (await api("POST", "/api/campaigns/estimate", { channelId: tenant.channelId, audience, content })).estimate as { total: number; eligible: number };
  if (estimate.eligible !== tenant.phones.length) throw new Error(`the estimate finds ${estimate.eligible} eligible recipients of ${estimate.total}, expected ${tenant.phones.length}`);
  const created = (await api("POST", "/api/campaigns", { name: options.name, channelId: tenant.channelId, audience, content, schedule: null, pacePerSecond: pace })).campaign as { id: string };
  log(`${options.name}: campaign ${created.id} created (${estimate.eligible} eligible), launching at ${pace}/s`);

  const expected = new Set(tenant.phones);
  const receivedBy = new Map<string, number>();
  const offsets: number[] = [];
  let stray = 0;
  let scanned = fake.requests.length;
  const path = `/${tenant.phoneNumberId}/messages`;
  const scan = (t0: number) => {
    for (; scanned < fake.requests.length; scanned++) {
      const request = fake.requests[scanned]!;
      if (request.provider !== "graph" || request.method !== "POST" || !request.path.endsWith(path)) continue;
      const to = request.body && typeof request.body === "object" && "to" in request.body ? String(request.body.to) : "";
      if (!expected.has(to)) {
        stray++;
        continue;
      }
      receivedBy.set(to, (receivedBy.get(to) ?? 0) + 1);
      offsets.push(request.receivedAt.getTime() - t0);
    }
  };

  if (options.statements) await options.pool.query(`SELECT pg_stat_statements_reset()`);
  const meter = startCpuMeter(options.probes);
  const t0 = Date.now();
  await api("POST", `/api/campaigns/${created.id}/launch`);
  const launchAnswerMs = Date.now() - t0;
  let lastProgressAt = Date.now();
  let lastCount = 0;
  let lastLog = Date.now();
  while (receivedBy.size < expected.size) {
    await sleep(50);
    scan(t0);
    if (offsets.length !== lastCount) {
      lastCount = offsets.length;
      lastProgressAt = Date.now();
    }
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`${options.name}: ${receivedBy.size}/${expected.size} recipients reached after ${Math.round((Date.now() - t0) / 1000)} s`);
    }
    if (Date.now() - lastProgressAt > options.stallSeconds * 1000) {
      log(`${options.name}: no send for ${options.stallSeconds} s, ${expected.size - receivedBy.size} recipient(s) missing: giving up`);
      break;
    }
  }
  const cpu = meter();
  const complete = receivedBy.size === expected.size;
  const wallSeconds = (complete ? Math.max(...offsets) : Date.now() - t0) / 1000;
  const statements = options.statements ? await readStatements(options.pool) : null;
  // Time for a duplicate to show up (a retried send would come within seconds) and for the
  // dispatcher to mark the campaign completed.
  await sleep(5000);
  scan(t0);
  let final: CampaignPhaseResult["final"] = null;
  try {
    const campaign = (await api("GET", `/api/campaigns/${created.id}`)).campaign as { status: string; counts: Record<string, number> };
    final = { status: campaign.status, counts: campaign.counts };
  } catch (error) {
    log(`${options.name}: could not read the campaign back: ${(error as Error).message}`);
  }
  let duplicates = 0;
  for (const count of receivedBy.values()) duplicates += count - 1;
  return {
    name: options.name,
    pace,
    recipients: expected.size,
    campaignId: created.id,
    launchAnswerMs,
    sendOffsetsMs: offsets.sort((a, b) => a - b),
    counts: { received: offsets.length, distinct: receivedBy.size, duplicates, lost: expected.size - receivedBy.size, stray },
    cpu,
    wallSeconds,
    statements,
    final,
  };
}

/** Loads pg_stat_statements in the current database; false when the server was not started with it. */
export async function enableStatements(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
    await pool.query(`SELECT pg_stat_statements_reset()`);
    return true;
  } catch {
    return false;
  }
}

/** Every statement's execution time since the last reset (this run's own reads excluded). */
async function readStatements(pool: pg.Pool): Promise<StatementStats> {
  const { rows } = await pool.query<{ query: string; calls: string; total: number }>(
    `SELECT query, calls, total_exec_time AS total FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'`,
  );
  const all = rows.map((row) => ({ query: row.query.replace(/\s+/g, " ").trim(), calls: Number(row.calls), totalMs: row.total }));
  const top = [...all]
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, 60)
    .map((s) => ({ query: s.query.length > 160 ? `${s.query.slice(0, 157)}...` : s.query, calls: s.calls, totalMs: round(s.totalMs, 1), meanMs: round(s.totalMs / Math.max(1, s.calls), 3) }));
  return { totalMs: round(all.reduce((sum, s) => sum + s.totalMs, 0), 1), calls: all.reduce((sum, s) => sum + s.calls, 0), top };
}

export type CeilingResult = { requests: number; concurrency: number; seconds: number; perSecond: number; errors: number };

/**
 * Baseline 1: the fake Graph API's ceiling. A tight client loop (`concurrency` keep-alive
 * connections, as many as the app's send workers run at once) posts the same template send the
 * adapter would, to a phone number of its own; the fake and this loop share this process.
 */
export async function fakeCeiling({ fake, requests, concurrency }: { fake: FakeProviders; requests: number; concurrency: number }): Promise<CeilingResult> {
  const phoneNumberId = String(300_000_000_000_000 + Math.floor(Math.random() * 1e12));
  const token = `EAAGbench${Date.now()}`;
  fake.registerToken(token);
  fake.registerPhoneNumber({ id: phoneNumberId });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(`${fake.graphUrl}/v24.0/${phoneNumberId}/messages`);
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const n = next++;
        const body = JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", to: String(15_559_000_000 + n), type: "template", template: { name: TEMPLATE.name, language: { code: TEMPLATE.language } } });
        const status = await post(agent, url, body, token).catch(() => 0);
        if (status !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests, concurrency, seconds: round(seconds, 2), perSecond: Math.round(requests / seconds), errors };
}

function post(agent: http.Agent, url: URL, body: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", agent, timeout: 10_000, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Authorization: `Bearer ${token}` } },
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

export type QueueCeilingResult = { jobs: number; batchSize: number; workers: number; seconds: number; perSecond: number; dbCpuPerJobMs: number | null };

/**
 * Baseline 2: pg-boss's empty-job throughput on the same database with message-send's worker
 * settings (batches of 10, 2 fetch loops, a full batch fetches the next at once, 0.5 s polling):
 * what the queue alone allows before any handler work. Its own pg-boss instance in this process
 * (no maintenance, no schedules), its own queue.
 */
export async function queueCeiling({ databaseUrl, jobs, dbProbe }: { databaseUrl: string; jobs: number; dbProbe: CpuProbe }): Promise<QueueCeilingResult> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: "pgboss", max: 4, supervise: false, schedule: false, migrate: false });
  boss.on("error", () => undefined);
  await boss.start();
  const queue = "bench-empty-job";
  const batchSize = 10;
  const workers = 2;
  try {
    await boss.createQueue(queue, { name: queue });
    for (let i = 0; i < jobs; i += 1000) await boss.insert(Array.from({ length: Math.min(1000, jobs - i) }, () => ({ name: queue, data: {} })));
    let done = 0;
    const meter = startCpuMeter([dbProbe]);
    const started = performance.now();
    let finish: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (finish = resolve));
    for (let w = 0; w < workers; w++) {
      const worker = { id: "" };
      worker.id = await boss.work(queue, { batchSize, pollingIntervalSeconds: 0.5 }, async (batch) => {
        done += batch.length;
        if (done >= jobs) finish();
        if (batch.length === batchSize && worker.id) boss.notifyWorker(worker.id);
      });
    }
    await Promise.race([all, sleep(300_000)]);
    const seconds = (performance.now() - started) / 1000;
    const cpu = meter();
    await boss.offWork(queue);
    return { jobs: done, batchSize, workers, seconds: round(seconds, 2), perSecond: Math.round(done / seconds), dbCpuPerJobMs: done ? round(((cpu[dbProbe.label] ?? 0) * 1000) / done, 3) : null };
  } finally {
    await boss.stop({ graceful: false, wait: true, timeout: 5000 }).catch(() => undefined);
  }
}

function round(value: number, digits: number) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
