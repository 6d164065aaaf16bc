// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { PlanResult, ScenariosResult } from "../api/types";
import { CONVERGENCE_CHART } from "../results/plan/convergenceSink";
import { PLAN_FORMATS, businessCaseBlocks, planSummaryBlocks } from "../results/plan/sheets";
import { scenariosKind } from "../results/scenarios";
import { excelSerialToIso, isDateFormat } from "./adapter";
import { ExcelAdapter, asCellText, safeSheetName, safeTableName } from "./excel";
import { makeFakeExcel, makeFakeSettings } from "./testing/fakeExcel";
import type { RangeRecord } from "./testing/fakeExcel";

const history = [
  ["campaign", "product_id", "units"],
  [1, "A", 10],
  [1, "B", 12],
  [2, "A", 9],
  [2, "B", 15],
  [3, "A", 11],
];

/** Where a range the adapter made sits: sheet, 0-based row and column, size. */
function block(ranges: RangeRecord[], mock: unknown) {
  const r = ranges.find((x) => x.mock === mock);
  return r ? { sheet: r.sheet, row: r.row, column: r.column, rows: r.rows, columns: r.columns } : undefined;
}

function workbook() {
  // History table at B2 (one blank row and column before it), plus a "Totals" row.
  const grid = [[""], ["", ...history[0]], ...history.slice(1).map((r) => ["", ...r]), ["", "Total", "", 57]];
  return makeFakeExcel({
    sheets: { Data: grid, Products: [["product_id", "price"], ["A", 3], ["B", 4], ["", ""]] },
    tables: {
      History: { sheet: "Data", row: 1, column: 1, rows: 7, columns: 3, showTotals: true },
      Convergence: { sheet: "Data", row: 20, column: 0, rows: 1, columns: 4 },
    },
    selection: { sheet: "Products", row: 0, column: 0, rows: 2, columns: 2 },
  });
}

describe("ExcelAdapter", () => {
  it("lists named tables first, then sheets", async () => {
    const { excel } = workbook();
    const sources = await new ExcelAdapter(excel).listSources();
    expect(sources.map((s) => s.label)).toEqual(["Table History", "Table Convergence", "Sheet Data", "Sheet Products"]);
    expect(sources[0]).toEqual({ source: { kind: "table", name: "History" }, label: "Table History", columns: ["campaign", "product_id", "units"] });
    expect(sources[2].source).toEqual({ kind: "sheet", name: "Data" });
  });

  it("reads a named table without its totals row, with its origin", async () => {
    const { excel } = workbook();
    const result = await new ExcelAdapter(excel).readTable({ kind: "table", name: "History" });
    expect(result.values).toEqual(history);
    expect(result.origin).toEqual({ sheet: "Data", row: 1, column: 1 });
  });

  it("reads big ranges in row chunks, one sync per chunk", async () => {
    const { excel, ranges, log } = workbook();
    // 3 columns, 7 cells per request -> 2 rows per chunk -> 3 chunks for the 6 rows
    const adapter = new ExcelAdapter(excel, { cellsPerRequest: 7 });
    const before = log.syncs;
    const result = await adapter.readTable({ kind: "table", name: "History" });
    expect(result.values).toEqual(history);
    const chunks = ranges.filter((r) => r.sheet === "Data" && r.columns === 3 && r.rows <= 2);
    expect(chunks.map((c) => [c.row, c.rows])).toEqual([
      [2, 1], // the first data row's number formats (date columns), loaded with chunk 1
      [1, 2],
      [3, 2],
      [5, 2],
    ]);
    expect(log.syncs - before).toBe(1 + 3); // locate + 3 chunks
  });

  it("reads a sheet's used range, trimming empty trailing rows", async () => {
    const { excel } = workbook();
    const result = await new ExcelAdapter(excel).readTable({ kind: "sheet", name: "Products" });
    expect(result.values).toEqual([
      ["product_id", "price"],
      ["A", 3],
      ["B", 4],
    ]);
    expect(result.origin).toEqual({ sheet: "Products", row: 0, column: 0 });
  });

  it("reads a fixed range source", async () => {
    const { excel } = workbook();
    const result = await new ExcelAdapter(excel).readTable({ kind: "range", sheet: "Data", address: "B2:D4" });
    expect(result.values).toEqual(history.slice(0, 3));
    expect(result.origin).toEqual({ sheet: "Data", row: 1, column: 1 });
  });

  it("captures the selection as a fixed range", async () => {
    const { excel } = workbook();
    const source = await new ExcelAdapter(excel).captureSelection();
    expect(source).toEqual({ kind: "range", sheet: "Products", address: "A1:B2" });
  });

  it("writes a table to a new sheet: values, Excel table, formats, frozen header, autofit", async () => {
    const { excel, log, written, ranges } = workbook();
    const plan = [
      ["page", "slot", "product_id", "discount"],
      [1, 1, "=HYPERLINK(1)", 0.1],
      [1, 2, "B", null],
    ];
    await new ExcelAdapter(excel, { cellsPerRequest: 4 }).writeTable("Folio Plan", plan, {
      tableName: "FolioPlan",
      numberFormats: { discount: "0%", missing: "0" },
    });
    expect(log.addedSheets).toEqual(["Folio Plan"]);
    expect(log.deletedSheets).toEqual([]);
    expect(written("Folio Plan")).toEqual([
      ["page", "slot", "product_id", "discount"],
      [1, 1, "'=HYPERLINK(1)", 0.1],
      [1, 2, "B", ""],
    ]);
    // 4 cells per request with 4 columns -> one row per write
    expect(ranges.filter((r) => r.sheet === "Folio Plan" && r.rows === 1 && r.columns === 4)).toHaveLength(3);
    expect(log.addedTables).toHaveLength(1);
    const added = log.addedTables[0];
    expect(added.hasHeaders).toBe(true);
    expect(added.table.name).toBe("FolioPlan");
    expect(added.table.style).toBe("TableStyleMedium2");
    // the Excel table spans exactly the written block: header and both rows, all four columns
    expect(block(ranges, added.range)).toEqual({ sheet: "Folio Plan", row: 0, column: 0, rows: 3, columns: 4 });
    const discount = ranges.find((r) => r.sheet === "Folio Plan" && r.column === 3 && r.row === 1);
    expect(discount?.mock.numberFormat).toEqual([["0%"], ["0%"]]);
    expect(log.frozenRows.get("Folio Plan")).toBe(1);
    expect(log.autofit).toContain(added.range);
    expect(log.activated).toEqual(["Folio Plan"]);
  });

  it("replaces an existing sheet of the same name", async () => {
    const { excel, log, written } = workbook();
    await new ExcelAdapter(excel).writeTable("Products", [["a"], [1]], { activate: false });
    expect(log.deletedSheets).toEqual(["Products"]);
    expect(log.addedSheets).toEqual(["Products"]);
    expect(written("Products")).toEqual([["a"], [1]]);
    expect(log.activated).toEqual([]);
  });

  it("does nothing for an empty table", async () => {
    const { excel, log } = workbook();
    await new ExcelAdapter(excel).writeTable("Empty", []);
    expect(log.addedSheets).toEqual([]);
  });

  it("appends rows to a table in chunks, padded to its width", async () => {
    const { excel, log } = workbook();
    await new ExcelAdapter(excel, { cellsPerRequest: 8 }).appendRows("Convergence", [
      [0, 1, 2, 0.5],
      [1, 2, 3],
      [2, 3, 4, 1],
    ]);
    expect(log.appended).toEqual([
      { table: "Convergence", index: undefined, values: [[0, 1, 2, 0.5], [1, 2, 3, ""]] },
      { table: "Convergence", index: undefined, values: [[2, 3, 4, 1]] },
    ]);
  });

  it("goes to a cell relative to a table's origin", async () => {
    const { excel, log } = workbook();
    await new ExcelAdapter(excel).goToCell({ sheet: "Data", row: 1, column: 1 }, 3, 2);
    expect(log.activated).toEqual(["Data"]);
    expect(log.selected).toEqual(["Data!D5:D5"]);
  });

  it("surfaces Excel errors (unknown table)", async () => {
    const { excel } = workbook();
    await expect(new ExcelAdapter(excel).readTable({ kind: "table", name: "Nope" })).rejects.toThrow(/ItemNotFound/);
  });
});

describe("ExcelAdapter: dates, charts, reports, settings", () => {
  it("turns date-formatted serials into ISO text, leaving other numbers alone", async () => {
    const { excel } = makeFakeExcel({
      sheets: {
        Sales: [
          ["campaign", "week", "units", "discount"],
          [45292, 45292.5, 10, 0.1],
          [45323, 45323, 12, 0.2],
        ],
      },
      formats: {
        Sales: [
          ["General", "General", "General", "General"],
          ["yyyy-mm-dd", "d/m/yy h:mm", "#,##0", "0%"],
        ],
      },
    });
    const { values } = await new ExcelAdapter(excel).readTable({ kind: "sheet", name: "Sales" });
    expect(values).toEqual([
      ["campaign", "week", "units", "discount"],
      ["2024-01-01", "2024-01-01T12:00:00", 10, 0.1],
      ["2024-02-01", "2024-02-01", 12, 0.2],
    ]);
  });

  it("writes a table with a native line chart and keeps the chart over appended rows", async () => {
    const { excel, log, ranges } = workbook();
    const adapter = new ExcelAdapter(excel);
    await adapter.writeTable("Folio Convergence", [["generation", "best", "mean"], [0, 5, 3], [1, 6, 4]], {
      tableName: "FolioConvergence",
      activate: false,
      chart: { type: "line", title: "Best and mean", category: "generation", series: ["best", "mean"] },
    });
    expect(log.charts).toHaveLength(1);
    const { chart, type, source, seriesBy } = log.charts[0];
    expect([type, seriesBy]).toEqual(["Line", "Columns"]);
    // made from the first series' column (header included), the others added by name
    expect(block(ranges, source)).toEqual({ sheet: "Folio Convergence", row: 0, column: 1, rows: 3, columns: 1 });
    expect(chart.name).toBe("FolioConvergenceChart");
    expect(chart.axes.valueAxis.minimum).not.toBe(0); // never set: a line's axis fits its values (only bars start at 0)
    expect(chart.title.text).toBe("Best and mean");
    expect(log.series.map((s) => [s.name, block(ranges, s.values)])).toEqual([
      ["mean", { sheet: "Folio Convergence", row: 1, column: 2, rows: 2, columns: 1 }],
    ]);
    expect(log.categories.map((c) => block(ranges, c.range))).toEqual([{ sheet: "Folio Convergence", row: 1, column: 0, rows: 2, columns: 1 }]);
    expect(log.positions[0]).toMatchObject({ from: "E2" });

    await adapter.appendRows("FolioConvergence", [[2, 7, 5]]);
    expect(log.appended).toEqual([{ table: "FolioConvergence", index: undefined, values: [[2, 7, 5]] }]);
    // after the append both series and the categories cover the three rows of the table
    const body = (column: number) => ({ sheet: "Folio Convergence", row: 1, column, rows: 3, columns: 1 });
    expect(log.series.slice(1).map((s) => [s.name, block(ranges, s.values)])).toEqual([
      ["#0", body(1)],
      ["#1", body(2)],
    ]);
    expect(block(ranges, log.categories[1].range)).toEqual(body(0));
  });

  it("writes a report sheet: titled blocks, formats, colour scale and a column chart", async () => {
    const { excel, log, written, ranges } = workbook();
    await new ExcelAdapter(excel).writeReport("Folio Explore", [
      {
        title: "Summary",
        table: [["item", "value"], ["Revenue", 1234.5], ["Discount", 0.25]],
        asTable: false,
        rowFormats: ["#,##0.00", "0%"],
      },
      {
        title: "Histogram of units",
        table: [["bin", "count"], ["0–10", 4], ["10–20", 9]],
        chart: { type: "column", title: "units", category: "bin", series: ["count"] },
      },
      { title: "U-matrix", table: [["", 1, 2], [1, 0.2, 0.4], [2, 0.9, 0.1]], asTable: false, colorScale: "heat" },
    ]);
    const sheet = written("Folio Explore");
    expect(sheet[0][0]).toBe("Summary");
    expect(sheet.slice(1, 4)).toEqual([["item", "value"], ["Revenue", 1234.5], ["Discount", 0.25]]);
    expect(sheet[5][0]).toBe("Histogram of units");
    expect(sheet[6]).toEqual(["bin", "count"]);
    // the chart block takes 16 rows, then a blank row
    expect(sheet[6 + 16 + 1][0]).toBe("U-matrix");
    const pct = ranges.find((r) => r.sheet === "Folio Explore" && r.row === 3 && r.column === 1 && r.rows === 1);
    expect(pct?.mock.numberFormat).toEqual([["0%"]]);
    expect(log.addedTables).toHaveLength(1);
    expect(log.charts.map((c) => c.type)).toEqual(["ColumnClustered"]);
    expect(log.colorScales).toHaveLength(1);
    const scale = log.colorScales[0];
    const scaled = ranges.find((r) => r.mock === scale.range)!;
    expect([scaled.row, scaled.column, scaled.rows, scaled.columns]).toEqual([25, 1, 2, 2]);
    expect(scale.cf.colorScale.criteria.maximum.type).toBe("HighestValue");
    expect(log.activated).toEqual(["Folio Explore"]);
  });

  it("writes the business case: lift first, a column chart of plan against last catalogue, sentences that do not widen columns", async () => {
    const { excel, log, written, ranges } = workbook();
    const result: PlanResult = {
      plan: [["page"]],
      totals: { profit: 1312395.4, revenue: 2132510.6, units: 120194.7, products: 144, slots_used: 144 },
      rules: [],
      convergence: [],
      layout: { slots: 144 },
      business_case: {
        options: [
          { name: "plan", label: "This plan", units: 120194.7, revenue: 2132510.6, profit: 1312395.4, products: 144 },
          { name: "last_catalogue", label: "Last catalogue (2025-01)", campaign: "2025-01", units: 75644, revenue: 954293.5, profit: 599504, products: 144 },
        ],
        last_catalogue: { campaign: "2025-01", shown: 287, left_out: 17, dropped: 126, discounts_changed: 16 },
        lift: { profit: 1.18914, revenue: 1.23465, units: 0.58895 },
        basis: "the same model, layout and cannibalisation factor value every option",
      },
    };
    await new ExcelAdapter(excel).writeReport("Folio Business case", businessCaseBlocks(result), { activate: false });
    const sheet = written("Folio Business case");
    expect(sheet[0][0]).toBe("Business case: this plan against the last catalogue");
    expect(sheet[1][0]).toMatch(/^On the same layout, the forecast gives this plan 712,891 more profit/);
    expect(sheet[2]).toEqual(["figure", "lift"]);
    expect(sheet[3]).toEqual(["Lift in profit", 1.18914]);
    const lift = ranges.find((r) => r.sheet === "Folio Business case" && r.row === 3 && r.column === 1 && r.rows === 1);
    expect(lift?.mock.numberFormat).toEqual([["+0.0%;-0.0%;0.0%"]]);
    const moneyRow = sheet.findIndex((r) => r?.[0] === "Profit and revenue");
    expect(sheet[moneyRow + 1]).toEqual(["figure", "This plan", "Last catalogue (2025-01)"]);
    expect(sheet[moneyRow + 2]).toEqual(["Profit (forecast)", 1312395.4, 599504]);
    // a native clustered column chart: one series per option over the profit and revenue rows, figures as categories
    expect(log.charts.map((c) => [c.sheet, c.type, c.chart.title.text])).toEqual([["Folio Business case", "ColumnClustered", "This plan against the last catalogue"]]);
    const chart = log.charts[0];
    expect(chart.chart.axes.valueAxis.minimum).toBe(0);
    expect(block(ranges, chart.source)).toEqual({ sheet: "Folio Business case", row: moneyRow + 1, column: 1, rows: 3, columns: 1 });
    const added = log.series.filter((x) => x.chart === chart.chart);
    expect(added.map((x) => [x.name, block(ranges, x.values)])).toEqual([
      ["Last catalogue (2025-01)", { sheet: "Folio Business case", row: moneyRow + 2, column: 2, rows: 2, columns: 1 }],
    ]);
    const categories = log.categories.find((x) => x.chart === chart.chart)!;
    expect(block(ranges, categories.range)).toEqual({ sheet: "Folio Business case", row: moneyRow + 2, column: 0, rows: 2, columns: 1 });
    // formatted Excel tables for the figures, the words below as sentences
    expect(log.addedTables.filter((t) => t.sheet === "Folio Business case")).toHaveLength(2);
    const wordsRow = sheet.findIndex((r) => r?.[0] === "What “last catalogue” means");
    expect(sheet[wordsRow + 1][0]).toMatch(/^“Last catalogue” is campaign 2025-01/);
    // titles and sentences are written after the columns were fitted: they run over, not widen
    const fitted = ranges.findIndex((r) => r.mock === log.autofit.at(-1));
    const sentence = ranges.findIndex((r) => r.sheet === "Folio Business case" && r.row === wordsRow + 1 && r.column === 0 && r.rows === 1 && r.columns === 1 && r.mock.values !== r.initial);
    expect(fitted).toBeGreaterThan(-1);
    expect(sentence).toBeGreaterThan(fitted);
  });

  it("writes the scenarios side by side: the comparison as a table with each range, a column chart of each scenario's expected profit", async () => {
    const { excel, log, written, ranges } = workbook();
    const result: ScenariosResult = {
      comparison: [
        ["scenario", "status", "changes", "expected_profit", "expected_profit_low", "expected_profit_high", "expected_revenue", "expected_units", "discounted_share", "anomaly_score", "rules_kept", "rules", "lift_profit", "lift_revenue", "bound_gap", "note"],
        ["Your settings", "succeeded", "nothing: the settings as you set them", 1302937, 1133283, 1481694, 2085634, 113453, 0.4, 0.66, 17, 17, 1.173, 1.18, 0, null],
        ["=Deeper", "succeeded", "discounts 0, 20, 40 %", 1315348, 1141624, 1498534, 2163338, 124177, 0.4, 0.65, 17, 17, 1.211, 1.25, 0, null],
        ["Impossible", "failed", "own locks", null, null, null, null, null, null, null, null, null, null, null, null, "product 'P0154' must be in the plan"],
      ],
      scenarios: [],
      best: "=Deeper",
    };
    await scenariosKind.write(new ExcelAdapter(excel), result, {});
    const sheet = written("Folio Scenarios");
    expect(sheet[0][0]).toBe("Scenarios side by side");
    // its range overlaps the runner-up's: the sheet crowns none either
    expect(sheet[1][0]).toMatch(/^No clear winner: ranges overlap\. “=Deeper” has the highest expected profit, 1,315,348/);
    expect(sheet[2].slice(0, 5)).toEqual(["scenario", "status", "expected profit", "low end (80\u00a0%)", "high end (80\u00a0%)"]);
    // a scenario's name is text, never a formula
    expect(sheet[4][0]).toBe("'=Deeper");
    expect(sheet[5].slice(14)).toEqual(["own locks", "product 'P0154' must be in the plan"]); // what it was, and why it failed
    expect(log.addedTables.filter((t) => t.sheet === "Folio Scenarios")).toHaveLength(1);
    const money = ranges.find((r) => r.sheet === "Folio Scenarios" && r.row === 3 && r.column === 2 && r.columns === 1 && r.rows === 3);
    expect(money?.mock.numberFormat).toEqual([['#,##0.00 "€"'], ['#,##0.00 "€"'], ['#,##0.00 "€"']]);
    // the native chart: one bar of expected profit per scenario (scenarios as categories); the
    // range's two ends are not drawn as bars of their own: they stay in the table
    expect(log.charts.map((c) => [c.sheet, c.type, c.chart.title.text])).toEqual([
      ["Folio Scenarios", "ColumnClustered", "Expected profit by scenario (its 80\u00a0% range: the table's low and high end)"],
    ]);
    const chart = log.charts[0];
    // bars from 0: Excel's own axis would start near the lowest of close bars
    expect(chart.chart.axes.valueAxis.minimum).toBe(0);
    expect(block(ranges, chart.source)).toEqual({ sheet: "Folio Scenarios", row: 2, column: 2, rows: 4, columns: 1 });
    expect(log.series.filter((x) => x.chart === chart.chart)).toEqual([]);
    expect(block(ranges, log.categories.find((x) => x.chart === chart.chart)!.range)).toEqual({ sheet: "Folio Scenarios", row: 3, column: 0, rows: 3, columns: 1 });
    expect(log.activated).toEqual(["Folio Scenarios"]);
  });

  it("keeps settings in the workbook's document settings", async () => {
    const { excel } = workbook();
    const fake = makeFakeSettings({ "folio.mapping": { history: "table:History" } });
    const adapter = new ExcelAdapter(excel, { settings: fake.settings });
    expect(await adapter.loadSetting("folio.mapping")).toEqual({ history: "table:History" });
    expect(await adapter.loadSetting("folio.job")).toBeUndefined();
    await adapter.saveSetting("folio.job", { id: "j1", kind: "plan" });
    expect(fake.saved.at(-1)).toEqual({ "folio.mapping": { history: "table:History" }, "folio.job": { id: "j1", kind: "plan" } });
    await adapter.saveSetting("folio.job", undefined);
    expect(await adapter.loadSetting("folio.job")).toBeUndefined();
  });

  it("reports a failed settings save", async () => {
    const { excel } = workbook();
    const fake = makeFakeSettings({}, true);
    await expect(new ExcelAdapter(excel, { settings: fake.settings }).saveSetting("k", 1)).rejects.toThrow(/read-only/);
  });
});

describe("cell and name helpers", () => {
  it("converts Excel serial dates and recognises date formats", () => {
    expect(excelSerialToIso(1)).toBe("1899-12-31");
    expect(excelSerialToIso(61)).toBe("1900-03-01");
    expect(excelSerialToIso(45658)).toBe("2025-01-01");
    expect(excelSerialToIso(45658.75)).toBe("2025-01-01T18:00:00");
    for (const f of ["yyyy-mm-dd", "m/d/yyyy", "[$-409]d-mmm-yy", "h:mm", "dd.mm.yyyy hh:mm"]) expect(isDateFormat(f)).toBe(true);
    for (const f of ["General", "0%", "#,##0.00", '0.0 "days"', "@", "[Red]#,##0", "0.00E+00", ""]) expect(isDateFormat(f)).toBe(false);
  });

  it("writes formula-looking text as text and nulls as empty", () => {
    expect(asCellText("=1+1")).toBe("'=1+1");
    expect(asCellText(null)).toBe("");
    expect(asCellText(Number.NaN)).toBe("");
    expect(asCellText(3)).toBe(3);
  });

  it("makes valid sheet and table names", () => {
    expect(safeSheetName("Plan: [draft]/2024 and a very long suffix")).toHaveLength(31);
    expect(safeSheetName("Plan: [draft]")).toBe("Plan   draft");
    expect(safeTableName("1 plan-table")).toBe("_1_plan_table");
  });
});

describe("ExcelAdapter: a multi-country plan", () => {
  const result: PlanResult = {
    plan: [
      ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "country"],
      [1, 1, "P1", 0.1, 120, 1080, 300.5, "DE"],
      [1, 1, "P2", 0, 80, 800, 250, "FR"],
    ],
    totals: { units: 200, revenue: 1880, profit: 550.5, products: 2, slots_used: 2 },
    rules: [
      { rule: "unique_products", limit: 1, value: 1, kept: true, country: "DE" },
      { rule: "unique_products", limit: 1, value: 1, kept: true, country: "FR" },
    ],
    convergence: [
      ["generation", "best", "mean", "feasible_share", "best DE", "best FR"],
      [0, 400, 300, 0.5, 250, 150],
      [1, 550.5, 420, 0.9, 300.5, 250],
    ],
    bound: 600,
    countries: [
      { country: "DE", status: "succeeded", totals: { units: 120, revenue: 1080, profit: 300.5, products: 1 }, objective: 300.5, bound: 310, bound_gap: 0.0306, stopped_by: "stagnation", generations_run: 7 },
      { country: "FR", status: "succeeded", totals: { units: 80, revenue: 800, profit: 250, products: 1 }, objective: 250, bound: 290, bound_gap: 0.138, stopped_by: "generations", generations_run: 10 },
      { country: "=PL", status: "failed", error: { code: "infeasible", detail: "no products for this country" } },
    ],
    run: { settings: { objective: "profit" }, countries: ["DE", "FR", "=PL"] },
  };

  it("writes the plan with its country column, the countries side by side on the summary, and the summed curve", async () => {
    const { excel, log, written, ranges } = workbook();
    const adapter = new ExcelAdapter(excel);
    await adapter.writeTable("Folio Plan", result.plan, { tableName: "FolioPlan", numberFormats: PLAN_FORMATS });
    expect(written("Folio Plan")[0].at(-1)).toBe("country");
    expect(written("Folio Plan").map((r) => r.at(-1))).toEqual(["country", "DE", "FR"]);

    await adapter.writeReport("Folio Summary", planSummaryBlocks(result), { activate: false });
    const sheet = written("Folio Summary");
    const titleRow = sheet.findIndex((r) => r?.[0] === "By country");
    expect(titleRow).toBeGreaterThan(0);
    expect(sheet[titleRow + 1]).toEqual(["country", "status", "units", "revenue", "profit", "products", "bound", "gap to bound", "stopped by", "generations", "error"]);
    expect(sheet[titleRow + 2]).toEqual(["DE", "succeeded", 120, 1080, 300.5, 1, 310, 0.0306, "no better plan", 7, ""]);
    expect(sheet[titleRow + 3].slice(0, 2)).toEqual(["FR", "succeeded"]);
    // a failed country: its reason, and user text stays text
    expect(sheet[titleRow + 4]).toEqual(["'=PL", "failed", "", "", "", "", "", "", "", "", "infeasible: no products for this country"]);
    // a formatted Excel table, with number formats
    const byCountry = log.addedTables.find((t) => t.sheet === "Folio Summary");
    expect(byCountry?.table.style).toBe("TableStyleMedium2");
    const gap = ranges.find((r) => r.sheet === "Folio Summary" && r.row === titleRow + 2 && r.column === 7 && r.rows === 3);
    expect(gap?.mock.numberFormat).toEqual([["0.0%"], ["0.0%"], ["0.0%"]]);
    const revenue = ranges.find((r) => r.sheet === "Folio Summary" && r.row === titleRow + 2 && r.column === 3 && r.rows === 3);
    expect(revenue?.mock.numberFormat[0][0]).toContain("€");
    // the rules name their country
    const rulesRow = sheet.findIndex((r) => r?.[0] === "Rules");
    expect(sheet[rulesRow + 1]).toEqual(["country", "rule", "detail", "kept"]);
    expect(sheet[rulesRow + 2].slice(0, 2)).toEqual(["DE", "Each product at most once"]);

    // the convergence sheet: summed best and mean charted, the per-country columns kept in the table
    await adapter.writeTable("Folio Convergence", result.convergence, { tableName: "FolioConvergence", activate: false, chart: CONVERGENCE_CHART });
    expect(written("Folio Convergence")[0]).toEqual(["generation", "best", "mean", "feasible_share", "best DE", "best FR"]);
    expect(log.charts).toHaveLength(1);
  });
});
