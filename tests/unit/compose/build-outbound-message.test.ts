import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { buildOutboundMessage, type BuildOutboundMessageOptions } from "@/lib/inbox/compose/build-outbound-message";
import { measureText } from "@/lib/inbox/compose/channel-limits";
import { sendMessageSchema, type SendMessageInput } from "@/lib/inbox/compose/schemas";

const KEY = "key-12345678";
const MB = 1024 * 1024;

function build(channelType: BuildOutboundMessageOptions["channelType"], body: Partial<SendMessageInput>, extra: Partial<BuildOutboundMessageOptions> = {}) {
  const input = sendMessageSchema.parse({ idempotencyKey: KEY, ...body });
  return buildOutboundMessage({ channelType, input, ...extra });
}

function refusal(run: () => unknown): { message: string; field?: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe("unprocessable");
    return { message: appError.message, field: appError.field };
  }
  throw new Error("expected a refusal");
}

describe("measureText", () => {
  it("counts code points, UTF-8 bytes and UTF-16 units", () => {
    expect(measureText("a😀é", "characters")).toBe(3);
    expect(measureText("a😀é", "utf8_bytes")).toBe(1 + 4 + 2);
    expect(measureText("a😀é", "utf16_units")).toBe(4);
  });
});

describe("text length limits", () => {
  it("WhatsApp: 4096 characters (an emoji counts once)", () => {
    expect(build("whatsapp_cloud", { text: "x".repeat(4096) })).toEqual({ type: "text", text: "x".repeat(4096) });
    expect(build("whatsapp_cloud", { text: "😀".repeat(4096) }).type).toBe("text");
    expect(refusal(() => build("whatsapp_cloud", { text: "x".repeat(4097) }))).toEqual({ message: "The message is too long for WhatsApp: 4097 characters, at most 4096", field: "text" });
  });

  it("Instagram: 1000 UTF-8 bytes", () => {
    expect(build("instagram", { text: "😀".repeat(250) }).type).toBe("text");
    expect(refusal(() => build("instagram", { text: "😀".repeat(251) })).message).toBe("The message is too long for Instagram: 1004 bytes (UTF-8), at most 1000");
    expect(refusal(() => build("instagram", { text: "x".repeat(1001) })).message).toContain("1001 bytes");
  });

  it("Twilio: 1600 UTF-16 units (an emoji counts twice)", () => {
    expect(build("twilio_whatsapp", { text: "😀".repeat(800) }).type).toBe("text");
    expect(refusal(() => build("twilio_whatsapp", { text: "😀".repeat(801) })).message).toBe("The message is too long for WhatsApp (Twilio): 1602 characters, at most 1600");
  });

  it("refuses empty and whitespace-only messages at the schema", () => {
    expect(sendMessageSchema.safeParse({ idempotencyKey: KEY, text: "  \n " }).error?.issues[0]).toMatchObject({ path: ["text"], message: "the message is empty" });
    expect(sendMessageSchema.safeParse({ idempotencyKey: KEY }).error?.issues[0]).toMatchObject({ path: ["text"] });
    expect(sendMessageSchema.safeParse({ idempotencyKey: "short", text: "hi" }).error?.issues[0]).toMatchObject({ path: ["idempotencyKey"] });
  });
});

describe("quick replies", () => {
  it("Instagram: up to 13, titles up to 20 characters", () => {
    const titles = Array.from({ length: 13 }, (_, index) => `Option ${index + 1}`);
    expect(build("instagram", { text: "Pick one", quickReplies: titles })).toEqual({ type: "quick_replies", text: "Pick one", options: titles.map((title) => ({ id: title, title })) });
    expect(sendMessageSchema.safeParse({ idempotencyKey: KEY, text: "Pick", quickReplies: [...titles, "14th"] }).success).toBe(false);
    expect(refusal(() => build("instagram", { text: "Pick", quickReplies: ["x".repeat(21)] })).field).toBe("quickReplies");
  });

  it("WhatsApp: 3 reply buttons with a 1024-character body", () => {
    expect(build("whatsapp_cloud", { text: "Pick", quickReplies: ["Yes", "No", "Maybe"] }).type).toBe("quick_replies");
    expect(refusal(() => build("whatsapp_cloud", { text: "Pick", quickReplies: ["A", "B", "C", "D"] })).message).toBe("WhatsApp allows at most 3 quick replies; this message has 4");
    expect(refusal(() => build("whatsapp_cloud", { text: "x".repeat(1025), quickReplies: ["Yes"] })).message).toContain("1025 characters, at most 1024");
  });

  it("Twilio: the numbered options must fit in the 1600-character body", () => {
    expect(build("twilio_whatsapp", { text: "x".repeat(1580), quickReplies: ["Yes"] }).type).toBe("quick_replies");
    // "x…" + "\n\n1. Yes\n2. No" is 14 more characters.
    expect(refusal(() => build("twilio_whatsapp", { text: "x".repeat(1590), quickReplies: ["Yes", "No"] })).message).toContain("1604 characters, at most 1600");
  });

  it("needs text, distinct titles and no attachment", () => {
    expect(sendMessageSchema.safeParse({ idempotencyKey: KEY, text: "Pick", quickReplies: ["Yes", "Yes"] }).success).toBe(false);
    expect(sendMessageSchema.safeParse({ idempotencyKey: KEY, attachmentId: "att", quickReplies: ["Yes"] }).success).toBe(false);
  });
});

describe("attachments", () => {
  const image = { id: "att_1", fileName: "photo.jpg", mimeType: "image/jpeg", size: 1 * MB, url: "https://app.example.com/api/attachments/att_1/token" };
  const pdf = { ...image, fileName: "menu.pdf", mimeType: "application/pdf" };

  it("sends an image by URL with a caption on WhatsApp", () => {
    expect(build("whatsapp_cloud", { attachmentId: "att_1", text: "Our menu" }, { attachment: image })).toEqual({
      type: "media",
      media: "image",
      url: image.url,
      caption: "Our menu",
      filename: undefined,
      mimeType: "image/jpeg",
    });
    expect(build("whatsapp_cloud", { attachmentId: "att_1" }, { attachment: pdf })).toMatchObject({ media: "file", filename: "menu.pdf" });
  });

  it("refuses a caption Instagram or WhatsApp audio cannot carry", () => {
    expect(refusal(() => build("instagram", { attachmentId: "att_1", text: "Look" }, { attachment: image })).message).toBe(
      "Instagram can't add a caption to images: send the text as a separate message",
    );
    const audio = { ...image, mimeType: "audio/ogg", fileName: "note.ogg" };
    expect(refusal(() => build("whatsapp_cloud", { attachmentId: "att_1", text: "Listen" }, { attachment: audio })).message).toContain("audio messages");
    expect(build("instagram", { attachmentId: "att_1" }, { attachment: image })).toMatchObject({ type: "media", media: "image", caption: undefined });
  });

  it("refuses types and sizes the channel does not take", () => {
    const docx = { ...image, mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", fileName: "cv.docx" };
    expect(refusal(() => build("instagram", { attachmentId: "att_1" }, { attachment: docx }))).toMatchObject({ field: "attachmentId" });
    expect(build("whatsapp_cloud", { attachmentId: "att_1" }, { attachment: docx }).type).toBe("media");
    const gif = { ...image, mimeType: "image/gif" };
    expect(refusal(() => build("whatsapp_cloud", { attachmentId: "att_1" }, { attachment: gif })).message).toContain("can't send image/gif images");
    expect(refusal(() => build("whatsapp_cloud", { attachmentId: "att_1" }, { attachment: { ...image, size: 6 * MB } })).message).toBe("WhatsApp accepts images up to 5 MB");
    expect(refusal(() => build("sandbox", { attachmentId: "att_1" }, { attachment: null })).message).toContain("Attachment not found");
  });
});

describe("templates", () => {
  const components = [
    { type: "HEADER", format: "TEXT", text: "Order {{1}}" },
    { type: "BODY", text: "Hi {{1}}, your order {{2}} ships {{3}}." },
    { type: "BUTTONS", buttons: [{ type: "URL", text: "Track", url: "https://shop.example.com/track/{{1}}" }, { type: "QUICK_REPLY", text: "Thanks" }] },
  ];
  const approved = { name: "order_update", language: "en_US", status: "APPROVED", components };
  const request = (variables: Record<string, string>) => ({ template: { name: "order_update", language: "en_US", variables } });
  const all = { "header.1": "#42", "1": "Ada", "2": "#42", "3": "today", "button.0": "42" };

  it("renders header, body and URL-button parameters, and the body text for the thread", () => {
    expect(build("whatsapp_cloud", request(all), { template: approved })).toEqual({
      type: "template",
      name: "order_update",
      language: "en_US",
      text: "Hi Ada, your order #42 ships today.",
      components: [
        { type: "header", parameters: [{ type: "text", text: "#42" }] },
        {
          type: "body",
          parameters: [
            { type: "text", text: "Ada" },
            { type: "text", text: "#42" },
            { type: "text", text: "today" },
          ],
        },
        { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "42" }] },
      ],
    });
  });

  it("names every missing variable", () => {
    expect(refusal(() => build("whatsapp_cloud", request({ "1": "Ada", "3": " " }), { template: approved }))).toEqual({
      message: "Fill in the template variables: header.1, 2, 3, button.0",
      field: "template.variables",
    });
  });

  it("refuses unknown and unapproved templates, and parameters Meta would reject", () => {
    expect(refusal(() => build("whatsapp_cloud", request(all), { template: null })).message).toContain('There is no template "order_update" (en_US)');
    expect(refusal(() => build("whatsapp_cloud", request(all), { template: { ...approved, status: "PAUSED" } })).message).toBe(
      'The template "order_update" (en_US) is paused: only approved templates can be sent',
    );
    expect(refusal(() => build("whatsapp_cloud", request({ ...all, "2": "line\nbreak" }), { template: approved })).message).toBe("The template variable 2 can't contain line breaks or tabs");
  });

  it("is sent on its own", () => {
    expect(sendMessageSchema.safeParse({ idempotencyKey: KEY, text: "hi", template: { name: "x", language: "en" } }).error?.issues[0]).toMatchObject({ path: ["template"] });
  });
});
