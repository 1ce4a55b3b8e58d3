// Runs the fake Meta/Twilio server on its own, for demos and manual testing:
//   npx tsx tests/fakes/run-fake-providers.ts
// FAKE_PROVIDERS_PORT picks the port (default random); FAKE_GRAPH_TOKENS (comma-separated) and
// FAKE_TWILIO_ACCOUNTS ("AC…:token,AC…:token") are registered at start.
import { startFakeProviders } from "./fake-providers";

const fake = await startFakeProviders({ port: Number(process.env.FAKE_PROVIDERS_PORT ?? 0) });
for (const token of (process.env.FAKE_GRAPH_TOKENS ?? "").split(",").filter(Boolean)) fake.registerToken(token);
for (const pair of (process.env.FAKE_TWILIO_ACCOUNTS ?? "").split(",").filter(Boolean)) {
  const [sid, authToken] = pair.split(":");
  if (sid && authToken) fake.registerTwilioAccount(sid, authToken);
}
console.log(`GRAPH_API_URL=${fake.graphUrl}`);
console.log(`TWILIO_API_URL=${fake.twilioUrl}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void fake.close().then(() => process.exit(0)));
}
