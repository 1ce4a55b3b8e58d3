// Attachments: uploaded (multipart) or fetched from a URL by the server, typed by their bytes,
// stored in Postgres and served to providers from /api/attachments/<id>/<HMAC token>.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getChannelConfig } from "@/lib/channels/config";
import * as attachmentsRoute from "@/app/api/attachments/route";
import * as publicRoute from "@/app/api/attachments/[id]/[token]/route";
import * as messagesRoute from "@/app/api/conversations/[id]/messages/route";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createWhatsAppChannel, registerWhatsAppWithFake, seedConversation } from "../helpers/channels";
import { addMember, createAccount, uniqueSuffix, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { discardWaitingJobs, runSendJobs } from "../helpers/jobs";
import { TEST_BASE_URL } from "../helpers/test-env";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("fake png body for tests")]);
const PDF = Buffer.from("%PDF-1.4\n% a tiny test document\n%%EOF\n");
const MB = 1024 * 1024;

let owner: TestAccount;
let agent: TestUser;
let marketer: TestUser;
let other: TestAccount;
let fake: FakeProviders;
let files: Server;
let filesUrl: string;
const savedGraph = process.env.GRAPH_API_URL;
const savedFlag = process.env.ATTACHMENT_FETCH_ALLOW_PRIVATE;

beforeAll(async () => {
  owner = await createAccount({ label: "attach" });
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
  marketer = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "marketer" })).user;
  other = await createAccount({ label: "attach-other" });
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  // A file server on loopback: what an agent's link points at.
  files = createServer((req, res) => {
    if (req.url === "/menu.pdf") {
      res.writeHead(200, { "Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="Spring menu.pdf"' });
      return res.end(PDF);
    }
    if (req.url === "/moved") {
      res.writeHead(302, { Location: "/photo" });
      return res.end();
    }
    if (req.url === "/photo") {
      res.writeHead(200, { "Content-Type": "image/png" });
      return res.end(PNG);
    }
    if (req.url === "/huge") {
      res.writeHead(200, { "Content-Type": "video/mp4" });
      return res.end(Buffer.alloc(17 * MB));
    }
    res.writeHead(404);
    res.end("not here");
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});

afterEach(() => {
  if (savedFlag === undefined) delete process.env.ATTACHMENT_FETCH_ALLOW_PRIVATE;
  else process.env.ATTACHMENT_FETCH_ALLOW_PRIVATE = savedFlag;
});

afterAll(async () => {
  await discardWaitingJobs([owner.workspace.id]);
  await fake.close();
  await new Promise((resolve) => files.close(resolve));
  if (savedGraph === undefined) delete process.env.GRAPH_API_URL;
  else process.env.GRAPH_API_URL = savedGraph;
});

function upload(file: Buffer, { type = "image/png", name = "photo.png", as = agent } = {}) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(file)], { type }), name);
  return call(attachmentsRoute.POST, "/api/attachments", { method: "POST", as, body: form, headers: { "x-workspace": owner.workspace.slug } });
}

function fromUrl(url: string) {
  return call(attachmentsRoute.POST, "/api/attachments", { method: "POST", as: agent, json: { url }, headers: { "x-workspace": owner.workspace.slug } });
}

/** Fetches a public attachment URL the way a provider would: no credentials at all. */
function fetchPublic(url: string) {
  const [, id, token] = new URL(url).pathname.match(/^\/api\/attachments\/([^/]+)\/([^/]+)$/) ?? [];
  return publicRoute.GET(new Request(url), { params: Promise.resolve({ id, token }) });
}

async function expectError(res: Response, status: number, message: RegExp) {
  const body = await readJson(res);
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.message).toMatch(message);
}

describe("uploading", () => {
  it("stores a multipart file and serves it publicly with the right headers", async () => {
    const res = await upload(PNG, { name: "Shop front.png" });
    const { attachment } = await readJson(res);
    expect(res.status).toBe(201);
    expect(attachment).toEqual({ id: expect.any(String), fileName: "Shop front.png", mimeType: "image/png", size: PNG.length, url: expect.stringMatching(new RegExp(`^${TEST_BASE_URL}/api/attachments/${attachment.id}/[A-Za-z0-9_-]{43}$`)) });
    expect(await prisma.attachment.findUniqueOrThrow({ where: { id: attachment.id } })).toMatchObject({ workspaceId: owner.workspace.id, createdById: agent.id, sourceUrl: null });

    const served = await fetchPublic(attachment.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
    expect(Object.fromEntries(served.headers)).toMatchObject({
      "content-type": "image/png",
      "content-length": String(PNG.length),
      "content-disposition": `inline; filename="Shop front.png"; filename*=UTF-8''Shop%20front.png`,
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=31536000, immutable",
    });
  });

  it("answers 404, the same way, for a wrong token, another id's token and an unknown id", async () => {
    const { attachment: first } = await readJson(await upload(PNG));
    const { attachment: second } = await readJson(await upload(PNG));
    const firstToken = first.url.split("/").at(-1);
    for (const url of [
      first.url.replace(/\/[^/]+$/, "/" + "A".repeat(43)),
      second.url.replace(/\/[^/]+$/, `/${firstToken}`),
      first.url.replace(first.id, "nonexistent"),
      first.url.slice(0, -1),
    ]) {
      const res = await fetchPublic(url);
      expect(res.status, url).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/json");
    }
  });

  it("goes by the bytes: a file that is not what it claims, or of an unsupported kind, is refused (415)", async () => {
    await expectError(await upload(Buffer.from("<html><script>alert(1)</script></html>"), { type: "image/png", name: "x.png" }), 415, /This file type isn't supported/);
    await expectError(await upload(Buffer.from("MZ\x90\x00 windows program"), { type: "application/pdf", name: "invoice.pdf" }), 415, /isn't supported/);
    // A JPEG labelled PNG is stored as what it is.
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("jfif")]);
    expect((await readJson(await upload(jpeg, { type: "image/png", name: "photo.png" }))).attachment).toMatchObject({ mimeType: "image/jpeg" });
  });

  it("caps sizes: images 5 MB, everything 16 MB (413)", async () => {
    const bigImage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * MB)]);
    await expectError(await upload(bigImage, { type: "image/jpeg", name: "big.jpg" }), 413, /JPEG image files can be at most 5 MB/);
    await expectError(await upload(Buffer.concat([PDF, Buffer.alloc(17 * MB)]), { type: "application/pdf", name: "big.pdf" }), 413, /larger than 16 MB/);
    await expectError(await upload(Buffer.alloc(0), { name: "empty.png" }), 422, /The file is empty/);
  });

  it("refuses marketers (403) and a body without a file (422)", async () => {
    await expectError(await upload(PNG, { as: marketer }), 403, /role/);
    const form = new FormData();
    form.append("notfile", "x");
    await expectError(await call(attachmentsRoute.POST, "/api/attachments", { method: "POST", as: agent, body: form, headers: { "x-workspace": owner.workspace.slug } }), 422, /multipart field `file`/);
  });
});

describe("fetching a URL", () => {
  it("downloads the file, names it from Content-Disposition and follows redirects", async () => {
    const res = await fromUrl(`${filesUrl}/menu.pdf`);
    const { attachment } = await readJson(res);
    expect(res.status).toBe(201);
    expect(attachment).toMatchObject({ fileName: "Spring menu.pdf", mimeType: "application/pdf", size: PDF.length });
    expect(await prisma.attachment.findUniqueOrThrow({ where: { id: attachment.id } })).toMatchObject({ sourceUrl: `${filesUrl}/menu.pdf` });
    const served = await fetchPublic(attachment.url);
    expect(served.headers.get("content-disposition")).toMatch(/^attachment; filename="Spring menu.pdf"/);

    expect((await readJson(await fromUrl(`${filesUrl}/moved`))).attachment).toMatchObject({ fileName: "photo.png", mimeType: "image/png" });
  });

  it("explains what went wrong with the URL", async () => {
    await expectError(await fromUrl(`${filesUrl}/missing`), 422, /answered with HTTP 404/);
    await expectError(await fromUrl("ftp://example.com/file.pdf"), 422, /Only http and https/);
    await expectError(await fromUrl("not a url"), 422, /isn't a valid URL/);
    await expectError(await fromUrl(`${filesUrl}/huge`), 413, /larger than 16 MB/);
  });

  it("refuses private, loopback and link-local addresses when they are not allowed, before connecting", async () => {
    process.env.ATTACHMENT_FETCH_ALLOW_PRIVATE = "false";
    const port = new URL(filesUrl).port;
    for (const url of [
      `${filesUrl}/menu.pdf`,
      `http://localhost:${port}/menu.pdf`,
      `http://[::1]:${port}/menu.pdf`,
      `http://[::ffff:127.0.0.1]:${port}/menu.pdf`,
      `http://2130706433:${port}/menu.pdf`,
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/secret",
    ]) {
      await expectError(await fromUrl(url), 422, /private or local network address/);
    }
    expect(await prisma.attachment.count({ where: { workspaceId: owner.workspace.id, sourceUrl: { contains: "menu.pdf" } } })).toBe(1);
  });
});

describe("sending an attachment", () => {
  it("sends a WhatsApp image by our public URL with the caption, and the URL serves the bytes", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    registerWhatsAppWithFake(fake, channel);
    const { conversationId } = await seedConversation({ channel, contactExternalId: "16505550100" });
    const { attachment } = await readJson(await upload(PNG));
    const res = await call(messagesRoute.POST, `/api/conversations/${conversationId}/messages`, {
      method: "POST",
      as: agent,
      json: { idempotencyKey: `attach-${uniqueSuffix()}`, attachmentId: attachment.id, text: "Our shop front" },
      headers: { "x-workspace": owner.workspace.slug },
      params: { id: conversationId },
    });
    const { message } = await readJson(res);
    expect(res.status).toBe(201);
    expect(message).toMatchObject({ contentType: "image", content: { type: "image", url: attachment.url, caption: "Our shop front", mimeType: "image/png" } });
    await runSendJobs(message.id);
    const path = `/${getChannelConfig().graphApiVersion}/${channel.externalId}/messages`;
    const sends = fake.requests.filter((request) => request.path === path);
    expect(sends).toHaveLength(1);
    expect(sends[0].body).toMatchObject({ type: "image", image: { link: attachment.url, caption: "Our shop front" } });
    expect(Buffer.from(await (await fetchPublic(attachment.url)).arrayBuffer())).toEqual(PNG);
  });

  it("cannot send another workspace's attachment", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    const { conversationId } = await seedConversation({ channel, contactExternalId: "16505550101" });
    const foreign = await prisma.attachment.create({
      data: { workspaceId: other.workspace.id, fileName: "x.png", mimeType: "image/png", size: PNG.length, sha256: "x", data: new Uint8Array(PNG) },
    });
    const res = await call(messagesRoute.POST, `/api/conversations/${conversationId}/messages`, {
      method: "POST",
      as: agent,
      json: { idempotencyKey: `attach-${uniqueSuffix()}`, attachmentId: foreign.id },
      headers: { "x-workspace": owner.workspace.slug },
      params: { id: conversationId },
    });
    await expectError(res, 422, /Attachment not found/);
    expect(await prisma.message.count({ where: { conversationId } })).toBe(0);
  });
});
