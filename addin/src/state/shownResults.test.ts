// @vitest-environment node
import { describe, expect, it } from "vitest";
import { parseShownResults, rememberResult } from "./shownResults";

describe("the page's results across a reload", () => {
  it("remembers each kind's last job, the latest first", () => {
    const one = rememberResult(undefined, { id: "job_a", kind: "explore", table: "history" });
    const two = rememberResult(one, { id: "job_b", kind: "plan" });
    expect(two).toEqual({ latest: "plan", jobs: { explore: { id: "job_a", kind: "explore", table: "history" }, plan: { id: "job_b", kind: "plan" } } });
    expect(rememberResult(two, { id: "job_c", kind: "plan" }).jobs.plan).toEqual({ id: "job_c", kind: "plan" });
    expect(parseShownResults(JSON.parse(JSON.stringify(two)))).toEqual(two);
  });

  it("reads back nothing that is not one (a hand edit, an old shape)", () => {
    for (const junk of [null, "job_1", 7, {}, { latest: "nope", jobs: {} }, { latest: "plan", jobs: { plan: { id: "../x", kind: "plan" } } }, { latest: "plan", jobs: { plan: { id: "job_1", kind: "train" } } }])
      expect(parseShownResults(junk)).toBeUndefined();
  });
});
