import { describe, expect, it } from "vitest";
import { problemOffset, parseA1, parseRangeAddress, toA1 } from "./a1";
import { sourceFromKey, sourceKey, trimTable } from "./adapter";
import { BrowserAdapter } from "./browser";
import { detectHost } from "./detect";

describe("BrowserAdapter", () => {
  it("serves the sheets of the loaded workbook, trimmed", async () => {
    const a = new BrowserAdapter();
    a.setWorkbook({ history: [["a", "b", ""], [1, 2, ""], ["", "", ""]], notes: [] }, "demo.xlsx");
    expect(a.fileName).toBe("demo.xlsx");
    expect(await a.listSources()).toEqual([
      { source: { kind: "sheet", name: "history" }, label: "history", rows: 1, columns: ["a", "b"] },
      { source: { kind: "sheet", name: "notes" }, label: "notes", rows: 0, columns: [] },
    ]);
    expect(await a.readTable({ kind: "sheet", name: "history" })).toEqual({
      values: [["a", "b"], [1, 2]],
      origin: { sheet: "history", row: 0, column: 0 },
    });
    await expect(a.readTable({ kind: "sheet", name: "nope" })).rejects.toThrow(/no sheet named "nope"/);
    await expect(a.readTable({ kind: "table", name: "T" })).rejects.toThrow(/whole sheets/);
  });

  it("keeps written tables and appended rows", async () => {
    const a = new BrowserAdapter();
    await a.writeTable("Conv", [["g"], [0]], { tableName: "C" });
    await a.appendRows("C", [[1], [2]]);
    expect(a.outputs.get("Conv")?.table).toEqual([["g"], [0], [1], [2]]);
    await expect(a.appendRows("Nope", [[1]])).rejects.toThrow();
  });
});

describe("host detection", () => {
  it("is the page without Office, or when Office.onReady says host null", async () => {
    expect(await detectHost(undefined)).toBe("browser");
    expect(await detectHost({ onReady: async () => ({ host: null }) })).toBe("browser");
    expect(await detectHost({ onReady: async () => ({ host: "Excel" }), HostType: { Excel: "Excel" } })).toBe("excel");
    expect(await detectHost({ onReady: async () => ({ host: "Word" }), HostType: { Excel: "Excel" } })).toBe("browser");
    expect(await detectHost({ onReady: () => new Promise(() => {}) }, 10)).toBe("browser");
  });
});

describe("addresses and sources", () => {
  it("converts A1 addresses", () => {
    expect(toA1(0, 0)).toBe("A1");
    expect(toA1(9, 27)).toBe("AB10");
    expect(parseA1("$AB$10")).toEqual({ row: 9, column: 27 });
    expect(parseA1("nope")).toBeUndefined();
    expect(parseRangeAddress("'My ''Data'''!B2:D4")).toEqual({
      sheet: "My 'Data'",
      start: { row: 1, column: 1 },
      end: { row: 3, column: 3 },
    });
  });

  it("locates a problem from its cell, or from row and column name", () => {
    expect(problemOffset({ cell: "C5" }, undefined)).toEqual({ row: 4, column: 2 });
    expect(problemOffset({ row: 5, column: "Units" }, ["campaign", "product_id", "units"])).toEqual({ row: 4, column: 2 });
    expect(problemOffset({ column: "units" }, ["units"])).toBeUndefined();
  });

  it("round-trips source keys and trims tables", () => {
    for (const s of [
      { kind: "table" as const, name: "History" },
      { kind: "sheet" as const, name: "a:b" },
      { kind: "range" as const, sheet: "S!1", address: "A1:B2" },
    ])
      expect(sourceFromKey(sourceKey(s))).toEqual(s);
    expect(trimTable([[1, null, ""], ["", "", ""]])).toEqual([[1]]);
  });
});
