/**
 * A scored plan as workbook sheets: "Folio Score" (both plans' figures with their ranges, the
 * rules your plan breaks with their cells, Folio's changes best first, the slots that differ),
 * "Folio Your plan" (your plan as forecast) and the business case with both plans. Pure
 * functions from the result to report blocks, tested without Excel.
 */
import type { Cell, ScoreResult } from "../../api/types";
import type { ReportBlock } from "../../office/adapter";
import { CURRENCY, LIFT_FORMAT, SHARE_FORMAT } from "../common/formats";
import { brokenRules, changeSteps, differingSlots, liftSentence, scoreFigures } from "./words";

export const SCORE_SHEET = "Folio Score";
export const OWN_PLAN_SHEET = "Folio Your plan";

export function scoreBlocks(result: ScoreResult): ReportBlock[] {
  const f = scoreFigures(result);
  const t = result.totals ?? {};
  // Folio's side, read the same way as yours
  const mirror = scoreFigures({ ...result, totals: result.folio?.totals ?? {} });
  const folio = { revenue: mirror.revenue, units: mirror.units };
  const figures: [string, Cell, Cell, string][] = [
    ["Expected profit", f.profit, f.folioProfit, CURRENCY],
    ["Profit: low end of its 80\u00a0% range", f.low, f.folioLow, CURRENCY],
    ["Profit: high end of its 80\u00a0% range", f.high, f.folioHigh, CURRENCY],
    ["Revenue", f.revenue, folio.revenue, CURRENCY],
    ["Units", f.units, folio.units, "#,##0"],
    ["Products", t.products ?? null, result.folio?.totals?.products ?? null, "0"],
    ["Folio's plan over yours (profit)", null, f.liftShare, LIFT_FORMAT],
  ];
  const shown = figures.filter(([, a, b]) => a !== null || b !== null);
  const blocks: ReportBlock[] = [
    {
      title: "Your plan scored against Folio's",
      lines: [liftSentence(f) ?? "", f.broken ? `Your plan breaks ${f.broken} rule${f.broken === 1 ? "" : "s"}: see below, with the cells.` : "Your plan keeps every rule."].filter(Boolean),
      table: [["figure", "your plan", "Folio's plan"], ...shown.map(([label, a, b]) => [label, a, b])],
      asTable: false,
      rowFormats: shown.map(([, , , fmt]) => fmt),
    },
  ];
  const broken = brokenRules(result);
  if (broken.length)
    blocks.push({
      title: "Rules your plan breaks",
      table: [["rule", "detail", "cells of your plan"], ...broken.map((b) => [b.label, b.detail, b.cells.map((c) => c.cell ?? `row ${c.row}`).join(", ")])],
    });
  const steps = changeSteps(result.changes);
  if (steps.length)
    blocks.push({
      title: "Folio's changes, best first (each gain on the whole plan; they add up to the difference)",
      table: [
        ["step", "page", "slot", "change", "product before", "discount before", "product after", "discount after", "gain", "so far", "share of the difference"],
        ...steps.map((c) => [c.step, c.page, c.slot, c.change, c.before, c.beforeDiscount, c.after, c.afterDiscount, c.gain, c.cumulative, c.share]),
      ],
      numberFormats: {
        "discount before": "0%",
        "discount after": "0%",
        gain: CURRENCY,
        "so far": CURRENCY,
        "share of the difference": SHARE_FORMAT,
      },
    });
  const diff = differingSlots(result.comparison);
  if (diff.length > 1)
    blocks.push({
      title: "Slots where the plans differ",
      table: diff,
      numberFormats: { your_discount: "0%", folio_discount: "0%", your_profit: CURRENCY, folio_profit: CURRENCY, difference: CURRENCY },
    });
  return blocks;
}

