import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type AppServer = { url: string; process: ChildProcess; output: () => string; stop: (signal?: NodeJS.Signals) => Promise<number | null> };

export type StartAppServerOptions = { port: number; dataDir: string; secret: string };

/** Starts `npm start`'s script on its own port and embedded database, and waits for health. */
export async function startAppServer({ port, dataDir, secret }: StartAppServerOptions): Promise<AppServer> {
  const root = path.resolve(import.meta.dirname, "../../..");
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_DB_DIR: dataDir, NEXTAUTH_SECRET: secret, NEXTAUTH_URL: `http://localhost:${port}`, LOG_LEVEL: "warn" };
  delete env.DATABASE_URL;
  // node --import tsx, not the tsx CLI: the CLI relays a signal and, when its child does not
  // acknowledge it within 30 ms (a busy machine), SIGKILLs it — orphaning the web server and
  // the embedded database. Without the wrapper the signal reaches start.ts itself.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    process: child,
    output: () => log,
    stop: async (signal = "SIGINT") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
