/**
 * Share links of a finished plan as pure state: the expiry choices the server allows, which links
 * are still live, their expiry in words, and the list after a link is made or revoked. No React,
 * no network: `hooks/useShares` wires these to the API.
 */
import type { Share } from "../api/types";

/** How long a new link works; the server allows more than 0 and at most 90 days. */
export const EXPIRY_CHOICES: readonly { days: number; label: string }[] = [
  { days: 1, label: "1 day" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days (the longest)" },
];
export const DEFAULT_EXPIRY_DAYS = 7;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A link that still opens: not revoked, not expired (by the server's word and by the clock). */
export function isLive(share: Share, now: number): boolean {
  return share.active && !share.revoked_at && Date.parse(share.expires_at) > now;
}

/** The live links, the one expiring first on top. */
export function liveShares(shares: Share[], now: number): Share[] {
  return shares.filter((s) => isLive(s, now)).sort((a, b) => Date.parse(a.expires_at) - Date.parse(b.expires_at));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "expires in 6 days", "expires in 5 hours", "expires in 12 minutes", "expired". */
export function expiryWords(expiresAt: string, now: number): string {
  const left = Date.parse(expiresAt) - now;
  if (!Number.isFinite(left) || left <= 0) return "expired";
  if (left >= 2 * DAY) return `expires in ${plural(Math.round(left / DAY), "day")}`;
  if (left >= 2 * HOUR) return `expires in ${plural(Math.round(left / HOUR), "hour")}`;
  return `expires in ${plural(Math.max(1, Math.round(left / 60_000)), "minute")}`;
}

/** The moment as the planner's clock shows it: "8 Dec 2026, 11:20". */
export function whenWords(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return new Date(t).toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** The list with one link added or replaced (a revoke answers the revoked record). */
export function withShare(shares: Share[], share: Share): Share[] {
  const plain: Share = { id: share.id, job: share.job, created_at: share.created_at, expires_at: share.expires_at, revoked_at: share.revoked_at ?? null, active: share.active };
  return shares.some((s) => s.id === share.id) ? shares.map((s) => (s.id === share.id ? plain : s)) : [...shares, plain];
}
