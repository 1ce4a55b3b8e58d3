import { expect, test } from "@playwright/test";

// The Sandbox journey: a simulated customer message goes through the real webhook pipeline
// (stored, queued, processed by the in-process workers), shows up in the thread, can be
// traced step by step, and is listed as a processed delivery in Settings → Webhook log.
test("a simulated customer message reaches the thread, its trace and the webhook log", async ({ page }) => {
  const text = `Do you ship to Lisbon? ${Date.now()}`;

  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Sandra Sandbox");
  await page.getByLabel("Email").fill(`sandbox-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("sandbox journey passphrase 42");
  await page.getByLabel("Workspace name").fill("Sandbox Co");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/inbox$/);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sandbox" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sandbox" })).toBeVisible();
  await expect(page.getByLabel("Customer name")).toHaveValue("Ada Lovelace");

  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send as customer" }).click();

  const message = page.getByTestId("sandbox-thread").getByTestId("message").filter({ hasText: text });
  await expect(message).toBeVisible({ timeout: 5_000 });
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveValue("");

  await message.getByRole("button", { name: /Trace/ }).click();
  const trace = page.getByTestId("message-trace");
  await expect(trace.getByRole("heading", { name: "Message trace" })).toBeVisible();
  await expect(trace.locator('[data-testid="trace-step"][data-step="received"]')).toContainText("Received");
  await expect(trace.locator('[data-testid="trace-step"][data-step="processed"]')).toContainText("Processed");
  const eventId = (await trace.getByTestId("trace-webhook-event-id").first().textContent())?.trim();
  expect(eventId).toBeTruthy();
  await trace.getByRole("button", { name: "Close", exact: true }).click();
  await expect(trace).toBeHidden();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Webhook log" }).click();
  await expect(page).toHaveURL(/\/settings\/webhooks$/);

  const row = page.locator(`[data-testid="webhook-row"][data-event-id="${eventId}"]`);
  await expect(row).toHaveAttribute("data-status", "processed");
  await expect(row.getByText("Processed", { exact: true }).filter({ visible: true })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Processed\s*1$/ })).toBeVisible();

  await row.getByRole("button", { expanded: false }).click();
  await expect(row.getByTestId("webhook-body")).toContainText(text);
});
