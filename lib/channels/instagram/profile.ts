import "server-only";
import { z } from "zod";
import { buildGraphUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyGraphError, ProviderError } from "@/lib/channels/provider-error";
import type { InstagramSendCredentials } from "@/lib/channels/instagram/send";

// User Profile API: GET /{igsid}?fields=... with the Page token. Only works for people who have
// messaged the account; every field may be missing (private details, deleted users), and
// `profile_pic` is a signed CDN URL that expires after a few days, so store a copy if needed.
const PROFILE_FIELDS = ["name", "username", "profile_pic", "follower_count", "is_verified_user", "is_user_follow_business", "is_business_follow_user"];

const profileSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  username: z.string().optional(),
  profile_pic: z.string().optional(),
  follower_count: z.number().optional(),
  is_verified_user: z.boolean().optional(),
  is_user_follow_business: z.boolean().optional(),
  is_business_follow_user: z.boolean().optional(),
});

export type InstagramProfile = {
  name?: string;
  username?: string;
  profilePic?: string;
  followerCount?: number;
  isVerified?: boolean;
  isUserFollowBusiness?: boolean;
  isBusinessFollowUser?: boolean;
};

export type FetchInstagramProfileOptions = {
  credentials: InstagramSendCredentials;
  igsid: string;
  timeoutMs?: number;
};

/** Reads an Instagram user's public profile. Throws a classified ProviderError on failure. */
export async function fetchInstagramProfile({ credentials, igsid, timeoutMs }: FetchInstagramProfileOptions): Promise<InstagramProfile> {
  if (!/^\d+$/.test(igsid)) throw new ProviderError({ kind: "permanent", code: "invalid_request", reason: "This isn't an Instagram-scoped user id" });
  const secrets = [credentials.accessToken];
  const response = await requestProvider({
    url: `${buildGraphUrl(igsid)}?fields=${PROFILE_FIELDS.join(",")}`,
    headers: { Authorization: `Bearer ${credentials.accessToken}` },
    timeoutMs,
    secrets,
  });
  if (!response.ok) throw classifyGraphError({ status: response.status, body: response.body, headers: response.headers, secrets });
  const parsed = profileSchema.safeParse(response.body);
  if (!parsed.success) {
    // A read is safe to repeat, so an odd answer is worth another try later.
    throw new ProviderError({ kind: "retry", code: "unexpected_response", reason: "Instagram answered the profile request in an unexpected format", httpStatus: response.status });
  }
  const profile = parsed.data;
  return {
    name: profile.name,
    username: profile.username,
    profilePic: profile.profile_pic,
    followerCount: profile.follower_count,
    isVerified: profile.is_verified_user,
    isUserFollowBusiness: profile.is_user_follow_business,
    isBusinessFollowUser: profile.is_business_follow_user,
  };
}
