import { randomBytes } from "node:crypto";
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { newWamid, signMetaBody, whatsAppTextPayload } from "../../lib/simulate/payloads";
import { fmt, percentile } from "./load";
import type { BenchChannel } from "./seed";

// Load for `npm run bench:inbox`:
// - pollers: N simulated agents (or N baseline clients), each sending one request every
//   intervalMs at its own phase (phases spread evenly over the interval). An agent's polls form a
//   chain (each needs the cursor the previous one returned), so an agent never has two requests in
//   flight: when a poll is answered after the next one was due, the next leaves at once. Latency
//   counts from the moment a request was DUE, not sent, so a slow server cannot hide queueing
//   (no coordinated omission); the time from sending to the answer is kept as "service time".
// - webhooks: signed WhatsApp Cloud deliveries at a fixed rate (open loop), each a new message
//   from a random seeded customer, so it lands in an existing conversation once the in-server
//   workers apply it.
// One keep-alive http.Agent per load, with a bounded number of sockets; 127.0.0.1 only.

export type Summary = { count: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function summarize(values: number[]): Summary {
  const sorted = Array.from(Float64Array.from(values).sort());
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN;
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : NaN, mean };
}

export function keepAliveAgent(maxSockets: number) {
  // Free sockets are dropped after 4 s idle, before the server's 5 s keep-alive timeout could
  // close one under a request (that race would be the client's fault, not the app's).
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: 4000, scheduling: "fifo" });
}

type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

export function request(options: { agent: http.Agent; baseUrl: string; method?: string; path: string; headers: Record<string, string | number>; body?: string; timeoutMs: number }): Promise<RawResponse> {
  const url = new URL(options.baseUrl);
  if (url.hostname !== "127.0.0.1") throw new Error(`bench:inbox only talks to 127.0.0.1 (got ${url.hostname})`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent: options.agent, host: url.hostname, port: url.port, path: options.path, method: options.method ?? "GET", headers: options.headers, signal: AbortSignal.timeout(options.timeoutMs) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

function errorCode(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.name === "AbortError" || e.name === "TimeoutError" ? "timeout" : (e.code ?? e.name ?? "error");
}

// ---------------------------------------------------------------------------------------------
// Pollers

export type PollClient = {
  index: number;
  /** Cookie (the agent's next-auth session) and X-Workspace. */
  headers: Record<string, string>;
  /** The seeded conversation whose thread this agent has open (conversationId of its polls). */
  conversationId: string;
  cursor: string | null;
};

/**
 * changes = the delta poll; health = the baseline (`/api/health`: the framework + one `SELECT 1`);
 * cursor = the delta endpoint without `since` (the framework + session, membership, rate limit and
 * the cursor query, but no delta query): splits an unchanged poll's cost in two.
 */
export type PollKind = "changes" | "health" | "cursor";

export const INBOX_FILTER = "status=open&assignee=me";

export function changesPath(client: PollClient, since: string | null): string {
  return `/api/inbox/changes?${since ? `since=${encodeURIComponent(since)}&` : ""}${INBOX_FILTER}&conversationId=${encodeURIComponent(client.conversationId)}`;
}

/** The cursor in an ETag: `"123"` or `W/"123"` → 123. */
export function cursorFromEtag(etag: string | string[] | undefined): string | null {
  const value = Array.isArray(etag) ? etag[0] : etag;
  if (!value) return null;
  const match = /^(?:W\/)?"?([^"]*)"?$/.exec(value.trim());
  return match?.[1] || null;
}

export type ChangesBody = { syncCursor?: string; conversations?: { id: string }[]; removed?: string[]; messages?: { id: string; conversationId?: string }[] };

export type PollPhaseResult = {
  name: string;
  kind: PollKind;
  clients: number;
  intervalMs: number;
  plannedSeconds: number;
  /** From the first due time to the last answer. */
  seconds: number;
  sent: number;
  answered: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  /** 2xx and 304 answers, from the due time. */
  latencyMs: Summary;
  /** 2xx and 304 answers, from the moment the request was written. */
  serviceMs: Summary;
  byStatus: Record<string, Summary>;
  notModifiedShare: number;
  /** Requests that left more than 50 ms after they were due (the agent's previous poll was still running). */
  lateStarts: number;
  /** Polls never sent: the agent was still behind when the phase (plus one request timeout) was over. */
  skipped: number;
  /** What the 200 answers carried (bytes = their bodies). */
  delivered: { conversations: number; removed: number; messages: number; emptyOk: number; withoutCursor: number; bytes: number };
  /** 409 answers ("too much changed: reload"), after which the agent took a fresh cursor (a call without `since`) as a client reloading its list would. */
  resyncs: number;
  /** Worst event-loop stall of the load generator (ms): large values mean the generator lagged. */
  generatorLagMs: number;
  cpu?: Record<string, number>;
  /** Answers that were neither 200 nor 304, first few, for the report. */
  unexpectedSamples: string[];
};

export type RunPollersOptions = {
  name: string;
  kind: PollKind;
  baseUrl: string;
  clients: PollClient[];
  seconds: number;
  intervalMs: number;
  agent: http.Agent;
  timeoutMs: number;
  log: (message: string) => void;
  progressSeconds: number;
  /** A 200 delta answer arrived (for the visibility tracker). */
  onChanges?: (client: PollClient, body: ChangesBody, at: number) => void;
};

export async function runPollers({ name, kind, baseUrl, clients, seconds, intervalMs, agent, timeoutMs, log, progressSeconds, onChanges }: RunPollersOptions): Promise<PollPhaseResult> {
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  const services: number[] = [];
  const byStatusLatency: Record<string, number[]> = {};
  const delivered = { conversations: 0, removed: 0, messages: 0, emptyOk: 0, withoutCursor: 0, bytes: 0 };
  let resyncs = 0;
  const unexpectedSamples: string[] = [];
  let window: number[] = [];
  let sent = 0;
  let answered = 0;
  let lateStarts = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const t0 = performance.now() + 50;
  const end = t0 + seconds * 1000;
  let lastAnswer = t0;

  const progress = setInterval(() => {
    const w = summarize(window);
    window = [];
    const notModified = statuses["304"] ?? 0;
    log(`  ${name}: ${Math.round((performance.now() - t0) / 1000)} s, sent ${sent}, answered ${answered}, 304 ${answered ? Math.round((notModified / answered) * 100) : 0}%, window p50 ${fmt(w.p50)} / p95 ${fmt(w.p95)} / p99 ${fmt(w.p99)} ms`);
  }, progressSeconds * 1000);

  const pollOnce = async (client: PollClient, due: number) => {
    const sentAt = performance.now();
    if (sentAt - due > 50) lateStarts++;
    sent++;
    const headers: Record<string, string> = { ...client.headers };
    let path = "/api/health";
    if (kind === "changes") {
      path = changesPath(client, client.cursor);
      if (client.cursor) headers["If-None-Match"] = `"${client.cursor}"`;
    } else if (kind === "cursor") {
      path = changesPath(client, null);
    }
    try {
      const res = await request({ agent, baseUrl, path, headers, timeoutMs });
      const at = performance.now();
      lastAnswer = at;
      answered++;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const ok = (res.status >= 200 && res.status < 300) || res.status === 304;
      if (ok) {
        latencies.push(at - due);
        services.push(at - sentAt);
        window.push(at - due);
        (byStatusLatency[res.status] ??= []).push(at - due);
      } else if (unexpectedSamples.length < 5) {
        unexpectedSamples.push(`${res.status} ${res.body.slice(0, 200)}`);
      }
      if (kind !== "changes") return;
      if (res.status === 409) {
        // "Too much changed since this cursor: reload" — the UI reloads; here: a fresh cursor.
        resyncs++;
        const fresh = await request({ agent, baseUrl, path: changesPath(client, null), headers: client.headers, timeoutMs });
        if (fresh.status === 200) client.cursor = (JSON.parse(fresh.body) as ChangesBody).syncCursor ?? client.cursor;
        return;
      }
      if (res.status === 304) {
        client.cursor = cursorFromEtag(res.headers.etag) ?? client.cursor;
      } else if (res.status === 200) {
        let body: ChangesBody = {};
        try {
          body = JSON.parse(res.body) as ChangesBody;
        } catch {
          if (unexpectedSamples.length < 5) unexpectedSamples.push(`200 with a body that is not JSON: ${res.body.slice(0, 120)}`);
        }
        const conversations = body.conversations?.length ?? 0;
        const removed = body.removed?.length ?? 0;
        const messages = body.messages?.length ?? 0;
        delivered.conversations += conversations;
        delivered.removed += removed;
        delivered.messages += messages;
        delivered.bytes += Buffer.byteLength(res.body);
        if (conversations + removed + messages === 0) delivered.emptyOk++;
        const next = body.syncCursor ?? cursorFromEtag(res.headers.etag);
        if (next) client.cursor = next;
        else delivered.withoutCursor++;
        onChanges?.(client, body, at);
      }
    } catch (error) {
      const code = errorCode(error);
      errors[code] = (errors[code] ?? 0) + 1;
      lastAnswer = performance.now();
    }
  };

  // Bounded in time: an agent that fell behind stops one request timeout after the phase's end;
  // what it did not send by then is counted as skipped.
  let skipped = 0;
  const runClient = async (client: PollClient, offset: number) => {
    let due = t0 + offset;
    while (due < end) {
      if (performance.now() > end + timeoutMs) {
        skipped += Math.ceil((end - due) / intervalMs);
        break;
      }
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await pollOnce(client, due);
      due += intervalMs;
    }
  };

  await Promise.all(clients.map((client, i) => runClient(client, (i * intervalMs) / clients.length)));
  clearInterval(progress);
  lag.disable();
  const ok = latencies.length;
  const byStatus = Object.fromEntries(Object.entries(byStatusLatency).map(([status, values]) => [status, summarize(values)]));
  return {
    name,
    kind,
    clients: clients.length,
    intervalMs,
    plannedSeconds: seconds,
    seconds: (lastAnswer - t0) / 1000,
    sent,
    answered,
    statuses,
    errors,
    latencyMs: summarize(latencies),
    serviceMs: summarize(services),
    byStatus,
    notModifiedShare: ok ? (statuses["304"] ?? 0) / ok : 0,
    lateStarts,
    skipped,
    delivered,
    resyncs,
    generatorLagMs: lag.max / 1e6,
    unexpectedSamples,
  };
}

// ---------------------------------------------------------------------------------------------
// Webhooks

export type WebhookPhaseResult = {
  rate: number;
  plannedSeconds: number;
  seconds: number;
  sent: number;
  accepted: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  latencyMs: Summary;
  /** wamids of the 2xx answers (for the stored / processed checks). */
  acceptedWamids: string[];
};

export type RunWebhooksOptions = {
  baseUrl: string;
  channel: BenchChannel;
  conversations: number;
  rate: number;
  seconds: number;
  agent: http.Agent;
  timeoutMs: number;
  /** A delivery for seeded customer g was acknowledged (2xx) at `at` (performance.now()). */
  onAck?: (g: number, at: number) => void;
};

/** Open-loop signed WhatsApp deliveries at `rate`/s for `seconds`, each from a random seeded customer. */
export async function runWebhooks({ baseUrl, channel, conversations, rate, seconds, agent, timeoutMs, onAck }: RunWebhooksOptions): Promise<WebhookPhaseResult> {
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  const acceptedWamids: string[] = [];
  const path = `/api/webhooks/whatsapp/${channel.channelId}`;
  const total = Math.max(0, Math.round(rate * seconds));
  const interval = 1000 / Math.max(rate, 1e-9);
  const t0 = performance.now();
  let lastEnd = t0;
  const tag = randomBytes(3).toString("hex");
  const inflight: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = t0 + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const g = Math.floor(Math.random() * conversations);
    const wamid = newWamid();
    const body = JSON.stringify(
      whatsAppTextPayload({ wabaId: channel.wabaId, phoneNumberId: channel.phoneNumberId, from: String(15_550_000_000 + g), name: `Customer ${g}`, text: `Inbox benchmark ${tag} message ${n}`, id: wamid }),
    );
    const headers = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "X-Hub-Signature-256": signMetaBody(body, channel.appSecret) };
    inflight.push(
      request({ agent, baseUrl, method: "POST", path, headers, body, timeoutMs })
        .then((res) => {
          const at = performance.now();
          lastEnd = at;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status >= 200 && res.status < 300) {
            latencies.push(at - due);
            acceptedWamids.push(wamid);
            onAck?.(g, at);
          }
        })
        .catch((error: unknown) => {
          lastEnd = performance.now();
          const code = errorCode(error);
          errors[code] = (errors[code] ?? 0) + 1;
        }),
    );
  }
  await Promise.all(inflight);
  return { rate, plannedSeconds: seconds, seconds: (lastEnd - t0) / 1000, sent: total, accepted: acceptedWamids.length, statuses, errors, latencyMs: summarize(latencies), acceptedWamids };
}

// ---------------------------------------------------------------------------------------------
// Visibility: from a webhook's acknowledgement to the first poll of the conversation's agent
// that returns the conversation as changed (the worker applying it + up to one poll interval).

export type VisibilityResult = { tracked: number; seen: number; latencyMs: Summary; notSeen: number; notSeenOlderThan10s: number };

export class VisibilityTracker {
  private pending = new Map<string, number>();
  private samples: number[] = [];
  private tracked = 0;

  /** Only conversations some agent's filter shows (assigned, not blocked) are tracked. */
  acked(conversationId: string, at: number) {
    this.tracked++;
    if (!this.pending.has(conversationId)) this.pending.set(conversationId, at);
  }

  seen(conversationId: string, at: number) {
    const since = this.pending.get(conversationId);
    if (since === undefined) return;
    this.samples.push(at - since);
    this.pending.delete(conversationId);
  }

  /** The result so far; starts over afterwards (one per phase). */
  take(now: number): VisibilityResult {
    const notSeen = this.pending.size;
    const notSeenOlderThan10s = [...this.pending.values()].filter((at) => now - at > 10_000).length;
    const result = { tracked: this.tracked, seen: this.samples.length, latencyMs: summarize(this.samples), notSeen, notSeenOlderThan10s };
    this.pending.clear();
    this.samples = [];
    this.tracked = 0;
    return result;
  }
}
