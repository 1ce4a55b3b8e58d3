import { expect, test, type Page } from "@playwright/test";

// "Connect Instagram" through Facebook Login, in a real browser: Settings → Channels → Connect
// Instagram → the (fake) Facebook Login dialog → back to Switchboard → choose the account →
// connected and listed. And the way back when the person cancels on Facebook. The fake dialog
// and Graph API run in tests/e2e/global-setup.ts; the Facebook user manages the Page
// "Metricsaurus" (Instagram @metricsaurus) and a Page without an Instagram account.
const password = "correct horse battery staple";

async function signUp(page: Page, { name, workspace }: { name: string; workspace: string }) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(`ig-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/[a-z0-9-]+\/inbox$/);
  return new URL(page.url()).pathname.split("/")[1];
}

async function openFacebookLogin(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Channels" }).click();
  await page.getByRole("link", { name: "Connect Instagram" }).click();
  // The fake Facebook Login dialog, on another origin, with the permissions Switchboard asks for.
  await expect(page.getByRole("heading", { name: "Switchboard is requesting access" })).toBeVisible();
  expect(new URL(page.url()).pathname).toMatch(/^\/facebook\/v\d+\.\d+\/dialog\/oauth$/);
  await expect(page.getByTestId("requested-scope")).toContainText("instagram_manage_messages");
}

test("an owner connects an Instagram account through Facebook Login and sees it listed", async ({ page }) => {
  const slug = await signUp(page, { name: "Ivy Instagram", workspace: "Ivy Boutique" });
  await openFacebookLogin(page);
  await page.getByRole("button", { name: "Continue" }).click();

  // Back in Switchboard: choose among the Pages' Instagram accounts.
  await expect(page).toHaveURL(new RegExp(`/${slug}/settings/channels/instagram/select$`));
  const form = page.getByRole("form", { name: "Choose Instagram accounts" });
  const account = form.getByRole("checkbox", { name: /@metricsaurus/ });
  await expect(account).toBeEnabled();
  await expect(form.getByText("Facebook Page “Metricsaurus”")).toBeVisible();
  await expect(form.getByRole("checkbox", { name: /Page Without Instagram/ })).toBeDisabled();
  await expect(form.getByText("No Instagram professional account linked")).toBeVisible();
  // The fake grants everything but comments: the optional permission is explained.
  await expect(form.getByText(/comment automations \(comment-to-DM\) stay off/)).toBeVisible();
  await account.check();
  await form.getByRole("button", { name: "Connect selected" }).click();

  await expect(page).toHaveURL(new RegExp(`/${slug}/settings/channels/instagram\\?result=connected`));
  await expect(page.getByTestId("instagram-result")).toHaveText("Connected 1 Instagram account. New messages will appear in the inbox.");
  const accounts = page.getByRole("list", { name: "Instagram accounts" });
  await expect(accounts.getByText("@metricsaurus")).toBeVisible();
  await expect(accounts.getByText("Active")).toBeVisible();

  // Settings → Channels lists it too.
  await page.getByRole("link", { name: "← All channels" }).click();
  await expect(page.getByRole("list", { name: "Channels" }).getByText("@metricsaurus").first()).toBeVisible();

  // The selection was used up: going back to it starts over.
  await page.goto(`/${slug}/settings/channels/instagram/select`);
  await expect(page).toHaveURL(new RegExp(`/${slug}/settings/channels/instagram\\?result=selection_expired$`));
  await expect(page.getByTestId("instagram-result")).toContainText("expired");
});

test("cancelling on Facebook comes back with a clear message and connects nothing", async ({ page }) => {
  const slug = await signUp(page, { name: "Cal Cancel", workspace: "Cal Shop" });
  await openFacebookLogin(page);
  await page.getByRole("button", { name: "Cancel" }).click();

  await expect(page).toHaveURL(new RegExp(`/${slug}/settings/channels/instagram\\?result=cancelled$`));
  await expect(page.getByTestId("instagram-result")).toHaveText("You cancelled the Facebook login; nothing was connected.");
  await expect(page.getByText("No Instagram account is connected yet.")).toBeVisible();
});

test("the privacy policy, terms and data-deletion pages are public and linked from sign-in", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Privacy" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Privacy policy" })).toBeVisible();
  await expect(page.getByText("encrypted at rest with AES-256-GCM", { exact: false })).toBeVisible();
  await page.goto("/login");
  await page.getByRole("link", { name: "Terms" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Terms of use" })).toBeVisible();
  const missing = await page.goto("/data-deletion/00000000000000000000");
  expect(missing?.status()).toBe(404);
});
