import { expect, test, type Page } from "@playwright/test";

// Automation settings, activity and credits (issue 6 §5–§6): an owner sets business hours (an
// invalid range is refused next to its field), a welcome message with a contact variable, saves
// and finds it after a reload; a Sandbox customer then gets the welcome message, the activity
// page lists it as sent, the balance went down by one, and an owner top-up lands in the ledger.

async function signUp(page: Page) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Otto Owner");
  await page.getByLabel("Email").fill(`automation-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("automation journey passphrase 42");
  await page.getByLabel("Workspace name").fill("Otto Shop");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
}

test("automation settings are validated, saved and drive the Sandbox; the activity and credits show it", async ({ page }) => {
  await signUp(page);
  const mainNav = page.getByRole("navigation", { name: "Main" });

  await mainNav.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Automation" }).click();
  await expect(page).toHaveURL(/\/settings\/automation$/);
  const form = page.getByRole("form", { name: "Automation settings" });
  await expect(form.getByRole("switch", { name: "Auto-reply" })).toHaveAttribute("aria-checked", "true");
  await expect(form.getByText("All changes saved")).toBeVisible();

  // Business hours: Mon–Fri 09:00–17:00 by default, plus a Saturday range whose end is before its start.
  await form.getByLabel("Set business hours").check();
  await expect(form.getByText("Unsaved changes")).toBeVisible();
  await form.getByLabel("Time zone").selectOption("Europe/Paris");
  await form.getByRole("button", { name: "Add a range on Saturday" }).click();
  const saturdayEnd = form.getByLabel("Saturday range 1 end");
  await saturdayEnd.fill("08:00");
  await form.getByLabel("Welcome message").fill("Hi {{contact.first_name|there}}, welcome to Otto Shop!");
  await form.getByRole("button", { name: "Save changes" }).click();

  await expect(saturdayEnd).toHaveAttribute("aria-invalid", "true");
  await expect(saturdayEnd).toHaveAccessibleDescription("End must be after start (00:00 = midnight)");
  await expect(page.getByTestId("hours-day").filter({ hasText: "Saturday" })).toContainText("End must be after start");

  // A second range overlapping the first is refused too, then removed.
  await form.getByRole("button", { name: "Add a range on Saturday" }).click();
  await saturdayEnd.fill("13:00");
  await form.getByLabel("Saturday range 2 start").fill("12:00");
  await form.getByLabel("Saturday range 2 end").fill("14:00");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByLabel("Saturday range 2 start")).toHaveAccessibleDescription("Overlaps Sat 09:00–13:00");
  await form.getByRole("button", { name: "Remove Saturday range 2" }).click();

  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Automation settings saved")).toBeVisible();
  await expect(form.getByText("All changes saved")).toBeVisible();
  await expect(saturdayEnd).not.toHaveAttribute("aria-invalid", "true");

  await page.reload();
  await expect(form.getByLabel("Set business hours")).toBeChecked();
  await expect(form.getByLabel("Time zone")).toHaveValue("Europe/Paris");
  await expect(form.getByLabel("Saturday range 1 start")).toHaveValue("09:00");
  await expect(form.getByLabel("Saturday range 1 end")).toHaveValue("13:00");
  await expect(form.getByLabel("Monday range 1 end")).toHaveValue("17:00");
  await expect(form.getByLabel("Sunday range 1 start")).toHaveCount(0);
  await expect(form.getByLabel("Welcome message")).toHaveValue("Hi {{contact.first_name|there}}, welcome to Otto Shop!");

  // The Flows page shows the balance: the starting credits.
  await mainNav.getByRole("link", { name: "Flows" }).click();
  await expect(page.getByTestId("credit-balance-value")).toHaveText("1,000");

  // A Sandbox customer's first message gets the welcome message, with their first name.
  await mainNav.getByRole("link", { name: "Sandbox" }).click();
  await expect(page.getByLabel("Customer name")).toHaveValue("Ada Lovelace");
  await page.getByRole("textbox", { name: "Message" }).fill("Hello, are you open?");
  await page.getByRole("button", { name: "Send as customer" }).click();
  const thread = page.getByTestId("sandbox-thread");
  await expect(thread.getByTestId("message").filter({ hasText: "Hi Ada, welcome to Otto Shop!" })).toBeVisible({ timeout: 15_000 });

  // The activity page lists it as sent, for Ada, on the Sandbox; one credit was spent.
  await mainNav.getByRole("link", { name: "Flows" }).click();
  await page.getByRole("link", { name: "Activity", exact: true }).click();
  await expect(page).toHaveURL(/\/flows\/activity$/);
  await expect(page.getByRole("heading", { level: 1, name: "Automation activity" })).toBeVisible();
  const row = page.getByTestId("activity-row").filter({ hasText: "Welcome message" });
  await expect(row).toHaveAttribute("data-result", "ok", { timeout: 15_000 });
  await expect(row).toContainText("Sent");
  await expect(row).toContainText("Sandbox");
  await expect(row.getByRole("link", { name: "Ada Lovelace" })).toHaveAttribute("href", /\/inbox\?c=/);
  await expect(page.getByTestId("credit-balance-value")).toHaveText("999");
  const ledger = page.getByTestId("ledger-row");
  await expect(ledger.first()).toContainText("Automated message");
  await expect(ledger.first()).toContainText("-1");
  await expect(ledger.first()).toContainText("999");

  // Filtering by "Failed" hides it.
  await page.getByLabel("Result").selectOption("failed");
  await expect(page.getByText("Nothing matches these filters.")).toBeVisible();
  await page.getByLabel("Result").selectOption("ok");
  await expect(row).toBeVisible();

  // On a phone the log is a list of cards.
  await page.setViewportSize({ width: 390, height: 844 });
  const card = page.getByTestId("activity-card").filter({ hasText: "Welcome message" });
  await expect(card).toBeVisible();
  await expect(card).toContainText("Sent");
  await expect(row).toBeHidden();
  await page.setViewportSize({ width: 1280, height: 720 });

  // The owner adds credits: the balance and the ledger follow.
  const topUp = page.getByRole("form", { name: "Add credits" });
  await topUp.getByRole("button", { name: "Add credits" }).click();
  await expect(topUp.getByLabel("Credits to add")).toHaveAccessibleDescription("Enter a whole number from 1 to 1,000,000");
  await topUp.getByLabel("Credits to add").fill("25");
  await topUp.getByLabel("Reason").fill("Launch week");
  await topUp.getByRole("button", { name: "Add credits" }).click();
  await expect(page.getByTestId("credit-balance-value")).toHaveText("1,024");
  await expect(ledger.first()).toContainText("Top-up: Launch week");
  await expect(ledger.first()).toContainText("+25");

  // The activity row opens the conversation in the inbox.
  await row.getByRole("link", { name: "Ada Lovelace" }).click();
  await expect(page).toHaveURL(/\/inbox\?c=/);
});
