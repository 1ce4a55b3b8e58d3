import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

// BENCH_CAMPAIGNS_CPU_PROFILE=1: the app's Node processes sample their CPU with the inspector's
// profiler from a --require preload (node refuses --cpu-prof in NODE_OPTIONS), each writing a
// .cpuprofile when it exits at the end of the run; summarizeProfiles() sums the self time of the busiest profile (the Next.js
// server, where the job workers run) by package or source file, and by function, so a report can
// say where the app's CPU per send goes.

/** Writes the preload (a CommonJS file in the run's output folder) and returns its path. */
export function writeProfilerPreload(outDir: string, profileDir: string): string {
  mkdirSync(profileDir, { recursive: true });
  const file = path.join(outDir, "cpu-profiler-preload.cjs");
  writeFileSync(
    file,
    `const inspector = require("node:inspector");
const fs = require("node:fs");
const session = new inspector.Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 1000 });
session.post("Profiler.start");
// The in-thread session answers synchronously, so this works in the exit handler.
process.on("exit", () => session.post("Profiler.stop", (error, result) => {
  if (!error) fs.writeFileSync(${JSON.stringify(profileDir)} + "/" + process.pid + ".cpuprofile", JSON.stringify(result.profile));
}));
`,
  );
  return file;
}

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export type ProfileSummary = { file: string; seconds: number; byArea: Array<{ area: string; share: number }>; byFunction: Array<{ fn: string; share: number }> };

export function summarizeProfiles(dir: string, top = 25): ProfileSummary | null {
  if (!existsSync(dir)) return null;
  let best: ProfileSummary | null = null;
  for (const name of readdirSync(dir).filter((file) => file.endsWith(".cpuprofile"))) {
    const summary = summarize(name, JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Profile, top);
    if (!best || summary.seconds > best.seconds) best = summary;
  }
  return best;
}

/** Self time of the non-idle samples, by area and by function. */
function summarize(file: string, profile: Profile, top: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)" || functionName === "(program)") continue;
    busy += us;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const fn = `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const share = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  return {
    file,
    seconds: Math.round(busy / 1e4) / 100,
    byArea: [...areas].sort((a, b) => b[1] - a[1]).slice(0, top).map(([area, us]) => ({ area, share: share(us) })),
    byFunction: [...fns].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, us]) => ({ fn, share: share(us) })),
  };
}

function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return url;
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const chunk = url.indexOf("/server/");
  return chunk >= 0 ? `app bundle ${url.slice(chunk + 1)}` : shortUrl(url);
}

function shortUrl(url: string): string {
  const parts = url.split("/");
  return parts.slice(-2).join("/");
}
