// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { Share } from "../api/types";
import { EXPIRY_CHOICES, expiryWords, isLive, liveShares, withShare } from "./shares";

const now = Date.parse("2026-12-01T12:00:00Z");
const share = (id: string, expires: string, extra: Partial<Share> = {}): Share => ({
  id, job: "j1", created_at: "2026-12-01T10:00:00Z", expires_at: expires, revoked_at: null, active: true, ...extra,
});

describe("share links", () => {
  it("keeps the live links, the one expiring first on top", () => {
    const list = [
      share("a", "2026-12-08T12:00:00Z"),
      share("b", "2026-12-02T12:00:00Z"),
      share("c", "2026-12-09T12:00:00Z", { revoked_at: "2026-12-01T11:00:00Z", active: false }),
      // the server said active a while ago, the clock says it has expired since
      share("d", "2026-12-01T11:59:00Z"),
    ];
    expect(liveShares(list, now).map((s) => s.id)).toEqual(["b", "a"]);
    expect(isLive(list[3], now)).toBe(false);
  });

  it("says the expiry in words", () => {
    expect(expiryWords("2026-12-08T12:00:00Z", now)).toBe("expires in 7 days");
    expect(expiryWords("2026-12-02T12:00:00Z", now)).toBe("expires in 24 hours");
    expect(expiryWords("2026-12-01T13:00:00Z", now)).toBe("expires in 60 minutes");
    expect(expiryWords("2026-12-01T12:00:20Z", now)).toBe("expires in 1 minute");
    expect(expiryWords("2026-12-01T11:00:00Z", now)).toBe("expired");
    expect(expiryWords("soon", now)).toBe("expired");
  });

  it("adds a new link and replaces a revoked one, never keeping its url", () => {
    const a = share("a", "2026-12-08T12:00:00Z");
    const added = withShare([], { ...a, url: "http://x/s/secret" } as Share);
    expect(added).toEqual([a]);
    expect(JSON.stringify(added)).not.toContain("secret");
    const revoked = withShare(added, { ...a, revoked_at: "2026-12-01T12:30:00Z", active: false });
    expect(revoked).toHaveLength(1);
    expect(liveShares(revoked, now)).toEqual([]);
  });

  it("offers only expiries the server accepts (more than 0, at most 90 days)", () => {
    for (const c of EXPIRY_CHOICES) expect(c.days > 0 && c.days <= 90).toBe(true);
  });
});
