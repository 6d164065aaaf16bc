/** Number formatting for the UI (en-US style; the workbook keeps raw numbers). */
import type { JobKind } from "../api/types";

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const dec2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
// four significant digits: a search's best moving from 1,262,000 to 1,279,020 reads "1.262M" ->
// "1.279M" (one decimal said "1.3M" throughout, beside a mean of "1.3M")
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 4 });

export const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function fmtInt(v: unknown): string {
  return isNum(v) ? int.format(v) : "–";
}

export function fmtMoney(v: unknown): string {
  return isNum(v) ? dec2.format(v) : "–";
}

/** A total: whole units from 10,000 on (1,183,535), else with cents (980.25). */
export const fmtTotal = (v: unknown) => (isNum(v) && Math.abs(v) >= 10_000 ? fmtInt(v) : fmtMoney(v));

/** Large values compactly to four significant digits (217.2K, 1.279M), small ones with 2 decimals. */
export function fmtValue(v: unknown): string {
  if (!isNum(v)) return "–";
  if (Math.abs(v) >= 100_000) return compact.format(v);
  if (Math.abs(v) >= 100) return int.format(v);
  return dec2.format(v);
}

/**
 * A column's low and high end alike: whole numbers as whole numbers when both are ("1 to 40", a
 * page number; was "1.00 to 40.00"), else both as fmtValue gives them ("0.07 to 1.00").
 */
export function fmtRange(lo: unknown, hi: unknown): [string, string] {
  const whole = isNum(lo) && isNum(hi) && Number.isInteger(lo) && Number.isInteger(hi);
  const one = (v: unknown) => (whole && isNum(v) && Math.abs(v) < 100_000 ? int.format(v) : fmtValue(v));
  return [one(lo), one(hi)];
}

/**
 * The space between a number and its "%": a no-break space (U+00A0), as in the engine's rule
 * words, so a narrow column wraps "30 %" whole, never "30" over "%".
 */
export const PCT = "\u00a0%";

/** The same no-break space between any other number and its unit: "12.3 s", "2 min 05 s". */
export const UNIT_SPACE = "\u00a0";

/**
 * A fraction as a percent: 0.123 -> "12.3 %", -0.039 -> "−3.9 %" (the minus sign, as lifts and
 * discounts are written; a figure that rounds to zero has no sign).
 */
export function fmtPct(v: unknown, digits = 1): string {
  if (!isNum(v)) return "–";
  const text = (v * 100).toFixed(digits);
  return `${/^-0(\.0+)?$/.test(text) ? text.slice(1) : text.replace(/^-/, "\u2212")}${PCT}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * When something happened, in the planner's own clock: "14:02" today, "1 Dec 14:02" another day
 * (local time; undefined for a missing or unreadable time).
 */
export function fmtClock(iso: string | null | undefined, now: Date = new Date()): string | undefined {
  if (!iso) return undefined;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return undefined;
  const hm = `${String(t.getHours()).padStart(2, "0")}:${String(t.getMinutes()).padStart(2, "0")}`;
  const today = t.getFullYear() === now.getFullYear() && t.getMonth() === now.getMonth() && t.getDate() === now.getDate();
  return today ? hm : `${t.getDate()} ${MONTHS[t.getMonth()]}${t.getFullYear() === now.getFullYear() ? "" : ` ${t.getFullYear()}`} ${hm}`;
}

/**
 * The planner's time zone as an IANA name ("Europe/Berlin"): the clock fmtClock shows, sent with
 * a download so result.xlsx's times are on it too (undefined where the browser does not say).
 */
export function localTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A server time as a workbook writes it, "2026-12-01 21:51:39", on the clock of `timeZone` (an
 * IANA name; UTC when undefined), the same clock fmtClock uses in the pane. A text that is not a
 * time is returned as it is.
 */
export function fmtStamp(iso: string, timeZone?: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: timeZone ?? "UTC", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  for (const p of format.formatToParts(t)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** A duration: "12.3 s", "2 min 05 s" (each number held to its unit by a no-break space). */
export function fmtSeconds(v: unknown): string {
  if (!isNum(v)) return "–";
  if (v < 60) return `${v.toFixed(1)}${UNIT_SPACE}s`;
  const m = Math.floor(v / 60);
  return `${m}${UNIT_SPACE}min ${String(Math.round(v - m * 60)).padStart(2, "0")}${UNIT_SPACE}s`;
}

export function fmtCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (isNum(v)) return Number.isInteger(v) ? int.format(v) : dec2.format(v);
  return String(v);
}

/** A job as the planner knows it: "Plan started 14:02" (its id apart, for support). */
export function jobTitle(kind: JobKind, startedAt?: string | null, now?: Date): string {
  const what = KIND_TITLE[kind] ?? kind;
  const when = fmtClock(startedAt, now);
  return when ? `${what} started ${when}` : `${what} run`;
}

const KIND_TITLE: Partial<Record<JobKind, string>> = {
  explore: "Explore",
  train: "Train",
  plan: "Plan",
  scenarios: "Scenarios",
  score: "Score",
};
