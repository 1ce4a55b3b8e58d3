import { describe, expect, it } from "vitest";
import { readWorkspaceSettings, workspaceSettingsPatchSchema } from "@/lib/workspaces/settings-schema";

describe("workspace settings", () => {
  it("reads defaults for an empty, missing or malformed value", () => {
    for (const stored of [{}, null, [], "x", { humanAgentTag: "yes" }]) expect(readWorkspaceSettings(stored)).toEqual({ humanAgentTag: false });
    expect(readWorkspaceSettings({ humanAgentTag: true, laterKey: 1 })).toEqual({ humanAgentTag: true });
  });

  it("accepts a patch of known keys only, with at least one change", () => {
    expect(workspaceSettingsPatchSchema.parse({ humanAgentTag: true })).toEqual({ humanAgentTag: true });
    expect(workspaceSettingsPatchSchema.safeParse({}).success).toBe(false);
    expect(workspaceSettingsPatchSchema.safeParse({ humanAgentTag: "true" }).success).toBe(false);
    expect(workspaceSettingsPatchSchema.safeParse({ humanAgentTag: true, somethingElse: 1 }).success).toBe(false);
  });
});
