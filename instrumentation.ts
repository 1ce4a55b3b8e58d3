// Runs once when the Next.js server boots: a bad configuration stops it here, with every
// missing or invalid variable named, instead of failing later on a request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("./lib/env");
  getEnv();
}
