import { describe, expect, it } from "vitest";
import { sendSandboxMessage } from "@/lib/channels/sandbox/send";

describe("sendSandboxMessage", () => {
  it("delivers instantly with an id derived from the idempotency key, so a retry gets the same id", async () => {
    const input = { to: "sandbox-contact-1", message: { type: "text", text: "Hi!" } as const, options: { idempotencyKey: "msg_42" } };
    expect(await sendSandboxMessage(input)).toEqual({ externalId: "sandbox_msg_42" });
    expect(await sendSandboxMessage(input)).toEqual({ externalId: "sandbox_msg_42" });
  });
});
