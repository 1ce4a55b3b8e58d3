import { describe, expect, it } from "vitest";
import { compareCursors, describeConnection, nextPollDelay, oldestCursor, pickSince, type SyncMark } from "@/components/inbox/sync-timing";
import { parseEtagCursor } from "@/lib/inbox/queries";

describe("nextPollDelay", () => {
  it("polls every 3 s, then backs off 6, 12, 24 and at most 30 s after failures", () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(nextPollDelay)).toEqual([3000, 6000, 12000, 24000, 30000, 30000, 30000]);
  });
});

describe("describeConnection", () => {
  it("says offline first, reconnecting after a failure, live otherwise", () => {
    expect(describeConnection({ failures: 0, isOnline: true })).toBe("live");
    expect(describeConnection({ failures: 2, isOnline: true })).toBe("reconnecting");
    expect(describeConnection({ failures: 0, isOnline: false })).toBe("offline");
  });
});

describe("cursors", () => {
  it("compares transaction ids as numbers, not text", () => {
    expect(compareCursors("9", "10")).toBe(-1);
    expect(compareCursors("18446744073709551615", "18446744073709551614")).toBe(1);
    expect(oldestCursor(["120", null, "99", "abc", "1000"])).toBe("99");
    expect(oldestCursor([])).toBeNull();
  });

  it("reads the next cursor from a 304's ETag, weak or strong", () => {
    expect(parseEtagCursor('"123"')).toBe("123");
    expect(parseEtagCursor('W/"456"')).toBe("456");
    expect(parseEtagCursor(null)).toBeNull();
    expect(parseEtagCursor('"not-a-cursor"')).toBeNull();
  });
});

describe("pickSince", () => {
  const marks = new Map<string, SyncMark>([["list", { cursor: "500", updatedAt: 1000 }]]);

  it("continues from where the poll brought a source", () => {
    expect(pickSince([{ key: "list", dataCursor: "100", updatedAt: 1000 }], marks)).toBe("500");
  });

  it("uses the data's own cursor when something else rewrote it (a refetch)", () => {
    expect(pickSince([{ key: "list", dataCursor: "700", updatedAt: 2000 }], marks)).toBe("700");
  });

  it("takes the oldest over the list and a just-opened thread", () => {
    expect(pickSince([{ key: "list", dataCursor: "100", updatedAt: 1000 }, { key: "thread", dataCursor: "300", updatedAt: 5 }], marks)).toBe("300");
  });

  it("waits when a source has no cursor yet", () => {
    expect(pickSince([{ key: "other", dataCursor: null, updatedAt: 1 }], marks)).toBeNull();
    expect(pickSince([], marks)).toBeNull();
  });
});
