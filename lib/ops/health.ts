import "server-only";
import { prisma } from "@/lib/db/client";
import packageJson from "@/package.json";

const startedAt = Date.now();
const DB_TIMEOUT_MS = 2000;

export type Health = { status: "ok" | "degraded"; database: "up" | "down"; uptime: number; version: string };

/** Never throws: a database that fails or hangs is reported as down within two seconds. */
export async function getHealth(): Promise<Health> {
  const database = await pingDatabase();
  return {
    status: database === "up" ? "ok" : "degraded",
    database,
    uptime: Math.round((Date.now() - startedAt) / 1000),
    version: packageJson.version,
  };
}

async function pingDatabase(): Promise<"up" | "down"> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("database ping timed out")), DB_TIMEOUT_MS);
    });
    await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
    return "up";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}
