/**
 * A scenarios job's result in a planner's terms, as pure functions: the comparison table read
 * by column name into one record per scenario, the best one, what sets each scenario apart
 * (the settings that differ between them, the rule tables it planned with or without), and the
 * sentences the pane, the announcement and the sheet say.
 */
import type { ScenarioOutcome, ScenariosResult } from "../../api/types";
import { PCT, fmtInt, fmtPct, fmtTotal, isNum } from "../../components/format";
import { fmtLift } from "../common/businessCase";
import { columnsOf } from "../common/columns";

export interface ScenarioRow {
  scenario: string;
  status: string;
  expectedProfit: number | null;
  low: number | null;
  high: number | null;
  revenue: number | null;
  units: number | null;
  discountedShare: number | null;
  anomaly: number | null;
  rulesKept: number | null;
  rules: number | null;
  liftProfit: number | null;
  liftRevenue: number | null;
  boundGap: number | null;
  note: string | null;
  /** what it changes from the base plan, in the server's words ("own locks; min margin 30 %") */
  changes: string | null;
  best: boolean;
  /** what sets it apart from the others, in words ("discounts 0, 10, 20, 30, 40 %"); one
   * without a plan: what it changes from the base plan (the server's words), so it still says
   * what it was */
  differs: string[];
  outcome?: ScenarioOutcome;
}

const num = (v: unknown): number | null => (isNum(v) ? v : null);

/** The comparison table as records (columns found by name, so an added column changes nothing). */
export function scenarioRows(result: ScenariosResult): ScenarioRow[] {
  const table = result.comparison ?? [];
  // the first of the names that the table has (the engine has named some columns two ways)
  const { at } = columnsOf(table);
  const outcomes = new Map((result.scenarios ?? []).map((s) => [s.scenario, s]));
  const differs = differences(result.scenarios ?? []);
  const rows = table.slice(1).map((row) => {
    const scenario = String(at(row, "scenario") ?? "");
    const note = at(row, "note");
    const changes = at(row, "changes");
    const outcome = outcomes.get(scenario);
    return {
      scenario,
      status: String(at(row, "status") ?? outcome?.status ?? ""),
      expectedProfit: num(at(row, "expected_profit")),
      low: num(at(row, "expected_profit_low", "profit_low")),
      high: num(at(row, "expected_profit_high", "profit_high")),
      revenue: num(at(row, "expected_revenue", "revenue")),
      units: num(at(row, "expected_units", "units")),
      discountedShare: num(at(row, "discounted_share")),
      anomaly: num(at(row, "anomaly_score")),
      rulesKept: num(at(row, "rules_kept")),
      rules: num(at(row, "rules")),
      liftProfit: num(at(row, "lift_profit")),
      liftRevenue: num(at(row, "lift_revenue")),
      boundGap: num(at(row, "bound_gap")),
      note: typeof note === "string" && note ? note : null,
      changes: typeof changes === "string" && changes ? changes : null,
      best: false,
      differs: outcome?.plan || !outcome?.changes ? (differs.get(scenario) ?? []) : outcome.changes,
      outcome,
    };
  });
  // crowned only when it is a clear winner: its 80 % range above the runner-up's
  const [first, next] = ranked(rows);
  for (const r of rows) r.best = !!first && r === first && !(next && overlap(first, next));
  return rows;
}

/** The planned scenarios, highest expected profit first. */
const ranked = (rows: ScenarioRow[]) => rows.filter((r) => r.expectedProfit !== null).sort((a, b) => b.expectedProfit! - a.expectedProfit!);

const pctList = (v: unknown) => (Array.isArray(v) ? `${v.map((x) => (isNum(x) ? Math.round(x * 1000) / 10 : String(x))).join(", ")}${PCT}` : String(v));

/** One setting's value in words, as the settings form names it. */
export function settingWords(key: string, v: unknown): string {
  switch (key) {
    case "discount_levels":
      return `discounts ${pctList(v)}`;
    case "max_discounted_share":
      return `max discounted ${fmtPct(v, 0)}`;
    case "min_margin":
      return isNum(v) ? `min margin ${fmtPct(v, 0)}` : "no min margin";
    case "max_same_category_per_page":
      return isNum(v) ? `at most ${v} of a category per page` : "no per-page limit";
    case "objective":
      return `objective ${String(v)}`;
    case "anomaly_weight":
      return `anomaly weight ${String(v)}`;
    default:
      return `${key.replace(/_/g, " ")} ${Array.isArray(v) ? v.join(", ") : v === null || v === undefined ? "none" : String(v)}`;
  }
}

/** The rule families a scenario planned with, from its rule report. */
const FAMILIES: [string, (rule: string) => boolean][] = [
  ["locked slots", (r) => r === "locks"],
  ["category limits", (r) => r === "category_min" || r === "category_max"],
  ["brand limits", (r) => r === "brand_limits"],
  ["products kept apart", (r) => r === "page_conflicts"],
];

/**
 * What sets each scenario apart from the rest: a setting where its value is not the one most
 * scenarios share (on a tie, every scenario says its own), and a rule table it planned with that
 * most did not, or without one that most had. The scenario that is "the plan as set" says nothing.
 */
export function differences(outcomes: ScenarioOutcome[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const planned = outcomes.filter((o) => o.settings);
  const keys = [...new Set(planned.flatMap((o) => Object.keys(o.settings ?? {})))];
  const unusual = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    if (counts.size < 2) return () => false;
    const top = Math.max(...counts.values());
    const tie = [...counts.values()].filter((c) => c === top).length > 1;
    return (v: string) => tie || counts.get(v)! < top;
  };
  const settingIs = new Map(keys.map((k) => [k, unusual(planned.map((o) => JSON.stringify(o.settings?.[k] ?? null)))]));
  const withRules = outcomes.filter((o) => (o.rules ?? []).length > 0);
  const hasFamily = (o: ScenarioOutcome, is: (rule: string) => boolean) => (o.rules ?? []).some((r) => is(r.rule));
  const familyIs = FAMILIES.map(([name, is]) => [name, is, unusual(withRules.map((o) => String(hasFamily(o, is))))] as const);
  for (const o of outcomes) {
    const words = o.settings
      ? keys.filter((k) => settingIs.get(k)!(JSON.stringify(o.settings?.[k] ?? null))).map((k) => settingWords(k, o.settings![k]))
      : [];
    if ((o.rules ?? []).length)
      for (const [name, is, odd] of familyIs) {
        const has = hasFamily(o, is);
        if (odd(String(has))) words.push(`${has ? "with" : "without"} ${name}`);
      }
    out.set(o.scenario, words);
  }
  return out;
}

/** "8 in 10 between 1,142,122 and 1,491,769", when the scenario has a range. */
export function rangeWords(r: Pick<ScenarioRow, "low" | "high">): string | undefined {
  return r.low !== null && r.high !== null ? `8 in 10 between ${fmtTotal(r.low)} and ${fmtTotal(r.high)}` : undefined;
}

/**
 * The headline: which scenario is expected to earn most, by how much over the next, and its lift;
 * when their 80 % ranges overlap, no winner is crowned: "No clear winner: ranges overlap".
 */
export function bestSentence(rows: ScenarioRow[]): string | undefined {
  const [best, next] = ranked(rows);
  if (!best) return undefined;
  const lift = best.liftProfit !== null ? `, ${fmtLift(best.liftProfit)} over the last catalogue` : "";
  if (next && overlap(best, next))
    return `${NO_CLEAR_WINNER}. “${best.scenario}” has the highest expected profit, ${fmtTotal(best.expectedProfit)}${lift}, ${fmtTotal(
      best.expectedProfit! - next.expectedProfit!,
    )} more than “${next.scenario}”, but their 8-in-10 ranges overlap: either may earn more.`;
  const ahead = next
    ? ` It is expected to earn ${fmtTotal(best.expectedProfit! - next.expectedProfit!)} more than “${next.scenario}”${
        best.low !== null && next.high !== null ? ", its 8-in-10 range above that one's" : ""
      }.`
    : "";
  return `“${best.scenario}” is expected to earn most: ${fmtTotal(best.expectedProfit)}${lift}.${ahead}`;
}

/** What the pane, the sheet and the workbook say when the best one's range overlaps the runner-up's. */
export const NO_CLEAR_WINNER = "No clear winner: ranges overlap";

/** Two scenarios whose 80 % ranges overlap: the forecast cannot tell them apart with confidence. */
const overlap = (a: ScenarioRow, b: ScenarioRow) => a.low !== null && b.high !== null && a.low <= b.high;

/** What the screen reader hears: the best scenario and how many failed. */
export function scenariosAnnouncement(result: ScenariosResult): string {
  const rows = scenarioRows(result);
  const [top] = ranked(rows);
  const failed = rows.filter((r) => r.status === "failed").length;
  const said = `${top?.scenario}, expected profit ${fmtTotal(top?.expectedProfit)}`;
  const best = !top ? "" : top.best ? ` Best: ${said}.` : ` ${NO_CLEAR_WINNER} (highest: ${said}).`;
  return `Scenarios compared: ${rows.length} side by side.${best}${failed ? ` ${failed} could not be planned.` : ""}`;
}

/** The last catalogue as the comparison's yardstick, in words. */
export function lastCatalogueSentence(result: ScenariosResult): string | undefined {
  const last = result.last_catalogue;
  const sold = result.last_catalogue_sold;
  if (!last && !sold) return undefined;
  const campaign = last?.campaign ?? sold?.campaign;
  const parts: string[] = [];
  const expected = num(last?.expected_profit) ?? num(last?.profit);
  if (expected !== null)
    parts.push(`on this layout the same forecast expects ${fmtTotal(expected)} profit from it (the lifts above are over this figure)`);
  if (sold && isNum(sold.profit)) parts.push(`as printed it actually sold ${fmtInt(sold.units)} units for ${fmtTotal(sold.profit)} profit`);
  return parts.length ? `The last catalogue${campaign !== undefined && campaign !== null ? ` (campaign ${String(campaign)})` : ""}: ${parts.join("; ")}.` : undefined;
}
