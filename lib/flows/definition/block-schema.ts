import { z } from "zod";
import { compileKeywordRegex } from "./compile-keyword-regex";
import { conditionSchema } from "./condition-schema";
import { durationSchema, durationToMs } from "./duration-schema";
import { FLOW_LIMITS } from "./flow-limits";
import { flowMessageSchema, messageTextSchema, replyOptionsSchema } from "./message-schema";
import { attributeNameSchema, idSchema, tagNameSchema } from "./name-schemas";
import { toKeywordForm } from "./normalize-text";
import { parseHttpUrl } from "./parse-http-url";
import { parseJsonPath } from "./parse-json-path";

/**
 * Every block of a flow, one zod schema per `type`. A block is `{ id, type, position, label?,
 * data }`: `position` is where the canvas (@xyflow/react) draws it, `label` an optional name
 * the builder shows and validation messages use, `data` the per-type settings below.
 */
export const blockSchema = z.lazy(() =>
  z.discriminatedUnion("type", [
    keywordTriggerBlock,
    instagramCommentTriggerBlock,
    storyReplyTriggerBlock,
    storyMentionTriggerBlock,
    newConversationTriggerBlock,
    fallbackTriggerBlock,
    sendMessageBlock,
    askQuestionBlock,
    conditionBlock,
    delayBlock,
    tagBlock,
    untagBlock,
    setAttributeBlock,
    handoffBlock,
    httpRequestBlock,
    goToFlowBlock,
    endBlock,
  ]),
);

export type Block = z.infer<typeof blockSchema>;
export type BlockType = Block["type"];
export type BlockOfType<T extends BlockType> = Extract<Block, { type: T }>;

export const TRIGGER_BLOCK_TYPES = ["keyword", "instagram_comment", "story_reply", "story_mention", "new_conversation", "fallback"] as const;
export type TriggerBlockType = (typeof TRIGGER_BLOCK_TYPES)[number];
export type TriggerBlock = BlockOfType<TriggerBlockType>;

/** Blocks that wait for time to pass or for the contact: only these may close a loop. */
export const WAITING_BLOCK_TYPES = ["ask_question", "delay"] as const;

export const BLOCK_TYPES = [
  ...TRIGGER_BLOCK_TYPES,
  "send_message",
  "ask_question",
  "condition",
  "delay",
  "tag",
  "untag",
  "set_attribute",
  "handoff",
  "http_request",
  "go_to_flow",
  "end",
] as const satisfies readonly BlockType[];

export function isTriggerBlock(block: Block): block is TriggerBlock {
  return (TRIGGER_BLOCK_TYPES as readonly string[]).includes(block.type);
}

// ---------------------------------------------------------------------------------------------
// Shared parts

const base = {
  id: idSchema,
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  label: z.string().trim().max(FLOW_LIMITS.labelLength, `Labels: at most ${FLOW_LIMITS.labelLength} characters`).optional(),
};

/**
 * In order of precedence when several keyword triggers match one message (see match-trigger).
 * exact: the whole message; starts_with: the message begins with the keyword; contains: the
 * keyword appears as whole words; regex: an RE2 pattern found anywhere (anchor with ^ $).
 * All compare case- and accent-insensitively, ignoring punctuation (regex: case and accents).
 */
export const KEYWORD_MATCH_KINDS = ["exact", "starts_with", "contains", "regex"] as const;
export type KeywordMatchKind = (typeof KEYWORD_MATCH_KINDS)[number];

export const keywordMatchSchema = z
  .object({
    match: z.enum(KEYWORD_MATCH_KINDS),
    keywords: z
      .array(z.string().trim().min(1, "Keyword is empty").max(FLOW_LIMITS.regexLength, `At most ${FLOW_LIMITS.regexLength} characters`))
      .min(1, "Add at least one keyword")
      .max(FLOW_LIMITS.keywordsPerTrigger, `At most ${FLOW_LIMITS.keywordsPerTrigger} keywords`),
  })
  .superRefine((matcher, ctx) => {
    for (const [index, keyword] of matcher.keywords.entries()) {
      const path = ["keywords", index];
      if (matcher.match === "regex") {
        const compiled = compileKeywordRegex(keyword);
        if (!compiled.ok) ctx.addIssue({ code: "custom", path, message: `Pattern "${keyword}": ${compiled.reason}`, params: { flowIssue: "invalid_regex" } });
      } else if (keyword.length > FLOW_LIMITS.keywordLength) {
        ctx.addIssue({ code: "custom", path, message: `Keywords: at most ${FLOW_LIMITS.keywordLength} characters` });
      } else if (keyword.trim() !== "" && toKeywordForm(keyword) === "") {
        ctx.addIssue({ code: "custom", path, message: `Keyword "${keyword}" is only punctuation, which matching ignores` });
      }
    }
  });

export type KeywordMatch = z.infer<typeof keywordMatchSchema>;

const httpUrlWithTemplatesSchema = z.string().superRefine((url, ctx) => {
  const parsed = parseHttpUrl({ url, allowTemplates: true });
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.reason, params: { flowIssue: "invalid_url" } });
});

// ---------------------------------------------------------------------------------------------
// Triggers: the entry of a flow, exactly one per flow. Their single output is "next".

const keywordTriggerBlock = z.object({ ...base, type: z.literal("keyword"), data: keywordMatchSchema });

/** Comment rules answer each person at most once per this time unless the block says otherwise. */
export const DEFAULT_COMMENT_COOLDOWN = { amount: 24, unit: "hours" } as const satisfies { amount: number; unit: "minutes" | "hours" | "days" };

/**
 * How long after a private reply the same commenter gets no other DM from this rule (its public
 * reply is still posted): 0 (none) to 30 days. Unlike durationSchema, 0 is allowed.
 */
export const commentCooldownSchema = z
  .object({
    amount: z.number({ error: "Enter the cooldown as a whole number (0 for none)" }).int("Use a whole number").min(0, "Use 0 (no cooldown) or more"),
    unit: z.enum(["minutes", "hours", "days"], { error: "Choose minutes, hours or days" }),
  })
  .refine((cooldown) => durationToMs(cooldown) <= FLOW_LIMITS.durationMaxMs, { message: "The cooldown is at most 30 days" });

export type CommentCooldown = z.infer<typeof commentCooldownSchema>;

/** A comment under an Instagram post or reel. Replies are sent by the engine on start. */
const instagramCommentTriggerBlock = z.object({
  ...base,
  type: z.literal("instagram_comment"),
  data: z.object({
    posts: z.discriminatedUnion("mode", [
      z.object({ mode: z.literal("any") }),
      z.object({
        mode: z.literal("selected"),
        mediaIds: z.array(z.string().min(1).max(64)).min(1, "Choose at least one post").max(FLOW_LIMITS.mediaIdsPerTrigger),
      }),
    ]),
    /** Only comments matching these keywords; omitted: every comment. */
    keywords: keywordMatchSchema.optional(),
    /** Also react to replies to other comments (threads); off by default, as on ManyChat. */
    includeReplies: z.boolean().default(false),
    /**
     * Public answers under the comment. With several, one is picked per comment (stable for the
     * comment id): Meta treats identical repeated replies as spam.
     */
    publicReplies: z.array(messageTextSchema).max(FLOW_LIMITS.publicReplyVariants).default([]),
    /** The private reply DM (Instagram allows one per comment, within 7 days of it). */
    privateReply: z.object({ kind: z.literal("text"), text: messageTextSchema, replies: replyOptionsSchema.optional() }).optional(),
    /** At most one private reply per commenter per this time (definitions saved before the field: 24 hours). */
    cooldown: commentCooldownSchema.default(DEFAULT_COMMENT_COOLDOWN),
  }),
});

const storyReplyTriggerBlock = z.object({
  ...base,
  type: z.literal("story_reply"),
  /** Only replies matching these keywords; omitted: every story reply. */
  data: z.object({ keywords: keywordMatchSchema.optional() }),
});

const storyMentionTriggerBlock = z.object({ ...base, type: z.literal("story_mention"), data: z.object({}) });

/** The first inbound message of a conversation (ingestion says which one that is). */
const newConversationTriggerBlock = z.object({ ...base, type: z.literal("new_conversation"), data: z.object({}) });

/** An inbound DM that nothing else answered (no session waiting, no other trigger matched). */
const fallbackTriggerBlock = z.object({ ...base, type: z.literal("fallback"), data: z.object({}) });

// ---------------------------------------------------------------------------------------------
// Steps

/**
 * Sends one message. Its options (quick replies, buttons, list) do not branch: tapping one
 * sends its id as the reply payload, which keyword triggers also match. To branch on the
 * answer use ask_question with a choice.
 */
const sendMessageBlock = z.object({ ...base, type: z.literal("send_message"), data: flowMessageSchema });

/**
 * Asks, then waits for the reply. Outputs: "next" (valid answer), "option:<id>" per choice
 * option (taken instead of "next" when connected), "invalid" (after `maxRetries` re-asks), and
 * "timeout" (only when `timeout` is set). An unconnected invalid/timeout output ends the flow.
 */
const askQuestionBlock = z.object({
  ...base,
  type: z.literal("ask_question"),
  data: z
    .object({
      prompt: messageTextSchema,
      validation: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("text"), minLength: z.number().int().min(1).max(1000).optional(), maxLength: z.number().int().min(1).max(4096).optional() }),
        z.object({ kind: z.literal("email") }),
        z.object({ kind: z.literal("phone") }),
        z.object({ kind: z.literal("number"), min: z.number().finite().optional(), max: z.number().finite().optional() }),
        /** Options are sent as tappable replies; a typed answer matches a title or its position ("2"). */
        z.object({ kind: z.literal("choice"), replies: replyOptionsSchema }),
      ]),
      /** Contact attribute the valid answer is saved to (also always in `{{last_answer}}`). */
      saveTo: attributeNameSchema.optional(),
      maxRetries: z.number().int().min(0).max(FLOW_LIMITS.maxReAsks).default(2),
      /** Sent on an invalid answer before asking again; default: the prompt again. */
      retryPrompt: messageTextSchema.optional(),
      timeout: durationSchema.optional(),
    })
    .refine((data) => data.validation.kind !== "text" || !data.validation.minLength || !data.validation.maxLength || data.validation.minLength <= data.validation.maxLength, {
      message: "The minimum length is above the maximum",
      path: ["validation", "minLength"],
    })
    .refine((data) => data.validation.kind !== "number" || data.validation.min === undefined || data.validation.max === undefined || data.validation.min <= data.validation.max, {
      message: "The minimum is above the maximum",
      path: ["validation", "min"],
    }),
});

/** Outputs "true" and "false". */
const conditionBlock = z.object({ ...base, type: z.literal("condition"), data: conditionSchema });

/** Waits, durably (the runner schedules a job), then continues on "next". */
const delayBlock = z.object({ ...base, type: z.literal("delay"), data: z.object({ duration: durationSchema }) });

const tagsData = z.object({ tags: z.array(tagNameSchema).min(1, "Choose at least one tag").max(FLOW_LIMITS.tagsPerBlock) });
const tagBlock = z.object({ ...base, type: z.literal("tag"), data: tagsData });
const untagBlock = z.object({ ...base, type: z.literal("untag"), data: tagsData });

const setAttributeBlock = z.object({
  ...base,
  type: z.literal("set_attribute"),
  data: z.discriminatedUnion("operation", [
    /** `value` is a template: "{{last_answer}}", "vip", "{{attributes.city|unknown}}". */
    z.object({ operation: z.literal("set"), attribute: attributeNameSchema, value: z.string().max(FLOW_LIMITS.attributeValue) }),
    z.object({ operation: z.literal("clear"), attribute: attributeNameSchema }),
  ]),
});

/** Ends the flow and gives the conversation to a person. */
const handoffBlock = z.object({
  ...base,
  type: z.literal("handoff"),
  data: z.object({
    /** A workspace member's user id; null leaves the conversation unassigned in the queue. */
    assigneeUserId: z.string().min(1).max(64).nullable(),
    /** Pause the bot on this conversation until an agent resumes it. */
    pauseBot: z.boolean().default(true),
    /** Shown to agents (internal note / notification), never sent to the contact. */
    note: z.string().trim().max(500).optional(),
    /** Sent to the contact before handing off ("A teammate will answer shortly"). */
    message: messageTextSchema.optional(),
  }),
});

const headerNameSchema = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, "Not a valid header name");
// Set by the HTTP client itself; letting a flow set them invites request smuggling.
const RESERVED_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection"]);

/**
 * Calls an external URL; the runner performs it (with the SSRF checks) and feeds the result
 * back. Outputs "success" (2xx) and "error" (anything else, timeout, network). Templates in
 * the URL path/query are URL-encoded, in the body JSON-escaped when `bodyFormat` is "json".
 */
const httpRequestBlock = z.object({
  ...base,
  type: z.literal("http_request"),
  data: z.object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    url: httpUrlWithTemplatesSchema,
    headers: z
      .array(
        z.object({
          name: headerNameSchema.refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), { message: "This header is set automatically" }),
          value: z.string().max(FLOW_LIMITS.httpHeaderValue),
        }),
      )
      .max(FLOW_LIMITS.httpHeaders)
      .default([]),
    body: z.string().max(FLOW_LIMITS.httpBody).optional(),
    bodyFormat: z.enum(["json", "text"]).default("json"),
    timeoutMs: z.number().int().min(FLOW_LIMITS.httpMinTimeoutMs).max(FLOW_LIMITS.httpTimeoutMs, "At most 10 seconds (10000 ms)").default(5000),
    /** Response fields saved to contact attributes on success: `{ path: "data.user.city", attribute: "city" }`. */
    saveResponse: z
      .array(
        z.object({
          path: z.string().refine((path) => parseJsonPath(path) !== null, { message: "Use a path like data.items[0].name" }),
          attribute: attributeNameSchema,
        }),
      )
      .max(FLOW_LIMITS.httpSavedFields)
      .default([]),
  }),
});

/** Ends this flow and starts another one from its trigger. */
const goToFlowBlock = z.object({ ...base, type: z.literal("go_to_flow"), data: z.object({ flowId: z.string().min(1).max(64) }) });

const endBlock = z.object({ ...base, type: z.literal("end"), data: z.object({}) });
