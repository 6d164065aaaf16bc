// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { ExploreResult, PlanResult } from "../api/types";
import { binLabels, exploreSheets, gridTable } from "./explore/sheets";
import { describeRules } from "./plan/rules";
import { planSummaryBlocks } from "./plan/sheets";
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
    expect(rows["Gap to the bound"]).toBe(300);
    expect(rows["Gap to the bound (share)"]).toBeCloseTo(300 / 3300);
    expect(rows["Anomaly score"]).toBe(0.25);
    expect(summary.rowFormats?.[1]).toContain("€");
    expect(rules.table[1]).toEqual(["Each product at most once", "max 1 per product", "kept"]);
    expect(settings.table).toContainEqual(["pages", 4]);
    expect(record.table).toContainEqual(["model", "m1"]);
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
    const hist = sheets["Folio Histograms"][0];
    expect(hist.chart).toMatchObject({ type: "column", category: "bin", series: ["count"] });
    expect(hist.table).toEqual([["bin", "count"], ["0.00–1.00", 1], ["1.00–2.00", 2]]);
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
  it("puts the engine's rules in words, one line per category", () => {
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
      { label: "Discounts from the allowed levels", detail: "used 0, 20 %", kept: true },
      { label: "Category skincare", detail: "25 products (limit 12–20)", kept: false },
      { label: "Discounted share", detail: "25 % (max 40 %)", kept: true },
      { label: "New rule", detail: "2 (limit 3)", kept: true },
    ]);
  });
});

// ---------- components ----------
