import type { DraftBlock } from "@/lib/flows/definition/flow-definition-schema";

// One or two lines describing a draft block on the canvas. Drafts may be half-filled, so every
// field is read defensively.

const MATCH_LABELS: Record<string, string> = { exact: "Is exactly", starts_with: "Starts with", contains: "Contains", regex: "Matches pattern" };

export type SummaryContext = { flowNames: ReadonlyMap<string, string>; memberNames: ReadonlyMap<string, string> };

export function summarizeBlock(block: DraftBlock, { flowNames, memberNames }: SummaryContext): string {
  const data = block.data;
  switch (block.type) {
    case "keyword":
      return keywordsText(data) ?? "No keywords yet";
    case "instagram_comment": {
      const posts = record(data.posts);
      const where = posts?.mode === "selected" ? `${list(posts.mediaIds).length} chosen posts` : "Any post";
      const keywords = keywordsText(record(data.keywords));
      const summary = keywords ? `${where} · ${keywords}` : `${where} · every comment`;
      return `${summary} · ${cooldownText(record(data.cooldown))}`;
    }
    case "story_reply":
      return keywordsText(record(data.keywords)) ?? "Any reply to your story";
    case "story_mention":
      return "The contact mentions you in a story";
    case "new_conversation":
      return "The first message of a new conversation";
    case "fallback":
      return "A message nothing else answered";
    case "send_message":
      if (data.kind === "media") return `${capitalize(text(data.media) || "media")}: ${text(data.url) || "no URL yet"}`;
      return withOptions(text(data.text) || "No text yet", record(data.replies));
    case "ask_question": {
      const validation = record(data.validation);
      const kind = text(validation?.kind) || "text";
      return `${text(data.prompt) || "No question yet"} (answer: ${kind})`;
    }
    case "condition": {
      const rules = list(data.rules);
      return `${data.match === "any" ? "Any" : "All"} of ${rules.length} ${rules.length === 1 ? "rule" : "rules"}`;
    }
    case "delay": {
      const duration = record(data.duration);
      return duration ? `Wait ${text(duration.amount)} ${text(duration.unit)}` : "No duration yet";
    }
    case "tag":
    case "untag": {
      const tags = list(data.tags).map(text).filter(Boolean);
      return tags.length > 0 ? tags.join(", ") : "No tags yet";
    }
    case "set_attribute":
      if (!text(data.attribute)) return "No attribute yet";
      return data.operation === "clear" ? `Clear ${text(data.attribute)}` : `${text(data.attribute)} = ${text(data.value) || '""'}`;
    case "handoff": {
      const assignee = typeof data.assigneeUserId === "string" ? (memberNames.get(data.assigneeUserId) ?? "a teammate") : "the team queue";
      return `To ${assignee}${data.pauseBot === false ? "" : ", bot paused"}`;
    }
    case "http_request":
      return `${text(data.method) || "GET"} ${text(data.url) || "no URL yet"}`;
    case "go_to_flow":
      return text(data.flowId) ? `Start "${flowNames.get(text(data.flowId)) ?? "an unknown flow"}"` : "No flow chosen yet";
    case "end":
      return "The flow ends here";
  }
}

function keywordsText(data: Record<string, unknown> | null): string | null {
  if (!data) return null;
  const keywords = list(data.keywords).map(text).filter(Boolean);
  if (keywords.length === 0) return null;
  return `${MATCH_LABELS[text(data.match)] ?? "Contains"}: ${keywords.map((keyword) => `"${keyword}"`).join(", ")}`;
}

/** The DM cooldown of a comment rule: 24 hours when the block predates the setting. */
function cooldownText(cooldown: Record<string, unknown> | null): string {
  if (!cooldown) return "1 DM per person per 24 hours";
  const amount = text(cooldown.amount);
  if (amount === "0") return "no DM cooldown";
  const unit = text(cooldown.unit) || "hours";
  return `1 DM per person per ${amount || "?"} ${amount === "1" ? unit.replace(/s$/, "") : unit}`;
}

function withOptions(base: string, replies: Record<string, unknown> | null): string {
  const count = replies ? list(replies.options).length : 0;
  return count > 0 ? `${base} · ${count} ${count === 1 ? "option" : "options"}` : base;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
