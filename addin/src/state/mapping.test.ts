// @vitest-environment node
import { describe, expect, it } from "vitest";
import { productNames } from "./products";
import { EMPTY_MAPPING, autoMap, mappingFromKeys, mappingKeys, missingForRun, roleFromHeader, rowCounts } from "./mapping";

const src = (name: string, rows?: number) => ({ source: { kind: "sheet" as const, name }, label: name, ...(rows === undefined ? {} : { rows }) });

describe("mapping tables to roles", () => {
  it("maps sheets to roles by name", () => {
    const m = autoMap([src("Notes"), src("Sales history"), src("Products"), src("category_limits"), src("Slots")]);
    expect(m.history).toEqual({ kind: "sheet", name: "Sales history" });
    expect(m.products).toEqual({ kind: "sheet", name: "Products" });
    expect(m.slots).toEqual({ kind: "sheet", name: "Slots" });
    expect(m.category_limits).toEqual({ kind: "sheet", name: "category_limits" });
    expect(autoMap([src("Notes")]).history).toBeNull();
  });

  it("keeps the user's choices that still exist, and a fixed range always", () => {
    const range = { kind: "range" as const, sheet: "S", address: "A1:C9" };
    const current = { ...EMPTY_MAPPING, history: { kind: "sheet" as const, name: "Notes" }, products: range, slots: { kind: "sheet" as const, name: "Gone" } };
    const m = autoMap([src("Notes"), src("Slots"), src("history")], current);
    expect(m.history).toEqual({ kind: "sheet", name: "Notes" });
    expect(m.products).toEqual(range);
    // the vanished choice is guessed again by name
    expect(m.slots).toEqual({ kind: "sheet", name: "Slots" });
    // a sheet is given one role only
    expect(autoMap([src("Product history")])).toMatchObject({ history: { name: "Product history" }, products: null });
  });

  it("maps a lone sheet by its header when no name says its role", () => {
    const sheet = (name: string, columns: string[]) => ({ ...src(name), columns });
    // a csv named after its export, with history's columns in another case and spacing
    expect(autoMap([sheet("export_2024", [" Campaign", "PRODUCT_ID ", "Units", "price"])]).history).toEqual({ kind: "sheet", name: "export_2024" });
    // products' columns (product_id, price) without campaign or units: products, not history
    const m = autoMap([sheet("Sheet1", ["campaign", "product_id", "units", "price"]), sheet("Sheet2", ["product_id", "price", "unit_cost", "name"])]);
    expect(m).toMatchObject({ history: { name: "Sheet1" }, products: { name: "Sheet2" }, slots: null });
    expect(autoMap([sheet("Sheet3", ["page", "slot", "featured"]), sheet("Sheet4", ["Category", "min", "max"])])).toMatchObject({
      slots: { name: "Sheet3" },
      category_limits: { name: "Sheet4" },
    });
    // a name wins over a header; a header missing a required column maps nothing
    expect(autoMap([sheet("history", ["x"]), sheet("Sheet1", ["campaign", "product_id", "units"])])).toMatchObject({ history: { name: "history" }, products: null });
    expect(autoMap([sheet("Sheet1", ["campaign", "product_id"])]).history).toBeNull();
    expect(roleFromHeader(["product_id", "units", "campaign", "page", "slot"])).toBe("history");
    expect(roleFromHeader(undefined)).toBeUndefined();
  });

  it("guesses the rule tables and the planner's plan by their exact names only, never the pane's own sheets", () => {
    const sheet = (name: string, columns: string[] = []) => ({ ...src(name), columns });
    const m = autoMap([sheet("history"), sheet("products"), sheet("Brand limits"), sheet("Locks"), sheet("Keep apart"), sheet("My plan")]);
    expect(m).toMatchObject({
      brand_limits: { name: "Brand limits" },
      locks: { name: "Locks" },
      page_conflicts: { name: "Keep apart" },
      plan: { name: "My plan" },
      // "Brand limits" holds the word "limits", but its own role's exact name comes first
      category_limits: null,
    });
    // part of a name is not enough for a rule table ("Blocks" holds "locks"), nor a header
    expect(autoMap([sheet("Blocks"), sheet("Sheet9", ["page", "slot", "product_id", "discount"])])).toMatchObject({ locks: null, plan: null, history: null });
    // Folio's own output sheets and tables are never taken for an input
    expect(autoMap([sheet("Folio Plan", ["page", "slot", "product_id"]), sheet("Folio history"), { source: { kind: "table" as const, name: "FolioPlan" }, label: "t" }])).toEqual(EMPTY_MAPPING);
  });

  it("round-trips through the keys a workbook remembers", () => {
    const m = { ...EMPTY_MAPPING, history: { kind: "table" as const, name: "History" }, products: { kind: "range" as const, sheet: "My sheet", address: "A1:B2" }, plan: { kind: "range" as const, sheet: "Draft", address: "B2:E40" } };
    expect(mappingKeys(m)).toEqual({ history: "table:History", products: "range:My sheet!A1:B2", plan: "range:Draft!B2:E40" });
    expect(mappingFromKeys(mappingKeys(m))).toEqual(m);
    expect(mappingFromKeys({ history: "bogus", slots: 3 })).toEqual(EMPTY_MAPPING);
  });

  it("counts rows from the source list, else from the last read", () => {
    const m = { ...EMPTY_MAPPING, history: { kind: "sheet" as const, name: "H" }, products: { kind: "table" as const, name: "P" } };
    expect(rowCounts(m, [src("H", 12)], { history: 99, products: 5, slots: 7 })).toEqual({ history: 12, products: 5 });
  });
});

describe("what a run needs", () => {
  it("asks for the history first, then the products for a plan, then the planner's plan for a score", () => {
    const none = missingForRun(EMPTY_MAPPING, "browser");
    expect(Object.keys(none).sort()).toEqual(["explore", "plan", "scenarios", "score", "train"]);
    expect(none.train).toMatch(/^Load your sales history first/);
    expect(missingForRun(EMPTY_MAPPING, "excel").plan).toMatch(/Choose the table that holds your sales history/);
    const history = { ...EMPTY_MAPPING, history: { kind: "sheet" as const, name: "h" } };
    const products = expect.stringMatching(/candidate products/);
    expect(missingForRun(history, "browser")).toEqual({ plan: products, scenarios: products, score: products });
    const both = { ...history, products: { kind: "sheet" as const, name: "p" } };
    expect(missingForRun(both, "browser")).toEqual({ score: expect.stringMatching(/^Score needs your own plan/) });
    expect(missingForRun({ ...both, plan: { kind: "sheet", name: "mine" } }, "browser")).toEqual({});
  });
});

describe("product names", () => {
  it("maps product_id to name when the products table has one", () => {
    const names = productNames([[" Product_ID", "price", "Name "], ["P1", 3, "Rose cream"], [7, 2, " Lip balm "], ["P3", 1, ""], [null, 1, "x"]]);
    expect([...names!]).toEqual([["P1", "Rose cream"], ["7", "Lip balm"]]);
    expect(productNames([["product_id", "price"], ["P1", 3]])).toBeUndefined();
    expect(productNames(undefined)).toBeUndefined();
  });
});
