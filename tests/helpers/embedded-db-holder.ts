// A separate process that holds an embedded database directory, for the lock test:
// `tsx tests/helpers/embedded-db-holder.ts <dataDir>` prints "ready <port>", and stops cleanly
// when its stdin closes.
import { startEmbeddedDatabase } from "../../lib/db/embedded";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: embedded-db-holder.ts <dataDir>");
  process.exit(2);
}

const db = await startEmbeddedDatabase({ dataDir });
process.stdout.write(`ready ${db.port}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await db.stop();
  process.exit(0);
});
