// @vitest-environment node
import { describe, expect, it } from "vitest";
import { EMPTY_MAPPING, autoMap, mappingFromKeys, mappingKeys, rowCounts } from "./mapping";

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

  it("round-trips through the keys a workbook remembers", () => {
    const m = { ...EMPTY_MAPPING, history: { kind: "table" as const, name: "History" }, products: { kind: "range" as const, sheet: "My sheet", address: "A1:B2" } };
    expect(mappingKeys(m)).toEqual({ history: "table:History", products: "range:My sheet!A1:B2" });
    expect(mappingFromKeys(mappingKeys(m))).toEqual(m);
    expect(mappingFromKeys({ history: "bogus", slots: 3 })).toEqual(EMPTY_MAPPING);
  });

  it("counts rows from the source list, else from the last read", () => {
    const m = { ...EMPTY_MAPPING, history: { kind: "sheet" as const, name: "H" }, products: { kind: "table" as const, name: "P" } };
    expect(rowCounts(m, [src("H", 12)], { history: 99, products: 5, slots: 7 })).toEqual({ history: 12, products: 5 });
  });
});
