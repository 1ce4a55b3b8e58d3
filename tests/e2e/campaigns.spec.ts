import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { failNextFakeRequest, fakeRequests } from "./support/fake-control";
import { connectWhatsApp, postWhatsAppWebhook, randomMetaId, sendSandboxMessage, signUp, whatsAppTextWebhook } from "./support/inbox-helpers";

const PROMO_TEMPLATE = {
  name: "spring_promo",
  language: "en_US",
  category: "MARKETING",
  status: "APPROVED",
  components: [{ type: "BODY", text: "Hi {{1}}, use code {{2}} this week" }],
};

const PHONE = { width: 390, height: 844 };

/**
 * The page is no wider than the screen: nothing overflows sideways on a phone. Polled, because a
 * resize reaches measured elements (the chart) a moment later; a failure names what sticks out.
 */
async function expectNoSidewaysScroll(page: Page) {
  await expect
    .poll(() =>
      page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return "";
        const sticksOut = (element: Element | null) => element !== null && element.getBoundingClientRect().right > width + 1;
        return [...document.querySelectorAll("body *")]
          .filter((element) => sticksOut(element) && !sticksOut(element.parentElement))
          .slice(0, 5)
          .map((element) => `${element.tagName.toLowerCase()}.${String(element.className).slice(0, 80)} (right ${Math.round(element.getBoundingClientRect().right)})`)
          .join("; ");
      }),
    )
    .toBe("");
}

// The campaign journey on the Sandbox channel (every workspace has one; text campaigns need no
// 24-hour window there): two customers write in, a third opts out with STOP. The marketer builds
// a text campaign in the wizard, sees 2 eligible and 1 skipped (opted out) with a personalised
// preview, launches it, watches the progress reach 100 %, opens the skipped recipient's reason
// and exports the per-recipient CSV.
test("a marketer creates, launches and follows a campaign to every recipient's status and the CSV export", async ({ page }) => {
  const slug = await signUp(page, { name: "Mona Marketer", workspace: "Campaign Co" });
  const stamp = Date.now();
  const ada = `Ada Campaign ${stamp}`;
  const bob = `Bob Buyer ${stamp}`;
  const stopper = `Sam Stopper ${stamp}`;
  await sendSandboxMessage(page, { slug, name: ada, text: "Hello, any news?" });
  await sendSandboxMessage(page, { slug, name: bob, text: "Hi there" });
  await sendSandboxMessage(page, { slug, name: stopper, text: "Hello" });
  await sendSandboxMessage(page, { slug, name: stopper, text: "STOP" });

  // The workers process the messages (contacts, opt-out) in the background; wait until they have.
  const sandbox = (await (await page.request.get("/api/channels", { headers: { "X-Workspace": slug } })).json()) as { channels: Array<{ id: string; type: string }> };
  const channelId = sandbox.channels.find((channel) => channel.type === "sandbox")?.id;
  await expect
    .poll(async () => {
      const response = await page.request.post("/api/campaigns/estimate", {
        headers: { "X-Workspace": slug },
        data: { channelId, audience: { source: "channel" }, content: { kind: "text", text: "x" } },
      });
      const body = (await response.json()) as { estimate?: { eligible: number; skipped: Array<{ reason: string; count: number }> } };
      return `${body.estimate?.eligible}/${body.estimate?.skipped.map((item) => `${item.reason}:${item.count}`).join(",")}`;
    }, { timeout: 20_000 })
    .toBe("2/opted_out:1");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Campaigns" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Campaigns" })).toBeVisible();
  await expect(page.getByText("No campaigns yet")).toBeVisible();
  await page.getByRole("link", { name: "New campaign" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}/campaigns/new$`));

  // A missing name is shown next to the field, on the step that has it.
  await page.getByLabel("Channel").selectOption({ label: "Sandbox (Sandbox)" });
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("is required")).toBeVisible();
  await expect(page.getByLabel("Campaign name")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Campaign name").fill(`Spring sale ${stamp}`);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText("All contacts of the channel")).toBeVisible();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Message", { exact: true }).fill("Hi {{contact.first_name|there}}, our spring sale starts today!");

  const estimate = page.getByTestId("campaign-estimate");
  await expect(estimate.getByTestId("estimate-eligible")).toHaveText("2");
  await expect(estimate).toContainText("of 3 will receive it");
  const optedOut = estimate.locator('[data-testid="estimate-skipped"][data-reason="opted_out"]');
  await expect(optedOut).toContainText("The contact opted out of messages");
  await expect(optedOut).toContainText("1");
  await expect(estimate.getByTestId("estimate-sample").filter({ hasText: "Hi Ada, our spring sale starts today!" })).toBeVisible();

  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText("Send as soon as I launch it")).toBeVisible();
  await page.getByRole("button", { name: "Launch now" }).click();

  // The detail page: live progress up to 100 %, then every recipient has a final status.
  await expect(page).toHaveURL(new RegExp(`/${slug}/campaigns/[^/]+$`));
  await expect(page.getByRole("heading", { level: 1, name: `Spring sale ${stamp}` })).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Campaign progress" })).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });
  await expect(page.getByTestId("campaign-progress")).toHaveText("100 %");
  await expect(page.getByText("Completed", { exact: true }).first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("count-skipped")).toContainText("1");
  await expect(page.getByTestId("delivery-chart")).toBeVisible();

  const recipients = page.getByRole("table", { name: "Recipients" });
  await expect(recipients.getByTestId("recipient-row")).toHaveCount(3);
  await page.getByLabel("Recipient status").selectOption("skipped");
  await expect(recipients.getByTestId("recipient-row")).toHaveCount(1);
  await expect(recipients.getByTestId("recipient-row")).toContainText(stopper);
  await recipients.getByRole("button", { name: `Details for ${stopper}` }).click();
  await expect(recipients.getByTestId("recipient-details")).toContainText(/opted out/i);

  await page.getByLabel("Recipient status").selectOption("");
  await page.getByLabel("Search recipients").fill("Ada Campaign");
  await expect(recipients.getByTestId("recipient-row")).toHaveCount(1);
  await expect(recipients.getByTestId("recipient-row")).toContainText(ada);

  // The export is a plain link the browser downloads itself (streamed to disk, "Save link as…"
  // works): the workspace is in its URL and the session cookie authorises it.
  const exportLink = page.getByRole("link", { name: "Export CSV" });
  const exportHref = await exportLink.getAttribute("href");
  expect(exportHref).toMatch(new RegExp(`^/api/workspaces/${slug}/campaigns/[^/]+/export$`));
  const downloading = page.waitForEvent("download");
  await exportLink.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^spring-sale-\d+-recipients\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toContain("status");
  expect(lines).toHaveLength(4);
  expect(lines.find((line) => line.includes(stopper))).toMatch(/skipped/);
  expect(lines.filter((line) => /,(sent|delivered|read),/.test(line))).toHaveLength(2);
  // The same URL fetched with nothing but the cookie (what "Save link as…" sends) gives the same file.
  const saved = await page.request.get(exportHref!);
  expect(saved.headers()["content-disposition"]).toMatch(/^attachment; filename="spring-sale-\d+-recipients\.csv"/);
  expect((await saved.text()).trim().split(/\r?\n/)).toEqual(lines);

  // On a phone (390×844) the detail page fits the screen: nothing pushes the page sideways, the
  // recipients table scrolls inside its own box, and the actions stay reachable.
  await page.setViewportSize(PHONE);
  await page.getByLabel("Search recipients").fill("");
  await expect(recipients.getByTestId("recipient-row")).toHaveCount(3);
  await expectNoSidewaysScroll(page);
  const exportBox = await exportLink.boundingBox();
  expect(exportBox!.x + exportBox!.width).toBeLessThanOrEqual(PHONE.width);
  const tableBox = await recipients.locator("xpath=..").boundingBox();
  expect(tableBox!.x).toBeGreaterThanOrEqual(0);
  expect(tableBox!.x + tableBox!.width).toBeLessThanOrEqual(PHONE.width);
  await recipients.getByRole("button", { name: `Details for ${ada}` }).click();
  await expect(recipients.getByTestId("recipient-details").filter({ hasText: "1 attempt" }).first()).toBeVisible();
  await expectNoSidewaysScroll(page);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The list shows it with its status and rates.
  await page.getByRole("link", { name: "All campaigns" }).click();
  const row = page.getByTestId("campaign-row").filter({ hasText: `Spring sale ${stamp}` });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Completed");
  await expect(row).toContainText("100 % of 3");
});

// The wizard follows the channel: a WhatsApp phone-number list and template do not survive a
// switch to the Sandbox (the server would refuse them); the wizard says what it changed and the
// draft saves. All of it on a phone-size screen, where every step must fit and work.
test("switching the channel resets a phone-number list and a template, says so, and the wizard works on a phone", async ({ page }) => {
  await page.setViewportSize(PHONE);
  const slug = await signUp(page, { name: "Pia Phone", workspace: "Phone Campaigns" });
  const channel = await connectWhatsApp(page, { slug, templates: [PROMO_TEMPLATE] });

  await page.goto(`/${slug}/campaigns`);
  await expect(page.getByRole("heading", { level: 1, name: "Campaigns" })).toBeVisible();
  await expectNoSidewaysScroll(page);
  await page.getByRole("link", { name: "New campaign" }).click();
  await expect(page.getByLabel("Campaign name")).toBeVisible();
  await expectNoSidewaysScroll(page);
  // A name without spaces (as marketers often write them) must wrap, not push the page sideways.
  const name = "spring_sale_2030_vip_customers_early_access_reminder";
  await page.getByLabel("Campaign name").fill(name);
  await page.getByLabel("Channel").selectOption({ label: `${channel.name} (WhatsApp)` });

  await page.getByRole("button", { name: /Audience$/ }).click();
  await page.getByLabel(/A list of phone numbers/).check();
  await page.getByLabel("Or paste numbers, one per line").fill("+33612345678\n+14155238886");
  await page.getByRole("button", { name: "Check numbers" }).click();
  await expect(page.getByTestId("phone-count")).toHaveText("2 valid numbers in the list");
  await expectNoSidewaysScroll(page);

  await page.getByRole("button", { name: /Content$/ }).click();
  await page.getByLabel("An approved WhatsApp template").check();
  await page.getByLabel("Template", { exact: true }).selectOption("spring_promo|en_US");
  await expect(page.getByTestId("template-body")).toHaveText("Hi {{1}}, use code {{2}} this week");
  await expectNoSidewaysScroll(page);

  await page.getByRole("button", { name: /Details$/ }).click();
  await page.getByLabel("Channel").selectOption({ label: "Sandbox (Sandbox)" });
  const notices = page.getByTestId("channel-change-notices");
  await expect(notices).toContainText("cannot send to a list of phone numbers");
  await expect(notices).toContainText("cannot send WhatsApp templates");

  await page.getByRole("button", { name: /Audience$/ }).click();
  await expect(page.getByLabel("All contacts of the channel")).toBeChecked();
  await expect(page.getByLabel(/A list of phone numbers/)).toBeDisabled();
  await expect(page.getByTestId("phone-count")).toHaveCount(0);
  await page.getByRole("button", { name: /Content$/ }).click();
  await expect(page.getByLabel("A text message")).toBeChecked();
  await page.getByLabel("Message", { exact: true }).fill("Hello from the sandbox");
  await page.getByRole("button", { name: /Schedule & review$/ }).click();
  await expect(page.getByText("Send as soon as I launch it")).toBeVisible();
  await expectNoSidewaysScroll(page);
  await expect(page.getByRole("button", { name: "Launch now" })).toBeVisible();
  // The estimate follows: the Sandbox's contacts (none yet), not the two numbers of the list.
  const estimate = page.getByTestId("campaign-estimate");
  await expect(estimate).toContainText("of 0 will receive it");
  await expect(estimate).not.toContainText("new contacts");

  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expectNoSidewaysScroll(page);
  const id = new URL(page.url()).pathname.split("/").pop();
  const stored = (await (await page.request.get(`/api/campaigns/${id}`, { headers: { "X-Workspace": slug } })).json()) as { campaign: { channelId: string; audience: Record<string, unknown>; content: unknown } };
  expect(stored.campaign.audience).toMatchObject({ source: "channel" });
  expect(stored.campaign.audience).not.toHaveProperty("phones");
  expect(stored.campaign.content).toEqual({ kind: "text", text: "Hello from the sandbox" });
  expect(stored.campaign.channelId).not.toBe(channel.channelId);
});

// WhatsApp Cloud: an approved template (synced from the fake at connect) with one variable from
// the contact and one fixed value, reaching a customer outside the 24-hour window too; the fake
// refuses one send (131026, undeliverable), and that recipient shows as failed with the reason.
test("a WhatsApp template campaign maps its variables, reaches everyone and reports a failed send with its reason", async ({ page, request }) => {
  const slug = await signUp(page, { name: "Tina Template", workspace: "Template Campaigns" });
  const channel = await connectWhatsApp(page, { slug, templates: [PROMO_TEMPLATE] });
  const olga = randomMetaId();
  const pete = randomMetaId();
  const longAgo = new Date(Date.now() - 30 * 60 * 60 * 1000);
  await postWhatsAppWebhook(request, { ...channel, payload: whatsAppTextWebhook({ ...channel, from: olga, name: "Olga Old", text: "Hello from last week", at: longAgo }) });
  await postWhatsAppWebhook(request, { ...channel, payload: whatsAppTextWebhook({ ...channel, from: pete, name: "Pete Present", text: "Hello now" }) });
  await expect
    .poll(async () => {
      const response = await page.request.get("/api/conversations", { headers: { "X-Workspace": slug } });
      return response.ok() ? ((await response.json()) as { conversations: unknown[] }).conversations.length : 0;
    }, { timeout: 20_000 })
    .toBe(2);

  await page.goto(`/${slug}/campaigns/new`);
  await page.getByLabel("Campaign name").fill("Spring promo");
  await page.getByLabel("Channel").selectOption({ label: `${channel.name} (WhatsApp)` });
  await page.getByRole("button", { name: /Content$/ }).click();
  await page.getByLabel("An approved WhatsApp template").check();
  await page.getByLabel("Template", { exact: true }).selectOption("spring_promo|en_US");
  await expect(page.getByTestId("template-body")).toHaveText("Hi {{1}}, use code {{2}} this week");
  await page.getByLabel("Variable 1 fallback").fill("there");
  await page.getByLabel("Variable 2 source").selectOption("constant");

  // An empty fixed value is named next to its variable, and nothing is saved.
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByTestId("template-variable").filter({ hasText: "{{2}}" })).toContainText("is required");
  await page.getByLabel("Variable 2 value").fill("SPRING10");
  await expect(page.getByTestId("template-variable").filter({ hasText: "{{2}}" })).not.toContainText("is required");

  const estimate = page.getByTestId("campaign-estimate");
  await expect(estimate.getByTestId("estimate-eligible")).toHaveText("2");
  await expect(estimate.getByTestId("estimate-sample").filter({ hasText: "Hi Olga, use code SPRING10 this week" })).toBeVisible();

  await failNextFakeRequest({
    pathEndsWith: `/${channel.phoneNumberId}/messages`,
    status: 400,
    body: { error: { message: "Message Undeliverable.", type: "OAuthException", code: 131026, error_data: { messaging_product: "whatsapp", details: "Message Undeliverable." }, fbtrace_id: "Afake" } },
    times: 1,
  });
  await page.getByRole("button", { name: /Schedule & review$/ }).click();
  await page.getByRole("button", { name: "Launch now" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Spring promo" })).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Campaign progress" })).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });
  await expect(page.getByTestId("count-failed")).toContainText("1", { timeout: 15_000 });

  const recipients = page.getByRole("table", { name: "Recipients" });
  await page.getByLabel("Recipient status").selectOption("failed");
  await expect(recipients.getByTestId("recipient-row")).toHaveCount(1);
  await recipients.getByRole("button", { name: /^Details for / }).click();
  await expect(recipients.getByTestId("recipient-details")).toContainText("Failed:");

  // What reached WhatsApp: the template with both variables filled, once per customer.
  const sends = (await fakeRequests()).filter((sent) => sent.method === "POST" && sent.path.endsWith(`/${channel.phoneNumberId}/messages`));
  expect(sends).toHaveLength(2);
  const texts = sends.map((sent) => JSON.stringify(sent.body));
  expect(texts.every((text) => text.includes("spring_promo") && text.includes("SPRING10"))).toBe(true);
  expect(texts.some((text) => text.includes("Olga"))).toBe(true);
});
