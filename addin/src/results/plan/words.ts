/** A plan's figures in words: the gap to the bound as a share, why the search stopped. */
import type { CountryOutcome } from "../../api/types";
import { isNum } from "../../components/format";

/** Gap to the bound as a share: how far below what is possible the plan is. */
export function boundGap(c: Pick<CountryOutcome, "bound" | "bound_gap" | "objective">): number | null {
  if (isNum(c.bound_gap)) return c.bound_gap;
  if (isNum(c.bound) && isNum(c.objective) && c.bound > 0) return Math.max(c.bound - c.objective, 0) / c.bound;
  return null;
}

const STOPPED_BY: Record<string, string> = {
  generations: "all generations",
  stagnation: "no better plan",
  time_limit: "time limit",
  cancelled: "cancelled",
};

export const stoppedByLabel = (v: unknown) => (typeof v === "string" && v ? STOPPED_BY[v] ?? v.replace(/_/g, " ") : "–");
