import { describe, expect, it } from "vitest";
import { connectTwilioSchema, connectWhatsAppSchema, senderSchema, updateWhatsAppSchema } from "@/lib/channels/connect/schemas";

const whatsApp = {
  phoneNumberId: "106540352242922",
  wabaId: "102290129340398",
  accessToken: "EAAGm0PX4ZCpsBAExampleToken1234567890",
  appSecret: "0123456789abcdef0123456789ABCDEF",
};

function fieldOf(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) {
  return result.error?.issues[0]?.path.join(".");
}

describe("connectWhatsAppSchema", () => {
  it("trims pasted values and turns a blank name into no name", () => {
    const parsed = connectWhatsAppSchema.parse({ ...whatsApp, phoneNumberId: ` ${whatsApp.phoneNumberId}\n`, accessToken: `${whatsApp.accessToken} `, name: "   " });
    expect(parsed).toEqual({ ...whatsApp, name: undefined });
  });

  it.each([
    ["phoneNumberId", "+1 555 0100"],
    ["wabaId", "abc"],
    ["accessToken", "EAAG short"],
    ["accessToken", "EAAG with a space inside the token"],
    ["appSecret", "0123456789abcdef"],
    ["name", "n".repeat(81)],
  ])("rejects %s = %j with that field", (field, value) => {
    expect(fieldOf(connectWhatsAppSchema.safeParse({ ...whatsApp, [field]: value }))).toBe(field);
  });

  it("requires the app secret to connect, but not to update credentials", () => {
    const rest = { ...whatsApp, appSecret: undefined };
    expect(fieldOf(connectWhatsAppSchema.safeParse(rest))).toBe("appSecret");
    expect(updateWhatsAppSchema.parse({ ...rest, appSecret: "" }).appSecret).toBeUndefined();
    expect(updateWhatsAppSchema.parse(rest).appSecret).toBeUndefined();
    expect(fieldOf(updateWhatsAppSchema.safeParse({ ...rest, appSecret: "nope" }))).toBe("appSecret");
  });
});

describe("senderSchema", () => {
  it.each([
    ["+14155238886", "+14155238886"],
    ["whatsapp:+14155238886", "+14155238886"],
    ["  +1 (415) 523-8886 ", "+14155238886"],
    ["+44.20.7946.0958", "+442079460958"],
  ])("normalises %j to %j", (input, expected) => {
    expect(senderSchema.parse(input)).toBe(expected);
  });

  it.each(["4155238886", "+0155238886", "+1", "+1415523888612345", "whatsapp:", "+1 415 CALL NOW", ""])("rejects %j", (input) => {
    const result = senderSchema.safeParse(input);
    expect(result.success).toBe(false);
  });
});

describe("connectTwilioSchema", () => {
  const twilio = { accountSid: `AC${"a1".repeat(16)}`, authToken: "f".repeat(32), sender: "+14155238886" };

  it("accepts a SID, an auth token and an E.164 sender", () => {
    expect(connectTwilioSchema.parse(twilio)).toEqual({ ...twilio, name: undefined });
  });

  it.each([
    ["accountSid", "SK1234"],
    ["accountSid", `AC${"z".repeat(32)}`],
    ["authToken", "short"],
    ["sender", "415-523-8886"],
  ])("rejects %s = %j with that field", (field, value) => {
    expect(fieldOf(connectTwilioSchema.safeParse({ ...twilio, [field]: value }))).toBe(field);
  });
});
