import { describe, expect, it } from "vitest";
import { ExcelAdapter, asCellText, safeSheetName, safeTableName } from "./excel";
import { makeFakeExcel } from "./testing/fakeExcel";

const history = [
  ["campaign", "product_id", "units"],
  [1, "A", 10],
  [1, "B", 12],
  [2, "A", 9],
  [2, "B", 15],
  [3, "A", 11],
];

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

describe("office-addin-mock behaves like Excel", () => {
  it("gives an error value for a property read before load() and sync()", async () => {
    const { excel } = workbook();
    const range = excel.context.workbook.worksheets.getItem("Data").getRangeByIndexes(0, 0, 1, 1);
    expect(String(range.values)).toMatch(/not loaded/);
    range.load("values");
    expect(String(range.values)).toMatch(/sync/);
    await excel.context.sync();
    expect(range.values).toEqual([[""]]);
  });
});

describe("ExcelAdapter", () => {
  it("lists named tables first, then sheets", async () => {
    const { excel } = workbook();
    const sources = await new ExcelAdapter(excel).listSources();
    expect(sources.map((s) => s.label)).toEqual(["Table History", "Table Convergence", "Sheet Data", "Sheet Products"]);
    expect(sources[0].source).toEqual({ kind: "table", name: "History" });
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
    expect([added.range.rowCount, added.range.columnCount].map(String)).toEqual(
      // never loaded by the adapter: the mock still says so
      [expect.stringMatching(/not loaded/), expect.stringMatching(/not loaded/)],
    );
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

describe("cell and name helpers", () => {
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
