"use client";

import { useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import { flowDetailQuery } from "@/lib/flows/manage/queries";
import { QueryStatus } from "@/components/settings/query-status";
import { FlowEditor } from "./flow-editor";

export type FlowBuilderProps = { slug: string; flowId: string; canEdit: boolean; allowPrivateHosts: boolean };

/** Loads a flow and opens the editor on it; "Reload" after a conflict starts a fresh editor on the stored draft. */
export function FlowBuilder({ slug, flowId, canEdit, allowPrivateHosts }: FlowBuilderProps) {
  const flow = useQuery({ ...flowDetailQuery({ slug, id: flowId }), meta: { showsErrorInline: true } });
  const [generation, setGeneration] = useState(0);
  if (!flow.data) {
    return (
      <div className="space-y-4">
        <QueryStatus isPending={flow.isPending} error={flow.error} what="the flow" onRetry={() => void flow.refetch()} />
        <Link href={`/${slug}/flows`} className="text-sm font-medium text-brand-700 hover:underline">
          ← Back to flows
        </Link>
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <FlowEditor
        key={generation}
        slug={slug}
        flow={flow.data}
        canEdit={canEdit}
        allowPrivateHosts={allowPrivateHosts}
        onReload={async () => {
          await flow.refetch();
          setGeneration((value) => value + 1);
        }}
      />
    </ReactFlowProvider>
  );
}
