import { z } from "zod";
import type { SignUpInput } from "@/lib/auth/schemas";
import { fetchJson } from "@/lib/http/fetch-json";

// Client-safe: the browser side of POST /api/signup.

const signUpResponseSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  workspace: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
});

/** Creates the account (and its workspace, or joins the invitation's). Throws FetchError. */
export async function requestSignUp(input: SignUpInput) {
  return fetchJson("/api/signup", { method: "POST", body: input, schema: signUpResponseSchema });
}
