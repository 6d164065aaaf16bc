import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ScoreResult } from "../../api/types";
import { BrowserAdapter } from "../../office/browser";
import { scoreKind } from "./index";
import { ScoreView } from "./ScoreView";
import { scoreBlocks } from "./sheets";
import { brokenRules, caseResult, changeSteps, changeWords, liftSentence, scoreAnnouncement, scoreFigures } from "./words";

// what the engine returned through the API for the demo: Folio's plan (population 16, 15
// generations, seed 3) and the planner's copy of it with two products swapped, one product twice
// (rows 10 and 11) and a discount of 50 % (row 8); rows trimmed, figures rounded
const RESULT = {"plan": [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "category", "slot_size", "featured", "cannibalisation", "beyond_history", "row"], [1, 1, "P0001", 0.2, 2950.5, 37743.0, 19538.3, "make-up", 0.5, 1, 1.0, 0, 2], [1, 2, "P0157", 0.3, 2998.8, 121732.3, 78368.9, "fragrance", 0.1, 1, 1.0, 0, 3]], "totals": {"units": 118499.5, "revenue": 1941349.0, "profit": 1182579.3, "products": 144, "slots_used": 144, "beyond_history": 0, "expected_units": 118499.5, "expected_units_low": 105284.6, "expected_units_high": 132317.1, "expected_revenue": 1941349.0, "expected_revenue_low": 1724852.0, "expected_revenue_high": 2167719.0, "expected_profit": 1182579.3, "expected_profit_low": 1050699.5, "expected_profit_high": 1320473.4}, "rules": [{"rule": "unique_products", "limit": 1, "value": 2, "kept": false, "cells": [{"row": 10, "cell": "C10"}, {"row": 11, "cell": "C11"}]}, {"rule": "discount_levels", "limit": [0.0, 0.1, 0.2, 0.3], "value": [0.0, 0.1, 0.2, 0.3, 0.5], "kept": false, "cells": [{"row": 8, "cell": "D8"}]}, {"rule": "locks", "limit": 2, "value": 2, "kept": true, "label": "Locked placements kept", "limit_text": "all 2", "value_text": "2 of 2"}, {"rule": "one_product_per_slot", "limit": 1, "value": 1, "kept": true}, {"rule": "must_include", "limit": 6, "value": 6, "kept": true, "missing": []}], "broken": 2, "folio": {"totals": {"units": 116544.1, "revenue": 1937599.4, "profit": 1183534.9, "products": 144, "slots_used": 144, "beyond_history": 0, "expected_units": 116544.1, "expected_units_low": 103562.1, "expected_units_high": 130117.4, "expected_revenue": 1937599.4, "expected_revenue_low": 1721768.1, "expected_revenue_high": 2163261.7, "expected_profit": 1183534.9, "expected_profit_low": 1051699.6, "expected_profit_high": 1321375.1}, "objective": 1183534.9, "bound": 1183534.9}, "lift": {"profit": 955.5, "forecast_profit": 955.5, "revenue": -3749.6, "forecast_revenue": -3749.6, "units": -1955.5, "forecast_units": -1955.5, "profit_share": 0.0008, "basis": "expected"}, "business_case": {"options": [{"name": "plan", "label": "This plan", "units": 116544.1, "revenue": 1937599.4, "profit": 1183534.9, "products": 144, "expected_units": 116544.1, "expected_units_low": 103562.1, "expected_units_high": 130117.4, "expected_revenue": 1937599.4, "expected_revenue_low": 1721768.1, "expected_revenue_high": 2163261.7, "expected_profit": 1183534.9, "expected_profit_low": 1051699.6, "expected_profit_high": 1321375.1}, {"name": "own", "label": "Your plan", "units": 118499.5, "revenue": 1941349.0, "profit": 1182579.3, "products": 144, "expected_units": 118499.5, "expected_units_low": 105284.6, "expected_units_high": 132317.1, "expected_revenue": 1941349.0, "expected_revenue_low": 1724852.0, "expected_revenue_high": 2167719.0, "expected_profit": 1182579.3, "expected_profit_low": 1050699.5, "expected_profit_high": 1320473.4, "lift": {"profit": 1.019, "revenue": 1.0184, "units": 0.482}}, {"name": "last_catalogue", "label": "Last catalogue (2025-01)", "campaign": "2025-01", "units": 79961.6, "revenue": 961839.9, "profit": 585738.8, "products": 144, "expected_units": 79961.6, "expected_units_low": 71427.8, "expected_units_high": 88867.2, "expected_revenue": 961839.9, "expected_revenue_low": 859188.2, "expected_revenue_high": 1068962.8, "expected_profit": 585738.8, "expected_profit_low": 523226.3, "expected_profit_high": 650974.2}], "last_catalogue": {"campaign": "2025-01", "shown": 287, "left_out": 17, "dropped": 126, "empty_slots": 0, "discounts_changed": 7}, "lift": {"profit": 1.0206, "revenue": 1.0145, "units": 0.4575}, "basis": "the same model, layout and cannibalisation factor value every option"}, "comparison": [["page", "slot", "your_product", "your_discount", "your_profit", "folio_product", "folio_discount", "folio_profit", "difference"], [1, 1, "P0001", 0.2, 19538.3, "P0001", 0.2, 19538.3, 0.0], [1, 2, "P0157", 0.3, 78368.9, "P0157", 0.3, 78368.9, 0.0], [1, 3, "P0275", 0.1, 12972.5, "P0106", 0.1, 14153.0, 1180.5], [1, 4, "P0246", 0.2, 13948.2, "P0246", 0.2, 13948.2, 0.0]], "changes": [["step", "page", "slot", "change", "product_before", "discount_before", "product_after", "discount_after", "gain", "profit_gain", "cumulative_gain", "share_of_lift"], [1, 1, 3, "swap with page 1 slot 5", "P0275", 0.1, "P0106", 0.1, 1502.1, 1502.1, 1502.1, 1.572], [2, 2, 1, "change discount", "P0002", 0.5, "P0002", 0.2, 1034.2, 1034.2, 2536.3, 2.6543], [3, 2, 3, "replace", "P0224", 0.3, "P0052", 0.3, -1580.8, -1580.8, 955.5, 1.0]], "settings": {"discount_levels": [0.0, 0.1, 0.2, 0.3], "max_discounted_share": 1.0, "min_margin": null, "max_same_category_per_page": null, "objective": "profit", "population": 16}} as unknown as ScoreResult;

describe("a scored plan", () => {
  it("leads with the honest promise of both plans and what Folio's earns on top", () => {
    const f = scoreFigures(RESULT);
    expect(f).toMatchObject({ profit: 1182579.3, low: 1050699.5, high: 1320473.4, folioProfit: 1183534.9, lift: 955.5, broken: 2 });
    expect(liftSentence(f)).toBe("Folio's plan is expected to earn 955.50 more (+0.1\u00a0%): the changes below, best first, add up to it.");
    expect(liftSentence({ ...f, lift: -120.5, liftShare: -0.02 })).toBe("Your plan is expected to earn 120.50 more than Folio's (−2.0\u00a0%).");
    expect(scoreAnnouncement(RESULT)).toBe("Your plan scored: expected profit 1,182,579, 2 rules broken; Folio's plan earns 955.50 more.");
  });

  it("names the broken rules with the cells of the rows that break them", () => {
    expect(brokenRules(RESULT)).toEqual([
      { label: "Each product at most once", detail: "a product placed 2 times", cells: [{ row: 10, cell: "C10" }, { row: 11, cell: "C11" }] },
      { label: "Discounts from the allowed levels", detail: "used 0, 10, 20, 30, 50\u00a0%", cells: [{ row: 8, cell: "D8" }] },
    ]);
  });

  it("says Folio's changes one by one, in the engine's order, adding up to the difference", () => {
    const steps = changeSteps(RESULT.changes);
    expect(steps.map((s) => [s.step, s.gain, s.cumulative])).toEqual([[1, 1502.1, 1502.1], [2, 1034.2, 2536.3], [3, -1580.8, 955.5]]);
    const names = new Map([["P0002", "Velvet Ivy Lip Gloss"]]);
    expect(changeWords(steps[1], names)).toEqual({ where: "Page 2, slot 1", what: "Velvet Ivy Lip Gloss: discount at −50\u00a0% → at −20\u00a0%" });
    expect(changeWords(steps[2])).toEqual({ where: "Page 2, slot 3", what: "replace: P0224 at −30\u00a0% → P0052 at −30\u00a0%" });
  });

  it("shows the figures, the broken rules' cells (going to them in Excel), the changes and both plans' business case", () => {
    const goToCell = vi.fn();
    render(<ScoreView result={RESULT} context={{ locate: { canLocate: () => true, goToCell } }} />);
    expect(screen.getByTestId("score-profit")).toHaveTextContent("1,182,579");
    expect(screen.getByTestId("score-profit-range")).toHaveTextContent("8 in 10 between 1,050,700 and 1,320,473");
    expect(screen.getByTestId("score-rules")).toHaveTextContent("✗ 2 broken");
    const [dup] = screen.getAllByTestId("score-broken-rule");
    const cells = within(dup).getAllByTestId("score-cell");
    expect(cells.map((c) => c.textContent)).toEqual(["C10", "C11"]);
    fireEvent.click(cells[1]);
    expect(goToCell).toHaveBeenCalledWith({ table: "plan", row: 11, cell: "C11" });
    expect(screen.getAllByTestId("score-change")).toHaveLength(3);
    // the business case: Folio's plan named as such, beside yours and the last catalogue
    expect(screen.getByTestId("case-profit-plan")).toHaveTextContent("Folio's plan");
    expect(screen.getByTestId("case-profit-own")).toHaveTextContent("Your plan");
    expect(screen.getByTestId("case-headline")).toHaveTextContent("of Folio's plan over the last catalogue");
    expect(screen.getByTestId("score-differences")).toHaveTextContent("The 1 slot where the plans differ");
  });

  it("shows cells as text where they cannot be reached (the page)", () => {
    render(<ScoreView result={RESULT} context={{}} />);
    expect(screen.getAllByTestId("score-cell")[0].tagName).toBe("SPAN");
  });

  it("writes Folio Score, Your plan and the business case with both plans", async () => {
    const [summary, rules, changes] = scoreBlocks(RESULT);
    expect(summary.table.slice(0, 2)).toEqual([["figure", "your plan", "Folio's plan"], ["Expected profit", 1182579.3, 1183534.9]]);
    expect(summary.table.at(-1)).toEqual(["Folio's plan over yours (profit)", null, 0.0008]);
    expect(rules.table[1]).toEqual(["Each product at most once", "a product placed 2 times", "C10, C11"]);
    expect(changes.table[0].slice(0, 4)).toEqual(["step", "page", "slot", "change"]);
    expect(caseResult(RESULT)!.business_case!.options.map((o) => o.label)).toEqual(["Folio's plan", "Your plan", "Last catalogue (2025-01)"]);
    const page = new BrowserAdapter();
    await scoreKind.write(page, RESULT, {});
    expect([...page.reports.keys()]).toEqual(["Folio Business case", "Folio Score"]);
    expect(page.reports.get("Folio Business case")![0].title).toBe("Business case: Folio's plan and yours against the last catalogue");
    expect(page.outputs.get("Folio Your plan")!.opts.tableName).toBe("FolioYourPlan");
  });
});
