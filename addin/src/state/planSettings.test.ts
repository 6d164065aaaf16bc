// @vitest-environment node
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, countriesInHistory, fieldErrorsFrom, parseDiscountLevels, validateCountries, validateSettings } from "./planSettings";

describe("plan settings validation", () => {
  it("turns the defaults into contract settings", () => {
    const { settings, errors } = validateSettings(DEFAULT_SETTINGS);
    expect(errors).toEqual({});
    expect(settings).toMatchObject({
      pages: 8,
      slots_per_page: 6,
      discount_levels: [0, 0.1, 0.2, 0.3],
      objective: "profit",
      max_discounted_share: 0.4,
      population: 60,
      time_limit_s: 60,
      seed: 42,
    });
    // no cap on generations unless the planner sets one: the time limit is used (the engine's default)
    expect(settings).not.toHaveProperty("generations");
    expect(validateSettings({ ...DEFAULT_SETTINGS, generations: " 25 " }).settings).toMatchObject({ generations: 25 });
  });

  it("parses discount levels written as percents", () => {
    expect(parseDiscountLevels("30%, 0 ,10;20 %")).toEqual([0, 0.1, 0.2, 0.3]);
    expect(parseDiscountLevels("12.5")).toEqual([0.125]);
    expect(parseDiscountLevels("")).toMatch(/at least one/);
    expect(parseDiscountLevels("0, 95")).toMatch(/0 to 90/);
    expect(parseDiscountLevels("ten")).toMatch(/not a number/);
  });

  it("names every bad field", () => {
    const { settings, errors } = validateSettings({
      ...DEFAULT_SETTINGS,
      pages: "0",
      generations: "1.5",
      time_limit_s: "0",
      population: "",
      seed: "-1",
      max_discounted_share: "120",
    });
    expect(settings).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(
      ["generations", "max_discounted_share", "pages", "population", "seed", "time_limit_s"].sort(),
    );
    expect(errors.generations).toMatch(/whole number/);
    expect(errors.time_limit_s).toMatch(/more than 0/);
  });
});

describe("countries of a plan", () => {
  it("lists the history's countries and checks the choice", () => {
    const history = [["campaign", " Country ", "units"], [1, "FR", 1], [1, "DE", 2], [2, " FR", 3], [2, "", 4], [2, null, 5]];
    expect(countriesInHistory(history)).toEqual(["DE", "FR"]);
    expect(countriesInHistory([["campaign", "units"], [1, 2]])).toEqual([]);
    expect(validateCountries({ mode: "one" }, ["DE"])).toEqual({});
    expect(validateCountries({ mode: "all" }, ["DE", "FR"])).toEqual({ countries: "all" });
    expect(validateCountries({ mode: "all" }, undefined)).toEqual({ countries: "all" });
    // nothing unticked yet: every country
    expect(validateCountries({ mode: "choose" }, ["DE", "FR"])).toEqual({ countries: "all" });
    // in the history's order, and only countries it still has
    expect(validateCountries({ mode: "choose", chosen: ["FR", "PL", "DE"] }, ["DE", "FR"])).toEqual({ countries: ["DE", "FR"] });
    expect(validateCountries({ mode: "choose", chosen: ["PL"] }, ["DE", "FR"]).error).toBe("Choose at least one country");
    expect(validateCountries({ mode: "all" }, []).error).toMatch(/no country column/);
    expect(validateCountries({ mode: "choose", chosen: [] }, undefined).error).toBe("Choose at least one country");
  });
});

describe("a server's refusal under the fields", () => {
  it("puts bad settings under their fields and an unknown country under Countries", () => {
    expect(
      fieldErrorsFrom({ code: "invalid_settings", errors: [{ column: "generations", message: "must be >= 1" }, { column: "nonsense", message: "x" }] }),
    ).toEqual({ generations: "must be >= 1" });
    expect(fieldErrorsFrom({ code: "invalid_job", detail: "no sales history for 'IT'", errors: [{ column: "countries" }] })).toEqual({
      countries: "no sales history for 'IT'",
    });
    expect(fieldErrorsFrom({ code: "invalid_table", errors: [{ column: "countries", message: "x" }] })).toBeUndefined();
    expect(fieldErrorsFrom({ code: "invalid_settings", errors: [] })).toBeUndefined();
  });
});
