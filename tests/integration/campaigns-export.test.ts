// The per-recipient CSV export as a download link (GET /api/workspaces/:slug/campaigns/:id/export):
// the session cookie and membership of the workspace in the path authorise it; the file streams
// batch by batch, complete and formula-safe; the REST route keeps serving API-key clients.
import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { EXPORT_BATCH_SIZE } from "@/lib/campaigns/manage/export-recipients";
import * as downloadRoute from "@/app/api/workspaces/[slug]/campaigns/[id]/export/route";
import * as restExportRoute from "@/app/api/campaigns/[id]/export/route";
import { createAccount, type TestAccount } from "../helpers/factories";
import { getSandboxChannel } from "../helpers/channels";
import { call, readJson } from "../helpers/http";

const RECIPIENTS = 2500;
const FORMULA_NAME = '=HYPERLINK("http://evil.example","click")';

let owner: TestAccount;
let other: TestAccount;
let campaignId: string;

/** A completed Sandbox campaign with `count` recipients (every 10th failed with a reason, the rest read). */
async function seedCampaign(account: TestAccount, { name, count }: { name: string; count: number }): Promise<string> {
  const channel = await getSandboxChannel(account.workspace.id);
  const campaign = await prisma.campaign.create({
    data: { workspaceId: account.workspace.id, channelId: channel.id, name, status: "completed", audience: { source: "channel" }, content: { kind: "text", text: "Hi" }, createdById: account.user.id },
    select: { id: true },
  });
  const pool = getPgPool();
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", "displayName", "createdAt", "updatedAt")
     SELECT gen_random_uuid()::text, $1, $2, $3 || n, CASE WHEN n = 1 THEN $5 ELSE 'Customer ' || n END, now(), now()
       FROM generate_series(1, $4) AS n RETURNING id`,
    [account.workspace.id, channel.id, `export-${campaign.id}-`, count, FORMULA_NAME],
  );
  await pool.query(
    `INSERT INTO "CampaignRecipient" (id, "workspaceId", "campaignId", "contactId", status, "reasonCode", reason, attempts, "sentAt", "readAt", "failedAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid()::text, $1, $2, c.id,
            CASE WHEN c.ord % 10 = 0 THEN 'failed' ELSE 'read' END::"CampaignRecipientStatus",
            CASE WHEN c.ord % 10 = 0 THEN '131026' END, CASE WHEN c.ord % 10 = 0 THEN 'Message undeliverable, "try later"' END,
            1, now(), CASE WHEN c.ord % 10 = 0 THEN NULL ELSE now() END, CASE WHEN c.ord % 10 = 0 THEN now() END, now(), now()
       FROM (SELECT id, row_number() OVER () AS ord FROM unnest($3::text[]) AS id) c`,
    [account.workspace.id, campaign.id, rows.map((row) => row.id)],
  );
  return campaign.id;
}

const downloadPath = (slug: string, id: string) => `/api/workspaces/${slug}/campaigns/${id}/export`;

/** The body, read chunk by chunk as a browser would: the text and how many chunks it came in. */
async function readChunks(res: Response): Promise<{ text: string; chunks: number }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), chunks };
    chunks += 1;
    text += decoder.decode(value, { stream: true });
  }
}

function parseCsv(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text, { newline: "\r\n", skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

beforeAll(async () => {
  owner = await createAccount({ label: "export-owner" });
  other = await createAccount({ label: "export-other" });
  campaignId = await seedCampaign(owner, { name: "Été 2030 sale", count: RECIPIENTS });
}, 120_000);

describe("the campaign recipients download link", () => {
  it(`streams all ${RECIPIENTS} recipients in batches, once each, with the campaign's file name`, async () => {
    const res = await call(downloadRoute.GET, downloadPath(owner.workspace.slug, campaignId), { as: owner.user, params: { slug: owner.workspace.slug, id: campaignId } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="ete-2030-sale-recipients.csv"; filename*=UTF-8''${encodeURIComponent("été-2030-sale-recipients.csv")}`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { text, chunks } = await readChunks(res);
    // The header, then one chunk per batch of 1,000: never one buffer of everything.
    expect(chunks).toBe(1 + Math.ceil(RECIPIENTS / EXPORT_BATCH_SIZE));
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["contact_id", "name", "username", "phone", "status", "reason_code", "reason", "attempts", "sent_at", "delivered_at", "read_at", "failed_at"]);
    const body = rows.slice(1);
    expect(body).toHaveLength(RECIPIENTS);
    const stored = await prisma.campaignRecipient.findMany({ where: { campaignId }, select: { contactId: true, status: true } });
    expect(new Set(body.map((row) => row[0]))).toEqual(new Set(stored.map((row) => row.contactId)));
    expect(body.filter((row) => row[4] === "failed")).toHaveLength(RECIPIENTS / 10);
    expect(body.filter((row) => row[4] === "read")).toHaveLength(RECIPIENTS - RECIPIENTS / 10);
    expect(body.find((row) => row[4] === "failed")).toEqual(expect.arrayContaining(["131026", 'Message undeliverable, "try later"']));
    // A customer-chosen name that a spreadsheet would run is shown as text.
    expect(body.find((row) => row[1].includes("HYPERLINK"))?.[1]).toBe(`'${FORMULA_NAME}`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  }, 60_000);

  it("answers 404 for another workspace's campaign under the member's own workspace, 403 under the other's", async () => {
    const theirs = await seedCampaign(other, { name: "Other secret campaign", count: 3 });
    const own = await call(downloadRoute.GET, downloadPath(owner.workspace.slug, theirs), { as: owner.user, params: { slug: owner.workspace.slug, id: theirs } });
    expect(own.status).toBe(404);
    expect((await readJson(own)).error.code).toBe("not_found");
    const foreign = await call(downloadRoute.GET, downloadPath(other.workspace.slug, theirs), { as: owner.user, params: { slug: other.workspace.slug, id: theirs } });
    const text = await foreign.text();
    expect(foreign.status).toBe(403);
    expect(text).not.toContain("Other secret campaign");
    expect(text).not.toContain("Customer");
  });

  it("answers 401 without a session, and an X-Workspace header does not stand in for the path", async () => {
    const res = await call(downloadRoute.GET, downloadPath(owner.workspace.slug, campaignId), { params: { slug: owner.workspace.slug, id: campaignId } });
    expect(res.status).toBe(401);
    expect((await readJson(res)).error.code).toBe("unauthorized");
    const crossed = await call(downloadRoute.GET, downloadPath(other.workspace.slug, campaignId), {
      as: owner.user,
      params: { slug: other.workspace.slug, id: campaignId },
      headers: { "x-workspace": owner.workspace.slug },
    });
    expect(crossed.status).toBe(403);
  });

  it("keeps the REST export for API-key clients, with the same rows", async () => {
    const { key } = await createApiKey({ workspaceId: owner.workspace.id, name: "export key", role: "marketer", createdById: owner.user.id });
    const res = await call(restExportRoute.GET, `/api/campaigns/${campaignId}/export`, { apiKey: key, params: { id: campaignId } });
    expect(res.status).toBe(200);
    const rows = parseCsv(await res.text());
    expect(rows).toHaveLength(RECIPIENTS + 1);
    const viaLink = await call(downloadRoute.GET, downloadPath(owner.workspace.slug, campaignId), { apiKey: key, params: { slug: owner.workspace.slug, id: campaignId } });
    expect(parseCsv(await viaLink.text())).toEqual(rows);
  }, 60_000);
});
