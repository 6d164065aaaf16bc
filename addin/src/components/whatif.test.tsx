import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import type { JobRecord, PlanResult, ScenariosResult, ScoreResult } from "../api/types";
import { fakeServer as fakeServerOf } from "../testing/fakeServer";
import { BrowserAdapter } from "../office/browser";
import { App } from "./App";

// ---------- a workbook with rule tables and the planner's own plan, a fake server ----------

const SHEETS = {
  history: [["campaign", "product_id", "units"], [1, "P-001", 10], [2, "P-002", 4]],
  products: [["product_id", "price", "unit_cost", "name"], ["P-001", 9, 6, "Rose cream"], ["P-002", 5, 2, "Lip balm"]],
  slots: [["page", "slot"], [1, 1], [1, 2]],
  locks: [["page", "slot", "product_id"], [1, 1, "P-001"]],
  "Locks B": [["page", "slot", "product_id", "discount"], [1, 2, "P-002", 0.1]],
  "My plan": [["page", "slot", "product_id", "discount"], [1, 1, "P-002", 0], [1, 2, "P-002", 0.5]],
};

const PLAN: PlanResult = {
  plan: [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit"], [1, 1, "P-001", 0.1, 12, 97.2, 25.2]],
  totals: { units: 12, revenue: 97.2, profit: 25.2, products: 1, slots_used: 1 },
  rules: [{ rule: "locks", limit: 1, value: 1, kept: true, label: "Locked placements kept", limit_text: "all 1", value_text: "1 of 1" }],
  convergence: [["generation", "best", "mean", "feasible_share"], [0, 25.2, 20, 1]],
};

function fakeServer() {
  return fakeServerOf(SHEETS, (req) => ({
    dataset: "ds-1",
    ...(req.scenarios ? { scenarios: req.scenarios.map((s) => ({ name: s.name })) } : {}),
  }));
}

/** A browser storage of its own per test: what one test keeps (scenario drafts, the job) is not the next one's. */
function memoryStorage(init: Record<string, string> = {}) {
  const items = new Map(Object.entries(init));
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

async function loaded(adapter = new BrowserAdapter(memoryStorage())) {
  const server = fakeServer();
  render(<App adapter={adapter} services={server.services} />);
  await waitFor(() => expect(screen.getByTestId("health")).toHaveTextContent("Connected"));
  fireEvent.click(screen.getByTestId("load-demo"));
  await waitFor(() => expect(screen.getByTestId("rows-history")).toHaveTextContent("2 rows"));
  return server;
}

// ---------- the tables ----------

describe("the rule tables and the planner's plan", () => {
  it("maps them by their names under a folded group that opens when one is used", async () => {
    await loaded();
    expect((screen.getByTestId("map-locks") as HTMLSelectElement).value).toBe("sheet:locks");
    expect((screen.getByTestId("map-plan") as HTMLSelectElement).value).toBe("sheet:My plan");
    // "Locks B" is not taken for anything by guess
    expect((screen.getByTestId("map-brand_limits") as HTMLSelectElement).value).toBe("");
    expect(screen.getByTestId("more-roles")).toHaveAttribute("open");
    expect(screen.getByTestId("more-roles")).toHaveTextContent("locked slots, your plan");
    expect(screen.getByTestId("hint-page_conflicts")).toHaveTextContent("products of one group never share a page");
  });

  it("sends the rule tables with the dataset and the rule settings with the plan", async () => {
    const { api } = await loaded();
    fireEvent.change(screen.getByTestId("setting-min-margin"), { target: { value: "25" } });
    fireEvent.change(screen.getByTestId("setting-max-same-category-per-page"), { target: { value: "2" } });
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalled());
    const tables = (api.createDataset.mock.calls[0] as unknown[])[1] as Record<string, unknown>;
    expect(Object.keys(tables).sort()).toEqual(["history", "locks", "products", "slots"]);
    expect(api.createJob.mock.calls[0][0]).toMatchObject({ kind: "plan", settings: { min_margin: 0.25, max_same_category_per_page: 2 } });
  });
});

// ---------- scenarios ----------

describe("what-if scenarios", () => {
  it("sends each scenario's changes and its own tables, follows each on its own line, then compares", async () => {
    const { api, handlers, jobs } = await loaded();
    fireEvent.click(screen.getByTestId("open-scenarios"));
    const editor = screen.getByTestId("scenario-editor");
    expect(within(editor).getAllByTestId("scenario")).toHaveLength(2);
    fireEvent.click(screen.getByTestId("scenario-add"));
    const third = within(editor).getAllByTestId("scenario")[2];
    fireEvent.change(within(third).getByTestId("scenario-name"), { target: { value: "Own locks" } });
    fireEvent.change(within(third).getByTestId("scenario-min_margin"), { target: { value: "30" } });
    fireEvent.change(within(third).getByTestId("scenario-table-locks"), { target: { value: "sheet:Locks B" } });
    fireEvent.change(within(third).getByTestId("scenario-table-brand_limits"), { target: { value: "none" } });
    expect(within(third).getByTestId("scenario-what")).toHaveTextContent("min margin 30 % · own locks (Locks B) · no brand limits");
    fireEvent.click(screen.getByTestId("run-scenarios"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalled());
    const body = api.createJob.mock.calls[0][0] as unknown as { kind: string; settings: object; scenarios: unknown[] };
    expect(body.kind).toBe("scenarios");
    expect(body.settings).toMatchObject({ population: 60, discount_levels: [0, 0.1, 0.2, 0.3] });
    expect(body.scenarios).toEqual([
      { name: "Your settings" },
      { name: "Deeper discounts", settings: { discount_levels: [0, 0.1, 0.2, 0.3, 0.4] } },
      { name: "Own locks", settings: { min_margin: 0.3 }, tables: { locks: SHEETS["Locks B"], brand_limits: null } },
    ]);

    await waitFor(() => expect(handlers.has("job-1")).toBe(true));
    const h = handlers.get("job-1")!;
    expect(screen.getByTestId("scenario-progress-Own locks")).toHaveAttribute("data-status", "waiting");
    act(() => {
      h.onProgress?.({ type: "progress", job: "job-1", scenario: "Deeper discounts", child: "c2", phase: "plan", generation: 3, of: 20, best: 1234.5, mean: 1000 });
    });
    const line = screen.getByTestId("scenario-progress-Deeper discounts");
    expect(line).toHaveAttribute("data-status", "running");
    expect(line).toHaveTextContent("generation 3 of 20");
    expect(line).toHaveTextContent("best 1,235");
    // alternatives, never summed: no combined chart, no summed figures
    expect(screen.queryByTestId("convergence-chart")).toBeNull();
    expect(screen.queryByTestId("progress-best")).toBeNull();
    expect(screen.getByText("0 of 3 scenarios finished")).toBeInTheDocument();
    // each child watched for its end, a failure with its reason
    act(() => handlers.get("c2")!.onFinished?.("failed", { detail: "product 'P-002' is locked twice", code: "infeasible" }));
    expect(screen.getByTestId("scenario-progress-Deeper discounts")).toHaveTextContent("product 'P-002' is locked twice");
    // cancel stops them all: the parent is cancelled
    fireEvent.click(screen.getByTestId("cancel-job"));
    await waitFor(() => expect(api.cancelJob).toHaveBeenCalledWith("job-1"));

    const result: ScenariosResult = {
      comparison: [
        ["scenario", "status", "expected_profit", "expected_profit_low", "expected_profit_high", "expected_revenue", "expected_units", "discounted_share", "anomaly_score", "rules_kept", "rules", "lift_profit", "lift_revenue", "bound_gap", "note"],
        ["Your settings", "succeeded", 25.2, 20, 30, 97.2, 12, 1, 0.5, 3, 3, 0.2, 0.1, 0, null],
        ["Deeper discounts", "failed", null, null, null, null, null, null, null, null, null, null, null, null, "product 'P-002' is locked twice"],
        ["Own locks", "cancelled", 22, 18, 27, 90, 11, 1, 0.5, 3, 3, 0.05, 0.02, 0.1, null],
      ],
      scenarios: [
        { scenario: "Your settings", status: "succeeded", plan: PLAN.plan, settings: { min_margin: null } },
        { scenario: "Deeper discounts", status: "failed", error: { code: "infeasible", detail: "product 'P-002' is locked twice" } },
        { scenario: "Own locks", status: "cancelled", plan: PLAN.plan, settings: { min_margin: 0.3 } },
      ],
      best: "Your settings",
      cancelled: true,
    };
    jobs.set("job-1", { id: "job-1", kind: "scenarios", status: "cancelled", result });
    await act(async () => h.onFinished?.("cancelled"));
    expect(await screen.findByTestId("scenarios-result")).toBeInTheDocument();
    // 20-30 and 18-27: the ranges overlap, so none is crowned
    expect(screen.getByTestId("scenario-best")).toHaveTextContent(
      "No clear winner: ranges overlap. “Your settings” has the highest expected profit, 25.20, +20.0 % over the last catalogue, 3.20 more than “Own locks”",
    );
    expect(screen.getByTestId("results-announcement")).toHaveTextContent("Scenarios compared: 3 side by side. No clear winner: ranges overlap (highest: Your settings");
  });

  it("shows the server's refusal under the scenario's field, and a nameless scenario before anything is sent", async () => {
    const { api } = await loaded();
    api.createJob.mockRejectedValueOnce(
      ApiError.fromProblem(
        { title: "Check the settings", detail: "Deeper discounts: discount_levels: too many", code: "invalid_settings", errors: [{ column: "scenarios[1].discount_levels", message: "at most 8 levels", scenario: "Deeper discounts" }] },
        422,
      ),
    );
    fireEvent.click(screen.getByTestId("open-scenarios"));
    fireEvent.click(screen.getByTestId("run-scenarios"));
    const second = screen.getAllByTestId("scenario")[1];
    await waitFor(() => expect(within(second).getByText("at most 8 levels")).toBeInTheDocument());
    expect(within(second).getByTestId("scenario-discount_levels")).toHaveAttribute("aria-invalid", "true");
    // a scenario left without a name is refused before anything is sent
    fireEvent.change(within(second).getByTestId("scenario-name"), { target: { value: "" } });
    fireEvent.click(screen.getByTestId("run-scenarios"));
    expect(await screen.findByText("Give the scenario a name")).toBeInTheDocument();
    expect(api.createJob).toHaveBeenCalledTimes(1);
  });

  it("keeps the drafts with the workbook: a reopened pane finds them", async () => {
    const storage = memoryStorage();
    await loaded(new BrowserAdapter(storage));
    fireEvent.click(screen.getByTestId("open-scenarios"));
    fireEvent.change(screen.getAllByTestId("scenario-name")[1], { target: { value: "Forty off" } });
    await waitFor(() => expect(storage.items.get("folio.page.folio.scenarios")).toContain("Forty off"));
    cleanup();
    await loaded(new BrowserAdapter(storage));
    fireEvent.click(screen.getByTestId("open-scenarios"));
    expect(screen.getAllByTestId("scenario-name").map((i) => (i as HTMLInputElement).value)).toEqual(["Your settings", "Forty off"]);
    expect(screen.getAllByTestId("scenario-what")[1]).toHaveTextContent("discounts 0, 10, 20, 30, 40 %");
  });

  it("reattaches to a running scenarios job from the parent's record", async () => {
    const adapter = new BrowserAdapter(memoryStorage());
    await adapter.saveSetting("folio.job", { id: "job-9", kind: "scenarios" });
    const server = fakeServer();
    server.jobs.set("job-9", {
      id: "job-9",
      kind: "scenarios",
      status: "running",
      scenarios: [{ name: "A" }, { name: "B" }],
      progress: { phase: "scenarios", scenarios: 2, finished: 1, running: 1, children: [{ scenario: "A", job: "c-a", status: "succeeded" }, { scenario: "B", job: "c-b", status: "running" }] },
    } as JobRecord);
    render(<App adapter={adapter} services={server.services} />);
    await waitFor(() => expect(screen.getByTestId("scenario-progress-A")).toHaveAttribute("data-status", "succeeded"));
    expect(screen.getByTestId("scenario-progress-B")).toHaveAttribute("data-status", "running");
    expect(screen.getByText("1 of 2 scenarios finished")).toBeInTheDocument();
    // no time on this record: "run" (the id only under "id", for support)
    expect(screen.getByTestId("notice")).toHaveTextContent("Reattached to the scenarios run: still running.");
    expect(screen.getByTestId("notice")).not.toHaveTextContent("job-9");
    // B's child is watched for its end straight away
    expect(server.handlers.has("c-b")).toBe(true);
  });
});

// ---------- score my plan ----------

const SCORE: ScoreResult = {
  plan: [["page", "slot", "product_id", "discount", "forecast_profit", "row"], [1, 1, "P-002", 0, 8, 2], [1, 2, "P-002", 0.5, 3, 3]],
  totals: { profit: 11, expected_profit: 11, expected_profit_low: 8, expected_profit_high: 14 },
  rules: [
    { rule: "unique_products", limit: 1, value: 2, kept: false, cells: [{ row: 2, cell: "C2" }, { row: 3, cell: "C3" }] },
    { rule: "locks", limit: 1, value: 0, kept: false, label: "Locked placements kept", limit_text: "all 1", value_text: "0 of 1" },
  ],
  broken: 2,
  folio: { totals: { profit: 25.2, expected_profit: 25.2 } },
  lift: { profit: 14.2, profit_share: 1.29 },
  comparison: [["page", "slot", "your_product", "your_discount", "your_profit", "folio_product", "folio_discount", "folio_profit", "difference"], [1, 1, "P-002", 0, 8, "P-001", 0.1, 25.2, 17.2]],
  changes: [["step", "page", "slot", "change", "product_before", "discount_before", "product_after", "discount_after", "gain", "profit_gain", "cumulative_gain", "share_of_lift"], [1, 1, 1, "replace", "P-002", 0, "P-001", 0.1, 14.2, 14.2, 14.2, 1]],
};

describe("score my plan", () => {
  it("plans first when no plan is shown, else compares with the plan shown; the broken cells lead to the workbook", async () => {
    const { api, handlers, jobs } = await loaded();
    expect(screen.getByTestId("score-hint")).toHaveTextContent("plans Folio's catalogue first");
    fireEvent.click(screen.getByTestId("run-score"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalledTimes(1));
    expect(api.createJob.mock.calls[0][0]).toMatchObject({ kind: "score", dataset: "ds-1", plan: SHEETS["My plan"], settings: { population: 60 } });
    expect(api.createJob.mock.calls[0][0]).not.toHaveProperty("against");

    // a plan finishes: the next score compares with it, nothing is planned again
    jobs.set("job-1", { id: "job-1", kind: "score", status: "succeeded", result: SCORE } as JobRecord);
    await act(async () => handlers.get("job-1")!.onFinished?.("succeeded"));
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(handlers.has("job-2")).toBe(true));
    jobs.set("job-2", { id: "job-2", kind: "plan", status: "succeeded", dataset: "ds-1", result: PLAN } as JobRecord);
    await act(async () => handlers.get("job-2")!.onFinished?.("succeeded"));
    await waitFor(() => expect(screen.getByTestId("score-hint")).toHaveTextContent("compares your plan with Folio's plan shown below"));
    expect(screen.getByTestId("score-hint")).not.toHaveTextContent("job-2"); // the plan, not its id
    fireEvent.click(screen.getByTestId("run-score"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalledTimes(3));
    expect(api.createJob.mock.calls[2][0]).toEqual({ kind: "score", dataset: "ds-1", plan: SHEETS["My plan"], against: "job-2" });

    // the score's tab: figures, the broken rules with their cells
    fireEvent.click(screen.getByRole("tab", { name: "Your plan" }));
    expect(screen.getByTestId("score-lift")).toHaveTextContent("Folio's plan is expected to earn 14.20 more (+129.0 %)");
    const cells = screen.getAllByTestId("score-cell").map((c) => c.textContent);
    expect(cells).toEqual(["C2", "C3"]);
  });

  it("shows a bad cell of the planner's plan in the message bar", async () => {
    const { api } = await loaded();
    api.createJob.mockRejectedValueOnce(
      ApiError.fromProblem(
        { title: "Some cells in your tables need fixing", detail: "page: expected a number, got 'x' (plan A2)", code: "invalid_table", errors: [{ table: "plan", row: 2, column: "page", cell: "A2", message: "page: expected a number, got 'x'" }] },
        422,
      ),
    );
    fireEvent.click(screen.getByTestId("run-score"));
    const bar = await screen.findByTestId("error-bar");
    expect(bar).toHaveTextContent("plan · row 2 · page · A2");
    expect(bar).toHaveTextContent("expected a number");
  });
});
