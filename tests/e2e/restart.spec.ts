import { expect, test, type APIRequestContext } from "@playwright/test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startAppServer } from "./support/app-server";

// `npm start` on the embedded database: accounts survive a clean stop (SIGINT, then SIGTERM)
// and a second start on the same data directory.
test("accounts survive restarts of the embedded database", async ({ playwright }) => {
  test.setTimeout(300_000);
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "switchboard-restart-")), "pglite");
  const secret = "restart-test-secret-0123456789abcdefghij";
  const port = 3260;
  const email = `restart-${Date.now()}@example.com`;
  const password = "correct horse battery";

  let server = await startAppServer({ port, dataDir, secret });
  let api = await playwright.request.newContext({ baseURL: server.url });
  const signUp = await api.post("/api/signup", { data: { name: "Rita Restart", email, password, workspaceName: "Restart Co" } });
  expect(signUp.status()).toBe(201);
  const { workspace } = await signUp.json();
  await api.dispose();
  expect(await server.stop("SIGINT")).toBe(0);
  expect(existsSync(`${dataDir}.lock`)).toBe(false);

  server = await startAppServer({ port, dataDir, secret });
  api = await playwright.request.newContext({ baseURL: server.url });
  await signIn(api, email, password);
  const list = await api.get("/api/workspaces");
  expect(list.status()).toBe(200);
  expect((await list.json()).workspaces).toEqual([expect.objectContaining({ slug: workspace.slug, name: "Restart Co", role: "owner" })]);
  await api.dispose();
  expect(await server.stop("SIGTERM")).toBe(0);

  // A third start proves the SIGTERM shutdown left a usable directory too.
  server = await startAppServer({ port, dataDir, secret });
  api = await playwright.request.newContext({ baseURL: server.url });
  await signIn(api, email, password);
  expect((await (await api.get("/api/workspaces")).json()).workspaces).toHaveLength(1);
  await api.dispose();
  expect(await server.stop("SIGINT")).toBe(0);
});

async function signIn(api: APIRequestContext, email: string, password: string) {
  const { csrfToken } = await (await api.get("/api/auth/csrf")).json();
  const res = await api.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const session = await (await api.get("/api/auth/session")).json();
  expect(session.user.email).toBe(email);
}
