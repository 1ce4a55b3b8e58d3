import { z } from "zod";
import { FetchError } from "@/lib/http/fetch-json";

// Client-safe: the selection form's call to POST /api/oauth/instagram/connect. The answer is
// read whole (not through fetchJson) because a refusal still lists every account's outcome.

const connectedSchema = z.object({ channelId: z.string(), igAccountId: z.string(), username: z.string().nullable(), name: z.string(), reconnected: z.boolean() });
const failedSchema = z.object({ igAccountId: z.string(), username: z.string().nullable(), code: z.string(), reason: z.string() });
const connectAnswerSchema = z.object({
  connected: z.array(connectedSchema),
  failed: z.array(failedSchema),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export type InstagramConnectAnswer = z.infer<typeof connectAnswerSchema>;

export type ConnectSelectedOptions = { slug: string; igAccountIds: string[] };

/**
 * Connects the chosen accounts. Resolves with both lists whenever the server judged the
 * accounts (also when none could be connected); throws FetchError for anything else (expired
 * selection, no permission, network).
 */
export async function connectSelectedInstagramAccounts({ slug, igAccountIds }: ConnectSelectedOptions): Promise<InstagramConnectAnswer> {
  let response: Response;
  try {
    response = await fetch("/api/oauth/instagram/connect", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-Workspace": slug },
      body: JSON.stringify({ igAccountIds }),
      credentials: "same-origin",
    });
  } catch {
    throw new FetchError({ code: "network_error", message: "Could not reach the server; check your connection", status: 0 });
  }
  const data: unknown = await response.json().catch(() => null);
  const parsed = connectAnswerSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw FetchError.fromBody(data, response.status);
}
