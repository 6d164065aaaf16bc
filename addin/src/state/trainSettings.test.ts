// @vitest-environment node
import { describe, expect, it } from "vitest";
import { DEFAULT_TRAIN, trainErrorsFrom, trainSummary, validateTrain } from "./trainSettings";

describe("forecast settings of a Train job", () => {
  it("sends nothing for the defaults: the server decides", () => {
    expect(validateTrain(DEFAULT_TRAIN)).toEqual({ options: {}, errors: {} });
    expect(trainSummary(DEFAULT_TRAIN)).toBe("Folio's defaults");
  });

  it("turns what was typed into options, unknown presets left out", () => {
    const form = { ...DEFAULT_TRAIN, select_by: "wape" as const, season: "0", folds: "5", candidates: ["pooled", "nonsense", "linear"] };
    expect(validateTrain(form).options).toEqual({ select_by: "wape", season: 0, folds: 5, candidates: ["linear", "pooled"] });
  });

  it("names every bad field with the server's ranges", () => {
    const { options, errors } = validateTrain({ ...DEFAULT_TRAIN, holdout_campaigns: "0", gap: "1.5", season: "105", folds: "21" });
    expect(options).toBeUndefined();
    expect(errors).toEqual({
      holdout_campaigns: "Campaigns ahead must be between 1 and 52 (or blank)",
      gap: "Gap must be a whole number (or blank)",
      season: "Campaigns per year must be between 0 and 104 (or blank)",
      folds: "Backtest origins must be between 1 and 20 (or blank)",
    });
  });

  it("puts a server's refusal under the train field it names, and only those", () => {
    expect(trainErrorsFrom({ code: "invalid_job", errors: [{ column: "season", message: "too big" }, { column: "countries", message: "x" }] }))
      .toEqual({ season: "too big" });
    expect(trainErrorsFrom({ code: "invalid_job", errors: [{ column: "countries", message: "x" }] })).toBeUndefined();
    expect(trainErrorsFrom({ code: "invalid_settings", errors: [{ column: "gap", message: "x" }] })).toBeUndefined();
  });
});
