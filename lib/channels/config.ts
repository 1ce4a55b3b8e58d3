import { z } from "zod";

// Provider base URLs are configuration so tests, demos and benchmarks can point every adapter
// at a local fake server that answers like Meta and Twilio do. They are read on every call (not
// cached at import) because tests start the fake on a random port and set the variables after
// the modules were loaded.

const channelConfigSchema = z.object({
  GRAPH_API_URL: z.url("GRAPH_API_URL must be a URL such as https://graph.facebook.com").default("https://graph.facebook.com"),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "GRAPH_API_VERSION must look like v24.0")
    .default("v24.0"),
  TWILIO_API_URL: z.url("TWILIO_API_URL must be a URL such as https://api.twilio.com").default("https://api.twilio.com"),
  TWILIO_CONTENT_API_URL: z.url("TWILIO_CONTENT_API_URL must be a URL such as https://content.twilio.com").default("https://content.twilio.com"),
});

export type ChannelConfig = {
  /** Graph API origin without a version or trailing slash, e.g. https://graph.facebook.com */
  graphApiUrl: string;
  graphApiVersion: string;
  /** Twilio REST origin without a trailing slash, e.g. https://api.twilio.com */
  twilioApiUrl: string;
  /** Twilio Content API origin (WhatsApp Content templates), e.g. https://content.twilio.com */
  twilioContentApiUrl: string;
};

/** Reads the provider base URLs from the environment, with the real APIs as defaults. */
export function getChannelConfig(source: Record<string, string | undefined> = process.env): ChannelConfig {
  // Empty strings (a blank line in .env) mean "use the default", not "invalid URL".
  const result = channelConfigSchema.safeParse({
    GRAPH_API_URL: source.GRAPH_API_URL || undefined,
    GRAPH_API_VERSION: source.GRAPH_API_VERSION || undefined,
    TWILIO_API_URL: source.TWILIO_API_URL || undefined,
    TWILIO_CONTENT_API_URL: source.TWILIO_CONTENT_API_URL || undefined,
  });
  if (!result.success) throw new Error(`Invalid channel configuration: ${result.error.issues.map((issue) => issue.message).join("; ")}`);
  return {
    graphApiUrl: result.data.GRAPH_API_URL.replace(/\/+$/, ""),
    graphApiVersion: result.data.GRAPH_API_VERSION,
    twilioApiUrl: result.data.TWILIO_API_URL.replace(/\/+$/, ""),
    twilioContentApiUrl: result.data.TWILIO_CONTENT_API_URL.replace(/\/+$/, ""),
  };
}

/** `https://graph.facebook.com/v24.0/<path>` for the configured origin and version. */
export function buildGraphUrl(path: string): string {
  const { graphApiUrl, graphApiVersion } = getChannelConfig();
  return `${graphApiUrl}/${graphApiVersion}/${path.replace(/^\/+/, "")}`;
}

/** `https://api.twilio.com/<path>` for the configured origin. */
export function buildTwilioUrl(path: string): string {
  return `${getChannelConfig().twilioApiUrl}/${path.replace(/^\/+/, "")}`;
}

/** `https://content.twilio.com/<path>` for the configured origin. */
export function buildTwilioContentUrl(path: string): string {
  return `${getChannelConfig().twilioContentApiUrl}/${path.replace(/^\/+/, "")}`;
}
