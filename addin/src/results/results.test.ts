// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { CountryOutcome, ExploreResult, PlanResult } from "../api/types";
import { binLabels, exploreSheets, gridTable } from "./explore/sheets";
import { modelDescription } from "./glossary";
import { describeRules } from "./common/rules";
import { gapSentence, headlineLines, keyFigures, penaltySentence, planAnnouncement, stoppedSentence } from "./plan/words";
import { planSummaryBlocks } from "./plan/sheets";
import { runLines } from "./plan/settingsWords";
import { fmtStamp } from "../components/format";
import { trainMetricsTable } from "./train/sheets";

describe("results as sheets", () => {
  it("summarises a plan: totals, gap to the bound, anomaly score, rules, settings, run record", () => {
    const result: PlanResult = {
      plan: [["page", "slot", "product_id"]],
      totals: { units: 1200, revenue: 9000, profit: 3000, products: 10, slots_used: 10 },
      rules: [{ rule: "unique_products", value: 1, limit: 1, kept: true }],
      convergence: [],
      bound: 3300,
      anomaly_score: 0.25,
      run: { seed: 4, settings: { objective: "profit", pages: 4 }, model: "m1" },
    };
    const [summary, rules, settings, record] = planSummaryBlocks(result);
    const rows = Object.fromEntries(summary.table.slice(1).map((r) => [r[0], r[1]]));
    expect(rows["Forecast profit"]).toBe(3000);
    // the same label as result.xlsx's Summary says the same figure there: the share (was 300 € here, 0.09 % there)
    expect(rows["Gap to the bound"]).toBeCloseTo(300 / 3300);
    expect(rows["Gap to the bound in profit"]).toBe(300);
    expect(rows["Upper bound on profit (forecast)"]).toBe(3300);
    expect(rows["Anomaly score"]).toBe(0.25);
    // no honest promise yet, no stop reason: no rows for them
    expect(Object.keys(rows)).not.toContain("Expected profit");
    expect(Object.keys(rows)).not.toContain("Why the search stopped");
    expect(summary.rowFormats?.[1]).toContain("€");
    expect(rules.table[1]).toEqual(["Each product at most once", "max 1 per product", "kept"]);
    expect(settings.title).toBe("Settings used");
    expect(settings.table).toContainEqual(["Layout", "4 pages"]);
    expect(record.table).toContainEqual(["Model", "m1"]);
  });

  it("writes the honest promise and why the search stopped when the result has them", () => {
    const result: PlanResult = {
      plan: [["page"]],
      totals: { units: 10, revenue: 90, profit: 30, expected_profit: 27, expected_profit_low: 20, expected_profit_high: 31, beyond_history: 2 },
      rules: [],
      convergence: [],
      stopped_by: "stagnation",
      generations_run: 40,
      settings: { stagnation_generations: 30 },
    };
    const [summary] = planSummaryBlocks(result);
    const rows = summary.table.slice(1);
    const at = (k: string) => rows.findIndex((r) => r[0] === k);
    expect(rows[at("Expected profit")][1]).toBe(27);
    expect(rows[at("Expected profit, low end of its 80\u00a0% range")][1]).toBe(20);
    expect(rows[at("Expected profit, high end of its 80\u00a0% range")][1]).toBe(31);
    expect(summary.rowFormats![at("Expected profit")]).toContain("€");
    expect(rows[at("Rows forecast beyond history")][1]).toBe(2);
    expect(rows[at("Why the search stopped")][1]).toMatch(/^Stopped early after 40 generations/);
  });

  it("says the settings and the run record in words, as result.xlsx does (was every key as code)", () => {
    // the demo's plan as the server gives it: a slots table overrode pages x slots per page
    const result = {
      plan: [["page"]], totals: {}, rules: [], convergence: [], cannibalisation_factor: 1.0,
      layout: { source: "slots", slots: 144, pages: 24 },
      settings: { pages: 8, slots_per_page: 6, discount_levels: [0.0, 0.1, 0.2, 0.3], objective: "profit", anomaly_weight: 0.1,
                  population: 60, generations: 80, time_limit_s: 60.0, seed: 42, strategy: "ga", cannibalisation: null,
                  stagnation_generations: 30, local_search: true, max_same_category_per_page: null, min_margin: null,
                  max_discounted_share: 0.4 },
      run: { job: "job_1", kind: "plan", dataset_hash: "ab12", started_at: "2026-12-01T15:35:27.289Z",
             versions: { python: "3.11.7", numpy: "2.4.6" }, settings: {} },
    } as unknown as PlanResult;
    const blocks = planSummaryBlocks(result);
    const settings = blocks.find((b) => b.title === "Settings used")!;
    const rows = Object.fromEntries(settings.table.slice(1).map((r) => [r[0], r[1]]));
    expect(rows).toEqual({
      Objective: "maximise profit", Layout: "slots table: 144 slots on 24 pages", "Discount levels": "0\u00a0%, 10\u00a0%, 20\u00a0%, 30\u00a0%",
      "Most products discounted": 0.4, "Anomaly penalty weight": 0.1, "Cannibalisation (estimated from history)": "none found",
      Search: "genetic algorithm, population 60", "Generations at most": 80, "Stop after generations without a better plan": 30,
      "Time limit": "1\u00a0min 00\u00a0s", "Local search on the best plans": "yes", "Seed (same seed, same plan)": 42,
    });
    expect(settings.rowFormats![settings.table.slice(1).findIndex((r) => r[0] === "Most products discounted")]).toBe("0.0%");
    const record = blocks.find((b) => b.title === "Run record")!;
    expect(record.table.slice(1)).toEqual([
      ["Job", "job_1"], ["Job kind", "plan"], ["Dataset fingerprint", "ab12"], ["Started (UTC)", "2026-12-01 15:35:27"],
      ["Library versions", "python 3.11.7, numpy 2.4.6"],
    ]);
  });

  it("opens the pane's Summary sheet with the sentences result.xlsx opens with: the range, the gap, what the bound is about", () => {
    const result = {
      plan: [["page"]], rules: [], convergence: [], bound: 1303203.4, bound_gap: 0.0002, objective: 1302937.05,
      totals: { expected_profit: 1302937.05, expected_profit_low: 1205742.1, expected_profit_high: 1403053.2, profit: 1400000, beyond_history: 2 },
    } as unknown as PlanResult;
    // word for word engine/export/words.py headline() on the same result (but "the plan's" column: the pane's sheet is "Folio Plan")
    const said = [
      "Expected profit 1,302,937 (80\u00a0% range 1,205,742 – 1,403,053): 8 in 10 outcomes of this plan should fall in that range.",
      "Within 0.02\u00a0% of the best plan possible under this forecast (bound 1,303,203).",
      "The bound is the most any plan could earn if this forecast were exact: it says how close the search came under the forecast, not what the future will bring.",
      "2 plan rows are forecast beyond what the product, or products like it, ever sold in a comparable placement: shrunk to that and marked in the plan's beyond_history column.",
    ];
    expect(headlineLines(result)).toEqual(said);
    expect(planSummaryBlocks(result)[0].lines).toEqual(said);
    // no expected figure: the forecast's own number, said as such
    expect(headlineLines({ ...result, bound: undefined, bound_gap: undefined, totals: { profit: 550.5, beyond_history: 0 } } as unknown as PlanResult)).toEqual([
      "Profit as forecast 550.50 (no expected figure: the forecast's own number).",
      "No plan row is forecast beyond what its product, or products like it, ever sold in a comparable placement.",
    ]);
  });

  it("writes the run's times on the pane's own clock, named as result.xlsx names it, Finished beside Started", () => {
    // a planner in Berlin: the pane says "Plan started 16:35"; the sheet must not say 15:35 (UTC)
    const run = { job: "job_1", started_at: "2026-12-01T15:35:27.289Z", seed: 4, finished_at: "2026-12-01T15:36:01.002Z" };
    expect(runLines(run, "Europe/Berlin")).toEqual([
      ["Job", "job_1", null], ["Started (Europe/Berlin)", "2026-12-01 16:35:27", null], ["Finished (Europe/Berlin)", "2026-12-01 16:36:01", null], ["Seed", 4, "0"],
    ]);
    expect(runLines(run, "UTC").slice(1, 3)).toEqual([["Started (UTC)", "2026-12-01 15:35:27", null], ["Finished (UTC)", "2026-12-01 15:36:01", null]]);
    // the pane's clock is the one fmtClock shows
    expect(fmtStamp("2026-07-01T23:30:00Z", "America/New_York")).toBe("2026-07-01 19:30:00");
    expect(fmtStamp("not a time")).toBe("not a time");
  });

  it("lists model metrics with the champion marked", () => {
    const t = trainMetricsTable({
      candidates: [{ name: "gbm", metrics: { wape: 0.2, mape: 0.3, bias: 0.01 }, chosen: true }],
      baselines: [{ name: "naive", metrics: { wape: 0.4 } }],
      champion: "gbm",
    });
    expect(t).toEqual([
      ["model", "kind", "wape", "mape", "bias", "champion"],
      ["gbm", "candidate", 0.2, 0.3, 0.01, "yes"],
      ["naive", "baseline", 0.4, null, null, ""],
    ]);
  });

  it("turns explore results into sheets with charts and colour scales", () => {
    const result: ExploreResult = {
      columns: [
        { column: "units", count: 3, missing: 0, mean: 2, histogram: { edges: [0, 1, 2], counts: [1, 2] } },
        { column: "brand", count: 3, missing: 0, top: [{ value: "A", count: 2 }] },
        { column: "start_date", count: 3, missing: 0, kind: "date", first: "2023-01-02", last: "2023-02-13", top: [{ value: "2023-01-23", count: 2 }] },
      ],
      correlations: { columns: ["units", "price"], matrix: [[1, -0.5], [-0.5, 1]] },
      clusters: { features: ["units"], rows: 3, k: 2, scores: [{ k: 2, silhouette: 0.5 }], silhouette: 0.5, profiles: [{ cluster: 0, size: 2, share: 0.66, means: { units: 1 }, z_means: { units: -0.5 } }] },
      som: { rows: 2, cols: 2, features: ["units"], u_matrix: [[0.1, 0.2], [0.3, null]], planes: { units: [[1, 2], [3, 4]] }, hits: [[1, 0], [1, 1]] },
      findings: [{ text: "featured rows sold 2.0x", value: 2, n: 5 }],
    };
    const sheets = exploreSheets(result, "history");
    expect(Object.keys(sheets)).toEqual(["Folio Explore", "Folio Histograms", "Folio Correlations", "Folio Clusters", "Folio SOM"]);
    expect(sheets["Folio Explore"][0].table[1]).toEqual(["featured rows sold 2.0x", 2, 5]);
    expect(sheets["Folio Explore"][1].table[2][8]).toBe("A (2)");
    // a date column: its first and last day where a number's min and max go, no "top values"
    expect(sheets["Folio Explore"][1].table[3].slice(6)).toEqual(["2023-01-02", "2023-02-13", ""]);
    const hist = sheets["Folio Histograms"][0];
    expect(hist.chart).toMatchObject({ type: "column", category: "bin", series: ["count"] });
    expect(hist.table).toEqual([["bin", "count"], ["0.00–1.00", 1], ["1.00–2.00", 2]]);
    // a 0/1 column counted per value: two bars, 0 and 1 (not bins from -0.5 to 1.5)
    const flag = exploreSheets({ columns: [{ column: "featured", count: 10, missing: 0, histogram: { edges: [-0.5, 0.5, 1.5], counts: [7, 3], values: [0, 1] } }] }, "history");
    expect(flag["Folio Histograms"][0].table).toEqual([["value", "count"], ["0", 7], ["1", 3]]);
    expect(flag["Folio Histograms"][0].chart).toMatchObject({ title: "featured: rows per value", category: "value" });
    expect(sheets["Folio Correlations"][0].colorScale).toBe("diverging");
    const [u, hits, plane] = sheets["Folio SOM"];
    expect(u.colorScale).toBe("heat");
    expect(u.table).toEqual([["", 1, 2], [1, 0.1, 0.2], [2, 0.3, ""]]);
    expect(hits.title).toMatch(/Rows won/);
    expect(plane.title).toBe("Heatmap of units (mean per unit)");
  });

  it("labels bins and grids", () => {
    expect(binLabels([0, 50, 100, 150])).toEqual(["0–50", "50–100", "100–150"]);
    expect(gridTable([[1]])).toEqual([["", 1], [1, 1]]);
  });
});

describe("rules report", () => {
  // as the engine's rule units report them (a real plan's rules, engine/plan/rules/)
  const ENGINE_RULES = [
    { rule: "unique_products", limit: 1, value: 1, kept: true, label: "Each product at most once", limit_text: "once per product", value_text: "no product twice" },
    { rule: "must_include", limit: 2, value: 1, kept: false, missing: ["p4"], label: "Must-include products placed", limit_text: "all 2", value_text: "1 of 2; missing p4" },
    { rule: "discount_levels", limit: [0, 0.1, 0.2, 0.3], value: [0, 0.1], kept: true, label: "Discounts from the allowed levels", limit_text: "0 %, 10 %, 20 %, 30 %", value_text: "used 0 %, 10 %" },
    { rule: "category_min", category: "skin", limit: 2, value: 5, kept: true, label: "Products of category skin", limit_text: "2 to 5", value_text: "5" },
    { rule: "category_max", category: "skin", limit: 5, value: 5, kept: true, label: "Products of category skin", limit_text: "2 to 5", value_text: "5" },
    { rule: "max_discounted_share", limit: 0.5, value: 0.5, kept: true, label: "Share of products discounted", limit_text: "at most 50 %", value_text: "50 % (6 of 12)" },
  ];

  it("says every rule in the engine's own words, as the workbook prints them", () => {
    expect(describeRules(ENGINE_RULES)).toEqual([
      { label: "Each product at most once", detail: "no product twice (limit once per product)", kept: true },
      { label: "Must-include products placed", detail: "1 of 2; missing p4 (limit all 2)", kept: false },
      { label: "Discounts from the allowed levels", detail: "used 0 %, 10 % (limit 0 %, 10 %, 20 %, 30 %)", kept: true },
      { label: "Products of category skin", detail: "5 (limit 2 to 5)", kept: true },
      { label: "Share of products discounted", detail: "50 % (6 of 12) (limit at most 50 %)", kept: true },
    ]);
    // a category's line is broken when either end is, in words as without them
    const six = { value: 6, value_text: "6" };
    const broken = describeRules([{ ...ENGINE_RULES[3], ...six }, { ...ENGINE_RULES[4], ...six, kept: false }]);
    expect(broken).toEqual([{ label: "Products of category skin", detail: "6 (limit 2 to 5)", kept: false }]);
    // the Excel sheet's rules block says the same
    const [, sheet] = planSummaryBlocks({ plan: [["page"]], totals: {}, rules: ENGINE_RULES, convergence: [] } as PlanResult);
    expect(sheet.table.slice(1).map((r) => r[0])).toEqual(describeRules(ENGINE_RULES).map((l) => l.label));
    expect(sheet.table[1]).toEqual(["Each product at most once", "no product twice (limit once per product)", "kept"]);
  });

  it("puts an old result's rules (no words from the engine) in words, one line per category", () => {
    const lines = describeRules([
      { rule: "unique_products", limit: 1, value: 1, kept: true },
      { rule: "must_include", limit: 6, value: 5, kept: false },
      { rule: "discount_levels", limit: [0, 0.1, 0.2], value: [0, 0.2], kept: true },
      { rule: "category_min", category: "skincare", limit: 12, value: 25, kept: true },
      { rule: "category_max", category: "skincare", limit: 20, value: 25, kept: false },
      { rule: "max_discounted_share", limit: 0.4, value: 0.25, kept: true },
      { rule: "new_rule", limit: 3, value: 2, kept: true },
    ]);
    expect(lines).toEqual([
      { label: "Each product at most once", detail: "max 1 per product", kept: true },
      { label: "Must-include products placed", detail: "5 of 6", kept: false },
      { label: "Discounts from the allowed levels", detail: "used 0, 20\u00a0%", kept: true },
      { label: "Category skincare", detail: "25 products (limit 12–20)", kept: false },
      { label: "Discounted share", detail: "25\u00a0% (max 40\u00a0%)", kept: true },
      { label: "New rule", detail: "2 (limit 3)", kept: true },
    ]);
  });
});

// ---------- components ----------

describe("a plan's figures in words", () => {
  const base: PlanResult = {
    plan: [["page", "slot", "product_id"]],
    totals: { units: 1200, revenue: 9000, profit: 3000, products: 10, slots_used: 10 },
    rules: [
      { rule: "unique_products", value: 1, limit: 1, kept: true },
      { rule: "max_discounted_share", value: 0.5, limit: 0.4, kept: false },
    ],
    convergence: [["generation", "best", "mean"], [0, 2900, 2000], [1, 2950, 2100]],
    bound: 3300,
    bound_gap: 0.0909,
    objective: 3000,
    anomaly_score: 0.31,
    stopped_by: "stagnation",
    generations_run: 35,
    settings: { generations: 80, stagnation_generations: 30, time_limit_s: 60, anomaly_weight: 0.1 },
  };

  it("falls back to the forecast profit until the engine gives the expected one", () => {
    const k = keyFigures(base);
    expect(k.profit).toEqual({ value: 3000, expected: false });
    expect(k).toMatchObject({ revenue: 9000, units: 1200, gap: 0.0909, rules: { kept: 1, total: 2 }, anomaly: 0.31 });
    expect(k.beyondHistory).toBeUndefined();
    // the live best (2,950) counts the anomaly penalty, the final objective (3,000) does not
    expect(k.penalty).toEqual({ liveBest: 2950, objective: 3000 });
    expect(penaltySentence(k.penalty!)).toMatch(/live best during the search \(2,950.00\).*differ by 50.00\./);
  });

  it("shows the honest promise when present: expected profit, its range, rows beyond history", () => {
    const k = keyFigures({ ...base, totals: { ...base.totals, expected_profit: 2700, expected_profit_low: 2400, expected_profit_high: 2950, beyond_history: 3 } });
    expect(k.profit).toEqual({ value: 2700, low: 2400, high: 2950, expected: true });
    expect(k.beyondHistory).toBe(3);
    // no penalty line when the live best is the final objective, or the weight is 0
    expect(keyFigures({ ...base, convergence: [["generation", "best"], [0, 3000]] }).penalty).toBeUndefined();
    expect(keyFigures({ ...base, settings: { ...base.settings, anomaly_weight: 0 } }).penalty).toBeUndefined();
    // the gap from bound and objective when the engine gives no share
    expect(keyFigures({ ...base, bound_gap: null }).gap).toBeCloseTo(300 / 3300);
  });

  it("says why a multi-country plan as a whole stopped, from its countries", () => {
    const settings = { generations: 20, stagnation_generations: 30, time_limit_s: 60 };
    const country = (c: string, stopped_by: string, extra: Partial<CountryOutcome> = {}): CountryOutcome => ({ country: c, status: "succeeded", stopped_by, generations_run: 20, ...extra });
    const multi = (countries: CountryOutcome[], extra = {}): PlanResult => ({ plan: [], totals: {}, rules: [], convergence: [], settings, countries, ...extra });
    expect(stoppedSentence(multi([country("DE", "generations"), country("PL", "generations")]))).toBe("Every country (DE and PL) ran all 20 generations.");
    expect(stoppedSentence(multi([country("DE", "stagnation"), country("FR", "stagnation"), country("PL", "stagnation")]))).toBe(
      "Every country (DE, FR and PL) stopped early: no better plan in the last 30 generations. More generations would likely not help.",
    );
    expect(stoppedSentence(multi([country("DE", "generations"), country("FR", "generations"), country("PL", "time_limit")]))).toBe(
      "The run ended when its last country did: DE and FR ran all 20 generations; PL stopped at the time limit of 60\u00a0s. A longer time limit may find better plans.",
    );
    expect(
      stoppedSentence(multi([country("DE", "cancelled", { status: "cancelled", cancelled: true }), country("PL", "cancelled", { status: "cancelled" })], { cancelled: true })),
    ).toBe("Every country (DE and PL) was cancelled, keeping its best plan so far.");
    expect(stoppedSentence(multi([country("DE", "cancelled", { status: "cancelled" }), country("FR", "cancelled", { status: "cancelled" }), country("PL", "generations")]))).toBe(
      "The run ended when its last country did: DE and FR were cancelled, keeping their best plans so far; PL ran all 20 generations.",
    );
    expect(stoppedSentence(multi([country("DE", "generations"), country("PL", "", { status: "failed", generations_run: 0 })]))).toBe(
      "The run ended when its last country did: DE ran all 20 generations; PL failed (see the country's reason below).",
    );
    expect(stoppedSentence(multi([country("DE", "bound"), country("PL", "bound")]))).toBe(
      "Every country (DE and PL) stopped early: its plan reached the bound, the best possible under the forecast.",
    );
    // many countries are counted, not listed
    const many = "ABCDEFGH".split("").map((c) => country(c, "generations"));
    expect(stoppedSentence(multi(many))).toBe("Each of the 8 countries ran all 20 generations.");
    // the engine's own stopped_by wins when it gives one
    expect(stoppedSentence(multi([country("DE", "generations")], { stopped_by: "time_limit", generations_run: 5 }))).toMatch(/^Stopped at the time limit of 60\u00a0s after 5 generations/);
  });

  it("says the gap to the bound and why the search stopped", () => {
    expect(gapSentence(0.0013)).toBe("Within 0.13\u00a0% of the best plan possible under this forecast");
    expect(gapSentence(0.083)).toBe("Within 8.3\u00a0% of the best plan possible under this forecast");
    expect(gapSentence(0)).toBe("As good as the best plan possible under this forecast");
    expect(gapSentence(null)).toBeUndefined();
    expect(stoppedSentence(base)).toBe("Stopped early after 35 generations: no better plan in the last 30 generations, so more would likely not help.");
    expect(stoppedSentence({ ...base, stopped_by: "generations", generations_run: 80 })).toBe("Ran all 80 generations.");
    expect(stoppedSentence({ ...base, stopped_by: "time_limit", generations_run: 12 })).toBe("Stopped at the time limit of 60\u00a0s after 12 generations: a longer limit may find a better plan.");
    expect(stoppedSentence({ ...base, stopped_by: "bound", generations_run: 7 })).toBe(
      "Stopped early after 7 generations: the plan reached the bound, the best possible under this forecast, so more time cannot improve it. (The bound is about the forecast, not the future: what the plan will truly earn is the expected profit and its range.)",
    );
    expect(stoppedSentence({ ...base, stopped_by: "cancelled", generations_run: 1 })).toBe("Cancelled after 1 generation: this is the best plan found until then.");
    expect(stoppedSentence({ ...base, stopped_by: "worker_restart" })).toBe("Stopped: worker restart after 35 generations.");
    expect(stoppedSentence({ ...base, stopped_by: undefined, cancelled: true, generations_run: undefined })).toBe("Cancelled: this is the best plan found until then.");
    expect(stoppedSentence({ ...base, stopped_by: undefined })).toBeUndefined();
  });

  it("announces a finished plan in one sentence", () => {
    expect(planAnnouncement(base)).toBe("Plan ready: forecast profit 3,000.00, within 9.1\u00a0% of the best plan possible under this forecast, 1 of 2 rules broken.");
    expect(planAnnouncement({ ...base, cancelled: true, rules: [base.rules[0]], totals: { ...base.totals, expected_profit: 2700 } })).toBe(
      "Plan cancelled, best plan so far: expected profit 2,700.00, within 9.1\u00a0% of the best plan possible under this forecast, all 1 rules kept.",
    );
  });

  it("explains model names in words", () => {
    expect(modelDescription("linear_by_country")).toMatch(/^A regularised linear model.*one model per country/);
    expect(modelDescription("gbm_log_bag")).toMatch(/^Gradient-boosted trees.*logarithm.*average of five fits.*one model for all countries/);
    expect(modelDescription("gbm_mape_bag")).toMatch(/^Gradient-boosted trees.*aimed at MAPE.*average of five fits/);
    expect(modelDescription("pooled")).toMatch(/partial pooling/);
    expect(modelDescription("seasonal_naive")).toMatch(/one season/);
    expect(modelDescription("m-20261201")).toBe("A forecast model named m-20261201.");
  });
});
