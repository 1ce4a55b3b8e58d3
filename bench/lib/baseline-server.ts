// The benchmark's baseline: the least a correct webhook receiver must do. A bare node:http
// server that reads the raw body, verifies Meta's X-Hub-Signature-256 in constant time and
// INSERTs one row with `pg` (autocommit: one round trip, one WAL flush) before answering 200.
// No framework, no dedupe key, no job: the app's ingestion path is measured against this.
//
// Run: DATABASE_URL=… APP_SECRET=… PORT=… node --import tsx bench/lib/baseline-server.ts
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";

const MAX_BODY_BYTES = 4 * 1024 * 1024;

const connectionString = process.env.DATABASE_URL;
const appSecret = process.env.APP_SECRET;
const port = Number(process.env.PORT);
if (!connectionString || !appSecret || !port) throw new Error("DATABASE_URL, APP_SECRET and PORT are required");

// The same pool size the app's ingestion pool uses (DATABASE_POOL_SIZE, default 10).
const pool = new pg.Pool({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
pool.on("error", () => undefined);

function verify(body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const received = Buffer.from(header.slice(7), "hex");
  const expected = createHmac("sha256", appSecret!).update(body).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}

function answer(res: import("node:http").ServerResponse, status: number, body: string) {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") return answer(res, 200, '{"status":"ok"}');
  if (req.method !== "POST") return answer(res, 405, '{"error":"method"}');
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const signature = req.headers["x-hub-signature-256"];
    if (!verify(body, typeof signature === "string" ? signature : undefined)) return answer(res, 401, '{"error":"signature"}');
    pool.query("INSERT INTO bench_baseline_event (id, body) VALUES ($1, $2)", [randomUUID(), body.toString("utf8")]).then(
      () => answer(res, 200, '{"status":"stored"}'),
      () => answer(res, 503, '{"error":"database"}'),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
  });
}
