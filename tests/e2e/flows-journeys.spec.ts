import { createHmac, randomInt } from "node:crypto";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { E2E_META_APP } from "./global-setup";
import { fakeRequests, registerFakePage, type FakeRequestSummary } from "./support/fake-control";
import { connectWhatsApp, postWhatsAppWebhook, randomMetaId, whatsAppTextWebhook } from "./support/inbox-helpers";

// Flows end to end (issue 6): a marketer builds a flow on the canvas and publishes it, then a
// customer's signed webhook makes the app send exactly the flow's messages to the (fake) Graph
// API — once, even when Meta delivers the webhook again. And comment-to-DM: a comment rule with
// a cooldown sends one private reply per person within the cooldown.

test.describe.configure({ timeout: 120_000 });

/** Signs up an owner with a new workspace; the first sign-up on a cold server can take a while. */
async function signUp(page: Page, { name, workspace }: { name: string; workspace: string }): Promise<string> {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(`${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}-${randomInt(1e6)}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("flow journeys passphrase 42");
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/[a-z0-9-]+\/inbox$/, { timeout: 30_000 });
  return new URL(page.url()).pathname.split("/")[1];
}

function block(page: Page, type: string): Locator {
  return page.locator(`[data-testid="flow-block"][data-block-type="${type}"]`);
}

/** The one block the locator finds now, pinned by its id (the locator may match more blocks later). */
async function pinned(page: Page, locator: Locator): Promise<Locator> {
  await expect(locator).toHaveCount(1);
  return page.locator(`[data-testid="flow-block"][data-block-id="${await locator.getAttribute("data-block-id")}"]`);
}

/** Drags from an output handle of one block to the input of another, as a mouse would. */
async function connect(page: Page, { from, handle, to }: { from: Locator; handle: string; to: Locator }) {
  const node = async (locator: Locator) => `[data-testid="flow-block"][data-block-id="${await locator.getAttribute("data-block-id")}"]`;
  const source = page.locator(`.react-flow__node:has(> ${await node(from)}) .react-flow__handle.source[data-handleid="${handle}"]`);
  const target = page.locator(`.react-flow__node:has(> ${await node(to)}) .react-flow__handle.target`);
  const start = await source.boundingBox();
  const end = await target.boundingBox();
  if (!start || !end) throw new Error("handle not on screen");
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Opens Flows and creates a flow; resolves on its canvas. */
async function createFlow(page: Page, { slug, name }: { slug: string; name: string }) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Flows" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Flows" })).toBeVisible();
  await page.getByLabel("Flow name").fill(name);
  await page.getByRole("button", { name: "Create flow" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}/flows/[^/]+$`));
  await expect(page.getByTestId("flow-builder")).toBeVisible();
}

/** Drops a block from the palette at a point of the canvas (fractions of its size). */
async function dropBlock(page: Page, { label, at }: { label: string; at: { x: number; y: number } }) {
  const canvas = page.getByTestId("flow-canvas");
  const box = await canvas.boundingBox();
  if (!box) throw new Error("canvas not on screen");
  await page.getByRole("button", { name: `Add ${label}` }).dragTo(canvas, { targetPosition: { x: box.width * at.x, y: box.height * at.y } });
}

async function publish(page: Page) {
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-status", "saved", { timeout: 10_000 });
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByText("Version 1 is live")).toBeVisible();
}

/** Polls the fake's requests until `select` finds `count` of them, then checks for a while that no more come. */
async function expectExactly(select: (requests: FakeRequestSummary[]) => FakeRequestSummary[], count: number, { settleMs = 4_000 } = {}): Promise<FakeRequestSummary[]> {
  await expect.poll(async () => select(await fakeRequests()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const found = select(await fakeRequests());
  expect(found).toHaveLength(count);
  return found;
}

test("a keyword flow built on the canvas answers a WhatsApp customer with exactly its messages, once", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const slug = await signUp(page, { name: "Kira Keyword", workspace: "Keyword Bakery" });
  const channel = await connectWhatsApp(page, { slug });
  await createFlow(page, { slug, name: "Price answers" });

  // The starter keyword trigger: keyword "price".
  const trigger = block(page, "keyword");
  await trigger.click();
  const panel = page.getByTestId("block-panel");
  await expect(panel.getByRole("heading", { name: "Keyword trigger" })).toBeVisible();
  await panel.getByRole("button", { name: "Add keyword" }).click();
  await panel.getByRole("textbox", { name: "Keyword 1" }).fill("price");
  await expect(trigger).toContainText('"price"');

  // Two Send message blocks from the palette, the second with reply buttons.
  await dropBlock(page, { label: "Send message", at: { x: 0.75, y: 0.3 } });
  const first = await pinned(page, block(page, "send_message"));
  await expect(panel.getByRole("heading", { name: "Send message" })).toBeVisible();
  await panel.getByLabel("Text", { exact: true }).fill("Our price is 10 EUR");
  await panel.getByLabel("Name on the canvas (optional)").fill("Price");
  await expect(first).toContainText("Price");

  await dropBlock(page, { label: "Send message", at: { x: 0.75, y: 0.75 } });
  await expect(block(page, "send_message")).toHaveCount(2);
  const second = await pinned(page, block(page, "send_message").filter({ hasNotText: "Our price is 10 EUR" }));
  await panel.getByLabel("Text", { exact: true }).fill("Shall we bake one for you?");
  await panel.getByLabel("Name on the canvas (optional)").fill("Offer");
  await panel.getByLabel("Add quick replies or buttons").check();
  await panel.getByLabel("Shown as").selectOption("buttons");
  await panel.getByLabel("Option 1 title").fill("Yes please");
  await panel.getByRole("button", { name: "Add option" }).click();
  await panel.getByLabel("Option 2 title").fill("Not now");
  await expect(second).toContainText("2 options");

  // Connections: trigger → first by dragging handle to handle, first → second in the side panel.
  await page.getByRole("button", { name: "Fit View" }).click();
  await connect(page, { from: trigger, handle: "next", to: first });
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await first.click();
  await expect(panel.getByRole("heading", { name: "Send message" })).toBeVisible();
  await panel.getByLabel(/^Next →/).selectOption({ label: "Send message: Offer" });
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  for (const each of [trigger, first, second]) await expect(each).not.toHaveAttribute("data-has-error", "true");
  await publish(page);

  // A customer asks on WhatsApp (a signed webhook, as Meta sends it).
  const customer = `4915${randomInt(10_000_000, 99_999_999)}`;
  const payload = whatsAppTextWebhook({ phoneNumberId: channel.phoneNumberId, wabaId: channel.wabaId, from: customer, name: "Paula Price", text: "Price?" });
  await postWhatsAppWebhook(page.request, { channelId: channel.channelId, appSecret: channel.appSecret, payload });

  const sendsToCustomer = (requests: FakeRequestSummary[]) =>
    requests.filter((request) => request.method === "POST" && request.path.endsWith(`/${channel.phoneNumberId}/messages`) && (request.body as { to?: string } | null)?.to === customer);
  const sent = await expectExactly(sendsToCustomer, 2);
  expect(sent[0].body).toMatchObject({ messaging_product: "whatsapp", to: customer, type: "text", text: { body: "Our price is 10 EUR" } });
  expect(sent[1].body).toMatchObject({
    to: customer,
    type: "interactive",
    interactive: {
      type: "button",
      body: { text: "Shall we bake one for you?" },
      action: { buttons: [{ type: "reply", reply: { title: "Yes please" } }, { type: "reply", reply: { title: "Not now" } }] },
    },
  });

  // Meta delivers the same webhook again: nothing more is sent.
  await postWhatsAppWebhook(page.request, { channelId: channel.channelId, appSecret: channel.appSecret, payload });
  await expectExactly(sendsToCustomer, 2, { settleMs: 5_000 });

  // The inbox shows the customer's question and the flow's two answers.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inbox" }).click();
  await page.getByTestId("conversation-row").filter({ hasText: "Paula Price" }).click();
  const thread = page.getByRole("region", { name: "Conversation with Paula Price" }).getByTestId("inbox-thread");
  await expect(thread.getByTestId("message").filter({ hasText: "Price?" })).toBeVisible();
  await expect(thread.getByTestId("message").filter({ hasText: "Our price is 10 EUR" })).toHaveCount(1);
  await expect(thread.getByTestId("message").filter({ hasText: "Shall we bake one for you?" })).toHaveCount(1);
});

/** A signed Instagram `comments` webhook (app-level, routed by the account id in entry[].id). */
async function postComment(page: Page, { igAccountId, from, username, text }: { igAccountId: string; from: string; username: string; text: string }): Promise<string> {
  const commentId = `1780${randomInt(100_000, 999_999)}${randomInt(100_000, 999_999)}`;
  const body = JSON.stringify({
    object: "instagram",
    entry: [
      {
        id: igAccountId,
        time: Math.floor(Date.now() / 1000),
        changes: [{ field: "comments", value: { from: { id: from, username }, media: { id: "18050310947722369", media_product_type: "FEED" }, id: commentId, text } }],
      },
    ],
  });
  const signature = `sha256=${createHmac("sha256", E2E_META_APP.appSecret).update(body).digest("hex")}`;
  const response = await page.request.post("/api/webhooks/instagram", { headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature }, data: body });
  expect(response.status(), await response.text()).toBe(200);
  return commentId;
}

test("a comment-to-DM rule with a cooldown sends one private reply per person within it", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const slug = await signUp(page, { name: "Cleo Comments", workspace: "Comment Boutique" });

  // An Instagram account of this test's own, connected through (fake) Facebook Login.
  const igAccountId = `1784${randomMetaId().slice(0, 13)}`;
  const igUsername = `cleo_${igAccountId.slice(-6)}`;
  await registerFakePage({ id: randomMetaId(), name: `Cleo Page ${igAccountId.slice(-4)}`, accessToken: `EAAGe2eCleoPage${igAccountId}`, igAccountId, igUsername, igName: "Cleo Boutique" });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Channels" }).click();
  await page.getByRole("link", { name: "Connect Instagram" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  const selection = page.getByRole("form", { name: "Choose Instagram accounts" });
  await selection.getByRole("checkbox", { name: new RegExp(`@${igUsername}`) }).check();
  await selection.getByRole("button", { name: "Connect selected" }).click();
  await expect(page.getByTestId("instagram-result")).toContainText("Connected 1 Instagram account");

  // The rule on the canvas: comments containing "info" → a public reply, a private reply, cooldown 1 hour.
  await createFlow(page, { slug, name: "Info comments" });
  await block(page, "keyword").click();
  const panel = page.getByTestId("block-panel");
  await panel.getByRole("button", { name: "Delete block" }).click();
  await expect(block(page, "keyword")).toHaveCount(0);
  await dropBlock(page, { label: "Instagram comment trigger", at: { x: 0.3, y: 0.4 } });
  const trigger = block(page, "instagram_comment");
  await expect(trigger).toHaveCount(1);
  await expect(panel.getByRole("heading", { name: "Instagram comment trigger" })).toBeVisible();
  // The default cooldown is 24 hours.
  await expect(panel.getByLabel("DM cooldown per person")).toHaveValue("24");
  await expect(panel.getByLabel("Unit")).toHaveValue("hours");
  await panel.getByLabel("Only when the text matches keywords").check();
  await panel.getByRole("button", { name: "Add keyword" }).click();
  await panel.getByRole("textbox", { name: "Keyword 1" }).fill("info");
  await panel.getByRole("button", { name: "Add public reply" }).click();
  await panel.getByRole("textbox", { name: "Public reply 1" }).fill("Sent you a DM!");
  await panel.getByLabel("Send a private reply to the commenter").check();
  await panel.getByLabel("Private reply text").fill("Here is the info: 10 EUR, ships in 2 days");
  // A bad cooldown is refused next to the field; 1 hour is fine.
  await panel.getByLabel("DM cooldown per person").fill("31");
  await panel.getByLabel("Unit").selectOption("days");
  await expect(panel.getByText("The cooldown is at most 30 days").first()).toBeVisible();
  await panel.getByLabel("DM cooldown per person").fill("1");
  await panel.getByLabel("Unit").selectOption("hours");
  await expect(panel.getByText("The cooldown is at most 30 days")).toHaveCount(0);
  await expect(trigger).toContainText("1 DM per person per 1 hour");

  await dropBlock(page, { label: "End", at: { x: 0.75, y: 0.4 } });
  const end = block(page, "end");
  await expect(end).toHaveCount(1);
  await page.getByRole("button", { name: "Fit View" }).click();
  await connect(page, { from: trigger, handle: "next", to: end });
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await publish(page);

  const privateReplies = (commentId: string) => (requests: FakeRequestSummary[]) =>
    requests.filter((request) => request.method === "POST" && request.path.endsWith("/me/messages") && (request.body as { recipient?: { comment_id?: string } } | null)?.recipient?.comment_id === commentId);
  const publicReplies = (commentId: string) => (requests: FakeRequestSummary[]) => requests.filter((request) => request.method === "POST" && request.path.endsWith(`/${commentId}/replies`));

  // Person A comments: one public reply, one private reply.
  const personA = randomMetaId();
  const firstA = await postComment(page, { igAccountId, from: personA, username: "anna_a", text: "info please" });
  const [dm] = await expectExactly(privateReplies(firstA), 1);
  expect(dm.body).toEqual({ recipient: { comment_id: firstA }, message: { text: "Here is the info: 10 EUR, ships in 2 days" } });
  const [reply] = await expectExactly(publicReplies(firstA), 1, { settleMs: 0 });
  expect(reply.body).toEqual({ message: "Sent you a DM!" });

  // A again within the hour: the public reply only, no DM; the activity log says why.
  const secondA = await postComment(page, { igAccountId, from: personA, username: "anna_a", text: "more info?" });
  await expectExactly(publicReplies(secondA), 1, { settleMs: 0 });
  await expectExactly(privateReplies(secondA), 0, { settleMs: 3_000 });
  await expect
    .poll(async () => {
      const response = await page.request.get("/api/automation/activity", { headers: { "X-Workspace": slug } });
      const { entries } = (await response.json()) as { entries: { kind: string; result: string; reason: string | null; detail: { commentId?: string; code?: string } | null }[] };
      return entries.filter((entry) => entry.detail?.commentId === secondA && entry.kind === "comment_private_reply").map((entry) => [entry.result, entry.detail?.code, entry.reason]);
    })
    .toEqual([["skipped", "cooldown", expect.stringContaining("in the last 1 hour")]]);

  // Person B is not in A's cooldown: one DM.
  const firstB = await postComment(page, { igAccountId, from: randomMetaId(), username: "ben_b", text: "info?" });
  const [dmB] = await expectExactly(privateReplies(firstB), 1);
  expect(dmB.body).toEqual({ recipient: { comment_id: firstB }, message: { text: "Here is the info: 10 EUR, ships in 2 days" } });
  // Still exactly one DM for A's first comment.
  await expectExactly(privateReplies(firstA), 1, { settleMs: 0 });
});
