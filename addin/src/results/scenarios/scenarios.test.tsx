import { cleanup, render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ScenariosResult } from "../../api/types";
import { BrowserAdapter } from "../../office/browser";
import { bestSentence, differences, lastCatalogueSentence, scenarioRows, scenariosAnnouncement } from "./comparison";
import { scenariosKind } from "./index";
import { ScenariosView } from "./ScenariosView";
import { scenarioPlans, scenarioSheet, scenariosBlocks } from "./sheets";

// what the engine returned through the API for the demo (bench-sized: population 16, 15
// generations, seed 3; a locks table with two locks), plans and rules trimmed, figures rounded;
// each scenario's changes (and the failed one's settings) as the gather gives them now
const RESULT = {"comparison": [["scenario", "status", "changes", "expected_profit", "expected_profit_low", "expected_profit_high", "expected_revenue", "expected_units", "discounted_share", "anomaly_score", "rules_kept", "rules", "lift_profit", "lift_revenue", "bound_gap", "note"], ["Base", "succeeded", "nothing: the settings as you set them", 1183534.9, 1051699.6, 1321375.1, 1937599.4, 116544.1, 0.7361, 0.6583, 18, 18, 0.9742, 1.0304, 0.0, null], ["Deeper discounts", "succeeded", "discounts 0, 10, 20, 30, 40\u00a0%", 1191531.5, 1058246.8, 1330914.0, 1990712.6, 125922.1, 0.7361, 0.6583, 18, 18, 1.0031, 1.0758, 0.0, null], ["No locks", "succeeded", "no locks", 1312395.4, 1142122.5, 1491769.5, 2132510.6, 120194.7, 0.7361, 0.6583, 17, 17, 1.1891, 1.2346, 0.0, null], ["Impossible margin", "failed", "min margin 97\u00a0%", null, null, null, null, null, null, null, null, null, null, null, null, "product 'P0001' is locked at a discount of 20%, where its margin is 51.8%, below min_margin 97.0%"], ["Brands and pages", "succeeded", "min margin 20\u00a0%; at most 2 of a category per page; own brand limits; own page conflicts", 1182728.1, 1050991.4, 1320464.8, 1935753.4, 116650.5, 0.7431, 0.6446, 27, 27, 0.9728, 1.0285, 0.0, null]], "scenarios": [{"scenario": "Base", "status": "succeeded", "job": "job_178788dd1a8802df", "objective": 1183534.9, "bound_gap": 0.0, "anomaly_score": 0.6583, "discounted_share": 0.7361, "stopped_by": "bound", "generations_run": 1, "plan": [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "category", "slot_size", "featured", "cannibalisation", "beyond_history"], [1, 1, "P0001", 0.2, 2950.5, 37743.0, 19538.3, "make-up", 0.5, 1, 1.0, 0], [1, 2, "P0157", 0.3, 2998.8, 121732.3, 78368.9, "fragrance", 0.1, 1, 1.0, 0]], "settings": {"discount_levels": [0.0, 0.1, 0.2, 0.3], "max_discounted_share": 1.0, "min_margin": null, "max_same_category_per_page": null, "objective": "profit", "population": 16}, "rules": [{"rule": "locks", "kept": true}, {"rule": "unique_products", "kept": true}, {"rule": "one_product_per_slot", "kept": true}, {"rule": "must_include", "kept": true}, {"rule": "discount_levels", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "max_discounted_share", "kept": true}], "changes": []}, {"scenario": "Deeper discounts", "status": "succeeded", "job": "job_8fd933c35b44f943", "objective": 1191531.5, "bound_gap": 0.0, "anomaly_score": 0.6583, "discounted_share": 0.7361, "stopped_by": "bound", "generations_run": 1, "plan": [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "category", "slot_size", "featured", "cannibalisation", "beyond_history"], [1, 1, "P0001", 0.2, 2950.5, 37743.0, 19538.3, "make-up", 0.5, 1, 1.0, 0], [1, 2, "P0157", 0.4, 4011.6, 139578.0, 81571.0, "fragrance", 0.1, 1, 1.0, 0]], "settings": {"discount_levels": [0.0, 0.1, 0.2, 0.3, 0.4], "max_discounted_share": 1.0, "min_margin": null, "max_same_category_per_page": null, "objective": "profit", "population": 16}, "rules": [{"rule": "locks", "kept": true}, {"rule": "unique_products", "kept": true}, {"rule": "one_product_per_slot", "kept": true}, {"rule": "must_include", "kept": true}, {"rule": "discount_levels", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "max_discounted_share", "kept": true}], "changes": ["discounts 0, 10, 20, 30, 40\u00a0%"]}, {"scenario": "No locks", "status": "succeeded", "job": "job_b00483297b75acbc", "objective": 1312395.4, "bound_gap": 0.0, "anomaly_score": 0.6583, "discounted_share": 0.7361, "stopped_by": "bound", "generations_run": 1, "plan": [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "category", "slot_size", "featured", "cannibalisation", "beyond_history"], [1, 1, "P0157", 0.3, 7250.3, 294310.6, 189471.6, "fragrance", 0.5, 1, 1.0, 0], [1, 2, "P0075", 0.2, 5696.5, 95654.8, 65634.5, "skincare", 0.1, 1, 1.0, 0]], "settings": {"discount_levels": [0.0, 0.1, 0.2, 0.3], "max_discounted_share": 1.0, "min_margin": null, "max_same_category_per_page": null, "objective": "profit", "population": 16}, "rules": [{"rule": "unique_products", "kept": true}, {"rule": "one_product_per_slot", "kept": true}, {"rule": "must_include", "kept": true}, {"rule": "discount_levels", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "max_discounted_share", "kept": true}], "changes": ["no locks"]}, {"scenario": "Impossible margin", "status": "failed", "job": "job_bbb20d9c1b952e4b", "objective": null, "bound_gap": null, "anomaly_score": null, "discounted_share": null, "stopped_by": null, "generations_run": null, "error": {"code": "infeasible", "detail": "product 'P0001' is locked at a discount of 20%, where its margin is 51.8%, below min_margin 97.0%"}, "changes": ["min margin 97\u00a0%"], "settings": {"discount_levels": [0.0, 0.1, 0.2, 0.3], "max_discounted_share": 1.0, "min_margin": 0.97, "max_same_category_per_page": null, "objective": "profit", "population": 16}}, {"scenario": "Brands and pages", "status": "succeeded", "job": "job_3beb6b3ebbdad134", "objective": 1182728.1, "bound_gap": 0.0, "anomaly_score": 0.6446, "discounted_share": 0.7431, "stopped_by": "bound", "generations_run": 1, "plan": [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "category", "slot_size", "featured", "cannibalisation", "beyond_history"], [1, 1, "P0001", 0.2, 2950.5, 37743.0, 19538.3, "make-up", 0.5, 1, 1.0, 0], [1, 2, "P0157", 0.3, 2998.8, 121732.3, 78368.9, "fragrance", 0.1, 1, 1.0, 0]], "settings": {"discount_levels": [0.0, 0.1, 0.2, 0.3], "max_discounted_share": 1.0, "min_margin": 0.2, "max_same_category_per_page": 2, "objective": "profit", "population": 16}, "rules": [{"rule": "locks", "kept": true}, {"rule": "unique_products", "kept": true}, {"rule": "one_product_per_slot", "kept": true}, {"rule": "must_include", "kept": true}, {"rule": "discount_levels", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "category_min", "kept": true}, {"rule": "category_max", "kept": true}, {"rule": "brand_limits", "kept": true}, {"rule": "category_per_page", "kept": true}, {"rule": "category_per_page", "kept": true}, {"rule": "category_per_page", "kept": true}, {"rule": "category_per_page", "kept": true}, {"rule": "category_per_page", "kept": true}, {"rule": "category_per_page", "kept": true}, {"rule": "page_conflicts", "kept": true}, {"rule": "min_margin", "kept": true}, {"rule": "max_discounted_share", "kept": true}], "changes": ["min margin 20\u00a0%", "at most 2 of a category per page", "own brand limits", "own page conflicts"]}], "last_catalogue": {"campaign": "2025-01", "units": 75644.0, "revenue": 954293.5, "profit": 599504.0, "expected_profit": 599504.0}, "last_catalogue_sold": {"campaign": "2025-01", "units": 111400.0, "revenue": 1500930.8, "profit": 920886.1, "cost_share": 0.9265}, "best": "No locks", "cancelled": false} as unknown as ScenariosResult;

// the same with "No locks" 200,000 higher: its range (1,342,123-1,691,770) clears the runner-up's
const CLEAR = {
  ...RESULT,
  comparison: RESULT.comparison!.map((row) => (row[0] === "No locks" ? row.map((v, j) => (j >= 3 && j <= 5 ? (v as number) + 200000 : v)) : row)),
} as ScenariosResult;

describe("scenarios side by side", () => {
  it("reads the comparison by column name, crowns no best while the ranges overlap and says what sets each apart", () => {
    const rows = scenarioRows(RESULT);
    // "No locks" earns most, but its 80 % range overlaps that of "Deeper discounts": no winner
    expect(rows.map((r) => [r.scenario, r.status, r.best])).toEqual([
      ["Base", "succeeded", false],
      ["Deeper discounts", "succeeded", false],
      ["No locks", "succeeded", false],
      ["Impossible margin", "failed", false],
      ["Brands and pages", "succeeded", false],
    ]);
    expect(scenarioRows(CLEAR).map((r) => r.best)).toEqual([false, false, true, false, false]);
    const noLocks = rows[2];
    expect(noLocks).toMatchObject({ expectedProfit: 1312395.4, low: 1142122.5, high: 1491769.5, revenue: 2132510.6, units: 120194.7, rulesKept: 17, rules: 17 });
    expect(rows[3].note).toMatch(/below min_margin 97.0%/);
    // what each does unlike most: the plan as set says nothing
    expect(rows.map((r) => r.differs)).toEqual([
      [],
      ["discounts 0, 10, 20, 30, 40\u00a0%"],
      ["without locked slots"],
      // a scenario that failed still says what it was: what it changes from the base plan
      ["min margin 97\u00a0%"],
      ["min margin 20\u00a0%", "at most 2 of a category per page", "with brand limits", "with products kept apart"],
    ]);
    // two scenarios that differ: each says its own
    const two = differences([
      { scenario: "A", status: "succeeded", settings: { discount_levels: [0, 0.1] } },
      { scenario: "B", status: "succeeded", settings: { discount_levels: [0, 0.2] } },
    ]);
    expect([...two.values()]).toEqual([["discounts 0, 10\u00a0%"], ["discounts 0, 20\u00a0%"]]);
    expect(differences([]).size).toBe(0);
  });

  it("puts the best in one sentence, says when the forecast cannot tell two apart, and names the yardstick", () => {
    const rows = scenarioRows(RESULT);
    expect(bestSentence(rows)).toBe(
      "No clear winner: ranges overlap. “No locks” has the highest expected profit, 1,312,395, +118.9\u00a0% over the last catalogue, 120,864 more than “Deeper discounts”, but their 8-in-10 ranges overlap: either may earn more.",
    );
    expect(bestSentence(scenarioRows(CLEAR))).toBe(
      "“No locks” is expected to earn most: 1,512,395, +118.9\u00a0% over the last catalogue. It is expected to earn 320,864 more than “Deeper discounts”, its 8-in-10 range above that one's.",
    );
    expect(lastCatalogueSentence(RESULT)).toBe(
      "The last catalogue (campaign 2025-01): on this layout the same forecast expects 599,504 profit from it (the lifts above are over this figure); as printed it actually sold 111,400 units for 920,886 profit.",
    );
    expect(scenariosAnnouncement(RESULT)).toBe(
      "Scenarios compared: 5 side by side. No clear winner: ranges overlap (highest: No locks, expected profit 1,312,395). 1 could not be planned.",
    );
    expect(scenariosAnnouncement(CLEAR)).toBe("Scenarios compared: 5 side by side. Best: No locks, expected profit 1,512,395. 1 could not be planned.");
  });

  it("shows a chart with ranges, a card per scenario (the failed one with its reason) and any scenario's plan", () => {
    render(<ScenariosView result={RESULT} context={{ productNames: new Map([["P0157", "Maison Mira Jasmine"]]) }} />);
    const bars = screen.getAllByTestId("scenario-bar");
    expect(bars).toHaveLength(5);
    expect(bars.filter((b) => b.classList.contains("scen-bar--best"))).toHaveLength(0); // ranges overlap: none crowned
    expect(screen.getByTestId("scenario-best")).toHaveTextContent(/^No clear winner: ranges overlap\./);
    expect(bars[3]).toHaveTextContent("failed");
    // the chart says what its bar and its line are, in a finished sentence
    expect(screen.getByTestId("scenario-chart-legend")).toHaveTextContent("bar: expected profit; dark line: 8 in 10 outcomes fall in this range");
    expect(bars[3]).toHaveTextContent("below min_margin 97.0%");
    const cards = screen.getAllByTestId("scenario-card");
    expect(cards[2]).toHaveTextContent("No locks1,312,395");
    expect(screen.queryAllByText("best")).toHaveLength(0);
    expect(cards[2]).toHaveTextContent("8 in 10 between 1,142,123 and 1,491,770");
    expect(cards[2]).toHaveTextContent("17 of 17 rules kept");
    expect(cards[2]).toHaveTextContent("lift +118.9 %");
    cleanup();
    render(<ScenariosView result={CLEAR} context={{ productNames: new Map() }} />);
    expect(screen.getAllByTestId("scenario-bar")[2]).toHaveClass("scen-bar--best");
    expect(screen.getAllByTestId("scenario-card")[2]).toHaveTextContent("No locks best1,512,395");
    const failed = within(screen.getByTestId("scenario-table")).getByTestId("scenario-row-Impossible margin");
    expect(failed).toHaveTextContent("Impossible margin");
    expect(failed).toHaveTextContent("min margin 97 %"); // what it was, not a blank row
    expect(failed).toHaveTextContent("failed: product 'P0001' is locked");
    expect(cards[3]).toHaveTextContent("min margin 97 %");
    expect(cards[3]).toHaveTextContent("below min_margin 97.0%");
    // the plan of the best scenario first, with the products' names
    expect(screen.getByTestId("scenario-plan-select")).toHaveValue("No locks");
    expect(screen.getAllByTestId("plan-row-product")[0]).toHaveTextContent(/^(Maison Mira Jasmine|P\d+)/);
  });

  it("writes a Scenarios sheet with the comparison as a table and a native chart, and one plan sheet per planned scenario", async () => {
    const [block, apart, last] = scenariosBlocks(RESULT);
    expect(block.table[0]).toEqual(["scenario", "status", "expected profit", "low end (80\u00a0%)", "high end (80\u00a0%)", "revenue", "units", "discounted share", "anomaly score", "rules kept", "rules", "lift in profit", "lift in revenue", "gap to bound", "what it changes", "why it failed"]);
    expect(block.table[3].slice(0, 5)).toEqual(["No locks", "succeeded", 1312395.4, 1142122.5, 1491769.5]);
    expect(block.table[4].slice(14)).toEqual(["min margin 97\u00a0%", expect.stringMatching(/below min_margin/)]);
    expect(apart.table).toContainEqual(["Impossible margin", "min margin 97\u00a0%"]);
    // one bar per scenario: the range's two ends are no bars of their own (they stay in the table)
    expect(block.chart).toEqual({ type: "column", title: "Expected profit by scenario (its 80\u00a0% range: the table's low and high end)", category: "scenario", series: ["expected profit"] });
    expect(block.numberFormats).toMatchObject({ "expected profit": '#,##0.00 "€"', "lift in profit": "+0.0%;-0.0%;0.0%", "discounted share": "0.0%" });
    expect(apart.title).toBe("What sets each scenario apart");
    expect(last.lines![0]).toMatch(/^The last catalogue \(campaign 2025-01\)/);
    expect(scenarioPlans(RESULT).map((p) => p.sheet)).toEqual(["Folio S1 Base", "Folio S2 Deeper discounts", "Folio S3 No locks", "Folio S5 Brands and pages"]);
    expect(scenarioSheet(0, "A name long enough to be cut by Excel")).toHaveLength(31);
    const page = new BrowserAdapter();
    expect(await scenariosKind.write(page, RESULT, {})).toBe("Scenarios kept: download result.xlsx to open them in Excel.");
    expect([...page.reports.keys()]).toEqual(["Folio Scenarios"]);
    expect(page.outputs.get("Folio S3 No locks")!.opts).toMatchObject({ tableName: "FolioScenario3", activate: false });
  });
});
