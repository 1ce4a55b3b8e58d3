import { writeFileSync } from "node:fs";
import pg from "pg";

// Optional database profile of a benchmark phase (BENCH_PG_PROFILE=1 with the PostgreSQL target):
// the cluster is started with pg_stat_statements (see postgresProfileOptions), the statistics are
// reset before the measured phase, and pg_stat_activity is sampled meanwhile to see what the
// app's connections wait on (CPU, a lock, the client, I/O). Written next to results.json; it
// explains a figure, it is not one (sampling costs a little database time).

export function isProfiling(): boolean {
  return process.env.BENCH_PG_PROFILE === "1";
}

/** Server flags that load pg_stat_statements (PostgreSQL must be started with them). */
export function postgresProfileOptions(): string {
  return "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c track_io_timing=on";
}

export type PgProfiler = { stop: (file: string, perUnit: { label: string; count: number }) => Promise<void> };

/** Resets the statistics and samples wait events every `sampleMs` until stop() writes the report. */
export async function startPgProfile(pool: pg.Pool, sampleMs = 50): Promise<PgProfiler> {
  await pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  await pool.query("SELECT pg_stat_statements_reset()");
  const waits = new Map<string, number>();
  let samples = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const { rows } = await pool.query<{ wait: string; n: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' (' || state || ')' AS wait, count(*)::text AS n
           FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'
          GROUP BY 1`,
      );
      samples++;
      for (const row of rows) waits.set(row.wait, (waits.get(row.wait) ?? 0) + Number(row.n));
      await new Promise((resolve) => setTimeout(resolve, sampleMs));
    }
  })();
  return {
    async stop(file, perUnit) {
      running = false;
      await sampler;
      const { rows } = await pool.query<{ calls: string; total_ms: number; mean_ms: number; rows: string; query: string }>(
        `SELECT calls::text, round(total_exec_time::numeric, 1)::float AS total_ms, round(mean_exec_time::numeric, 3)::float AS mean_ms, rows::text,
                regexp_replace(query, '\\s+', ' ', 'g') AS query
           FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_%' ORDER BY total_exec_time DESC LIMIT 60`,
      );
      const totals = await pool.query<{ calls: string; total_ms: number }>(
        `SELECT sum(calls)::text AS calls, round(sum(total_exec_time)::numeric, 1)::float AS total_ms FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_%'`,
      );
      const per = Math.max(1, perUnit.count);
      const lines = [
        `statements: ${totals.rows[0]?.calls} calls, ${totals.rows[0]?.total_ms} ms executing; per ${perUnit.label} (${perUnit.count}): ${(Number(totals.rows[0]?.calls) / per).toFixed(1)} calls, ${((totals.rows[0]?.total_ms ?? 0) / per).toFixed(2)} ms`,
        "",
        `active backends by wait (sum over ${samples} samples; "CPU" = running or waiting for a core):`,
        ...[...waits.entries()].sort((a, b) => b[1] - a[1]).map(([wait, n]) => `  ${(n / Math.max(1, samples)).toFixed(2)} avg  ${wait}`),
        "",
        "top statements by total execution time (calls, total ms, mean ms, rows, per unit calls):",
        ...rows.map((row) => `${row.calls.padStart(8)} ${String(row.total_ms).padStart(10)} ${String(row.mean_ms).padStart(8)} ${row.rows.padStart(8)} ${(Number(row.calls) / per).toFixed(2).padStart(6)}  ${row.query.slice(0, 400)}`),
      ];
      writeFileSync(file, `${lines.join("\n")}\n`);
    },
  };
}
