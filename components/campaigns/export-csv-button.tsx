"use client";

import { useState } from "react";
import { campaignExportUrl } from "@/lib/campaigns/queries";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast-store";

export type ExportCsvButtonProps = { slug: string; campaignId: string };

/**
 * Downloads every recipient as CSV. The API names the workspace by the X-Workspace header, which
 * a plain link cannot send, so the file is fetched and handed to the browser as a download.
 */
export function ExportCsvButton({ slug, campaignId }: ExportCsvButtonProps) {
  const [isPending, setIsPending] = useState(false);
  async function download() {
    setIsPending(true);
    try {
      const response = await fetch(campaignExportUrl(campaignId), { headers: { "X-Workspace": slug }, credentials: "same-origin" });
      if (!response.ok) throw new Error(`Export failed (${response.status})`);
      const fileName = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "recipients.csv";
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      toast(error instanceof Error ? error.message : "Export failed", "error");
    } finally {
      setIsPending(false);
    }
  }
  return (
    <Button size="sm" variant="secondary" onClick={() => void download()} isPending={isPending}>
      Export CSV
    </Button>
  );
}
