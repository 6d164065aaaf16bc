// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { DatasetRecord, Tables } from "../api/types";
import { signature } from "./dataset";
import { datasetGone, parseSavedDataset, restoredWorkbook, savedDataset } from "./savedDataset";

describe("the page's dataset across a reload", () => {
  it("keeps the id and the name; reads back only what it kept", () => {
    const kept = savedDataset({ id: "ds_0a1b" }, "sales 2025.xlsx");
    expect(kept).toEqual({ id: "ds_0a1b", name: "sales 2025.xlsx" });
    expect(parseSavedDataset(JSON.parse(JSON.stringify(kept)))).toEqual(kept);
    expect(savedDataset({ id: "ds_1" }, undefined).name).toBe("Workbook");
    for (const junk of [null, "ds_1", 7, {}, { id: 3 }, { id: "job_1" }, { id: "ds_../../x" }, { id: `ds_${"a".repeat(80)}` }])
      expect(parseSavedDataset(junk)).toBeUndefined();
    expect(parseSavedDataset({ id: "ds_1", name: 4 })).toEqual({ id: "ds_1", name: "Workbook" });
  });

  it("makes the page's workbook again from the server's record: one sheet per table, the same signature a run would compute", () => {
    const history = [["campaign", "product_id", "units", null], ["2025-01", "P1", 3, null], [null, null, null, null]];
    const products = [["product_id", "price"], ["P1", 9.5]];
    const record: DatasetRecord = {
      id: "ds_7",
      name: "Demo workbook",
      row_counts: { history: 1, products: 1 },
      tables: { products, history, ghost: [["x"]] } as unknown as Tables,
    };
    const found = restoredWorkbook(record, { id: "ds_7", name: "old name" })!;
    expect(Object.keys(found.sheets)).toEqual(["history", "products"]); // role order, unknown tables left out
    expect(found.sheets.history).toEqual([["campaign", "product_id", "units"], ["2025-01", "P1", 3]]); // trimmed as the page trims
    expect(found.name).toBe("Demo workbook");
    expect(found.dataset.id).toBe("ds_7");
    expect(found.dataset.rows).toEqual({ history: 1, products: 1 });
    // what ensureDataset computes from the restored sheets, read back in role order: nothing is sent again
    expect(found.dataset.signature).toBe(signature({ history: found.sheets.history, products: found.sheets.products }));
    // a record without a history to plan from is no workbook
    expect(restoredWorkbook({ id: "ds_8", name: "x", tables: { products } }, { id: "ds_8", name: "x" })).toBeUndefined();
    expect(restoredWorkbook({ id: "ds_8", name: "" }, { id: "ds_8", name: "x" })).toBeUndefined();
  });

  it("names each table's sheet again as it was named when the dataset was made (was: by its role)", () => {
    const history = [["campaign", "product_id", "units"], ["2025-01", "P1", 3]];
    const products = [["product_id", "price"], ["P1", 9.5]];
    const kept = savedDataset({ id: "ds_9", sheets: { history: "Sales 2025", products: "Catalogue" } }, "mine.xlsx");
    expect(kept).toEqual({ id: "ds_9", name: "mine.xlsx", sheets: { history: "Sales 2025", products: "Catalogue" } });
    const saved = parseSavedDataset(JSON.parse(JSON.stringify(kept)))!;
    expect(saved).toEqual(kept);
    const found = restoredWorkbook({ id: "ds_9", name: "mine.xlsx", tables: { history, products } }, saved)!;
    expect(Object.keys(found.sheets)).toEqual(["Sales 2025", "Catalogue"]);
    expect(found.roles).toEqual({ history: "Sales 2025", products: "Catalogue" });
    expect(found.dataset.signature).toBe(signature({ history, products })); // the same tables by role: nothing sent again
    // no names kept (an older page), or a name twice: the role's name
    expect(Object.keys(restoredWorkbook({ id: "ds_9", name: "x", tables: { history, products } }, { id: "ds_9", name: "x" })!.sheets)).toEqual(["history", "products"]);
    expect(parseSavedDataset({ id: "ds_9", name: "x", sheets: { history: "A", products: "A", nope: "B" } })).toEqual({ id: "ds_9", name: "x", sheets: { history: "A" } });
  });

  it("drops a remembered dataset only when the server says it is gone", () => {
    expect(datasetGone("not_found")).toBe(true);
    for (const code of ["unauthorized", "network", "internal", undefined]) expect(datasetGone(code)).toBe(false);
  });
});
