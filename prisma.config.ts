import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// The CLI does not load .env when a config file exists, so the URL is resolved here.
// `npm start` exports DATABASE_URL after it has started the embedded database.
// It must be set in process.env too: the schema's env("DATABASE_URL") is read by `generate`,
// and when it is missing the CLI falls back to downloading the native query engine.
process.env.DATABASE_URL ??= "postgresql://postgres:postgres@127.0.0.1:5432/postgres";
const databaseUrl = process.env.DATABASE_URL;

// Workaround for prisma/orm issue 27403: with adapter-pg the WASM schema engine fails on
// catalog columns of type `name` (OID 19) and `"char"` (OID 18). Report them as `text` (OID 25)
// before the adapter reads the field types. Migrations only; the runtime never needs this.
const TEXT_OID = 25;
const CATALOG_OIDS = new Set([18, 19]);
type FieldDescription = { dataTypeID: number };
type ResultPrototype = { addFields(fields: FieldDescription[]): void };
const resultPrototype = (pg as unknown as { Result: { prototype: ResultPrototype } }).Result.prototype;
const addFields = resultPrototype.addFields;
resultPrototype.addFields = function patchedAddFields(fields) {
  for (const field of fields) if (CATALOG_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  return addFields.call(this, fields);
};

// adapter-pg's executeScript splits a migration on every ";" and runs the pieces one by one:
// function bodies ($$ ... ; ... $$) break, and a failing migration is left half-applied. Send the
// whole script as one simple-protocol query instead: PostgreSQL runs a multi-statement simple
// query as one implicit transaction, so a migration applies entirely or not at all.
type ScriptAdapter = {
  executeScript(script: string): Promise<void>;
  underlyingDriver(): { query(text: string): Promise<unknown> };
  onError(error: unknown): never;
};
class WholeScriptPrismaPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const scriptAdapter = adapter as unknown as ScriptAdapter;
    scriptAdapter.executeScript = async (script) => {
      try {
        await scriptAdapter.underlyingDriver().query(script);
      } catch (error) {
        scriptAdapter.onError(error);
      }
    };
    return adapter;
  }
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new WholeScriptPrismaPg({ connectionString: databaseUrl }),
});
