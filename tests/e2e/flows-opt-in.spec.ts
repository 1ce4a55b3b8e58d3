import { expect, test } from "@playwright/test";
import { signUp } from "./support/inbox-helpers";

// STOP then START (issue 6): a Sandbox customer opts out, the bot confirms and goes silent; the
// same customer writes "Start" and is subscribed again with a confirmation, and the activity page
// lists the opt-out and the opt-in with their confirmations as sent.

test("a customer who sent STOP is subscribed again by START, with a confirmation and the activity logged", async ({ page }) => {
  await signUp(page, { name: "Stella Owner", workspace: `Opt-in Shop ${Date.now()}` });
  const mainNav = page.getByRole("navigation", { name: "Main" });

  await mainNav.getByRole("link", { name: "Sandbox" }).click();
  const thread = page.getByTestId("sandbox-thread");
  const say = async (text: string) => {
    await page.getByRole("textbox", { name: "Message" }).fill(text);
    await page.getByRole("button", { name: "Send as customer" }).click();
  };

  await say("STOP");
  await expect(thread.getByTestId("message").filter({ hasText: "You have been unsubscribed" })).toBeVisible({ timeout: 20_000 });

  await say("Start!");
  await expect(thread.getByTestId("message").filter({ hasText: "You are subscribed again" })).toBeVisible({ timeout: 20_000 });

  await mainNav.getByRole("link", { name: "Flows" }).click();
  await page.getByRole("link", { name: "Activity", exact: true }).click();
  await expect(page).toHaveURL(/\/flows\/activity$/);
  await expect(page.getByTestId("activity-row").filter({ hasText: "Opt-out (STOP)" })).toHaveAttribute("data-result", "ok", { timeout: 15_000 });
  const optIn = page.getByTestId("activity-row").filter({ hasText: "Opt-in (START)" });
  await expect(optIn).toHaveAttribute("data-result", "ok");
  await expect(optIn).toContainText("Sandbox");
  const confirmation = page.getByTestId("activity-row").filter({ hasText: "Opt-in confirmation" });
  await expect(confirmation).toHaveAttribute("data-result", "ok");
  await expect(confirmation).toContainText("Sent");
});
