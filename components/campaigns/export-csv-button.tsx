import { campaignExportUrl } from "@/lib/campaigns/queries";
import { buttonStyles } from "@/components/ui/button";

export type ExportCsvButtonProps = { slug: string; campaignId: string };

/**
 * Every recipient as CSV, as a plain link: the browser streams the file straight to disk (a
 * 50,000-row export never sits in the page's memory) and "Save link as…" works too. The URL names
 * the workspace in its path, and the session cookie authorises it.
 */
export function ExportCsvButton({ slug, campaignId }: ExportCsvButtonProps) {
  return (
    <a href={campaignExportUrl({ slug, id: campaignId })} download className={buttonStyles({ variant: "secondary", size: "sm" })}>
      Export CSV
    </a>
  );
}
