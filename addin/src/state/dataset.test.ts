// @vitest-environment node
import { describe, expect, it } from "vitest";
import { NO_DATASET, campaignCount, datasetReducer, datasetStatus, datasetWarnings, signature } from "./dataset";
import type { DatasetState } from "./dataset";

describe("the dataset's state", () => {
  const info = { id: "ds-1", signature: "s", rows: { history: 27146, products: 300 } };

  it("reads, sends, is ready; a change makes it stale, a failure falls back", () => {
    let s: DatasetState = NO_DATASET;
    s = datasetReducer(s, { type: "changed" });
    expect(s).toEqual(NO_DATASET); // nothing sent yet: nothing to be stale
    s = datasetReducer(s, { type: "reading" });
    expect(datasetReducer(s, { type: "failed" })).toEqual({ dataset: null, phase: "idle" });
    s = datasetReducer(datasetReducer(s, { type: "uploading" }), { type: "ready", dataset: info });
    expect(s).toEqual({ dataset: info, phase: "ready" });
    s = datasetReducer(s, { type: "changed" });
    expect(s.phase).toBe("stale");
    // the same tables again: the last dataset is ready once more
    expect(datasetReducer(datasetReducer(s, { type: "reading" }), { type: "ready" })).toEqual({ dataset: info, phase: "ready" });
    // a failure while sending new tables: the old dataset is stale, not lost
    expect(datasetReducer(datasetReducer(s, { type: "uploading" }), { type: "failed" })).toEqual({ dataset: info, phase: "stale" });
    // a failure after the dataset was ready (the job was refused) leaves it ready
    const ready = datasetReducer(s, { type: "ready" });
    expect(datasetReducer(ready, { type: "failed" })).toBe(ready);
  });

  it("says what the next run uses", () => {
    const page = { historyMapped: false, mode: "browser" as const };
    expect(datasetStatus(NO_DATASET, page)).toBe("No data loaded.");
    expect(datasetStatus(NO_DATASET, { historyMapped: false, mode: "excel" })).toBe("Map at least the history table.");
    expect(datasetStatus(NO_DATASET, { ...page, historyMapped: true })).toMatch(/created from these tables/);
    // the planner's words, never the server's id (the Data card shows that apart, for support)
    expect(datasetStatus({ dataset: info, phase: "ready" }, page)).toBe("This data · history 27,146 rows · products 300 rows");
    const named = { ...info, name: "folio-demo.xlsx", campaigns: 36 };
    expect(datasetStatus({ dataset: named, phase: "ready" }, page)).toBe("folio-demo.xlsx · 36 campaigns · history 27,146 rows · products 300 rows");
    expect(datasetStatus({ dataset: named, phase: "ready" }, page)).not.toContain("ds-1");
    expect(datasetStatus({ dataset: info, phase: "stale" }, page)).toMatch(/Data changed/);
    expect(datasetStatus({ dataset: null, phase: "uploading" }, page)).toBe("Sending the dataset…");
  });

  it("counts the campaigns of a history by its campaign column, whatever its case", () => {
    expect(campaignCount([[" Campaign ", "units"], ["2024-01", 1], ["2024-01", 2], ["2024-02", 3], ["", 4]])).toBe(2);
    expect(campaignCount([["product_id"], ["p1"]])).toBeUndefined();
    expect(campaignCount(undefined)).toBeUndefined();
  });

  it("signs the tables: the same data the same signature", () => {
    const a = signature({ history: [["a"], [1]] });
    expect(signature({ history: [["a"], [1]] })).toBe(a);
    expect(signature({ history: [["a"], [2]] })).not.toBe(a);
    expect(signature({ history: [["a"], [1]], products: [["p"]] })).not.toBe(a);
  });

  it("gives the ready dataset's warnings as items, none once the tables changed", () => {
    const warned = { ...info, warnings: ["text only", { table: "history", cell: "A5", message: "repeat" }, { table: "history" }] };
    const ready: DatasetState = { dataset: warned, phase: "ready" };
    expect(datasetWarnings(ready)).toEqual([{ message: "text only" }, { table: "history", cell: "A5", message: "repeat" }]);
    expect(datasetWarnings(datasetReducer(ready, { type: "changed" }))).toEqual([]);
    expect(datasetWarnings({ dataset: info, phase: "ready" })).toEqual([]);
    expect(datasetWarnings(NO_DATASET)).toEqual([]);
  });
});
