// No imports, no "server-only": scripts/start.ts (outside Next.js) and lib/db/pg.ts both read it.

/**
 * The embedded database's connection URLs carry this application_name. PGlite serves every
 * connection from one session, so per-connection state such as named prepared statements would
 * collide there: code that uses them checks isEmbeddedDatabaseUrl() first.
 */
export const EMBEDDED_APPLICATION_NAME = "switchboard-embedded";

export function isEmbeddedDatabaseUrl(url: string | undefined): boolean {
  return url !== undefined && url.includes(`application_name=${EMBEDDED_APPLICATION_NAME}`);
}
