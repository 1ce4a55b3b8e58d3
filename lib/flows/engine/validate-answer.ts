import type { MessageContent } from "@/lib/channels/types";
import type { BlockOfType } from "@/lib/flows/definition/block-schema";
import { normalizeText, toKeywordForm } from "@/lib/flows/definition/normalize-text";
import type { AttributeValue } from "./engine-types";
import { messageText } from "./message-text";

export type AnswerValidation = BlockOfType<"ask_question">["data"]["validation"];

export type ValidateAnswerOptions = { validation: AnswerValidation; message: MessageContent };

/** `value` is what gets saved to the attribute; `text` what `{{last_answer}}` shows. */
export type AnswerResult = { ok: true; value: AttributeValue; text: string; optionId?: string } | { ok: false };

// Local and domain parts cannot contain "." or "@" inside one label, so the pattern has a
// single way to match and runs in linear time.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const PHONE = /^\+?\d{7,15}$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

/**
 * Checks a reply against an ask_question's validation and extracts the value to save.
 * choice: the tapped option's payload, else the typed title (accent/case/punctuation
 * insensitive), else its position ("2"). phone: digits with an optional leading +, spaces,
 * dots, dashes and parentheses removed. number: "1,5" is read as 1.5.
 */
export function validateAnswer({ validation, message }: ValidateAnswerOptions): AnswerResult {
  const { text: rawText, payload } = messageText(message);
  const text = rawText?.trim() ?? "";
  switch (validation.kind) {
    case "text": {
      const length = [...text].length;
      if (length === 0 || length < (validation.minLength ?? 1) || length > (validation.maxLength ?? 4096)) return { ok: false };
      return { ok: true, value: text, text };
    }
    case "email":
      return text.length <= 254 && EMAIL.test(text) ? { ok: true, value: text, text } : { ok: false };
    case "phone": {
      const phone = text.replace(/[\s().-]/g, "");
      return PHONE.test(phone) ? { ok: true, value: phone, text: phone } : { ok: false };
    }
    case "number": {
      const candidate = text.includes(".") ? text : text.replace(",", ".");
      if (!NUMBER.test(candidate)) return { ok: false };
      const value = Number(candidate);
      if (!Number.isFinite(value)) return { ok: false };
      if ((validation.min !== undefined && value < validation.min) || (validation.max !== undefined && value > validation.max)) return { ok: false };
      return { ok: true, value, text: String(value) };
    }
    case "choice": {
      const options = validation.replies.options;
      const typed = toKeywordForm(text);
      const byPayload = payload === null ? undefined : options.find((option) => option.id === payload);
      const byTitle = options.find((option) => toKeywordForm(option.title) === typed);
      const byPosition = /^\d{1,2}$/.test(normalizeText(text)) ? options[Number(text) - 1] : undefined;
      const option = byPayload ?? byTitle ?? byPosition;
      return option ? { ok: true, value: option.title, text: option.title, optionId: option.id } : { ok: false };
    }
  }
}
