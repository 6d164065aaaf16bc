// @vitest-environment node
import { describe, expect, it } from "vitest";
import { locateKey } from "./dataset";
import { DEFAULT_SETTINGS, validateSettings } from "./planSettings";
import { checkScenarios, deeperLevels, describeDraft, newScenario, savedDrafts, scenarioProblemField, startingScenarios } from "./scenarios";
import type { ScenarioDraft } from "./scenarios";

let n = 0;
const draft = (name: string, changes: ScenarioDraft["changes"] = {}, tables: ScenarioDraft["tables"] = {}): ScenarioDraft => ({ id: `d${++n}`, name, changes, tables });

describe("the rule settings of the plan form", () => {
  it("sends them only when filled in, checked like the others", () => {
    expect(validateSettings(DEFAULT_SETTINGS).settings).not.toHaveProperty("min_margin");
    expect(validateSettings(DEFAULT_SETTINGS).settings).not.toHaveProperty("max_same_category_per_page");
    const filled = validateSettings({ ...DEFAULT_SETTINGS, min_margin: "20 %", max_same_category_per_page: "2" });
    expect(filled.settings).toMatchObject({ min_margin: 0.2, max_same_category_per_page: 2 });
    const bad = validateSettings({ ...DEFAULT_SETTINGS, min_margin: "120", max_same_category_per_page: "0" });
    expect(bad.errors).toEqual({ min_margin: "Minimum margin must be at most 99", max_same_category_per_page: "At most per page must be between 1 and 1,000" });
  });
});

describe("what-if scenarios as drafted", () => {
  it("starts from the plan as set and one deeper discount", () => {
    expect(deeperLevels("0, 10, 20, 30 %")).toBe("0, 10, 20, 30, 40 %");
    expect(deeperLevels("0, 15, 25")).toBe("0, 15, 25, 35 %");
    expect(deeperLevels("0, 90")).toBe("0, 90 %");
    expect(deeperLevels("nonsense")).toBe("0, 10, 20, 30, 40 %");
    const [a, b] = startingScenarios(DEFAULT_SETTINGS);
    expect([a.name, b.name]).toEqual(["Your settings", "Deeper discounts"]);
    expect(b.changes).toEqual({ discount_levels: "0, 10, 20, 30, 40 %" });
    expect(newScenario([a, b]).name).toBe("Scenario 3");
  });

  it("sends only what each scenario changes, and its own tables (or none)", () => {
    const checked = checkScenarios(
      [
        draft("Your settings"),
        draft("Deeper", { discount_levels: "0, 10, 20, 30, 40 %", min_margin: " " }),
        draft("Own locks", { min_margin: "25", objective: "revenue" }, { locks: "sheet:Locks B", brand_limits: "none" }),
      ],
      DEFAULT_SETTINGS,
    );
    expect(checked.errors).toEqual({ scenarios: {} });
    expect(checked.scenarios!.map((s) => [s.name, s.settings, s.tables])).toEqual([
      ["Your settings", {}, {}],
      ["Deeper", { discount_levels: [0, 0.1, 0.2, 0.3, 0.4] }, {}],
      ["Own locks", { min_margin: 0.25, objective: "revenue" }, { locks: { kind: "sheet", name: "Locks B" }, brand_limits: null }],
    ]);
  });

  it("refuses fewer than 2 or more than 8, names twice, a bad change and a vanished table, each where it is", () => {
    expect(checkScenarios([draft("Only")], DEFAULT_SETTINGS).errors.list).toBe("Compare 2 to 8 scenarios (there are 1).");
    expect(checkScenarios(Array.from({ length: 9 }, (_, i) => draft(`S${i}`)), DEFAULT_SETTINGS).errors.list).toMatch(/there are 9/);
    const drafts = [draft("A", { discount_levels: "0, 95" }), draft("A"), draft(" ", { max_discounted_share: "x" }), draft("B", {}, { locks: "sheet:Gone" }), draft("C")];
    const bad = checkScenarios(drafts, DEFAULT_SETTINGS, (s) => s.kind === "sheet" && s.name !== "Gone");
    expect(bad.scenarios).toBeUndefined();
    const [a1, a2, blank, b] = drafts.map((d) => d.id);
    expect(bad.errors.scenarios).toEqual({
      [a1]: { discount_levels: "Discount levels are percents from 0 to 90 (got 95)" },
      [a2]: { name: "Another scenario has this name" },
      [blank]: { name: "Give the scenario a name", max_discounted_share: "Max discounted share must be a number" },
      [b]: { locks: "That table is no longer in the workbook" },
    });
  });

  it("refuses a scenario that plans the same as another (same seed, settings and tables: the same plan)", () => {
    const drafts = [draft("Your settings"), draft("Scenario 3"), draft("Max 40", { max_discounted_share: "40" }), draft("Own locks", {}, { locks: "sheet:Locks B" })];
    const checked = checkScenarios(drafts, DEFAULT_SETTINGS);
    expect(checked.scenarios).toBeUndefined();
    // "Max 40" sets the form's own 40 %: that changes nothing either
    expect(checked.errors.scenarios).toEqual({
      [drafts[1].id]: { name: "Plans the same as “Your settings”: change a setting or a table" },
      [drafts[2].id]: { name: "Plans the same as “Your settings”: change a setting or a table" },
    });
  });

  it("reads drafts a workbook kept, dropping what does not fit", () => {
    const kept = [
      { id: "a", name: "A", changes: { min_margin: "20", population: "9", objective: 3 }, tables: { locks: "sheet:L", history: "sheet:H" } },
      { id: "b", name: 7, changes: {}, tables: {} },
      "junk",
    ];
    expect(savedDrafts(kept)).toEqual([{ id: "a", name: "A", changes: { min_margin: "20" }, tables: { locks: "sheet:L" } }]);
    expect(savedDrafts({ not: "a list" })).toEqual([]);
  });

  it("says what a scenario changes in a few words", () => {
    expect(describeDraft(draft("x"))).toBe("as set above");
    expect(describeDraft(draft("x", { discount_levels: "0, 10, 40 %", min_margin: "20" }, { locks: "sheet:Locks B", page_conflicts: "none" }), (k) => k.slice(6))).toBe(
      "discounts 0, 10, 40\u00a0% · min margin 20\u00a0% · own locks (Locks B) · no kept apart",
    );
  });
});

describe("a problem's cell in a scenario's own table", () => {
  it("goes to that scenario's table when the server names the scenario, else to the dataset's", () => {
    const known = { locks: 1, "locks@Own locks": 1, plan: 1 };
    expect(locateKey({ table: "locks", scenario: "Own locks", message: "scenario 'Own locks': product 'P9' is not in the products table" }, known)).toBe("locks@Own locks");
    expect(locateKey({ table: "locks", scenario: "Other", message: "scenario 'Other': page 99 is not in the slots table" }, known)).toBe("locks");
    // the problem's scenario field says whose table it is; the words of the message do not
    expect(locateKey({ table: "locks", message: "scenario 'Own locks': product 'P9' is not in the products table" }, known)).toBe("locks");
    expect(locateKey({ table: "locks", scenario: "Own locks", message: "product 'P9' is not in the products table" }, known)).toBe("locks@Own locks");
    expect(locateKey({ table: "plan", message: "page: expected a number" }, known)).toBe("plan");
    expect(locateKey({ table: "brand_limits" }, known)).toBeUndefined();
    expect(locateKey({ message: "no table" }, known)).toBeUndefined();
  });
});

describe("a server's problem of one scenario", () => {
  it("goes to the draft its scenario field names (name or place) and to the field or table it is about", () => {
    const drafts = [{ ...draft("Your settings"), id: "a" }, { ...draft(" Own locks "), id: "b" }];
    expect(scenarioProblemField({ scenario: "Own locks", column: "scenarios[1].min_margin", message: "too high" }, drafts)).toEqual({ id: "b", field: "min_margin" });
    expect(scenarioProblemField({ scenario: "Own locks", table: "locks", column: "discount", cell: "D3" }, drafts)).toEqual({ id: "b", field: "locks" });
    expect(scenarioProblemField({ scenario: 1, column: "scenarios[1].name", message: "two scenarios are named 'x'" }, drafts)).toEqual({ id: "b", field: "name" });
    expect(scenarioProblemField({ scenario: 0, column: "scenarios[0].population" }, drafts)).toEqual({ id: "a", field: "name" });
    // no scenario field: not matched by reading the message or the column
    expect(scenarioProblemField({ column: "scenarios[1].min_margin", message: "scenario 'Own locks': too high" }, drafts)).toBeUndefined();
    expect(scenarioProblemField({ scenario: "Gone", table: "locks" }, drafts)).toBeUndefined();
  });
});
