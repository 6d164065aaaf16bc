/**
 * A scenarios job as workbook sheets: "Folio Scenarios" (the best in one sentence, the
 * comparison as an Excel table with a native column chart of the expected profit, one bar per
 * scenario, its 80 % range in the table's columns), what sets
 * each scenario apart, the last catalogue) and one plan sheet per planned scenario. Pure
 * functions from the result to report blocks and tables, tested without Excel.
 */
import type { ScenariosResult, Table } from "../../api/types";
import type { ReportBlock } from "../../office/adapter";
import { CURRENCY, LIFT_FORMAT, SHARE_FORMAT } from "../common/formats";
import { bestSentence, lastCatalogueSentence, scenarioRows } from "./comparison";

export const SCENARIOS_SHEET = "Folio Scenarios";

/** A planned scenario's plan sheet: numbered, so names cut to Excel's 31 characters never collide. */
export const scenarioSheet = (index: number, name: string) => `Folio S${index + 1} ${name}`.slice(0, 31);

const HEADER = [
  "scenario",
  "status",
  "expected profit",
  "low end (80\u00a0%)",
  "high end (80\u00a0%)",
  "revenue",
  "units",
  "discounted share",
  "anomaly score",
  "rules kept",
  "rules",
  "lift in profit",
  "lift in revenue",
  "gap to bound",
  "what it changes",
  "why it failed",
] as const;

/**
 * The chart's title says where the range is, in the table's own column names: the bars are the
 * expected profit alone (Office.js cannot draw custom error bars), the low and high end beside it.
 */
export const SCENARIOS_CHART_TITLE = "Expected profit by scenario (its 80\u00a0% range: the table's low and high end)";

export function scenariosBlocks(result: ScenariosResult): ReportBlock[] {
  const rows = scenarioRows(result);
  const best = bestSentence(rows);
  const table: Table = [
    [...HEADER],
    ...rows.map((r) => [
      r.scenario,
      r.status,
      r.expectedProfit,
      r.low,
      r.high,
      r.revenue,
      r.units,
      r.discountedShare,
      r.anomaly,
      r.rulesKept,
      r.rules,
      r.liftProfit,
      r.liftRevenue,
      r.boundGap,
      r.changes ?? "",
      r.note ?? "",
    ]),
  ];
  const blocks: ReportBlock[] = [
    {
      title: "Scenarios side by side",
      lines: [
        ...(best ? [best] : ["No scenario could be planned: see why in the last column."]),
        ...(result.cancelled ? ["Cancelled: each scenario shows the best plan it had found when it stopped."] : []),
      ],
      table,
      numberFormats: {
        "expected profit": CURRENCY,
        "low end (80\u00a0%)": CURRENCY,
        "high end (80\u00a0%)": CURRENCY,
        revenue: CURRENCY,
        units: "#,##0",
        "discounted share": SHARE_FORMAT,
        "anomaly score": "0.00",
        "rules kept": "0",
        rules: "0",
        "lift in profit": LIFT_FORMAT,
        "lift in revenue": LIFT_FORMAT,
        "gap to bound": "0.00%",
      },
      // one bar per scenario: its expected profit. The range stays in the table beside it: Office.js
      // cannot give error bars custom values (ChartErrorBars has no range to read them from), and
      // the range's two ends as series of their own read as two more scenarios' worth of profit
      chart: { type: "column", title: SCENARIOS_CHART_TITLE, category: "scenario", series: ["expected profit"] },
    },
  ];
  const apart = rows.filter((r) => r.differs.length);
  if (apart.length)
    blocks.push({
      title: "What sets each scenario apart",
      table: [["scenario", "differs by"], ...apart.map((r) => [r.scenario, r.differs.join("; ")])],
      asTable: false,
    });
  const last = lastCatalogueSentence(result);
  if (last) blocks.push({ title: "The yardstick: the last catalogue", lines: [last], table: [] });
  return blocks;
}

/** The plan sheets to write: one per planned scenario, with its sheet name. */
export function scenarioPlans(result: ScenariosResult): { sheet: string; tableName: string; plan: Table }[] {
  return (result.scenarios ?? []).flatMap((s, i) =>
    (s.plan ?? []).length > 1 ? [{ sheet: scenarioSheet(i, s.scenario), tableName: `FolioScenario${i + 1}`, plan: s.plan! }] : [],
  );
}
