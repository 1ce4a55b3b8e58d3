// lib/db/pg.ts withPgTransaction: one transaction on one connection, rolled back on error, and the
// synchronousCommit: false option applies to that transaction only (SET LOCAL), never leaking to
// the pooled connection's next user.
import { describe, expect, it } from "vitest";
import { getPgPool, withPgTransaction } from "@/lib/db/pg";

async function setting(client: { query: (text: string) => Promise<{ rows: Array<{ synchronous_commit: string }> }> }) {
  const { rows } = await client.query("SHOW synchronous_commit");
  return rows[0].synchronous_commit;
}

describe("withPgTransaction", () => {
  it("commits with the server's synchronous_commit by default", async () => {
    expect(await withPgTransaction((client) => setting(client))).toBe("on");
  });

  it("turns synchronous_commit off for that transaction only", async () => {
    expect(await withPgTransaction((client) => setting(client), { synchronousCommit: false })).toBe("off");
    // Every pooled connection afterwards is back to the default.
    const clients = await Promise.all(Array.from({ length: 3 }, () => getPgPool().connect()));
    try {
      for (const client of clients) expect(await setting(client)).toBe("on");
    } finally {
      for (const client of clients) client.release();
    }
  });

  it("rolls back everything when the function throws, with either option", async () => {
    const table = `tx_probe_${process.pid}`;
    await getPgPool().query(`CREATE TABLE IF NOT EXISTS ${table} (v int)`);
    try {
      for (const synchronousCommit of [true, false]) {
        await expect(
          withPgTransaction(async (client) => {
            await client.query(`INSERT INTO ${table} VALUES (1)`);
            throw new Error("boom");
          }, { synchronousCommit }),
        ).rejects.toThrow("boom");
      }
      const { rows } = await getPgPool().query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(rows[0].n).toBe(0);
    } finally {
      await getPgPool().query(`DROP TABLE IF EXISTS ${table}`);
    }
  });
});
