/**
 * A plan's figures in words, as pure functions of the job's result: the key numbers (expected
 * profit and its range when the engine gives them, else the forecast profit), the gap to the
 * bound as "within X % of the best plan under this forecast", why the search stopped, and how the
 * live best relates to the final profit (the anomaly penalty).
 */
import type { CountryOutcome, PlanResult } from "../../api/types";
import { PCT, UNIT_SPACE, fmtPct, fmtTotal, isNum } from "../../components/format";
import { describeRules } from "../common/rules";

/** Totals: cents while they matter, whole units from 10,000 on (2,873,456: a planner reads every digit). */
export { fmtTotal };

/** Gap to the bound as a share: how far below what is possible the plan is. */
export function boundGap(c: Pick<CountryOutcome, "bound" | "bound_gap" | "objective">): number | null {
  if (isNum(c.bound_gap)) return c.bound_gap;
  if (isNum(c.bound) && isNum(c.objective) && c.bound > 0) return Math.max(c.bound - c.objective, 0) / c.bound;
  return null;
}

const STOPPED_BY: Record<string, string> = {
  generations: "all generations",
  stagnation: "no better plan",
  bound: "reached the bound",
  time_limit: "time limit",
  cancelled: "cancelled",
};

export const stoppedByLabel = (v: unknown) => (typeof v === "string" && v ? STOPPED_BY[v] ?? v.replace(/_/g, " ") : "–");

/** A gap to the bound as the sentence the README promises. */
export function gapSentence(gap: number | null): string | undefined {
  if (gap === null) return undefined;
  if (gap < 0.00005) return "As good as the best plan possible under this forecast";
  return `Within ${fmtPct(gap, gap < 0.01 ? 2 : 1)} of the best plan possible under this forecast`;
}

/** What the bound is about, in words (engine/export/words.py BOUND_WORDS: result.xlsx says the same). */
export const BOUND_WORDS =
  "The bound is the most any plan could earn if this forecast were exact: it says how close the search came under the forecast, not what the future will bring.";

/** The same, short, under the gap in the pane. */
export const BOUND_SHORT = "The bound is about this forecast, not the future: what the plan can be expected to earn is its expected profit.";

/**
 * A plan's result in the sentences a planner reads first, as result.xlsx's Summary opens
 * (engine/export/words.py headline): what it can be expected to earn and its 80 % range, how
 * close it is to the best plan under this forecast, what that bound is about, and how many rows
 * went beyond history. The pane's own Summary sheet opens with them too.
 */
export function headlineLines(result: PlanResult): string[] {
  const t = (result.totals ?? {}) as Record<string, unknown>;
  const objective = String(settingOf(result, "objective") ?? "profit");
  const key = ["profit", "revenue", "units"].includes(objective) ? objective : "profit";
  const fmt = (v: unknown) => (key === "units" ? (isNum(v) ? Math.round(v).toLocaleString("en-US") : "–") : fmtTotal(v));
  const out: string[] = [];
  const expected = t[`expected_${key}`];
  if (isNum(expected)) {
    const low = t[`expected_${key}_low`];
    const high = t[`expected_${key}_high`];
    const span = isNum(low) && isNum(high) ? ` (80${PCT} range ${fmt(low)} – ${fmt(high)})` : "";
    out.push(`Expected ${key} ${fmt(expected)}${span}: 8 in 10 outcomes of this plan should fall in that range.`);
  } else if (isNum(t[key])) out.push(`${key[0].toUpperCase()}${key.slice(1)} as forecast ${fmt(t[key])} (no expected figure: the forecast's own number).`);
  const objectiveValue = isNum(result.objective) ? result.objective : isNum(t[key]) ? (t[key] as number) : null;
  const gap = gapSentence(boundGap({ bound: result.bound, bound_gap: result.bound_gap, objective: objectiveValue }));
  if (gap) {
    out.push(`${gap}${isNum(result.bound) ? ` (bound ${fmt(result.bound)})` : ""}.`);
    out.push(BOUND_WORDS);
  }
  const beyond = t.beyond_history;
  if (isNum(beyond))
    out.push(
      beyond === 0
        ? "No plan row is forecast beyond what its product, or products like it, ever sold in a comparable placement."
        : `${beyond.toLocaleString("en-US")} plan row${beyond === 1 ? " is" : "s are"} forecast beyond what the product, or products like it, ever sold in a comparable placement: shrunk to that and marked in the plan's beyond_history column.`,
    );
  return out;
}

const settingOf = (result: PlanResult, key: string): unknown => {
  const fromResult = result.settings;
  const fromRun = (result.run?.settings ?? undefined) as Record<string, unknown> | undefined;
  return fromResult?.[key] ?? fromRun?.[key];
};

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** Country names in a sentence: "DE", "DE and PL", "DE, FR and PL"; many as "12 countries". */
function namesWords(names: string[]): string {
  if (names.length > 6) return `${names.length} countries`;
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * Why a multi-country plan as a whole stopped: it ends when its last country ends, so the
 * sentence says how each group of countries ended (all generations, no better plan, the time
 * limit, cancelled, failed), from each country's own `stopped_by`.
 */
function countriesStoppedSentence(result: PlanResult): string | undefined {
  const countries = result.countries ?? [];
  if (!countries.length) return undefined;
  const planned = settingOf(result, "generations");
  const limit = settingOf(result, "time_limit_s");
  const stuck = settingOf(result, "stagnation_generations");
  const groups = new Map<string, string[]>();
  for (const c of countries) {
    const how = c.status === "failed" ? "failed" : c.status === "cancelled" || c.cancelled ? "cancelled" : c.stopped_by || c.status;
    groups.set(how, [...(groups.get(how) ?? []), c.country]);
  }
  const one = groups.size === 1;
  const phrase = (how: string, names: string[]): string => {
    const all = one && names.length > 1;
    const who = all ? (names.length > 6 ? `Each of the ${names.length} countries` : `Every country (${namesWords(names)})`) : namesWords(names);
    // "every country" and "each of" take the singular
    const many = names.length > 1 && !all;
    switch (how) {
      case "generations":
        return `${who} ran all ${isNum(planned) ? plural(planned, "generation") : "its generations"}`;
      case "stagnation":
        return `${who} stopped early: no better plan in the last ${isNum(stuck) ? plural(stuck, "generation") : "generations"}`;
      case "time_limit":
        return `${who} stopped at the time limit${isNum(limit) ? ` of ${limit}${UNIT_SPACE}s` : ""}`;
      case "bound":
        return `${who} stopped early: ${many ? "their plans reached" : "its plan reached"} the bound, the best possible under the forecast`;
      case "cancelled":
        return `${who} ${many ? "were" : "was"} cancelled, keeping ${many ? "their best plans" : "its best plan"} so far`;
      case "failed":
        return `${who} failed (see the country's reason below)`;
      default:
        return `${who} ended: ${how.replace(/_/g, " ")}`;
    }
  };
  const parts = [...groups.entries()].map(([how, names]) => phrase(how, names));
  const advice = groups.has("time_limit")
    ? " A longer time limit may find better plans."
    : one && groups.has("stagnation")
      ? " More generations would likely not help."
      : "";
  const lead = one ? "" : "The run ended when its last country did: ";
  return `${lead}${parts.join("; ")}.${advice}`;
}

/** Why the search stopped, in words (result key `stopped_by`; a multi-country plan: its countries'). */
export function stoppedSentence(result: PlanResult): string | undefined {
  if (!result.stopped_by && result.countries?.length) return countriesStoppedSentence(result);
  const by = result.stopped_by ?? (result.cancelled ? "cancelled" : undefined);
  if (typeof by !== "string" || !by) return undefined;
  const run = result.generations_run;
  const ran = isNum(run) ? plural(run, "generation") : undefined;
  const planned = settingOf(result, "generations");
  const limit = settingOf(result, "time_limit_s");
  const stuck = settingOf(result, "stagnation_generations");
  switch (by) {
    case "generations":
      return `Ran all ${isNum(planned) ? plural(planned, "generation") : "its generations"}.`;
    case "stagnation":
      return `Stopped early${ran ? ` after ${ran}` : ""}: no better plan in the last ${isNum(stuck) ? plural(stuck, "generation") : "generations"}, so more would likely not help.`;
    case "time_limit":
      return `Stopped at the time limit${isNum(limit) ? ` of ${limit}${UNIT_SPACE}s` : ""}${ran ? ` after ${ran}` : ""}: a longer limit may find a better plan.`;
    case "bound":
      return `Stopped early${ran ? ` after ${ran}` : ""}: the plan reached the bound, the best possible under this forecast, so more time cannot improve it. (The bound is about the forecast, not the future: what the plan will truly earn is the expected profit and its range.)`;
    case "cancelled":
      return `Cancelled${ran ? ` after ${ran}` : ""}: this is the best plan found until then.`;
    default:
      return `Stopped: ${by.replace(/_/g, " ")}${ran ? ` after ${ran}` : ""}.`;
  }
}

export interface KeyFigures {
  /** expected profit (honest promise) when the engine gives it, else the forecast profit */
  profit: { value: number | null; low?: number; high?: number; expected: boolean };
  revenue: number | null;
  units: number | null;
  gap: number | null;
  rules: { kept: number; total: number };
  stopped?: string;
  anomaly: number | null;
  beyondHistory?: number;
  /** the last live best, when it differs from the final objective by the anomaly penalty */
  penalty?: { liveBest: number; objective: number };
}

const num = (v: unknown): number | null => (isNum(v) ? v : null);

export function keyFigures(result: PlanResult): KeyFigures {
  const t = result.totals ?? {};
  const expected = num(t.expected_profit);
  const low = num(t.expected_profit_low);
  const high = num(t.expected_profit_high);
  const rules = describeRules(result.rules ?? []);
  const objective = num(result.objective) ?? num(t.profit);
  const conv = result.convergence ?? [];
  const bestAt = (conv[0] ?? []).map((h) => String(h ?? "").toLowerCase()).indexOf("best");
  const lastBest = bestAt >= 0 && conv.length > 1 ? num(conv[conv.length - 1][bestAt]) : null;
  const weight = num(settingOf(result, "anomaly_weight"));
  const penalty =
    lastBest !== null && objective !== null && (weight ?? 1) > 0 && Math.abs(objective - lastBest) > Math.abs(objective) * 1e-4
      ? { liveBest: lastBest, objective }
      : undefined;
  const beyond = num(t.beyond_history);
  return {
    profit: expected !== null
      ? { value: expected, ...(low !== null ? { low } : {}), ...(high !== null ? { high } : {}), expected: true }
      : { value: num(t.profit), expected: false },
    revenue: num(t.revenue),
    units: num(t.units),
    gap: boundGap({ bound: result.bound, bound_gap: result.bound_gap, objective }),
    rules: { kept: rules.filter((r) => r.kept).length, total: rules.length },
    stopped: stoppedSentence(result),
    anomaly: num(result.anomaly_score),
    ...(beyond !== null ? { beyondHistory: beyond } : {}),
    ...(penalty ? { penalty } : {}),
  };
}

/** The live best and the final profit differ by the anomaly penalty: said in one sentence. */
export function penaltySentence(p: { liveBest: number; objective: number }): string {
  return `The live best during the search (${fmtTotal(p.liveBest)}) counts the anomaly penalty; the profit above does not, so the two differ by ${fmtTotal(Math.abs(p.objective - p.liveBest))}.`;
}

/** What a screen reader hears when a plan finishes. */
export function planAnnouncement(result: PlanResult): string {
  const k = keyFigures(result);
  const parts = [
    `${result.cancelled ? "Plan cancelled, best plan so far" : "Plan ready"}: ${k.profit.expected ? "expected profit" : "forecast profit"} ${fmtTotal(k.profit.value)}`,
    gapSentence(k.gap)?.toLowerCase(),
    k.rules.total ? (k.rules.kept === k.rules.total ? `all ${k.rules.total} rules kept` : `${k.rules.total - k.rules.kept} of ${k.rules.total} rules broken`) : undefined,
  ];
  return `${parts.filter(Boolean).join(", ")}.`;
}
