import { expect, test } from "@playwright/test";

// The Inbox journey: a customer writes (through the Sandbox, so the real webhook pipeline runs),
// and an inbox already open in another tab lists the conversation by itself, without a reload.
// Opening it shows the thread; the selection survives a reload; on a phone the list and the
// thread take turns, with a Back button.
test("a customer message shows up in an open inbox and opens its thread", async ({ page, context }) => {
  const text = `Is the sourdough vegan? ${Date.now()}`;

  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Ines Inbox");
  await page.getByLabel("Email").fill(`inbox-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("inbox journey passphrase 42");
  await page.getByLabel("Workspace name").fill("Inbox Bakery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByRole("heading", { name: "No conversations yet" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open the Sandbox" })).toBeVisible();
  const inboxUrl = page.url();

  // The inbox stays open in a second tab while the customer writes from the first.
  const inbox = await context.newPage();
  await inbox.goto(inboxUrl);
  await expect(inbox.getByRole("heading", { name: "No conversations yet" })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sandbox" }).click();
  await expect(page.getByLabel("Customer name")).toHaveValue("Ada Lovelace");
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send as customer" }).click();

  const row = inbox.getByTestId("conversation-row").filter({ hasText: text });
  await expect(row).toBeVisible({ timeout: 5_000 });
  await expect(row).toContainText("Ada Lovelace");
  await expect(row).toContainText("Sandbox");
  await expect(row).toContainText("23 h left");
  await expect(row).toContainText("1 unread");

  await row.click();
  await expect(inbox).toHaveURL(/[?&]c=/);
  const pane = inbox.getByRole("region", { name: "Conversation with Ada Lovelace" });
  await expect(pane.getByTestId("inbox-thread").getByTestId("message").filter({ hasText: text })).toBeVisible();
  await expect(row).toHaveAttribute("aria-current", "true");
  // The composer sits under the thread.
  await expect(pane.getByRole("combobox", { name: "Message" })).toBeVisible();

  await inbox.reload();
  await expect(inbox.getByTestId("inbox-thread").getByTestId("message").filter({ hasText: text })).toBeVisible();

  // On a phone: the thread alone, with Back to the list.
  await inbox.setViewportSize({ width: 390, height: 844 });
  await expect(inbox.getByRole("region", { name: "Conversations" })).toBeHidden();
  await inbox.getByRole("button", { name: "Back", exact: true }).click();
  await expect(inbox).not.toHaveURL(/[?&]c=/);
  await expect(inbox.getByRole("region", { name: "Conversations" })).toBeVisible();
  await expect(inbox.getByTestId("inbox-thread")).toHaveCount(0);
  await inbox.getByTestId("conversation-row").filter({ hasText: text }).click();
  await expect(inbox.getByTestId("inbox-thread").getByTestId("message").filter({ hasText: text })).toBeVisible();
  await expect(inbox.getByRole("region", { name: "Conversations" })).toBeHidden();
});
