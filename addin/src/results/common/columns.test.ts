// @vitest-environment node
import { describe, expect, it } from "vitest";
import { columnsOf } from "./columns";
import { differingSlots } from "../score/words";

describe("reading a result table by column name", () => {
  it("matches names trimmed and case-blind, takes the first name the header has, null when none", () => {
    const cols = columnsOf([[" Scenario ", "PROFIT_LOW", "expected_profit_low"], ["A", 1, 2]]);
    expect(cols.index("scenario")).toBe(0);
    expect(cols.at(["A", 1, 2], "expected_profit_low", "profit_low")).toBe(2);
    expect(cols.at(["A", 1, 2], "missing", "profit_low")).toBe(1);
    expect(cols.at(["A"], "expected_profit_low")).toBeNull();
    expect(cols.index("missing")).toBe(-1);
    expect(columnsOf(undefined).at(["x"], "scenario")).toBeNull();
  });

  it("keeps the slots where your plan and Folio's differ, header first", () => {
    const header = ["page", "slot", "your_product", "your_discount", "folio_product", "folio_discount"];
    const same = [1, 1, "P1", 0, "P1", 0];
    const moved = [1, 2, "P2", 0, "P3", 0];
    const deeper = [1, 3, "P4", 0, "P4", 0.2];
    expect(differingSlots([header, same, moved, deeper])).toEqual([header, moved, deeper]);
    expect(differingSlots(undefined)).toEqual([]);
  });
});
