import { expect, test, type Locator, type Page } from "@playwright/test";

// The flow builder (issue 6): a marketer builds a keyword flow on the canvas, sees validation on
// the blocks (in the browser and from the server on publish), edits blocks in the side panel,
// uses undo/redo and copy/paste, lets autosave store the draft, publishes and finds version 1 in
// the history. The "webhook → flow replies" journey comes with the flow runner.

const modifier = process.platform === "darwin" ? "Meta" : "Control";

/**
 * Signs up an owner with a new workspace; resolves with its slug. The first sign-up after the
 * server starts hashes a password on a cold, busy machine: give it more than the default 10 s.
 */
async function signUp(page: Page, { name, workspace }: { name: string; workspace: string }): Promise<string> {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(`${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("flow builder passphrase 42");
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/[a-z0-9-]+\/inbox$/, { timeout: 30_000 });
  return new URL(page.url()).pathname.split("/")[1];
}

function block(page: Page, type: string): Locator {
  return page.locator(`[data-testid="flow-block"][data-block-type="${type}"]`);
}

/** Drags from an output handle of one block to the input of another, as a mouse would. */
async function connect(page: Page, { from, handle, to }: { from: Locator; handle: string; to: Locator }) {
  const source = page.locator(`.react-flow__node:has(> ${await nodeSelector(from)}) .react-flow__handle.source[data-handleid="${handle}"]`);
  const target = page.locator(`.react-flow__node:has(> ${await nodeSelector(to)}) .react-flow__handle.target`);
  const start = await source.boundingBox();
  const end = await target.boundingBox();
  if (!start || !end) throw new Error("handle not on screen");
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 12 });
  await page.mouse.up();
}

async function nodeSelector(blockLocator: Locator): Promise<string> {
  const id = await blockLocator.getAttribute("data-block-id");
  return `[data-testid="flow-block"][data-block-id="${id}"]`;
}

async function expectSaved(page: Page) {
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-status", "saved", { timeout: 10_000 });
}

test("a marketer builds, validates, autosaves and publishes a keyword flow", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const slug = await signUp(page, { name: "Mara Marketer", workspace: "Flow Bakery" });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Flows" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Flows" })).toBeVisible();
  await expect(page.getByText("No flows yet")).toBeVisible();
  await page.getByLabel("Flow name").fill("Price questions");
  await page.getByRole("button", { name: "Create flow" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}/flows/[^/]+$`));
  await expect(page.getByTestId("flow-builder")).toBeVisible();
  await expect(page.getByLabel("Flow name")).toHaveValue("Price questions");

  // The starter trigger is replaced by one added from the palette (and dropped on the canvas).
  const starter = block(page, "keyword");
  await expect(starter).toHaveCount(1);
  await starter.click();
  await expect(page.getByTestId("block-panel")).toBeVisible();
  await page.getByRole("button", { name: "Delete block" }).click();
  await expect(block(page, "keyword")).toHaveCount(0);

  await page.getByRole("button", { name: "Add Keyword trigger" }).click();
  await expect(block(page, "keyword")).toHaveCount(1);
  const trigger = block(page, "keyword");
  // A new keyword trigger has no keyword yet: marked on the block and in the side panel.
  await expect(trigger).toHaveAttribute("data-has-error", "true");
  await expect(trigger.getByTestId("block-issues")).toContainText("Add at least one keyword");

  const canvas = page.getByTestId("flow-canvas");
  const canvasBox = await canvas.boundingBox();
  if (!canvasBox) throw new Error("canvas not on screen");
  await page.getByRole("button", { name: "Add Send message" }).dragTo(canvas, { targetPosition: { x: canvasBox.width - 120, y: canvasBox.height / 2 + 100 } });
  const message = block(page, "send_message");
  await expect(message).toHaveCount(1);
  await page.getByRole("button", { name: "Fit View" }).click();
  await expect(message).toHaveAttribute("data-has-error", "true");
  await expect(message.getByTestId("block-issues")).toContainText("Text is empty");

  // Undo removes the message block, redo brings it back.
  await canvas.click({ position: { x: 20, y: 20 } });
  await page.keyboard.press(`${modifier}+z`);
  await expect(block(page, "send_message")).toHaveCount(0);
  await page.keyboard.press(`${modifier}+Shift+z`);
  await expect(block(page, "send_message")).toHaveCount(1);

  await connect(page, { from: trigger, handle: "next", to: message });
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);

  // Publishing now is refused by the server (422): its issues land on the blocks.
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByText(/The flow has 2 problems to fix before it can be published/)).toBeVisible();
  await expect(trigger).toHaveAttribute("data-has-error", "true");

  // The side panel: keywords on the trigger…
  await trigger.click();
  const panel = page.getByTestId("block-panel");
  await expect(panel.getByRole("heading", { name: "Keyword trigger" })).toBeVisible();
  await panel.getByRole("button", { name: "Add keyword" }).click();
  await panel.getByRole("textbox", { name: "Keyword 1" }).fill("price");
  await panel.getByLabel("Message").selectOption("exact");
  await expect(trigger).not.toHaveAttribute("data-has-error", "true");
  await expect(trigger).toContainText('Is exactly: "price"');

  // …and the text of the message, with its error next to the field until it is filled.
  await message.click();
  await expect(panel.getByRole("heading", { name: "Send message" })).toBeVisible();
  await expect(panel.getByText("Text is empty").first()).toBeVisible();
  await panel.getByLabel("Text", { exact: true }).fill("Our cakes start at $10, {{contact.first_name|friend}}!");
  await panel.getByLabel("Name on the canvas (optional)").fill("Price answer");
  await expect(message).not.toHaveAttribute("data-has-error", "true");
  await expect(message).toContainText("Price answer");

  // Copy and paste the message block (new id, offset), then undo the paste.
  await canvas.click({ position: { x: 20, y: 20 } });
  await message.click();
  await page.keyboard.press(`${modifier}+c`);
  await page.keyboard.press(`${modifier}+v`);
  await expect(block(page, "send_message")).toHaveCount(2);
  const ids = await block(page, "send_message").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-block-id")));
  expect(new Set(ids).size).toBe(2);
  await page.keyboard.press(`${modifier}+z`);
  await expect(block(page, "send_message")).toHaveCount(1);

  // Autosave stores the draft about a second after the last change.
  await expectSaved(page);
  const flowUrl = `/api/flows/${page.url().split("/").pop()}`;
  const stored = await page.request.get(flowUrl, { headers: { "X-Workspace": slug } });
  const { flow } = await stored.json();
  expect(flow.draft.blocks.map((stored: { type: string }) => stored.type).sort()).toEqual(["keyword", "send_message"]);
  expect(flow.draft.edges).toHaveLength(1);

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByText("Version 1 is live")).toBeVisible();
  await expect(page.getByText("Live: version 1")).toBeVisible();
  await expect(page.getByTestId("flow-builder").getByText("Active", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "History" }).click();
  const version = page.locator('[data-testid="version-row"][data-version="1"]');
  await expect(version).toContainText("Version 1");
  await expect(version).toContainText("Mara Marketer");
  await expect(version).toContainText("Live");

  // Someone else saves the draft meanwhile: this editor's next save is refused, nothing is overwritten.
  const latest = (await (await page.request.get(flowUrl, { headers: { "X-Workspace": slug } })).json()).flow;
  const theirs = { ...latest.draft, blocks: latest.draft.blocks.map((item: { type: string }) => (item.type === "send_message" ? { ...item, label: "Changed elsewhere" } : item)) };
  expect((await page.request.patch(flowUrl, { headers: { "X-Workspace": slug }, data: { draft: theirs, baseRevision: latest.draftRevision } })).status()).toBe(200);
  await page.getByRole("button", { name: "Close" }).click();
  await trigger.click();
  await panel.getByRole("textbox", { name: "Keyword 1" }).fill("prices");
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-status", "conflict", { timeout: 10_000 });
  await expect(page.getByText("Conflict: reload")).toBeVisible();
  await page.getByRole("button", { name: "Reload" }).click();
  await expect(block(page, "send_message")).toContainText("Changed elsewhere");
  await expect(block(page, "keyword")).toContainText('Is exactly: "price"');
  await expectSaved(page);
  await expect(page.getByTestId("flow-builder").getByText("Unpublished changes")).toBeVisible();

  // A published version is shown read-only and can be restored as the draft.
  await page.getByRole("button", { name: "History" }).click();
  await page.getByRole("button", { name: "View version 1" }).click();
  await expect(page.getByTestId("viewing-version")).toContainText("Viewing version 1 (live), read-only.");
  await expect(block(page, "send_message")).toContainText("Price answer");
  await page.getByRole("button", { name: "Back to the draft" }).click();
  await expect(block(page, "send_message")).toContainText("Changed elsewhere");
  await page.getByRole("button", { name: "View version 1" }).click();
  await page.getByRole("button", { name: "Restore as draft" }).click();
  await expect(page.getByText("Version 1 is now the draft")).toBeVisible();
  await expect(page.getByTestId("viewing-version")).toBeHidden();
  await expect(block(page, "send_message")).toContainText("Price answer");
  await expectSaved(page);

  // Pause stops new sessions; the list shows it.
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("flow-builder").getByText("Paused", { exact: true })).toBeVisible();
  await page.getByRole("link", { name: "← Flows" }).click();
  const row = page.getByTestId("flow-row").filter({ hasText: "Price questions" });
  await expect(row).toContainText("Paused");
  await expect(row).toContainText("Live: version 1");
});

test("on a phone the canvas is view-only, with a notice", async ({ page }) => {
  const slug = await signUp(page, { name: "Phil Phone", workspace: "Phone Shop" });
  const created = await page.request.post("/api/flows", { headers: { "X-Workspace": slug }, data: { name: "Mobile flow" } });
  const { flow } = await created.json();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/${slug}/flows/${flow.id}`);
  await expect(page.getByText("Editing flows needs a larger screen: on a phone the canvas is view-only.")).toBeVisible();
  await expect(block(page, "keyword")).toBeVisible();
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeVisible();
  await expect(page.getByTestId("block-palette")).toBeHidden();
  await block(page, "keyword").click();
  await expect(page.getByTestId("block-panel").getByRole("button", { name: "Add keyword" })).toBeDisabled();
});
