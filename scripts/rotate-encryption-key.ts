// `npm run secrets:rotate`: re-encrypts every stored token and secret with ENCRYPTION_KEY.
// Rotation: 1) ENCRYPTION_KEY_PREVIOUS=<old key>, ENCRYPTION_KEY=<new key> on every instance,
// 2) run this once, 3) remove ENCRYPTION_KEY_PREVIOUS. Needs DATABASE_URL (PostgreSQL), or run it
// with the embedded database through `tsx scripts/with-db.ts npm run secrets:rotate` while the
// app is stopped.
import { reencryptAllSecrets } from "../lib/crypto/reencrypt-all";

const summary = await reencryptAllSecrets();
console.log(
  `re-encrypted ${summary.channels} channel credential(s) and ${summary.userTokens} user token(s); ${summary.unchanged} already used the current key`,
);
process.exit(0);
