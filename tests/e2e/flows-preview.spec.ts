import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./support/inbox-helpers";

// The builder's preview chat (issue 6 §7): a marketer opens a draft flow, chats with it as a
// customer (the real engine on their Sandbox preview contact), taps a quick reply, restarts it;
// a draft with an error is not run and the panel names the block. Nothing is published.

type DraftBlock = { id: string; type: string; position: { x: number; y: number }; label?: string; data: Record<string, unknown> };

function pizzaDraft({ greeting }: { greeting: string }) {
  const blocks: DraftBlock[] = [
    { id: "t", type: "keyword", position: { x: 0, y: 0 }, data: { match: "exact", keywords: ["menu"] } },
    { id: "name", type: "ask_question", position: { x: 0, y: 160 }, label: "Ask the name", data: { prompt: greeting, validation: { kind: "text" }, saveTo: "first_name" } },
    {
      id: "choice",
      type: "ask_question",
      position: { x: 0, y: 320 },
      data: {
        prompt: "Nice to meet you, {{last_answer}}! Pizza or pasta?",
        validation: { kind: "choice", replies: { style: "quick_replies", options: [{ id: "pizza", title: "Pizza" }, { id: "pasta", title: "Pasta" }] } },
      },
    },
    { id: "tag", type: "tag", position: { x: 0, y: 480 }, data: { tags: ["pizza-lover"] } },
    { id: "pizza", type: "send_message", position: { x: 0, y: 640 }, data: { kind: "text", text: "Pizza it is, {{attributes.first_name}}!" } },
    { id: "pasta", type: "send_message", position: { x: 320, y: 480 }, label: "Pasta answer", data: { kind: "text", text: "Pasta it is!" } },
  ];
  const edges = [
    { id: "e1", source: "t", target: "name" },
    { id: "e2", source: "name", target: "choice" },
    { id: "e3", source: "choice", sourceHandle: "option:pizza", target: "tag" },
    { id: "e4", source: "tag", target: "pizza" },
    { id: "e5", source: "choice", sourceHandle: "option:pasta", target: "pasta" },
  ];
  return { schemaVersion: 1, settings: { interruptible: true }, blocks, edges };
}

/** Creates a flow through the API with the browser's session and saves the draft; resolves with its id. */
async function createFlowWithDraft(page: Page, { slug, name, draft }: { slug: string; name: string; draft: unknown }): Promise<string> {
  const headers = { "X-Workspace": slug };
  const created = await page.request.post("/api/flows", { data: { name }, headers });
  expect(created.status()).toBe(201);
  const { flow } = (await created.json()) as { flow: { id: string; draftRevision: number } };
  const saved = await page.request.patch(`/api/flows/${flow.id}`, { data: { draft, baseRevision: flow.draftRevision }, headers });
  expect(saved.status(), await saved.text()).toBe(200);
  return flow.id;
}

test("a marketer chats with the draft in the preview, taps a quick reply and restarts it", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const slug = await signUp(page, { name: "Pia Preview", workspace: "Preview Pizzeria" });
  const flowId = await createFlowWithDraft(page, { slug, name: "Pizza order", draft: pizzaDraft({ greeting: "Hi! What's your name?" }) });

  await page.goto(`/${slug}/flows/${flowId}`);
  await expect(page.getByTestId("flow-builder")).toBeVisible();
  await page.getByRole("button", { name: "Preview", exact: true }).click();

  const panel = page.getByTestId("preview-panel");
  await expect(panel).toBeVisible();
  // Opening starts the draft at its trigger block: no keyword needed.
  await expect(panel.getByTestId("preview-bot").last()).toHaveText("Hi! What's your name?");
  await expect(panel.getByTestId("preview-status")).toContainText("Waiting for reply…");
  await expect(panel).toContainText("Preview — Pia Preview");

  await panel.getByLabel("Message as the customer").fill("Sam");
  await panel.getByRole("button", { name: "Send" }).click();
  await expect(panel.getByTestId("preview-customer").last()).toHaveText("Sam");
  await expect(panel.getByTestId("preview-bot").last()).toContainText("Nice to meet you, Sam! Pizza or pasta?");
  await expect(panel.getByLabel("Message as the customer")).toHaveValue("");

  await panel.getByRole("button", { name: "Pizza", exact: true }).click();
  await expect(panel.getByTestId("preview-customer").last()).toHaveText("Pizza");
  await expect(panel.getByTestId("preview-bot").last()).toHaveText("Pizza it is, Sam!");
  await expect(panel.getByTestId("preview-system").filter({ hasText: "Tag pizza-lover added" })).toBeVisible();
  await expect(panel.getByTestId("preview-system").last()).toHaveText("Flow ended");
  await expect(panel.getByTestId("preview-status")).toContainText("Flow ended.");

  // Restart: a fresh run from the trigger.
  await panel.getByRole("button", { name: "Restart" }).click();
  await expect(panel.getByTestId("preview-customer")).toHaveCount(0);
  await expect(panel.getByTestId("preview-bot")).toHaveCount(1);
  await expect(panel.getByTestId("preview-bot").first()).toHaveText("Hi! What's your name?");

  // Nothing was published.
  await expect(page.getByTestId("flow-builder").getByText("Draft", { exact: true }).first()).toBeVisible();
  const detail = await page.request.get(`/api/flows/${flowId}`, { headers: { "X-Workspace": slug } });
  expect(((await detail.json()) as { flow: { activeVersion: unknown } }).flow.activeVersion).toBeNull();
});

test("the preview names the blocks to fix instead of running a draft with errors, and opens as a sheet on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const slug = await signUp(page, { name: "Pol Phone", workspace: "Phone Pasta" });
  const draft = pizzaDraft({ greeting: "Hello" });
  const broken = { ...draft, blocks: draft.blocks.map((block) => (block.id === "pasta" ? { ...block, data: { kind: "text", text: "" } } : block)) };
  const flowId = await createFlowWithDraft(page, { slug, name: "Broken order", draft: broken });

  await page.goto(`/${slug}/flows/${flowId}`);
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  const sheet = page.getByRole("dialog", { name: "Preview" });
  await expect(sheet).toBeVisible();
  await expect(sheet.getByTestId("preview-issues")).toContainText("Pasta answer");
  await expect(sheet).toContainText("1 problem to fix before it can be previewed");
  await expect(sheet.getByTestId("preview-bot")).toHaveCount(0);
  await sheet.getByRole("button", { name: "Close the preview" }).click();
  await expect(sheet).toBeHidden();
});
