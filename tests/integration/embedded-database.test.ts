// The embedded database (PGlite behind our protocol multiplexer), driven through `pg` exactly as
// Prisma and pg-boss drive it. These tests start their own instances; they do not use the
// shared test database.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";

const root = path.resolve(import.meta.dirname, "..", "..");

function withTimeout<T>(promise: Promise<T>, ms: number, what: string) {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

describe("embedded database multiplexer", () => {
  let db: EmbeddedDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await startEmbeddedDatabase({ dataDir: "memory://", maxConnections: 20 });
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
    await pool.query("CREATE TABLE items (id serial PRIMARY KEY, tx int NOT NULL, val text NOT NULL)");
  });

  afterAll(async () => {
    await pool?.end();
    await db?.stop();
  });

  it("answers many concurrent parameterized queries, each with its own result", async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        pool.query<{ doubled: number; label: string; same: boolean }>(
          // Unnamed prepared statements (Parse/Bind/Execute/Sync), as Prisma and pg-boss send them.
          { text: `SELECT $1::int * 2 AS doubled, $2::text AS label, $1::int = $3::int AS same${i % 2 ? "" : " -- even"}`, values: [i, `q${i}`, i] },
        ),
      ),
    );
    results.forEach((result, i) => expect(result.rows).toEqual([{ doubled: i * 2, label: `q${i}`, same: true }]));
  });

  it("keeps interleaved transactions atomic: commits persist, rollbacks leave nothing, each sees its own writes", async () => {
    const runTransaction = async (tx: number) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (let j = 0; j < 3; j++) await client.query("INSERT INTO items (tx, val) VALUES ($1, $2)", [tx, `v${tx}-${j}`]);
        const own = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM items WHERE tx = $1", [tx]);
        await client.query(tx % 2 === 0 ? "COMMIT" : "ROLLBACK");
        return own.rows[0].n;
      } finally {
        client.release();
      }
    };
    // Plain queries from other connections run in between the transactions.
    const outsiders = Array.from({ length: 40 }, (_, i) => pool.query<{ v: number }>("SELECT $1::int AS v", [i]));
    const seen = await Promise.all(Array.from({ length: 20 }, (_, tx) => runTransaction(tx + 1000)));
    expect(seen).toEqual(Array(20).fill(3));
    (await Promise.all(outsiders)).forEach((r, i) => expect(r.rows[0].v).toBe(i));
    const { rows } = await pool.query<{ tx: number; n: number }>(
      "SELECT tx, count(*)::int AS n FROM items WHERE tx >= 1000 GROUP BY tx ORDER BY tx",
    );
    // Even transactions committed, odd ones rolled back.
    expect(rows).toEqual(Array.from({ length: 10 }, (_, k) => ({ tx: 1000 + k * 2, n: 3 })));
  });

  it("rolls back the transaction of a client that disconnects mid-transaction, without blocking others", async () => {
    const quitter = new pg.Client({ connectionString: db.url });
    await quitter.connect();
    quitter.on("error", () => {});
    await quitter.query("BEGIN");
    await quitter.query("INSERT INTO items (tx, val) VALUES (2000, 'abandoned')");
    // Another client's query is queued while the transaction is open...
    const waiting = pool.query<{ n: number }>("SELECT count(*)::int AS n FROM items WHERE tx = 2000");
    await new Promise((resolve) => setTimeout(resolve, 100));
    // ...and the quitter vanishes without COMMIT, ROLLBACK or Terminate.
    (quitter as unknown as { connection: { stream: { destroy: () => void } } }).connection.stream.destroy();
    const result = await withTimeout(waiting, 3000, "a query queued behind the abandoned transaction");
    expect(result.rows[0].n).toBe(0);
    const after = await withTimeout(pool.query<{ n: number }>("SELECT count(*)::int AS n FROM items WHERE tx = 2000"), 3000, "a later query");
    expect(after.rows[0].n).toBe(0);
  });

  it("rolls back the transaction of a client that ends its connection politely mid-transaction", async () => {
    const quitter = new pg.Client({ connectionString: db.url });
    await quitter.connect();
    await quitter.query("BEGIN");
    await quitter.query("INSERT INTO items (tx, val) VALUES (2001, 'abandoned')");
    await quitter.end();
    const result = await withTimeout(pool.query<{ n: number }>("SELECT count(*)::int AS n FROM items WHERE tx = 2001"), 3000, "a query after the quitter left");
    expect(result.rows[0].n).toBe(0);
  });

  it("keeps a failed statement inside a transaction from leaking into other connections", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await expect(client.query("SELECT * FROM no_such_table")).rejects.toThrow(/does not exist/);
      await expect(client.query("SELECT 1")).rejects.toThrow(/current transaction is aborted/);
      // Meanwhile another connection is queued; it must not inherit the aborted transaction.
      const other = pool.query<{ ok: number }>("SELECT 1 AS ok");
      await client.query("ROLLBACK");
      expect((await withTimeout(other, 3000, "the other connection")).rows[0].ok).toBe(1);
    } finally {
      client.release();
    }
  });

  it("refuses connections beyond maxConnections with a clear PostgreSQL error", async () => {
    const small = await startEmbeddedDatabase({ dataDir: "memory://", maxConnections: 2 });
    const clients = [new pg.Client({ connectionString: small.url }), new pg.Client({ connectionString: small.url })];
    try {
      for (const client of clients) await client.connect();
      const extra = new pg.Client({ connectionString: small.url });
      await expect(extra.connect()).rejects.toThrow(/too many connections/);
      // The first two keep working.
      expect((await clients[1].query("SELECT 2 AS n")).rows[0].n).toBe(2);
    } finally {
      await Promise.all(clients.map((client) => client.end().catch(() => {})));
      // The refused client never closes its socket; stop() must not wait for it.
      await withTimeout(small.stop(), 5000, "stop() after refusing a connection");
    }
  });
});

describe("embedded database on disk", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];

  function tempDataDir() {
    const dir = mkdtempSync(path.join(tmpdir(), "switchboard-pglite-"));
    dirs.push(dir);
    return path.join(dir, "pglite");
  }

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the data after stop() and a second start, taking over a stale lock of a dead process", async () => {
    const dataDir = tempDataDir();
    const first = await startEmbeddedDatabase({ dataDir });
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query("CREATE TABLE notes (id int PRIMARY KEY, body text)");
    await client.query("INSERT INTO notes VALUES (1, $1), (2, $2)", ["durable", "also durable"]);
    await client.end();
    await first.stop();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    // A lock left behind by a process that no longer exists (killed with SIGKILL) is stale.
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.on("exit", resolve));
    writeFileSync(`${dataDir}.lock`, String(gone.pid));

    const second = await startEmbeddedDatabase({ dataDir });
    try {
      expect(readFileSync(`${dataDir}.lock`, "utf8").trim()).toBe(String(process.pid));
      const reader = new pg.Client({ connectionString: second.url });
      await reader.connect();
      const { rows } = await reader.query("SELECT id, body FROM notes ORDER BY id");
      await reader.end();
      expect(rows).toEqual([
        { id: 1, body: "durable" },
        { id: 2, body: "also durable" },
      ]);
    } finally {
      await second.stop();
    }
  });

  it("refuses a second start on a directory held by a live process, naming that process", async () => {
    const dataDir = tempDataDir();
    // node --import tsx (not the tsx CLI, which forks another process): holder.pid is the holder.
    const holder = spawn(process.execPath, ["--import", "tsx", path.join(root, "tests", "helpers", "embedded-db-holder.ts"), dataDir], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
    });
    children.push(holder);
    let stderr = "";
    holder.stderr!.on("data", (chunk) => (stderr += chunk));
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (chunk) => String(chunk).includes("ready") && resolve());
        holder.on("exit", (code) => reject(new Error(`holder exited with ${code}: ${stderr}`)));
      }),
      30_000,
      "the holder process",
    );
    expect(readFileSync(`${dataDir}.lock`, "utf8").trim()).toBe(String(holder.pid));

    await expect(startEmbeddedDatabase({ dataDir })).rejects.toThrow(
      new RegExp(`is in use by process ${holder.pid}\\. Stop that Switchboard instance first, or set DATABASE_URL`),
    );
    // The refused start did not take the lock away from its holder.
    expect(readFileSync(`${dataDir}.lock`, "utf8").trim()).toBe(String(holder.pid));

    holder.stdin!.end();
    await withTimeout(new Promise((resolve) => holder.on("exit", resolve)), 15_000, "the holder's shutdown");
    const after = await startEmbeddedDatabase({ dataDir });
    await after.stop();
  });
});
