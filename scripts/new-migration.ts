// `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that turns the last committed schema (git HEAD) into the working schema.
// (`prisma migrate dev` needs a shadow database, which the embedded PGlite cannot provide; the
// WASM schema engine diffs two schema files without one.) Review the SQL before committing.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const previous = path.join(tmpdir(), `switchboard-schema-${process.pid}.prisma`);
writeFileSync(previous, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { cwd: root }));
const result = spawnSync(
  path.join(root, "node_modules/.bin/tsx"),
  ["scripts/with-db.ts", "node_modules/.bin/prisma", "migrate", "diff", "--from-schema-datamodel", previous, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { cwd: root, env: { ...process.env, EMBEDDED_DB_DIR: "memory://" }, encoding: "utf8" },
);
if (result.status !== 0) {
  console.error(result.stderr);
  process.exit(1);
}
const sql = result.stdout.replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, "");
if (sql.trim() === "" || sql.includes("empty migration")) {
  console.log("The schema has not changed since HEAD: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(root, "prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
