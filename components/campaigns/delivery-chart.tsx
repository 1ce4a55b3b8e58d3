"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CampaignMetricsData } from "@/lib/campaigns/queries";

export type DeliveryChartProps = { metrics: CampaignMetricsData };

const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const SERIES = [
  { key: "sentPct", name: "Sent", color: "#64748b" },
  { key: "deliveredPct", name: "Delivered", color: "#2563eb" },
  { key: "readPct", name: "Read", color: "#059669" },
  { key: "failedPct", name: "Failed", color: "#dc2626" },
] as const;

/**
 * Cumulative delivery and read rates over time: for each bucket, the share of the campaign's
 * recipients (skipped ones excluded) sent, delivered, read or failed by then.
 */
export function DeliveryChart({ metrics }: DeliveryChartProps) {
  const audience = Math.max(1, metrics.counts.total - metrics.counts.skipped);
  const points = cumulativePoints(metrics, audience);
  if (points.length === 0) return <p className="py-8 text-center text-sm text-slate-500">The chart appears once the first messages are sent.</p>;
  return (
    <div className="h-64 w-full overflow-hidden" data-testid="delivery-chart" role="img" aria-label={`Delivery over time: ${points.at(-1)?.deliveredPct ?? 0} % delivered, ${points.at(-1)?.readPct ?? 0} % read`}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="at" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(value: number) => time.format(value)} fontSize={12} stroke="#94a3b8" />
          <YAxis domain={[0, 100]} unit="%" fontSize={12} stroke="#94a3b8" />
          <Tooltip labelFormatter={(value) => time.format(Number(value))} formatter={(value) => `${String(value)} %`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((series) => (
            <Line key={series.key} type="linear" dataKey={series.key} name={series.name} stroke={series.color} strokeWidth={2} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function cumulativePoints(metrics: CampaignMetricsData, audience: number) {
  const totals = { sent: 0, delivered: 0, read: 0, failed: 0 };
  const pct = (value: number) => Math.round((value / audience) * 1000) / 10;
  const points = metrics.timeline.map((point) => {
    totals.sent += point.sent;
    totals.read += point.read;
    // A read message was delivered even when its delivery receipt never came.
    totals.delivered = Math.max(totals.delivered + point.delivered, totals.read);
    totals.failed += point.failed;
    return { at: new Date(point.at).getTime(), sentPct: pct(totals.sent), deliveredPct: pct(totals.delivered), readPct: pct(totals.read), failedPct: pct(totals.failed) };
  });
  // Lines start from zero one bucket before the first sends, so even a one-minute campaign draws a line.
  if (points.length > 0) points.unshift({ at: points[0].at - metrics.bucketSeconds * 1000, sentPct: 0, deliveredPct: 0, readPct: 0, failedPct: 0 });
  return points;
}
