import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

// Secret columns are omitted from every read unless a query asks for them explicitly.
const omit = {
  user: { passwordHash: true },
  apiKey: { keyHash: true },
  channel: { credentialsEncrypted: true },
} as const;

function createClient() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  return new PrismaClient({ adapter, omit });
}

type Client = ReturnType<typeof createClient>;
const globalForPrisma = globalThis as unknown as { switchboardPrisma?: Client };

function getClient(): Client {
  return (globalForPrisma.switchboardPrisma ??= createClient());
}

/**
 * The one Prisma client. A globalThis singleton so dev reloads do not open new pools. Created
 * on first use, so importing this module (e.g. while `next build` collects route config)
 * needs no DATABASE_URL.
 */
export const prisma = new Proxy({} as Client, {
  get(_target, property) {
    const client = getClient();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export type Db = Client;
export type TransactionClient = Parameters<Parameters<Client["$transaction"]>[0]>[0];
