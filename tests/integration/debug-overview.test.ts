import { afterEach, expect, it } from "vitest";
import * as debugRoute from "@/app/api/debug/route";
import { encryptSecret } from "@/lib/crypto/secrets";
import { prisma } from "@/lib/db/client";
import { addMember, createAccount } from "@/tests/helpers/factories";
import { createInstagramChannel, createWhatsAppChannel } from "@/tests/helpers/channels";
import { call, readJson } from "@/tests/helpers/http";

const env = process.env as Record<string, string | undefined>;
const originalNodeEnv = env.NODE_ENV;
afterEach(() => {
  env.NODE_ENV = originalNodeEnv;
  delete env.DEBUG_ENDPOINTS;
});

it("shows channels, tokens with masked values and expiry, and last messages — never a usable secret", async () => {
  const { user, workspace } = await createAccount();
  const wa = await createWhatsAppChannel({ workspaceId: workspace.id });
  const ig = await createInstagramChannel({ workspaceId: workspace.id });
  const expiresAt = new Date(Date.now() + 30 * 24 * 3600_000);
  await prisma.channel.update({ where: { id: wa.id }, data: { tokenExpiresAt: expiresAt } });
  await prisma.metaUserToken.create({ data: { workspaceId: workspace.id, metaUserId: "meta-debug", tokenEncrypted: encryptSecret("EAAUserDebugToken123"), expiresAt, createdById: user.id } });

  const res = await call(debugRoute.GET, "/api/debug", { as: user, headers: { "x-workspace": workspace.slug } });
  expect(res.status).toBe(200);
  const text = await res.clone().text();
  for (const secret of [wa.credentials.accessToken, wa.credentials.appSecret, ig.credentials.pageAccessToken, "EAAUserDebugToken123"]) {
    expect(text).not.toContain(secret);
  }
  const body = await readJson(res);
  const waRow = body.channels.find((c: { id: string }) => c.id === wa.id);
  expect(waRow.credentials.accessToken).toBe(`${wa.credentials.accessToken.slice(0, 4)}…${wa.credentials.accessToken.slice(-3)}`);
  expect(new Date(waRow.tokenExpiresAt).getTime()).toBe(expiresAt.getTime());
  expect(body.userTokens).toEqual([expect.objectContaining({ metaUserId: "meta-debug", token: "EAAU…123" })]);
  expect(Array.isArray(body.messages)).toBe(true);
});

it("is refused to agents and marketers", async () => {
  const { user, workspace } = await createAccount();
  const agent = await addMember({ workspace, invitedBy: user, role: "agent" });
  const res = await call(debugRoute.GET, "/api/debug", { as: agent.user, headers: { "x-workspace": workspace.slug } });
  expect(res.status).toBe(403);
});

it("is off in production unless DEBUG_ENDPOINTS=1", async () => {
  const { user, workspace } = await createAccount();
  env.NODE_ENV = "production";
  const off = await call(debugRoute.GET, "/api/debug", { as: user, headers: { "x-workspace": workspace.slug } });
  expect(off.status).toBe(404);
  env.DEBUG_ENDPOINTS = "1";
  const on = await call(debugRoute.GET, "/api/debug", { as: user, headers: { "x-workspace": workspace.slug } });
  expect(on.status).toBe(200);
});
