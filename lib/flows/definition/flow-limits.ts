/**
 * Bounds on what a flow definition may hold. They keep a stored definition, a rendered message
 * and one engine call small and predictable; the provider-specific numbers (button counts and
 * title lengths) are the strictest of Instagram and WhatsApp, so one flow runs on both.
 */
export const FLOW_LIMITS = {
  blocks: 200,
  edges: 400,
  idLength: 64,
  labelLength: 80,
  /** Instagram caps a DM at 1,000 characters (WhatsApp allows 4,096). */
  messageText: 1000,
  keywordsPerTrigger: 20,
  keywordLength: 100,
  /** A longer pattern is rejected before RE2 even parses it. */
  regexLength: 200,
  /** RE2 program size, a rough cost measure: matching time grows with it (a few ms per 4 KB message at 300, ~70 ms at 1000). */
  regexProgramSize: 300,
  /** WhatsApp reply buttons. */
  buttons: 3,
  /** Instagram quick replies. */
  quickReplies: 13,
  /** WhatsApp list rows (all sections together). */
  listRows: 10,
  /** WhatsApp button titles; Instagram quick replies allow 20 too. */
  optionTitle: 20,
  optionDescription: 72,
  urlLength: 2000,
  mediaIdsPerTrigger: 50,
  publicReplyVariants: 5,
  conditionRules: 20,
  tagsPerBlock: 10,
  tagLength: 50,
  attributeValue: 1000,
  httpHeaders: 20,
  httpHeaderValue: 1000,
  httpBody: 10_000,
  httpSavedFields: 10,
  /** The runner aborts the request after this; the block's own timeout must be below it. */
  httpTimeoutMs: 10_000,
  httpMinTimeoutMs: 500,
  maxReAsks: 5,
  /** Delays and question timeouts: one minute to thirty days. */
  durationMinMs: 60_000,
  durationMaxMs: 30 * 24 * 60 * 60 * 1000,
  jsonPathLength: 200,
} as const;
