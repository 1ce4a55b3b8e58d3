import { INSTAGRAM_RESULTS, isInstagramResult } from "@/lib/oauth/instagram-results";
import { INSTAGRAM_SCOPES } from "@/lib/oauth/instagram-scopes";
import { Alert } from "@/components/ui/alert";

export type InstagramResultNoticeProps = {
  /** `?result=` of the page URL; unknown values show nothing. */
  result?: string;
  /** `?missing=` (comma-separated permission names) for missing_permissions. */
  missing?: string;
  /** `?count=` for connected. */
  count?: string;
};

/** The outcome of a Facebook login or a connect, from a fixed list of messages (never URL text). */
export function InstagramResultNotice({ result, missing, count }: InstagramResultNoticeProps) {
  if (!isInstagramResult(result)) return null;
  const { tone, message } = INSTAGRAM_RESULTS[result];
  // Only permission names Switchboard asks for are shown back.
  const missingPermissions = (missing ?? "").split(",").filter((name) => (INSTAGRAM_SCOPES as readonly string[]).includes(name));
  const connectedCount = Number(count);
  return (
    <Alert tone={tone}>
      <p data-testid="instagram-result">
        {result === "connected" && Number.isInteger(connectedCount) && connectedCount > 0
          ? `Connected ${connectedCount} Instagram account${connectedCount === 1 ? "" : "s"}. New messages will appear in the inbox.`
          : message}
      </p>
      {result === "missing_permissions" && missingPermissions.length ? (
        <p className="mt-1">
          Not granted:{" "}
          {missingPermissions.map((name, index) => (
            <span key={name}>
              {index > 0 ? ", " : null}
              <code className="font-mono text-xs">{name}</code>
            </span>
          ))}
        </p>
      ) : null}
    </Alert>
  );
}
