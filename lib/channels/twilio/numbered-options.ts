// Twilio has no free-form WhatsApp buttons (they need pre-approved Content templates), so
// choices go out as text with numbered options; the person answers with the number or the
// title. Pure: the composer measures the same text against Twilio's 1600-character Body limit.

/** The message text followed by a blank line and "1. First", "2. Second", … */
export function numberedOptions(text: string, options: { title: string }[]): string {
  return [text, "", ...options.map((option, index) => `${index + 1}. ${option.title}`)].join("\n");
}
