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

/** The one Prisma client. A globalThis singleton so dev reloads do not open new pools. */
export const prisma: Client = globalForPrisma.switchboardPrisma ?? createClient();
globalForPrisma.switchboardPrisma = prisma;

export type Db = Client;
export type TransactionClient = Parameters<Parameters<Client["$transaction"]>[0]>[0];
