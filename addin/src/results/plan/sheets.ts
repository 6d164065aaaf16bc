/**
 * A plan as workbook sheets: the Summary blocks (totals with the gap to the bound, the countries
 * side by side, rules, settings, run record) and the plan's number formats. Pure functions from
 * the job's result to tables and report blocks, so they are tested without Excel.
 */
import type { Cell, PlanResult, Table } from "../../api/types";
import type { ReportBlock } from "../../office/adapter";
import { caseHeadline } from "../common/businessCase";
import { businessCaseBlocks } from "../common/caseSheets";
import { CURRENCY, LIFT_FORMAT, PLAN_FORMATS } from "../common/formats";
import { describeRules } from "../common/rules";
import { runLines, settingLines } from "./settingsWords";
import { boundGap, headlineLines, stoppedByLabel, stoppedSentence } from "./words";

export { CURRENCY, LIFT_FORMAT, PLAN_FORMATS, businessCaseBlocks };

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The Summary sheet of a plan: totals (with the gap to the bound), rules, settings, run record. */
export function planSummaryBlocks(result: PlanResult): ReportBlock[] {
  const t = result.totals ?? {};
  const bound = num(result.bound);
  const run = (result.run ?? {}) as Record<string, unknown>;
  const objective = String((run.settings as Record<string, unknown> | undefined)?.objective ?? "profit");
  const achieved = num(t[objective as keyof typeof t]) ?? num(t.profit);
  const gap = bound !== null && achieved !== null ? bound - achieved : null;
  const caseLift = result.business_case ? caseHeadline(result.business_case, objective) : null;
  const totals: [string, Cell, string | null][] = [
    ["Forecast units", num(t.units), "#,##0"],
    ["Forecast revenue", num(t.revenue), CURRENCY],
    ["Forecast profit", num(t.profit), CURRENCY],
    // the honest promise, when the engine gives it (issue 14)
    ["Expected profit", num(t.expected_profit), CURRENCY],
    ["Expected profit, low end of its 80\u00a0% range", num(t.expected_profit_low), CURRENCY],
    ["Expected profit, high end of its 80\u00a0% range", num(t.expected_profit_high), CURRENCY],
    ["Rows forecast beyond history", num(t.beyond_history), "0"],
    ["Products", num(t.products), "0"],
    ["Slots used", num(t.slots_used), "0"],
    // the labels of result.xlsx's Summary: there "Gap to the bound" is the share, so here too
    [`Upper bound on ${objective} (forecast)`, bound, objective === "units" ? "#,##0" : CURRENCY],
    ["Gap to the bound", gap !== null && bound ? gap / Math.abs(bound) : null, "0.00%"],
    [`Gap to the bound in ${objective}`, gap, objective === "units" ? "#,##0" : CURRENCY],
    ["Anomaly score", num(result.anomaly_score), "0.00"],
    [`Lift in ${caseLift?.figure ?? "profit"} over the last catalogue (sheet “Folio Business case”)`, caseLift?.lift ?? null, LIFT_FORMAT],
    ["Stopped early (cancelled)", result.cancelled ? "yes" : "no", null],
    ["Why the search stopped", stoppedSentence(result) ?? null, null],
  ];
  const rows = totals.filter(([, v]) => v !== null);
  const blocks: ReportBlock[] = [
    {
      title: "Plan summary",
      // what a planner banks on first, in the sentences result.xlsx's Summary opens with
      lines: headlineLines(result),
      table: [["item", "value"], ...rows.map(([k, v]) => [k, v])],
      asTable: false,
      rowFormats: rows.map(([, , f]) => f),
    },
  ];
  if (result.countries?.length) blocks.push(countryBlock(result));
  const rules = describeRules(result.rules ?? []);
  const byCountry = rules.some((r) => r.country);
  if (rules.length)
    blocks.push({
      title: "Rules",
      table: [
        [...(byCountry ? ["country"] : []), "rule", "detail", "kept"],
        ...rules.map((r) => [...(byCountry ? [r.country ?? ""] : []), r.label, r.detail, r.kept ? "kept" : "BROKEN"]),
      ],
    });
  // settings and run record in the words of result.xlsx's Summary (only what shaped the plan)
  const settings = settingLines(result);
  if (settings.length)
    blocks.push({ title: "Settings used", table: [["setting", "value"], ...settings.map(([k, v]) => [k, v])], asTable: false,
                  rowFormats: settings.map(([, , f]) => f) });
  const record = runLines(run);
  if (record.length)
    blocks.push({ title: "Run record", table: [["item", "value"], ...record.map(([k, v]) => [k, v])], asTable: false,
                  rowFormats: record.map(([, , f]) => f) });
  return blocks;
}

/** A multi-country plan's countries side by side, as a formatted table on the Summary sheet. */
export function countryBlock(result: PlanResult): ReportBlock {
  const header = ["country", "status", "units", "revenue", "profit", "products", "bound", "gap to bound", "stopped by", "generations", "error"];
  const rows: Table = (result.countries ?? []).map((c) => {
    const t = c.totals ?? {};
    return [
      c.country,
      c.status,
      num(t.units),
      num(t.revenue),
      num(t.profit),
      num(t.products),
      num(c.bound),
      boundGap(c),
      c.stopped_by ? stoppedByLabel(c.stopped_by) : "",
      num(c.generations_run),
      c.error ? [c.error.code, c.error.detail].filter(Boolean).join(": ") : "",
    ];
  });
  return {
    title: "By country",
    table: [header, ...rows],
    numberFormats: { units: "#,##0", revenue: CURRENCY, profit: CURRENCY, products: "0", bound: "#,##0", "gap to bound": "0.0%", generations: "0" },
  };
}

