import { expect, test, type Page } from "@playwright/test";
import { failNextFakeRequest, fakeRequests, type FakeRequestSummary } from "./support/fake-control";
import { connectWhatsApp, postWhatsAppWebhook, randomMetaId, sendSandboxMessage, signUp, whatsAppStatusWebhook, whatsAppTextWebhook } from "./support/inbox-helpers";

// The inbox as agents use it (issue 5): live updates without a reload, replying, delivery
// ticks driven by status webhooks, WhatsApp's template-only window, assigning and archiving,
// and the one-column phone layout.

const ORDER_TEMPLATE = {
  name: "order_confirmation",
  language: "en_US",
  category: "UTILITY",
  status: "APPROVED",
  components: [{ type: "BODY", text: "Your order {{1}} is confirmed" }],
};

/** The WhatsApp sends the fake received from this number to this customer. */
async function sendsTo({ phoneNumberId, to }: { phoneNumberId: string; to: string }): Promise<FakeRequestSummary[]> {
  const requests = await fakeRequests();
  return requests.filter(
    (request) =>
      request.provider === "graph" &&
      request.method === "POST" &&
      request.path.endsWith(`/${phoneNumberId}/messages`) &&
      typeof request.body === "object" &&
      request.body !== null &&
      (request.body as { to?: string }).to === to,
  );
}

function rowFor(page: Page, text: string) {
  return page.getByTestId("conversation-row").filter({ hasText: text });
}

test("a signed WhatsApp webhook shows up live, the agent replies once, and a read receipt turns the tick", async ({ page, request }) => {
  const slug = await signUp(page, { name: "Wendy Webhook", workspace: "Live Bakery" });
  const channel = await connectWhatsApp(page, { slug });
  const customer = randomMetaId();
  const text = `Do you deliver on Sundays? ${Date.now()}`;

  await page.goto(`/${slug}/inbox`);
  await expect(page.getByRole("heading", { name: "No conversations yet" })).toBeVisible();

  await postWhatsAppWebhook(request, { ...channel, payload: whatsAppTextWebhook({ ...channel, from: customer, name: "Wanda Customer", text }) });
  // Within 4 s, without a reload: the delta poll (every 3 s) brings it in.
  await expect(rowFor(page, text)).toBeVisible({ timeout: 4_000 });
  // From here on by id: the preview text changes with the reply.
  const row = page.locator(`[data-testid="conversation-row"][data-conversation-id="${await rowFor(page, text).getAttribute("data-conversation-id")}"]`);
  await expect(row).toContainText("Wanda Customer");
  await expect(row).toContainText("23 h left");
  await expect(row).toContainText("1 unread");

  await row.click();
  const pane = page.getByRole("region", { name: "Conversation with Wanda Customer" });
  await expect(pane.getByTestId("inbox-thread").getByTestId("message").filter({ hasText: text })).toBeVisible();
  // Opening it marks it read.
  await expect(row.getByTestId("unread-badge")).toHaveCount(0);

  const reply = `Yes, from 9 to 12. ${Date.now()}`;
  const composer = pane.getByRole("combobox", { name: "Message" });
  await composer.fill(reply);
  await expect(pane.getByTestId("composer-counter")).toContainText(`${reply.length}/4096`);
  await composer.press("Enter");
  await expect(composer).toHaveValue("");

  const bubble = pane.getByTestId("message").filter({ hasText: reply });
  await expect(bubble).toHaveAttribute("data-direction", "outbound");
  await expect(bubble.getByTestId("message-sender")).toContainText("Wendy Webhook");
  await expect(bubble).toHaveAttribute("data-status", "sent");
  await expect(row).toContainText(reply);

  // The provider got the reply exactly once.
  await expect.poll(async () => (await sendsTo({ phoneNumberId: channel.phoneNumberId, to: customer })).length).toBe(1);
  const [send] = await sendsTo({ phoneNumberId: channel.phoneNumberId, to: customer });
  expect(send.body).toMatchObject({ messaging_product: "whatsapp", type: "text", text: { body: reply } });

  // The customer reads it: Meta's status webhook turns the tick to "read".
  const messageId = await bubble.getAttribute("data-message-id");
  const messages = await page.request.get(`/api/conversations/${await conversationIdOf(page)}/messages`, { headers: { "X-Workspace": slug } });
  const stored = ((await messages.json()) as { messages: Array<{ id: string; externalId: string | null }> }).messages.find((message) => message.id === messageId);
  expect(stored?.externalId).toMatch(/^wamid\./);
  await postWhatsAppWebhook(request, { ...channel, payload: whatsAppStatusWebhook({ ...channel, wamid: stored!.externalId!, status: "read", recipient: customer }) });
  await expect(bubble).toHaveAttribute("data-status", "read", { timeout: 5_000 });
  await expect(bubble.getByTestId("delivery-status")).toHaveAttribute("title", "Read");

  expect(await sendsTo({ phoneNumberId: channel.phoneNumberId, to: customer })).toHaveLength(1);
});

test("after 24 h WhatsApp only takes a template: pick it, fill its variable, preview, send", async ({ page, request }) => {
  const slug = await signUp(page, { name: "Tomas Template", workspace: "Template Shop" });
  const channel = await connectWhatsApp(page, { slug, templates: [ORDER_TEMPLATE] });
  const customer = randomMetaId();
  const text = `Where is my order? ${Date.now()}`;
  const dayAndMore = new Date(Date.now() - 25 * 60 * 60 * 1000);
  await postWhatsAppWebhook(request, { ...channel, payload: whatsAppTextWebhook({ ...channel, from: customer, name: "Olga Old", text, at: dayAndMore }) });

  await page.goto(`/${slug}/inbox`);
  const row = rowFor(page, text);
  await expect(row).toContainText("Window closed");
  await row.click();

  const pane = page.getByRole("region", { name: "Conversation with Olga Old" });
  await expect(pane.getByTestId("composer")).toHaveAttribute("data-mode", "template_only");
  await expect(pane.getByText("Only a template can be sent now")).toBeVisible();
  const form = pane.getByRole("form", { name: "Send a template" });
  await expect(form.getByLabel("Template")).toHaveValue("order_confirmation|en_US");
  await expect(form.getByTestId("template-preview")).toHaveText("Your order {{1}} is confirmed");

  // Sending without the variable names what is missing; nothing goes out.
  await form.getByRole("button", { name: "Send template" }).click();
  await expect(form.getByRole("alert")).toContainText("Fill in {{1}}");
  await form.getByLabel("Variable {{1}}").fill("A-42");
  await expect(form.getByTestId("template-preview")).toHaveText("Your order A-42 is confirmed");
  await form.getByRole("button", { name: "Send template" }).click();

  const bubble = pane.getByTestId("message").filter({ hasText: "Template order_confirmation" });
  await expect(bubble).toHaveAttribute("data-status", "sent");
  await expect.poll(async () => (await sendsTo({ phoneNumberId: channel.phoneNumberId, to: customer })).length).toBe(1);
  const [send] = await sendsTo({ phoneNumberId: channel.phoneNumberId, to: customer });
  expect(send.body).toMatchObject({ type: "template", template: { name: "order_confirmation", language: { code: "en_US" } } });
  expect(JSON.stringify(send.body)).toContain("A-42");
});

test("assign to me and archive: the conversation leaves the Open list and waits under Archived", async ({ page }) => {
  const slug = await signUp(page, { name: "Ana Assign", workspace: "Assign Co" });
  const text = `Can I change my booking? ${Date.now()}`;
  await sendSandboxMessage(page, { slug, name: "Bruno Booking", text });
  await page.goto(`/${slug}/inbox`);
  const row = rowFor(page, text);
  await row.click();
  const pane = page.getByRole("region", { name: "Conversation with Bruno Booking" });
  const actions = pane.getByRole("toolbar", { name: "Conversation actions" });

  await actions.getByRole("button", { name: /Unassigned\. Change assignee/ }).click();
  await actions.getByRole("button", { name: "Assign to me" }).click();
  await expect(actions.getByTestId("assignee-label")).toHaveText("Assigned to you");
  await expect(row.getByTestId("row-assignee")).toContainText("You");

  const assigneeFilter = page.getByLabel("Assignee", { exact: true });
  await assigneeFilter.selectOption("me");
  await expect(rowFor(page, text)).toBeVisible();
  await expect(assigneeFilter).toContainText("Mine (1)");

  await actions.getByRole("button", { name: "Archive" }).click();
  await expect(actions.getByRole("button", { name: "Reopen" })).toBeVisible();
  await expect(rowFor(page, text)).toHaveCount(0);
  await expect(page.getByTestId("count-archived")).toHaveText("1");

  await page.getByRole("group", { name: "Status" }).getByRole("button", { name: /Archived/ }).click();
  await expect(rowFor(page, text)).toBeVisible();
  await expect(page).toHaveURL(/status=archived/);
});

test("on a phone the list, the thread and the contact take turns, with Back", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const slug = await signUp(page, { name: "Pia Phone", workspace: "Phone Co" });
  const text = `Is the shop open today? ${Date.now()}`;
  await sendSandboxMessage(page, { slug, name: "Carla Customer", text });
  await page.goto(`/${slug}/inbox`);

  const list = page.getByRole("region", { name: "Conversations" });
  await rowFor(page, text).click();
  const pane = page.getByRole("region", { name: "Conversation with Carla Customer" });
  await expect(pane.getByTestId("inbox-thread").getByTestId("message").filter({ hasText: text })).toBeVisible();
  await expect(list).toBeHidden();
  await expect(pane.getByRole("heading", { name: "Carla Customer" })).toBeFocused();

  await pane.getByRole("button", { name: "Contact details of Carla Customer" }).click();
  const contact = page.getByRole("complementary", { name: "Contact: Carla Customer" });
  await expect(contact.getByRole("heading", { name: "Internal notes" })).toBeVisible();
  await expect(pane).toBeHidden();
  await contact.getByRole("button", { name: "Back to conversation" }).click();
  await expect(pane).toBeVisible();

  await pane.getByRole("button", { name: "Back", exact: true }).click();
  await expect(list).toBeVisible();
  await expect(page.getByTestId("inbox-thread")).toHaveCount(0);
  await expect(rowFor(page, text)).toBeFocused();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("a send the provider refuses shows why, and Retry sends it again", async ({ page, request }) => {
  const slug = await signUp(page, { name: "Rita Retry", workspace: "Retry Shop" });
  const channel = await connectWhatsApp(page, { slug });
  const customer = randomMetaId();
  const text = `Is the cake ready? ${Date.now()}`;
  await postWhatsAppWebhook(request, { ...channel, payload: whatsAppTextWebhook({ ...channel, from: customer, name: "Fred Failure", text }) });
  await page.goto(`/${slug}/inbox`);
  await rowFor(page, text).click();
  const pane = page.getByRole("region", { name: "Conversation with Fred Failure" });

  // WhatsApp's "undeliverable" error: permanent, the message fails with a readable reason.
  await failNextFakeRequest({
    pathEndsWith: `/${channel.phoneNumberId}/messages`,
    status: 400,
    body: { error: { message: "Message Undeliverable.", type: "OAuthException", code: 131026, error_data: { messaging_product: "whatsapp", details: "Message Undeliverable." }, fbtrace_id: "Afake" } },
  });
  const reply = `It is, come by at 4. ${Date.now()}`;
  await pane.getByRole("combobox", { name: "Message" }).fill(reply);
  await pane.getByRole("button", { name: "Send", exact: true }).click();
  const bubble = pane.getByTestId("message").filter({ hasText: reply });
  await expect(bubble).toHaveAttribute("data-status", "failed");
  const failed = bubble.getByTestId("delivery-status");
  await failed.focus();
  await expect(pane.getByRole("tooltip")).toContainText("WhatsApp couldn't deliver this message");

  await pane.getByRole("button", { name: "Retry" }).click();
  await expect(bubble).toHaveAttribute("data-status", "sent");
  await expect(pane.getByRole("button", { name: "Retry" })).toHaveCount(0);
  expect(await sendsTo({ phoneNumberId: channel.phoneNumberId, to: customer })).toHaveLength(2);
});

test("saved replies with /, tags and notes on the contact, and search", async ({ page }) => {
  const slug = await signUp(page, { name: "Sam Saved", workspace: "Saved Co" });
  const shortcut = `hours${Date.now() % 100000}`;
  await page.goto(`/${slug}/settings/inbox`);
  const form = page.getByRole("form", { name: "New saved reply" });
  // The server-rendered form's button stays disabled until the page is interactive (hydrated):
  // a click before that used to be lost (it flaked here on a busy CI machine).
  await expect(form.getByRole("button", { name: "Add saved reply" })).toBeEnabled();
  await form.getByLabel("Shortcut").fill(shortcut);
  await form.getByLabel("Reply").fill("We are open 9 to 5, Monday to Saturday.");
  await form.getByRole("button", { name: "Add saved reply" }).click();
  await expect(page.getByTestId("saved-reply").filter({ hasText: `/${shortcut}` })).toBeVisible();

  const text = `What are your opening hours? ${Date.now()}`;
  await sendSandboxMessage(page, { slug, name: "Hugo Hours", text });
  await sendSandboxMessage(page, { slug, name: "Other Person", text: `Unrelated question ${Date.now()}` });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inbox" }).click();
  await rowFor(page, text).click();
  const pane = page.getByRole("region", { name: "Conversation with Hugo Hours" });
  const composer = pane.getByRole("combobox", { name: "Message" });
  await composer.fill(`/${shortcut.slice(0, 4)}`);
  await expect(pane.getByRole("listbox", { name: "Saved replies" }).getByRole("option", { name: new RegExp(shortcut) })).toBeVisible();
  await composer.press("Enter");
  await expect(composer).toHaveValue("We are open 9 to 5, Monday to Saturday.");
  await composer.press("Enter");
  // The Sandbox "delivers" at once: sent, then delivered.
  await expect(pane.getByTestId("message").filter({ hasText: "We are open 9 to 5" })).toHaveAttribute("data-status", /^(sent|delivered|read)$/);

  const contact = page.getByRole("complementary", { name: "Contact: Hugo Hours" });
  await contact.getByLabel("Add a tag").fill("vip");
  await contact.getByRole("button", { name: "Add", exact: true }).first().click();
  await expect(contact.getByRole("list", { name: "Contact tags" })).toContainText("vip");
  await contact.getByLabel("New note").fill("Asked twice about Sunday hours.");
  await contact.getByRole("button", { name: "Add note" }).click();
  await expect(contact.getByRole("list", { name: "Notes" })).toContainText("Asked twice about Sunday hours.");

  await page.getByLabel("Search conversations").fill("Hugo");
  await expect(page.getByTestId("conversation-row")).toHaveCount(1);
  await expect(page).toHaveURL(/q=Hugo/);
  await page.getByLabel("Search conversations").fill("");
  await expect(page.getByTestId("conversation-row")).toHaveCount(2);
});

test("a saved reply typed before the page became interactive is kept and saved", async ({ page }) => {
  const slug = await signUp(page, { name: "Hana Hydration", workspace: "Early Typers" });
  const shortcut = `early${Date.now() % 100000}`;
  // Hold the page's scripts back: the server-rendered form is there, React is not running yet.
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/chunks/**", async (route) => {
    await held;
    await route.continue();
  });
  // "commit": the page's deferred scripts are held, so DOMContentLoaded waits for them.
  await page.goto(`/${slug}/settings/inbox`, { waitUntil: "commit" });
  const form = page.getByRole("form", { name: "New saved reply" });
  const add = form.getByRole("button", { name: "Add saved reply" });
  await form.getByLabel("Shortcut").fill(shortcut);
  await form.getByLabel("Reply").fill("Typed before the page was ready.");
  // A click now would submit the plain HTML form and lose the text: the button waits for React.
  await expect(add).toBeDisabled();
  release();
  await add.click();
  await expect(page.getByTestId("saved-reply").filter({ hasText: `/${shortcut}` })).toContainText("Typed before the page was ready.");
  await expect(form.getByLabel("Shortcut")).toHaveValue("");
  expect(new URL(page.url()).search).toBe("");
});

async function conversationIdOf(page: Page): Promise<string> {
  const id = new URL(page.url()).searchParams.get("c");
  expect(id).toBeTruthy();
  return id!;
}
