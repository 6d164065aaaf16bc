/**
 * A scored plan in a planner's words, as pure functions of the score job's result: what the
 * planner's own plan is expected to earn (with its range), what Folio's plan earns on top, the
 * rules it breaks with the cells of the rows that break them, and Folio's changes one by one.
 */
import type { BusinessCase, Cell, PlanResult, RuleCell, ScoreResult, Table } from "../../api/types";
import { fmtCell, fmtPct, fmtTotal, isNum } from "../../components/format";
import { columnsOf } from "../common/columns";
import { describeRules } from "../common/rules";

const num = (v: unknown): number | null => (isNum(v) ? v : null);

export interface ScoreFigures {
  profit: number | null;
  low: number | null;
  high: number | null;
  revenue: number | null;
  units: number | null;
  folioProfit: number | null;
  folioLow: number | null;
  folioHigh: number | null;
  /** what Folio's plan earns on top of the planner's (negative: the planner's earns more) */
  lift: number | null;
  liftShare: number | null;
  broken: number;
}

/**
 * The figures the score leads with: the honest promise (`expected_*`, corrected for the search's
 * optimism like a plan's) where the engine gives it, else the forecast with its band.
 */
export function scoreFigures(r: ScoreResult): ScoreFigures {
  const t = r.totals ?? {};
  const f = r.folio?.totals ?? {};
  const pick = (o: Record<string, unknown>, ...keys: string[]) => keys.map((k) => num(o[k])).find((v) => v !== null) ?? null;
  return {
    profit: pick(t, "expected_profit", "profit"),
    low: pick(t, "expected_profit_low", "profit_low"),
    high: pick(t, "expected_profit_high", "profit_high"),
    revenue: pick(t, "expected_revenue", "revenue"),
    units: pick(t, "expected_units", "units"),
    folioProfit: pick(f, "expected_profit", "profit"),
    folioLow: pick(f, "expected_profit_low", "profit_low"),
    folioHigh: pick(f, "expected_profit_high", "profit_high"),
    lift: num(r.lift?.profit),
    liftShare: num(r.lift?.profit_share),
    broken: num(r.broken) ?? (r.rules ?? []).filter((x) => !x.kept).length,
  };
}

const signed = (v: number) => `${v >= 0 ? "+" : "−"}${fmtTotal(Math.abs(v))}`;

/** "Folio's plan is expected to earn 955 more (+0.1 %)." or the other way round. */
export function liftSentence(f: ScoreFigures): string | undefined {
  if (f.lift === null) return undefined;
  const share = f.liftShare !== null ? ` (${f.liftShare >= 0 ? "+" : "−"}${fmtPct(Math.abs(f.liftShare), 1)})` : "";
  if (Math.abs(f.lift) < 0.005) return "Folio's plan is expected to earn the same as yours.";
  return f.lift > 0
    ? `Folio's plan is expected to earn ${fmtTotal(f.lift)} more${share}: the changes below, best first, add up to it.`
    : `Your plan is expected to earn ${fmtTotal(-f.lift)} more than Folio's${share}.`;
}

/** "8 in 10 between 572,770 and 1,904,819" */
export const rangeWords = (low: number | null, high: number | null) =>
  low !== null && high !== null ? `8 in 10 between ${fmtTotal(low)} and ${fmtTotal(high)}` : undefined;

export interface BrokenRule {
  label: string;
  detail: string;
  cells: RuleCell[];
}

/** The rules the planner's plan breaks, each with the cells of the rows that break it. */
export function brokenRules(r: ScoreResult): BrokenRule[] {
  return (r.rules ?? [])
    .filter((rule) => !rule.kept)
    .map((rule) => {
      const [line] = describeRules([rule]);
      const cells = Array.isArray(rule.cells) ? rule.cells.filter((c) => c && typeof c.row === "number") : [];
      return { label: line?.label ?? rule.rule, detail: line?.detail ?? "", cells };
    });
}

export interface ChangeStep {
  step: number | null;
  page: Cell;
  slot: Cell;
  change: string;
  before: string | null;
  beforeDiscount: number | null;
  after: string | null;
  afterDiscount: number | null;
  gain: number | null;
  cumulative: number | null;
  share: number | null;
}

/** Folio's changes to the planner's plan, in the engine's order (the best remaining change each time). */
export function changeSteps(table: Table | undefined): ChangeStep[] {
  const { at } = columnsOf(table);
  const text = (v: Cell) => (v === null || v === undefined || v === "" ? null : String(v));
  return (table ?? []).slice(1).map((row) => ({
    step: num(at(row, "step")),
    page: at(row, "page"),
    slot: at(row, "slot"),
    change: String(at(row, "change") ?? ""),
    before: text(at(row, "product_before")),
    beforeDiscount: num(at(row, "discount_before")),
    after: text(at(row, "product_after")),
    afterDiscount: num(at(row, "discount_after")),
    gain: num(at(row, "gain")),
    cumulative: num(at(row, "cumulative_gain")),
    share: num(at(row, "share_of_lift")),
  }));
}

const discountWords = (v: number | null) => (v === null ? "" : v > 0 ? ` at −${fmtPct(v, 0)}` : " without discount");

/** One change in words: "page 2, slot 1: P0002 at −50 % → at −20 %" (names when the products table has them). */
export function changeWords(c: ChangeStep, names?: ReadonlyMap<string, string>): { where: string; what: string } {
  const name = (id: string | null) => (id ? names?.get(id) ?? id : "empty");
  const where = c.page !== null && c.page !== undefined ? `Page ${fmtCell(c.page)}, slot ${fmtCell(c.slot)}` : "The rest";
  if (c.change === "change discount") return { where, what: `${name(c.after)}: discount${discountWords(c.beforeDiscount)} → ${discountWords(c.afterDiscount).trim()}` };
  if (c.before === null && c.after === null) return { where, what: c.change };
  return { where, what: `${c.change}: ${name(c.before)}${c.before ? discountWords(c.beforeDiscount) : ""} → ${name(c.after)}${c.after ? discountWords(c.afterDiscount) : ""}` };
}

export const gainWords = (v: number | null) => (v === null ? "–" : signed(v));

/**
 * The scored plan's business case as the business-case view and sheet read it (a plan result):
 * Folio's plan named as such beside "Your plan" and the last catalogue.
 */
export function caseResult(r: ScoreResult): PlanResult | null {
  const c = r.business_case;
  if (!c?.options?.length) return null;
  const business_case: BusinessCase = { ...c, options: c.options.map((o) => (o.name === "plan" ? { ...o, label: "Folio's plan" } : o)) };
  return {
    plan: r.folio?.plan ?? [],
    totals: r.folio?.totals ?? {},
    rules: r.folio?.rules ?? [],
    convergence: [],
    business_case,
    settings: r.settings,
  };
}

/** What the screen reader hears when the score is in. */
export function scoreAnnouncement(r: ScoreResult): string {
  const f = scoreFigures(r);
  const rules = f.broken ? `${f.broken} rule${f.broken === 1 ? "" : "s"} broken` : "every rule kept";
  const lift = f.lift !== null ? `; Folio's plan ${f.lift >= 0 ? "earns" : "loses"} ${fmtTotal(Math.abs(f.lift))} ${f.lift >= 0 ? "more" : "less"}` : "";
  return `Your plan scored: expected profit ${fmtTotal(f.profit)}, ${rules}${lift}.`;
}

/** The slot comparison's rows where product or discount differ, the header kept (the same slots elsewhere). */
export function differingSlots(table: Table | undefined): Table {
  if (!table?.length) return [];
  const { at } = columnsOf(table);
  const differ = (r: Cell[]) => at(r, "your_product") !== at(r, "folio_product") || at(r, "your_discount") !== at(r, "folio_discount");
  return [table[0], ...table.slice(1).filter(differ)];
}
