import type { FieldErrors } from "./form-fields";

export type BlockFormContext = {
  /** The flow being edited (a go-to-flow block cannot target it). */
  flowId: string;
  flows: ReadonlyArray<{ id: string; name: string }>;
  members: ReadonlyArray<{ id: string; name: string }>;
};

export type BlockFormProps = {
  data: Record<string, unknown>;
  /** Replaces the block's data; `field` names what changed, so keystrokes in one field undo together. */
  onChange: (data: Record<string, unknown>, field: string) => void;
  /** The first validation message for a path inside the block (["data", "keywords", 0]). */
  errorAt: FieldErrors;
  context: BlockFormContext;
};
