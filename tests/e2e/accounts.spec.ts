import { expect, test, type Page } from "@playwright/test";

// The foundation journey: sign up → invite a teammate → they accept → sign out and back in.
const password = "correct horse battery staple";

function unique(prefix: string) {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}

async function signUp(page: Page, { name, email, workspace }: { name: string; email: string; workspace: string }) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/[a-z0-9-]+\/inbox$/);
}

async function signOut(page: Page) {
  const menuButton = page.getByRole("button", { name: "Open navigation" });
  if (await menuButton.isVisible()) await menuButton.click();
  await page.getByTestId("user-menu").click();
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login/);
}

test("an owner invites a teammate who joins, signs out and back in", async ({ page, browser }) => {
  const ownerEmail = `${unique("owner")}@example.com`;
  await signUp(page, { name: "Olive Owner", email: ownerEmail, workspace: "Olive Bakery" });
  const main = page.getByRole("navigation", { name: "Main" });
  for (const item of ["Inbox", "Flows", "Campaigns", "Contacts", "Settings"]) {
    await expect(main.getByRole("link", { name: item })).toBeVisible();
  }
  await expect(main.getByRole("link", { name: "Inbox" })).toHaveAttribute("aria-current", "page");

  await main.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" }).click();
  await page.getByLabel("Role", { exact: true }).selectOption("agent");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const inviteUrl = await page.getByTestId("invite-url").inputValue();
  expect(inviteUrl).toMatch(/\/invite\/[\w-]+\.[\w-]+\.[\w-]+$/);

  // The teammate, in a browser of their own.
  const teammateContext = await browser.newContext();
  const teammate = await teammateContext.newPage();
  const teammateEmail = `${unique("agent")}@example.com`;
  await teammate.goto(inviteUrl);
  await expect(teammate.getByText("Olive Bakery").first()).toBeVisible();
  await teammate.getByLabel("Your name").fill("Andy Agent");
  await teammate.getByLabel("Email").fill(teammateEmail);
  await teammate.getByLabel("Password", { exact: true }).fill(password);
  await teammate.getByRole("button", { name: "Create account and join" }).click();
  await expect(teammate).toHaveURL(/\/olive-bakery[\w-]*\/inbox$/);

  // An invitation link works once.
  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  await strangerPage.goto(inviteUrl);
  await expect(strangerPage.getByText("This invitation can’t be used")).toBeVisible();
  await stranger.close();

  // Agents cannot manage invitations.
  await teammate.goto(teammate.url().replace(/\/inbox$/, "/settings/members"));
  await expect(teammate.getByText("Only owners and admins can manage invitations.")).toBeVisible();

  await signOut(teammate);
  await teammate.getByLabel("Email").fill(teammateEmail);
  await teammate.getByLabel("Password").fill("wrong password here");
  await teammate.getByRole("button", { name: "Sign in" }).click();
  await expect(teammate.getByText("The email or password is not correct.")).toBeVisible();
  await teammate.getByLabel("Password").fill(password);
  await teammate.getByRole("button", { name: "Sign in" }).click();
  await expect(teammate).toHaveURL(/\/olive-bakery[\w-]*(\/inbox)?$/);
  await teammateContext.close();

  // The owner sees the new member with the invited role.
  await page.reload();
  const members = page.getByRole("list", { name: "Members" });
  await expect(members.getByText("Andy Agent")).toBeVisible();
  await expect(members.getByLabel("Role of Andy Agent")).toHaveValue("agent");
});

test("sign-up says what is wrong next to the field and creates nothing", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Weak Password");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Workspace name").fill("Weak Co");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Password must be at least 10 characters")).toBeVisible();
  await expect(page.getByText(/Email is not a valid email address/)).toBeVisible();
  await expect(page).toHaveURL(/\/signup$/);
});

test("the app shell works on a phone screen", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signUp(page, { name: "Phoebe Phone", email: `${unique("phone")}@example.com`, workspace: "Phone Shop" });
  await page.getByRole("button", { name: "Open navigation" }).click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await signOut(page);
  await context.close();
});
