// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { JobRecord, PlanResult, WsProgressMessage } from "../api/types";
import { addPoint, attachedView, combinedPoints, finalStatus, isActive, jobReducer, pointFrom, pointsFromTable } from "./job";
import type { JobView } from "./job";

const progress = (p: Partial<WsProgressMessage>): WsProgressMessage => ({ type: "progress", job: "j1", ...p });

describe("convergence points", () => {
  it("takes plan-phase progress only", () => {
    expect(pointFrom({ generation: 3, best: 10, mean: 5 })).toEqual({ generation: 3, best: 10, mean: 5 });
    expect(pointFrom({ phase: "plan", generation: 3, best: null })).toEqual({ generation: 3, best: null, mean: null });
    expect(pointFrom({ phase: "train", generation: 3, best: 1 })).toBeUndefined();
    expect(pointFrom({ best: 1 })).toBeUndefined();
    expect(pointFrom(null)).toBeUndefined();
  });

  it("appends, replaces the same generation and drops an older one", () => {
    const a = { generation: 1, best: 1, mean: 1 };
    const b = { generation: 2, best: 2, mean: 1 };
    expect(addPoint([a], b)).toEqual([a, b]);
    expect(addPoint([a, b], { ...b, best: 3 })).toEqual([a, { ...b, best: 3 }]);
    expect(addPoint([a, b], a)).toEqual([a, b]);
    expect(addPoint([a], undefined)).toEqual([a]);
  });

  it("reads the result's convergence table by column name", () => {
    expect(pointsFromTable([["Mean", "generation", "best"], [4, 0, 5], [6, 1, "x"], ["bad", "no", 1]])).toEqual([
      { generation: 0, best: 5, mean: 4 },
      { generation: 1, best: null, mean: 6 },
    ]);
    expect(pointsFromTable([["best"], [1]])).toEqual([]);
    expect(pointsFromTable(undefined)).toEqual([]);
  });
});

describe("combinedPoints", () => {
  it("sums the countries' curves, a country behind or done counting with its last value", () => {
    const pts = (rows: [number, number, number][]) => rows.map(([generation, best, mean]) => ({ generation, best, mean }));
    expect(
      combinedPoints({
        DE: pts([[0, 10, 5], [1, 12, 6], [2, 13, 7]]),
        FR: pts([[0, 100, 50]]),
        PL: [],
      }),
    ).toEqual(pts([[0, 110, 55], [1, 112, 56], [2, 113, 57]]));
    expect(combinedPoints({})).toEqual([]);
  });
});

describe("the followed job", () => {
  const single = () => jobReducer(null, { type: "attached", id: "j1", kind: "plan", record: { status: "queued" } })!;
  const multi = () =>
    jobReducer(null, { type: "attached", id: "j1", kind: "plan", record: { status: "queued", countries: ["DE", "FR"], progress: { phase: "countries", countries: 2, finished: 0, running: 0 } } })!;

  it("starts a view: one line per country, waiting, for a multi-country plan", () => {
    expect(single()).toEqual({ id: "j1", kind: "plan", status: "queued", progress: undefined, points: [] });
    const m = multi();
    expect(m.partKey).toBe("country");
    expect(m.lines).toEqual({ DE: { name: "DE", status: "waiting" }, FR: { name: "FR", status: "waiting" } });
    expect(m.counts).toEqual({ total: 2, finished: 0, running: 0 });
    // countries only count for plans
    expect(attachedView("t", "train", { status: "queued", countries: ["DE"] }).parts).toBeUndefined();
  });

  it("folds progress into status, figures and chart points", () => {
    let v = single();
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ phase: "plan", generation: 0, of: 5, best: 10, mean: 5 }) })!;
    expect(v.status).toBe("running");
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ phase: "plan", generation: 1, of: 5, best: 12, mean: 6 }) })!;
    expect(v.points.map((p) => p.best)).toEqual([10, 12]);
    expect(v.progress?.generation).toBe(1);
    // a training step first: no chart point
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ phase: "train", generation: 2, of: 3 }) })!;
    expect(v.points).toHaveLength(2);
    // a polled record: its status, and its progress as a point
    v = jobReducer(v, { type: "record", id: "j1", record: { status: "running", progress: { phase: "plan", generation: 2, best: 13, mean: 7 } } })!;
    expect(v.points.map((p) => p.generation)).toEqual([0, 1, 2]);
  });

  it("ignores events of another job", () => {
    const v = single();
    expect(jobReducer(v, { type: "progress", id: "old", message: progress({ generation: 9, best: 1 }) })).toBe(v);
    expect(jobReducer(null, { type: "record", id: "j1", record: { status: "running" } })).toBeNull();
  });

  it("follows each country: its line, the summed curve, its end and the parent's counts", () => {
    let v = multi();
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ country: "DE", child: "c-de", phase: "plan", generation: 0, of: 4, best: 10, mean: 5, feasible_share: 1 }) })!;
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ country: "FR", child: "c-fr", phase: "plan", generation: 0, of: 4, best: 100, mean: 50 }) })!;
    expect(v.status).toBe("running");
    expect(v.lines!.DE).toEqual({ name: "DE", status: "running", child: "c-de", generation: 0, of: 4, best: 10, mean: 5, feasible_share: 1 });
    expect(v.points).toEqual([{ generation: 0, best: 110, mean: 55 }]);
    // the shared model's training: the parent's progress, no line moves
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ phase: "train", generation: 1, of: 3 }) })!;
    expect(v.progress?.phase).toBe("train");
    expect(v.lines!.DE.generation).toBe(0);
    v = jobReducer(v, { type: "part_finished", id: "j1", part: "DE", status: "failed", detail: "no products" })!;
    expect(v.lines!.DE).toMatchObject({ status: "failed", detail: "no products" });
    v = jobReducer(v, { type: "parent_record", id: "j1", progress: { phase: "countries", countries: 2, finished: 1, running: 1 } })!;
    expect(v.counts?.finished).toBe(1);
    // a polled record keeps the lines, takes the counts
    v = jobReducer(v, { type: "record", id: "j1", record: { status: "running", progress: { phase: "countries", countries: 2, finished: 2, running: 0 } } })!;
    expect(v.counts?.finished).toBe(2);
    expect(v.points).toHaveLength(1);
  });

  it("ends with the result's convergence and each country's outcome", () => {
    let v: JobView = multi();
    const result = {
      convergence: [["generation", "best", "mean"], [0, 1, 1], [1, 2, 1], [2, 3, 2]],
      countries: [
        { country: "DE", status: "succeeded", generations_run: 7, objective: 300 },
        { country: "FR", status: "failed", error: { code: "infeasible", detail: "too few slots" } },
      ],
    } as unknown as PlanResult;
    const record = { id: "j1", kind: "plan", status: "failed", result, progress: { phase: "countries", countries: 2, finished: 2, running: 0 } } as JobRecord;
    v = jobReducer(v, { type: "finished", id: "j1", status: "failed", record })!;
    expect(v.status).toBe("failed");
    expect(v.points.map((p) => p.best)).toEqual([1, 2, 3]);
    expect(v.lines!.DE).toMatchObject({ status: "succeeded", generation: 7, best: 300 });
    expect(v.lines!.FR).toMatchObject({ status: "failed", detail: "too few slots" });
    expect(v.counts).toEqual({ total: 2, finished: 2, running: 0 });
    expect(isActive(v)).toBe(false);
  });

  // the server's record of a scenarios job (engine's fan-out: server/kinds/fanout.py)
  const scenarios = (progress?: Record<string, unknown>) =>
    jobReducer(null, {
      type: "attached",
      id: "j1",
      kind: "scenarios",
      record: { status: "running", scenarios: [{ name: "Base" }, { name: "Deeper discounts" }, { name: "Own locks" }], ...(progress ? { progress } : {}) },
    })!;

  it("follows each scenario on its own line, never summed into one curve", () => {
    let v = scenarios();
    expect(v.partKey).toBe("scenario");
    expect(v.parts).toEqual(["Base", "Deeper discounts", "Own locks"]);
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ scenario: "Base", child: "c1", phase: "plan", generation: 2, of: 9, best: 10, mean: 5 }) })!;
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ scenario: "Deeper discounts", child: "c2", phase: "plan", generation: 1, of: 9, best: 12, mean: 6 }) })!;
    expect(v.lines!.Base).toMatchObject({ status: "running", child: "c1", generation: 2, best: 10 });
    expect(v.lines!["Deeper discounts"]).toMatchObject({ generation: 1, best: 12 });
    expect(v.curves!.Base).toHaveLength(1);
    expect(v.points).toEqual([]);
    // the parent's record: counts, each scenario's child and status; a line never goes back
    v = jobReducer(v, {
      type: "parent_record",
      id: "j1",
      progress: {
        phase: "scenarios",
        scenarios: 3,
        finished: 1,
        running: 1,
        children: [
          { scenario: "Base", job: "c1", status: "queued" },
          { scenario: "Deeper discounts", job: "c2", status: "running" },
          { scenario: "Own locks", job: "c3", status: "failed" },
        ],
      },
    })!;
    expect(v.counts).toEqual({ total: 3, finished: 1, running: 1 });
    expect(v.lines!.Base.status).toBe("running");
    expect(v.lines!["Own locks"]).toMatchObject({ status: "failed", child: "c3" });
  });

  it("reattaches to a scenarios job from its record, and ends with each scenario's outcome", () => {
    let v = scenarios({ phase: "scenarios", scenarios: 3, finished: 1, running: 2, children: [{ scenario: "Base", job: "c1", status: "succeeded" }] });
    expect(v.lines!.Base).toEqual({ name: "Base", status: "succeeded", child: "c1" });
    expect(v.lines!["Own locks"].status).toBe("waiting");
    const result = {
      comparison: [],
      scenarios: [
        { scenario: "Base", status: "succeeded", generations_run: 9, objective: 120 },
        { scenario: "Deeper discounts", status: "succeeded", generations_run: 7, objective: 130 },
        { scenario: "Own locks", status: "failed", error: { code: "infeasible", detail: "product 'P1' is locked twice" } },
      ],
    };
    v = jobReducer(v, { type: "finished", id: "j1", status: "succeeded", record: { id: "j1", kind: "scenarios", status: "succeeded", result } as JobRecord })!;
    expect(v.lines!["Deeper discounts"]).toMatchObject({ status: "succeeded", generation: 7, best: 130 });
    expect(v.lines!["Own locks"]).toMatchObject({ status: "failed", detail: "product 'P1' is locked twice" });
  });

  it("keeps the live points when the result has no convergence, and takes the record's final status", () => {
    let v = single();
    v = jobReducer(v, { type: "progress", id: "j1", message: progress({ generation: 0, best: 1, mean: 1 }) })!;
    expect(isActive(v)).toBe(true);
    v = jobReducer(v, { type: "finished", id: "j1", status: "cancelled" })!;
    expect(v.points).toHaveLength(1);
    expect(finalStatus("failed", { status: "succeeded" })).toBe("succeeded");
    expect(finalStatus("cancelled", { status: "running" })).toBe("cancelled");
    expect(finalStatus("failed", undefined)).toBe("failed");
  });

  it("shows a job found finished without live state", () => {
    expect(jobReducer(single(), { type: "found_finished", id: "j9", kind: "train", record: { status: "succeeded" } })).toEqual({
      id: "j9",
      kind: "train",
      status: "succeeded",
      progress: undefined,
      points: [],
    });
  });
});
