import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { newWamid, signMetaBody, whatsAppTextPayload } from "../../lib/simulate/payloads";
import type { BenchChannel } from "./seed";

// Load generation. Two shapes:
// - paced (open loop): requests leave at a fixed rate whatever the server does, and latency is
//   measured from the moment a request was due, so a slow server cannot hide its queueing
//   (no coordinated omission). Used for the sustained and burst phases. autocannon's own
//   rate limit is not used for these: it sends each connection's per-second quota back to back
//   at every second boundary, which makes bursts, not a rate.
// - closed loop (autocannon): N connections, each sends its next request when the previous
//   answered. Used for peak throughput and to post a backlog quickly.
// Every request is a fresh WhatsApp text message with a unique wamid, signed with the channel's
// app secret; the wamid of every 2xx answer is kept for the lost/duplicate check.

export type Delivery = { body: string; signature: string; wamid: string };

export type PayloadFactoryOptions = { channel: BenchChannel; contacts: number };

/** Builds signed deliveries; senders rotate over `contacts` customers (realistic conversations). */
export function createPayloadFactory({ channel, contacts }: PayloadFactoryOptions): () => Delivery {
  let n = 0;
  return () => {
    n++;
    const wamid = newWamid();
    const from = String(15_550_000_000 + (n % contacts));
    const body = JSON.stringify(
      whatsAppTextPayload({ wabaId: channel.wabaId, phoneNumberId: channel.phoneNumberId, from, name: `Customer ${n % contacts}`, text: `Benchmark message ${n}`, id: wamid }),
    );
    return { body, signature: signMetaBody(body, channel.appSecret), wamid };
  };
}

export type PhaseResult = {
  name: string;
  shape: "paced" | "closed";
  /** Requested rate (paced) or null (as fast as possible). */
  targetRate: number | null;
  connections: number;
  plannedSeconds: number | null;
  /** From the first request to the last answer. */
  seconds: number;
  sent: number;
  ok: number;
  acceptedPerSecond: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  errorCount: number;
  /** Answers the app gave as "duplicate" (every payload is unique: must be 0). */
  duplicateAnswers: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Share of requests answered after more than 1 s, or not at all. */
  over1s: number;
  /** Worst event-loop delay of the load generator (ms): large values mean the generator lagged. */
  generatorLagMs: number;
  cpu?: Record<string, number>;
  notes: string[];
};

class Recorder {
  latencies: number[] = [];
  statuses: Record<string, number> = {};
  errors: Record<string, number> = {};
  ok = 0;
  slow = 0;
  duplicateAnswers = 0;
  completed = 0;
  windowLatencies: number[] = [];

  constructor(private readonly accepted: string[]) {}

  response(status: number, latency: number, wamid: string, body: string) {
    this.completed++;
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    if (latency > 1000) this.slow++;
    if (status >= 200 && status < 300) {
      this.ok++;
      this.latencies.push(latency);
      this.windowLatencies.push(latency);
      this.accepted.push(wamid);
      if (body.includes('"duplicate"')) this.duplicateAnswers++;
    }
  }

  error(code: string) {
    this.completed++;
    this.slow++;
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  takeWindow() {
    const window = this.windowLatencies;
    this.windowLatencies = [];
    return window;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function summarize(latencies: number[]) {
  const sorted = Float64Array.from(latencies).sort();
  const list = Array.from(sorted);
  const mean = list.length ? list.reduce((a, b) => a + b, 0) / list.length : NaN;
  return { p50: percentile(list, 50), p90: percentile(list, 90), p99: percentile(list, 99), max: list.length ? list[list.length - 1] : NaN, mean };
}

type CommonOptions = {
  name: string;
  baseUrl: string;
  path: string;
  next: () => Delivery;
  /** Wamids of accepted (2xx) deliveries are appended here. */
  accepted: string[];
  log: (message: string) => void;
  progressEverySeconds?: number;
};

export type PacedOptions = CommonOptions & { rate: number; seconds: number; maxSockets: number; timeoutMs: number };

/** Open-loop load at a fixed rate for a fixed time; resolves when every request was answered or failed. */
export async function runPaced({ name, baseUrl, path, next, accepted, log, rate, seconds, maxSockets, timeoutMs, progressEverySeconds = 10 }: PacedOptions): Promise<PhaseResult> {
  const url = new URL(baseUrl);
  // Free keep-alive sockets are dropped after 4 s idle, before the server's 5 s keep-alive
  // timeout could close one under a request (that race would be the client's fault, not the app's).
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: 4000, scheduling: "fifo" });
  const recorder = new Recorder(accepted);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  let sent = 0;
  let inflight = 0;
  const t0 = performance.now();
  let lastEnd = t0;

  const progress = setInterval(() => {
    const window = summarize(recorder.takeWindow());
    log(`  ${name}: ${Math.round((performance.now() - t0) / 1000)} s, sent ${sent}, ok ${recorder.ok}, in flight ${inflight}, window p50 ${fmt(window.p50)} / p99 ${fmt(window.p99)} ms`);
  }, progressEverySeconds * 1000);

  await new Promise<void>((resolve) => {
    const finish = () => {
      inflight--;
      lastEnd = performance.now();
      if (sent >= total && inflight === 0) resolve();
    };
    const fire = (due: number) => {
      const delivery = next();
      let settled = false;
      const settle = () => {
        if (settled) return false;
        settled = true;
        return true;
      };
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path,
          method: "POST",
          headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(delivery.body), "X-Hub-Signature-256": delivery.signature },
          signal: AbortSignal.timeout(timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            if (!settle()) return;
            recorder.response(res.statusCode ?? 0, performance.now() - due, delivery.wamid, Buffer.concat(chunks).toString("utf8"));
            finish();
          });
          res.on("error", () => {
            if (!settle()) return;
            recorder.error("response_error");
            finish();
          });
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (!settle()) return;
        recorder.error(error.name === "AbortError" || error.name === "TimeoutError" ? "timeout" : (error.code ?? error.name));
        finish();
      });
      req.end(delivery.body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
      while (sent < due) {
        const dueAt = t0 + sent * interval;
        sent++;
        inflight++;
        fire(dueAt);
      }
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
    };
    tick();
  });
  clearInterval(progress);
  lag.disable();
  agent.destroy();
  return buildResult({ name, shape: "paced", targetRate: rate, connections: maxSockets, plannedSeconds: seconds, seconds: (lastEnd - t0) / 1000, sent: total, recorder, lagMs: lag.max / 1e6 });
}

export type ClosedOptions = CommonOptions & { connections: number; timeoutSeconds: number } & ({ seconds: number; amount?: undefined } | { amount: number; seconds?: undefined });

/** Closed-loop load with autocannon: as fast as the server answers, for a time or a number of requests. */
export async function runClosed({ name, baseUrl, path, next, accepted, log, connections, timeoutSeconds, seconds, amount, progressEverySeconds = 10 }: ClosedOptions): Promise<PhaseResult> {
  const recorder = new Recorder(accepted);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  type Context = { wamid?: string; due?: number };
  let finished!: (error: Error | null, result: autocannon.Result) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon({
    url: `${baseUrl}${path}`,
    connections,
    timeout: timeoutSeconds,
    ...(amount !== undefined ? { amount } : { duration: seconds }),
    requests: [
      {
        setupRequest: (req: autocannon.Request, context: Context) => {
          const delivery = next();
          context.wamid = delivery.wamid;
          return {
            ...req,
            method: "POST",
            path,
            headers: { "Content-Type": "application/json", "X-Hub-Signature-256": delivery.signature },
            body: delivery.body,
          };
        },
        onResponse: (status: number, body: string, context: Context) => {
          // Latency is recorded from autocannon's 'response' event below; this one keeps the id.
          if (status >= 200 && status < 300 && context.wamid) {
            accepted.push(context.wamid);
            if (body.includes('"duplicate"')) recorder.duplicateAnswers++;
          }
        },
      },
    ] as unknown as autocannon.Request[],
  }, (error, result) => finished(error, result));
  const t0 = performance.now();
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    recorder.completed++;
    recorder.statuses[statusCode] = (recorder.statuses[statusCode] ?? 0) + 1;
    if (responseTime > 1000) recorder.slow++;
    if (statusCode >= 200 && statusCode < 300) {
      recorder.ok++;
      recorder.latencies.push(responseTime);
      recorder.windowLatencies.push(responseTime);
    }
  });
  const progress = setInterval(() => {
    const window = summarize(recorder.takeWindow());
    log(`  ${name}: ${Math.round((performance.now() - t0) / 1000)} s, ok ${recorder.ok}, window p50 ${fmt(window.p50)} / p99 ${fmt(window.p99)} ms`);
  }, progressEverySeconds * 1000);
  const result = await done;
  clearInterval(progress);
  lag.disable();
  if (result.timeouts) recorder.errors.timeout = result.timeouts;
  const otherErrors = result.errors - result.timeouts;
  if (otherErrors > 0) recorder.errors.connection = otherErrors;
  recorder.slow += result.timeouts;
  // Requests cut off when the duration ended are neither answered nor errors: not counted as sent.
  const answered = recorder.completed + result.errors;
  const phase = buildResult({
    name,
    shape: "closed",
    targetRate: null,
    connections,
    plannedSeconds: seconds ?? null,
    seconds: amount !== undefined ? (performance.now() - t0) / 1000 : result.duration,
    sent: answered,
    recorder,
    lagMs: lag.max / 1e6,
  });
  return phase;
}

type BuildResultOptions = {
  name: string;
  shape: PhaseResult["shape"];
  targetRate: number | null;
  connections: number;
  plannedSeconds: number | null;
  seconds: number;
  sent: number;
  recorder: Recorder;
  lagMs: number;
};

function buildResult({ name, shape, targetRate, connections, plannedSeconds, seconds, sent, recorder, lagMs }: BuildResultOptions): PhaseResult {
  const errorCount = Object.values(recorder.errors).reduce((a, b) => a + b, 0);
  return {
    name,
    shape,
    targetRate,
    connections,
    plannedSeconds,
    seconds,
    sent,
    ok: recorder.ok,
    acceptedPerSecond: seconds > 0 ? recorder.ok / seconds : 0,
    statuses: recorder.statuses,
    errors: recorder.errors,
    errorCount,
    duplicateAnswers: recorder.duplicateAnswers,
    latencyMs: summarize(recorder.latencies),
    over1s: sent > 0 ? recorder.slow / sent : 0,
    generatorLagMs: lagMs,
    notes: [],
  };
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 100 ? String(Math.round(value)) : value.toFixed(digits);
}
