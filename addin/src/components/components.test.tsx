import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/errors";
import type { JobRecord, PlanResult, Problem } from "../api/types";
import { BrowserAdapter } from "../office/browser";
import type { WorkbookAdapter } from "../office/adapter";
import { App } from "./App";
import { ErrorBar } from "./ErrorBar";
import { PlanView } from "../results/plan/PlanView";
import { ProgressPanel } from "./ProgressPanel";
import { fmtClock, fmtPct, fmtRange, fmtSeconds, fmtValue, jobTitle } from "./format";
import { fakeServer as fakeServerOf } from "../testing/fakeServer";

// ---------- pure pieces ----------

describe("a plan's result", () => {
  const result: PlanResult = {
    ...planResult,
    plan: [
      ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "beyond_history"],
      [1, 1, "P-001", 0.1, 120, 1080, 300.5, 0],
      [1, 2, "P-007", 0, 80, 800, 250, 1],
    ],
    totals: { ...planResult.totals, expected_profit: 500, expected_profit_low: 420, expected_profit_high: 560, beyond_history: 1 },
    objective: 550.5,
    bound_gap: 0.0825,
    stopped_by: "time_limit",
    generations_run: 12,
    settings: { time_limit_s: 30, anomaly_weight: 0.1 },
  };
  const names = new Map([["P-001", "Rose day cream 50 ml"]]);

  it("leads with the key numbers in words: expected profit and range, gap, rules, why it stopped", () => {
    render(<PlanView result={result} context={{ productNames: names }} />);
    expect(screen.getByTestId("key-profit")).toHaveTextContent("Expected profit");
    expect(screen.getByTestId("key-profit")).toHaveTextContent("500.00");
    expect(screen.getByTestId("key-profit-range")).toHaveTextContent("8 in 10 between 420.00 and 560.00");
    expect(screen.getByTestId("key-revenue")).toHaveTextContent("1,880.00");
    expect(screen.getByTestId("key-units")).toHaveTextContent("200");
    expect(screen.getByTestId("key-gap")).toHaveTextContent("Within 8.3 % of the best plan possible under this forecast");
    // what the bound is about, in words on the pane, not only in the explanation on hover
    expect(screen.getByTestId("key-bound-words").textContent).toBe("The bound is about this forecast, not the future: what the plan can be expected to earn is its expected profit.");
    expect(screen.getByTestId("key-rules")).toHaveTextContent("All 1 rules kept");
    expect(screen.getByTestId("key-stopped")).toHaveTextContent("Stopped at the time limit of 30 s after 12 generations");
    expect(screen.getByTestId("key-beyond")).toHaveTextContent("1 row forecast beyond anything sold before");
    // the live best (550.5 at generation 1) is the objective here: no penalty line
    expect(screen.queryByTestId("key-penalty")).toBeNull();
  });

  it("lists each row as product name, discount, units and profit; the full table on demand", () => {
    render(<PlanView result={result} context={{ productNames: names }} />);
    const rows = screen.getAllByTestId("plan-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByTestId("plan-row-product")).toHaveTextContent("Rose day cream 50 ml");
    expect(rows[0]).toHaveTextContent("P-001 · p1·1");
    expect(within(rows[0]).getByTestId("plan-row-discount")).toHaveTextContent("−10 %");
    expect(within(rows[0]).getByTestId("plan-row-units")).toHaveTextContent("120 units");
    expect(within(rows[0]).getByTestId("plan-row-profit")).toHaveTextContent("300.50");
    // no name known: the id; no discount in words; the beyond-history flag
    expect(within(rows[1]).getByTestId("plan-row-product")).toHaveTextContent("P-007");
    expect(within(rows[1]).getByTestId("plan-row-discount")).toHaveTextContent("no discount");
    expect(rows[1]).toHaveTextContent("beyond history");
    // the full table has the names as a column
    const table = screen.getByTestId("plan-table");
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Page", "Slot", "Product", "Name", "Discount", "Units", "Revenue", "Profit"]);
    expect(within(table).getAllByRole("row")[1]).toHaveTextContent("Rose day cream 50 ml");
    const toggle = screen.getByTestId("plan-full-table");
    fireEvent.click(toggle);
    expect(toggle).toHaveTextContent("Show compact rows");
    expect(toggle.closest(".plan-rows")).toHaveClass("plan-rows--full");
  });

  it("shows the names the plan itself carries, when the sheet's names are not at hand", () => {
    const named = {
      ...result,
      plan: [
        ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "name", "beyond_history"],
        [1, 1, "P-001", 0.1, 120, 1080, 300.5, "Rose day cream 50 ml", 0],
        [1, 2, "P-007", 0, 80, 800, 250, "", 1],
      ],
    };
    render(<PlanView result={named} context={{}} />);
    const rows = screen.getAllByTestId("plan-row");
    expect(within(rows[0]).getByTestId("plan-row-product")).toHaveTextContent("Rose day cream 50 ml");
    expect(within(rows[1]).getByTestId("plan-row-product")).toHaveTextContent("P-007");
    const table = screen.getByTestId("plan-table");
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Page", "Slot", "Product", "Name", "Discount", "Units", "Revenue", "Profit"]);
  });

  it("says that the live best differs from the profit by the anomaly penalty", () => {
    render(<PlanView result={{ ...result, convergence: [["generation", "best"], [0, 400], [1, 530.25]] }} context={{}} />);
    expect(screen.getByTestId("key-penalty")).toHaveTextContent("The live best during the search (530.25) counts the anomaly penalty; the profit above does not, so the two differ by 20.25.");
  });

  it("explains a score on tap and closes on the next", () => {
    render(<PlanView result={result} context={{}} />);
    const button = screen.getByTestId("explain-anomaly");
    expect(button).toHaveAccessibleName("What is Anomaly score?");
    expect(screen.queryByTestId("explain-anomaly-text")).toBeNull();
    fireEvent.click(button);
    expect(screen.getByTestId("explain-anomaly-text")).toHaveTextContent(/unlike your past catalogues/);
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("tooltip")).toHaveAttribute("id", button.getAttribute("aria-describedby"));
    fireEvent.click(button);
    expect(screen.queryByTestId("explain-anomaly-text")).toBeNull();
    // hover shows it too
    fireEvent.mouseEnter(button.parentElement!);
    expect(screen.getByTestId("explain-anomaly-text")).toBeInTheDocument();
    fireEvent.mouseLeave(button.parentElement!);
    expect(screen.queryByTestId("explain-anomaly-text")).toBeNull();
  });
});

describe("ErrorBar", () => {
  const problem: Problem = {
    title: "Invalid table",
    detail: "history has 2 problems",
    code: "invalid_table",
    errors: [
      { table: "history", row: 3, column: "units", cell: "C3", message: "must be a number >= 0" },
      { table: "products", row: 2, column: "price", message: "must be > 0" },
    ],
  };

  it("shows the detail and every cell, with Go to cell actions", () => {
    const go = vi.fn();
    render(<ErrorBar problem={problem} onGoToCell={go} canLocate={(i) => i.table === "history"} />);
    const bar = screen.getByTestId("error-bar");
    expect(bar).toHaveTextContent("history has 2 problems");
    expect(bar).toHaveAttribute("data-code", "invalid_table");
    const items = within(bar).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("history · row 3 · units · C3");
    expect(items[0]).toHaveTextContent("must be a number >= 0");
    expect(items[1]).toHaveTextContent("products · row 2 · price");
    const buttons = within(bar).getAllByRole("button", { name: "Go to cell" });
    expect(buttons).toHaveLength(1);
    fireEvent.click(buttons[0]);
    expect(go).toHaveBeenCalledWith(problem.errors![0]);
  });

  it("titles a problem in a planner's words, by its code", () => {
    const { rerender } = render(<ErrorBar problem={{ ...problem, title: "The tables do not match the contract" }} />);
    const bar = screen.getByTestId("error-bar");
    expect(bar).toHaveTextContent("Some cells in your tables need fixing");
    expect(bar).not.toHaveTextContent("contract");
    // the cells are listed as before
    expect(within(bar).getAllByRole("listitem")[0]).toHaveTextContent("history · row 3 · units · C3");
    rerender(<ErrorBar problem={{ code: "invalid_workbook", status: 413, title: "The file is too large", detail: "the file is 60.0 MB; the limit is 50 MB" }} />);
    expect(screen.getByTestId("error-bar")).toHaveTextContent("This file is too large");
    // an unknown code keeps the server's title; a title equal to the detail is not repeated
    rerender(<ErrorBar problem={{ code: "brand_new", title: "A new failure", detail: "what happened" }} />);
    expect(screen.getByTestId("error-bar")).toHaveTextContent("A new failurewhat happened");
    rerender(<ErrorBar problem={{ code: "brand_new", title: "same", detail: "same" }} />);
    expect(screen.getByTestId("error-bar").querySelector(".error-bar__title")).toBeNull();
  });

  it("renders nothing without a problem, and no actions on the page", () => {
    const { container, rerender } = render(<ErrorBar problem={null} />);
    expect(container).toBeEmptyDOMElement();
    rerender(<ErrorBar problem={problem} />);
    expect(screen.queryByRole("button", { name: "Go to cell" })).toBeNull();
  });
});

describe("ProgressPanel", () => {
  it("counts generations without an end when the plan has no cap (the time limit ends it)", () => {
    render(<ProgressPanel kind="plan" jobId="j1" status="running" progress={{ generation: 7, best: 10, mean: 9, feasible_share: 1, elapsed_s: 1 }} points={[]} />);
    expect(screen.getByText("Generation 7")).toBeInTheDocument();
    expect(screen.queryByText(/Generation 7 of/)).toBeNull();
  });

  it("shows generation g of N, best, mean, feasible share and the chart", () => {
    const onCancel = vi.fn();
    render(
      <ProgressPanel
        kind="plan"
        jobId="j1"
        status="running"
        progress={{ generation: 12, of: 40, best: 12345.678, mean: 9876.5, feasible_share: 0.85, elapsed_s: 3.2 }}
        points={[
          { generation: 0, best: 100, mean: 50 },
          { generation: 12, best: 12345.678, mean: 9876.5 },
        ]}
        onCancel={onCancel}
      />,
    );
    const bar = screen.getByTestId("progress-bar");
    expect(bar).toHaveAttribute("data-generation", "12");
    expect(bar).toHaveAttribute("aria-valuetext", "Generation 12 of 40");
    expect(screen.getByText("Generation 12 of 40")).toBeInTheDocument();
    expect(screen.getByTestId("progress-best")).toHaveTextContent("12,346");
    expect(screen.getByTestId("progress-mean")).toHaveTextContent("9,877");
    expect(screen.getByTestId("progress-feasible")).toHaveTextContent("85 %");
    expect(screen.getByTestId("job-status")).toHaveTextContent("running");
    expect(screen.getByTestId("convergence-chart")).toHaveAttribute("data-points", "2");
    expect(screen.getByTestId("convergence-chart").querySelectorAll("polyline")).toHaveLength(2);
    fireEvent.click(screen.getByTestId("cancel-job"));
    expect(onCancel).toHaveBeenCalled();
  });

  it("hides Cancel once the job is finished", () => {
    render(<ProgressPanel kind="train" jobId="j2" status="succeeded" progress={null} points={[]} onCancel={() => {}} />);
    expect(screen.queryByTestId("cancel-job")).toBeNull();
    expect(screen.getByTestId("job-status")).toHaveTextContent("succeeded");
  });
});

// ---------- the app with a fake server ----------

const planResult: PlanResult = {
  plan: [
    ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit"],
    [1, 1, "P-001", 0.1, 120, 1080, 300.5],
    [1, 2, "P-007", 0, 80, 800, 250],
  ],
  totals: { units: 200, revenue: 1880, profit: 550.5, products: 2, slots_used: 2 },
  rules: [{ rule: "max_discounted_share", limit: 0.4, value: 0.375, kept: true }],
  convergence: [
    ["generation", "best", "mean", "feasible_share"],
    [0, 400, 300, 0.5],
    [1, 550.5, 420, 0.9],
  ],
  bound: 600,
  anomaly_score: 0.2,
  cancelled: false,
};

// a job the server took at 14:02 local time today
const STARTED = (() => {
  const t = new Date();
  t.setHours(14, 2, 0, 0);
  return t.toISOString();
})();

describe("a job and a time in the planner's words", () => {
  it("holds a duration's numbers to their units with a no-break space, as a percent to its sign", () => {
    // a narrow pane wraps "12.3 s" whole, never "12.3" over "s" (was a plain space)
    expect(fmtSeconds(12.34)).toBe("12.3\u00a0s");
    expect(fmtSeconds(125)).toBe("2\u00a0min 05\u00a0s");
    expect(fmtPct(0.3, 0)).toBe("30\u00a0%");
    // a model's bias below zero with the minus sign lifts and discounts use, never "-0.0 %"
    expect(fmtPct(-0.039)).toBe("\u22123.9\u00a0%");
    expect(fmtPct(-0.0001)).toBe("0.0\u00a0%");
    // a running search's best and mean apart, as it improves (one decimal said "1.3M" for both)
    expect([fmtValue(1_279_020), fmtValue(1_262_480), fmtValue(217_241), fmtValue(12_345_678)]).toEqual(["1.279M", "1.262M", "217.2K", "12.35M"]);
    // a column's ends alike: a page number "1 to 40" (was "1.00 to 40.00"), a share "0.07 to 1.00"
    expect(fmtRange(1, 40)).toEqual(["1", "40"]);
    expect(fmtRange(0.071, 1)).toEqual(["0.07", "1.00"]);
    expect(fmtRange(0, 20_725)).toEqual(["0", "20,725"]);
  });

  it("names a job by when it started, never by its id", () => {
    const now = new Date(2026, 11, 1, 18, 0);
    expect(fmtClock(new Date(2026, 11, 1, 14, 2).toISOString(), now)).toBe("14:02");
    expect(fmtClock(new Date(2026, 10, 30, 9, 5).toISOString(), now)).toBe("30 Nov 09:05");
    expect(fmtClock(new Date(2025, 11, 31, 23, 59).toISOString(), now)).toBe("31 Dec 2025 23:59");
    expect(fmtClock("not a time", now)).toBeUndefined();
    expect(jobTitle("plan", new Date(2026, 11, 1, 14, 2).toISOString(), now)).toBe("Plan started 14:02");
    expect(jobTitle("scenarios", null, now)).toBe("Scenarios run");
  });
});

function fakeServer(history?: (string | number)[][]) {
  return fakeServerOf({
    history: history ?? [
      ["campaign", "product_id", "units"],
      [1, "P-001", 10],
      [2, "P-001", -3],
    ],
    products: [
      ["product_id", "price", "unit_cost"],
      ["P-001", 9, 6],
    ],
    slots: [["page", "slot"], [1, 1]],
    category_limits: [["category", "min", "max"]],
  });
}

async function loadDemo(adapter: WorkbookAdapter = new BrowserAdapter(), history?: (string | number)[][]) {
  const server = fakeServer(history);
  render(<App adapter={adapter} services={server.services} />);
  await waitFor(() => expect(screen.getByTestId("health")).toHaveTextContent("Connected · v0.1.0"));
  fireEvent.click(screen.getByTestId("load-demo"));
  await waitFor(() => expect(screen.getByTestId("rows-history")).toHaveTextContent(`${(history?.length ?? 3) - 1} rows`));
  return server;
}

describe("App (standalone page)", () => {
  it("loads the demo workbook and maps its sheets to roles with row counts", async () => {
    const { api } = await loadDemo();
    expect(api.parseWorkbook).toHaveBeenCalledWith(expect.any(Blob), "workbook.xlsx");
    expect((screen.getByTestId("map-history") as HTMLSelectElement).value).toBe("sheet:history");
    expect((screen.getByTestId("map-category_limits") as HTMLSelectElement).value).toBe("sheet:category_limits");
    expect(screen.getByTestId("rows-products")).toHaveTextContent("1");
    expect(screen.getByTestId("rows-category_limits")).toHaveTextContent("0");
    // a preview of each table: its columns, not its rows
    expect(screen.getByTestId("columns-history")).toHaveTextContent("campaign, product_id, units");
    expect(screen.getByTestId("columns-products")).toHaveTextContent("product_id, price, unit_cost");
    expect(screen.getByTestId("dataset-status")).toHaveTextContent(/created from these tables/);
  });

  it("refuses bad settings inline without calling the server", async () => {
    const { api } = await loadDemo();
    fireEvent.change(screen.getByTestId("setting-generations"), { target: { value: "many" } });
    fireEvent.change(screen.getByTestId("setting-pages"), { target: { value: "0" } });
    fireEvent.click(screen.getByTestId("run-plan"));
    expect(await screen.findByText("Generations must be a whole number")).toBeInTheDocument();
    expect(screen.getByText("Pages must be between 1 and 1,000")).toBeInTheDocument();
    expect(screen.getByTestId("setting-generations")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("error-bar")).toHaveTextContent(/plan settings/);
    expect(api.createDataset).not.toHaveBeenCalled();
    // fixing the field clears its message at once
    fireEvent.change(screen.getByTestId("setting-generations"), { target: { value: "25" } });
    expect(screen.queryByText("Generations must be a whole number")).toBeNull();
  });

  it("sends the forecast settings a user picks with Train (the Dominick's options), nothing when left alone", async () => {
    const { api } = await loadDemo();
    expect(screen.getByTestId("train-summary")).toHaveTextContent("Folio's defaults");
    fireEvent.change(screen.getByTestId("train-select_by"), { target: { value: "mape" } });
    fireEvent.change(screen.getByTestId("train-gap"), { target: { value: "1" } });
    fireEvent.change(screen.getByTestId("train-season"), { target: { value: " 52 " } });
    fireEvent.change(screen.getByTestId("train-holdout_campaigns"), { target: { value: "2" } });
    fireEvent.click(screen.getByTestId("train-candidate-gbm_mape_bag"));
    fireEvent.click(screen.getByTestId("train-candidate-gbm_mape"));
    expect(screen.getByTestId("train-summary")).toHaveTextContent("by MAPE, 2 ahead, gap 1, 52 a year, 2 models");
    fireEvent.click(screen.getByTestId("run-train"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalledTimes(1));
    // presets in the engine's order, whatever the order they were ticked in
    expect(api.createJob.mock.calls[0][0]).toEqual({
      kind: "train", dataset: "ds-1", select_by: "mape", gap: 1, season: 52, holdout_campaigns: 2,
      candidates: ["gbm_mape", "gbm_mape_bag"],
    });
  });

  it("refuses bad forecast settings inline and opens them", async () => {
    const { api } = await loadDemo();
    fireEvent.change(screen.getByTestId("train-gap"), { target: { value: "-1" } });
    fireEvent.change(screen.getByTestId("train-folds"), { target: { value: "two" } });
    fireEvent.click(screen.getByTestId("run-train"));
    expect(await screen.findByText("Gap must be between 0 and 52 (or blank)")).toBeInTheDocument();
    expect(screen.getByText("Backtest origins must be a whole number (or blank)")).toBeInTheDocument();
    expect(screen.getByTestId("train-settings")).toHaveAttribute("open");
    expect(screen.getByTestId("error-bar")).toHaveTextContent(/forecast settings/);
    expect(api.createDataset).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId("train-gap"), { target: { value: "" } });
    expect(screen.queryByText("Gap must be between 0 and 52 (or blank)")).toBeNull();
    expect(screen.getByText("Backtest origins must be a whole number (or blank)")).toBeInTheDocument();
  });

  it("runs a plan: dataset, job, live progress, result", async () => {
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    const { api, handlers, jobs } = await loadDemo();
    fireEvent.change(screen.getByTestId("setting-generations"), { target: { value: "2" } });
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(handlers.has("job-1")).toBe(true));

    expect(api.createDataset).toHaveBeenCalledWith("Demo workbook", {
      history: expect.any(Array),
      products: expect.any(Array),
      slots: expect.any(Array),
      category_limits: expect.any(Array),
    });
    const [req, key] = api.createJob.mock.calls[0] as unknown as [Record<string, unknown>, string];
    expect(req).toMatchObject({ kind: "plan", dataset: "ds-1", settings: { generations: 2, discount_levels: [0, 0.1, 0.2, 0.3] } });
    expect(typeof key).toBe("string");
    expect(screen.getByTestId("dataset-status")).toHaveTextContent("Demo workbook · 2 campaigns · history 2 rows · products 1 rows");
    expect(screen.getByTestId("dataset-id")).toHaveTextContent("ds-1"); // the id apart, for support
    expect(screen.getByTestId("run-plan")).toBeDisabled();

    const h = handlers.get("job-1")!;
    act(() => {
      h.onState?.({ id: "job-1", kind: "plan", status: "running" });
      h.onProgress?.({ type: "progress", job: "job-1", phase: "plan", generation: 1, of: 2, best: 550.5, mean: 420, feasible_share: 0.9, elapsed_s: 0.4 });
    });
    expect(screen.getByTestId("progress-bar")).toHaveAttribute("data-generation", "1");
    expect(screen.getByText("Generation 1 of 2")).toBeInTheDocument();
    expect(screen.getByTestId("progress-best")).toHaveTextContent("551");
    expect(screen.getByTestId("job-status")).toHaveTextContent("running");

    jobs.set("job-1", { id: "job-1", kind: "plan", status: "succeeded", result: planResult });
    await act(async () => h.onFinished?.("succeeded"));
    await waitFor(() => expect(screen.getByTestId("job-status")).toHaveTextContent("succeeded"));
    const table = await screen.findByTestId("plan-table");
    // the chart now draws the result's convergence table (2 generations)
    expect(screen.getByTestId("convergence-chart")).toHaveAttribute("data-points", "2");
    expect(screen.getByTestId("progress-bar")).toHaveAttribute("aria-valuetext", "Succeeded · generation 1 of 2");
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(table).toHaveTextContent("P-001");
    expect(table).toHaveTextContent("10 %");
    expect(screen.getByTestId("plan-totals")).toHaveTextContent("550.50");
    // announced to screen readers and brought into view
    expect(screen.getByTestId("results-announcement")).toHaveTextContent(/^Plan ready: forecast profit 550.50, within 8\.\d % of the best plan possible under this forecast, all 1 rules kept\.$/);
    expect(scrolled).toContain(screen.getByTestId("results"));
    expect(screen.getByTestId("rules")).toHaveTextContent("Discounted share38 % (max 40 %)");
    expect(screen.getByTestId("download-xlsx")).toBeEnabled();
    expect(screen.queryByTestId("write-plan")).toBeNull(); // Excel only

    // a second run with the same data reuses the dataset
    fireEvent.click(screen.getByTestId("run-train"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalledTimes(2));
    expect(api.createDataset).toHaveBeenCalledTimes(1);
    expect(api.createJob.mock.calls[1][0]).toEqual({ kind: "train", dataset: "ds-1" });
  });

  it("cancels a running job with DELETE", async () => {
    const { api, handlers } = await loadDemo();
    fireEvent.click(screen.getByTestId("run-explore"));
    await waitFor(() => expect(handlers.has("job-1")).toBe(true));
    expect(api.createJob.mock.calls[0][0]).toEqual({ kind: "explore", dataset: "ds-1", table: "history" });
    fireEvent.click(screen.getByTestId("cancel-job"));
    await waitFor(() => expect(api.cancelJob).toHaveBeenCalledWith("job-1"));
  });

  it("shows the server's problem+json with its cells in the one error bar", async () => {
    const { api } = await loadDemo();
    api.createDataset.mockRejectedValueOnce(
      ApiError.fromProblem(
        {
          title: "Invalid table",
          detail: "history: 1 problem",
          code: "invalid_table",
          errors: [{ table: "history", row: 3, column: "units", cell: "C3", message: "must be >= 0" }],
        },
        422,
      ),
    );
    fireEvent.click(screen.getByTestId("run-train"));
    const bar = await screen.findByTestId("error-bar");
    expect(bar).toHaveTextContent("history: 1 problem");
    expect(bar).toHaveTextContent("history · row 3 · units · C3");
    expect(api.createJob).not.toHaveBeenCalled();
    expect(screen.getAllByTestId("error-bar")).toHaveLength(1);
  });

  it("keeps Explore, Train and Plan disabled with a hint until the history (and for Plan the products) is there", async () => {
    const server = fakeServer();
    server.api.parseWorkbook.mockResolvedValueOnce({
      // a lone csv named after its export: mapped as history by its columns
      sheets: { "export (3)": [[" Campaign", "product_id", "UNITS"], [1, "P-001", 10]] },
    });
    render(<App adapter={new BrowserAdapter()} services={server.services} />);
    await waitFor(() => expect(screen.getByTestId("health")).toHaveTextContent("Connected"));
    for (const id of ["run-explore", "run-train", "run-plan"]) expect(screen.getByTestId(id)).toBeDisabled();
    expect(screen.getByTestId("run-hint")).toHaveTextContent("Load your sales history first");
    expect(screen.getByTestId("run-train")).toHaveAttribute("aria-describedby", "run-hint");

    const file = new File(["campaign,product_id,units\n1,P-001,10\n"], "export (3).csv", { type: "text/csv" });
    fireEvent.change(screen.getByTestId("upload-input"), { target: { files: [file] } });
    await waitFor(() => expect((screen.getByTestId("map-history") as HTMLSelectElement).value).toBe("sheet:export (3)"));
    expect(screen.getByTestId("run-train")).toBeEnabled();
    expect(screen.getByTestId("run-explore")).toBeEnabled();
    expect(screen.getByTestId("run-plan")).toBeDisabled();
    expect(screen.getByTestId("run-hint")).toHaveTextContent("Plan needs your candidate products too");
    fireEvent.click(screen.getByTestId("run-plan"));
    expect(server.api.createJob).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("run-train"));
    await waitFor(() => expect(server.api.createJob).toHaveBeenCalledWith({ kind: "train", dataset: "ds-1" }, expect.any(String)));
  });

  it("says clearly when the server is unreachable", async () => {
    const server = fakeServer();
    server.api.health.mockRejectedValueOnce(
      new ApiError({ status: 0, code: "unreachable", detail: "Cannot reach the Folio server at http://test." }),
    );
    render(<App adapter={new BrowserAdapter()} services={server.services} />);
    const bar = await screen.findByTestId("error-bar");
    expect(bar).toHaveTextContent("Cannot reach the Folio server");
    expect(screen.getByTestId("health")).toHaveTextContent("Unreachable");
  });
});

describe("App in Excel", () => {
  it("maps named tables, goes to a bad cell and writes the plan", async () => {
    const adapter: WorkbookAdapter = {
      kind: "excel",
      listSources: vi.fn(async () => [
        { source: { kind: "table" as const, name: "History" }, label: "Table History" },
        { source: { kind: "sheet" as const, name: "Sheet1" }, label: "Sheet Sheet1" },
      ]),
      readTable: vi.fn(async () => ({
        values: [
          ["campaign", "product_id", "units"],
          [1, "A", 2],
          [2, "A", -1],
        ],
        origin: { sheet: "Data", row: 4, column: 1 },
      })),
      captureSelection: vi.fn(async () => ({ kind: "range" as const, sheet: "Sheet1", address: "A1:C9" })),
      writeTable: vi.fn(async () => {}),
      appendRows: vi.fn(async () => {}),
      goToCell: vi.fn(async () => {}),
      writeReport: vi.fn(async () => {}),
      loadSetting: vi.fn(async () => undefined),
      saveSetting: vi.fn(async () => {}),
    };
    const server = fakeServer();
    render(<App adapter={adapter} services={server.services} />);
    await waitFor(() => expect((screen.getByTestId("map-history") as HTMLSelectElement).value).toBe("table:History"));
    expect(screen.queryByTestId("load-demo")).toBeNull();

    // "Selection" for products captures the current selection
    fireEvent.click(within(screen.getByTestId("map-products").closest(".role")!).getByRole("button", { name: "Use selection" }));
    await waitFor(() => expect((screen.getByTestId("map-products") as HTMLSelectElement).value).toBe("range:Sheet1!A1:C9"));

    server.api.createDataset.mockRejectedValueOnce(
      ApiError.fromProblem(
        { detail: "1 problem", code: "invalid_table", errors: [{ table: "history", row: 3, column: "units", message: "must be >= 0" }] },
        422,
      ),
    );
    fireEvent.click(screen.getByTestId("run-train"));
    fireEvent.click(await screen.findByRole("button", { name: "Go to cell" }));
    // row 3 (header = 1) -> offset 2; column "units" -> offset 2
    await waitFor(() => expect(adapter.goToCell).toHaveBeenCalledWith({ sheet: "Data", row: 4, column: 1 }, 2, 2));

    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(server.handlers.has("job-1")).toBe(true));
    const h = server.handlers.get("job-1")!;
    act(() => h.onProgress?.({ type: "progress", job: "job-1", generation: 0, of: 1, best: 1, mean: 1, feasible_share: 1 }));
    server.jobs.set("job-1", { id: "job-1", kind: "plan", status: "succeeded", result: planResult });
    await act(async () => h.onFinished?.("succeeded"));
    // the live convergence rows went to a sheet, with a native line chart over them
    await waitFor(() =>
      expect(adapter.writeTable).toHaveBeenCalledWith(
        "Folio Convergence",
        [["generation", "best", "mean", "feasible_share"], [0, 1, 1, 1]],
        expect.objectContaining({ tableName: "FolioConvergence", activate: false, chart: expect.objectContaining({ type: "line" }) }),
      ),
    );
    // the finished plan is written without asking: plan table, summary, convergence
    await waitFor(() =>
      expect(adapter.writeTable).toHaveBeenCalledWith("Folio Plan", planResult.plan, expect.objectContaining({ tableName: "FolioPlan" })),
    );
    expect(adapter.writeReport).toHaveBeenCalledWith("Folio Summary", expect.any(Array), { activate: false });
    // the workbook remembers the mapping and, while it ran, the job
    expect(adapter.saveSetting).toHaveBeenCalledWith("folio.mapping", expect.objectContaining({ history: "table:History", products: "range:Sheet1!A1:C9" }));
    expect(adapter.saveSetting).toHaveBeenCalledWith("folio.job", { id: "job-1", kind: "plan" });
    expect(adapter.saveSetting).toHaveBeenLastCalledWith("folio.job", null);
    fireEvent.click(await screen.findByTestId("write-plan"));
    await waitFor(() => expect(adapter.writeTable).toHaveBeenCalledTimes(5));
    expect(await screen.findByTestId("notice")).toHaveTextContent("Folio Plan");
  });
});

describe("Reattaching after the pane or page was closed", () => {
  it("follows a job the browser remembers and shows its result when it finishes", async () => {
    const storage = new Map<string, string>();
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    const adapter = new BrowserAdapter(store);
    await adapter.saveSetting("folio.job", { id: "job-9", kind: "plan" });
    const server = fakeServer();
    server.jobs.set("job-9", { id: "job-9", kind: "plan", status: "running", created_at: STARTED, progress: { generation: 3, of: 40, best: 5, mean: 4 } } as JobRecord);
    render(<App adapter={adapter} services={server.services} />);
    expect(await screen.findByTestId("notice")).toHaveTextContent(`Reattached to the plan started ${fmtClock(STARTED)}: still running.`);
    expect(screen.getByRole("heading", { name: `Plan started ${fmtClock(STARTED)}` })).toBeInTheDocument();
    expect(screen.getByTestId("job-id")).toHaveTextContent("job-9");
    await waitFor(() => expect(server.handlers.has("job-9")).toBe(true));
    server.jobs.set("job-9", { id: "job-9", kind: "plan", status: "succeeded", result: planResult } as JobRecord);
    await act(async () => server.handlers.get("job-9")!.onFinished?.("succeeded"));
    expect(await screen.findByTestId("plan-table")).toBeInTheDocument();
    expect(storage.has("folio.page.folio.job")).toBe(false);
  });

  it("shows what the server noticed in the data, at its cell, until the tables change", async () => {
    const { api } = await loadDemo();
    api.createDataset.mockResolvedValueOnce({
      id: "ds-1",
      name: "Demo workbook",
      warnings: [
        { table: "history", row: 5, column: "campaign", cell: "A5", message: "row 5 repeats row 4 exactly" },
        "an old server's text warning",
      ],
    } as never);
    fireEvent.click(screen.getByTestId("run-explore"));
    const box = await screen.findByTestId("data-warnings");
    expect(box).toHaveTextContent("2 things to check in your data");
    const items = screen.getAllByTestId("data-warning");
    expect(items[0]).toHaveTextContent("History, cell A5: row 5 repeats row 4 exactly");
    expect(items[1]).toHaveTextContent("an old server's text warning");
    // other tables mapped: those warnings were about other data
    fireEvent.change(screen.getByTestId("map-products"), { target: { value: "" } });
    await waitFor(() => expect(screen.queryByTestId("data-warnings")).toBeNull());
  });

  it("finds the dataset the page had made after a reload, and runs on it without sending it again", async () => {
    const storage = new Map<string, string>();
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    const first = await loadDemo(new BrowserAdapter(store));
    first.api.createDataset.mockResolvedValue({ id: "ds_0123abcd", name: "Demo workbook" });
    fireEvent.click(screen.getByTestId("run-explore"));
    await waitFor(() => expect(first.api.createJob).toHaveBeenCalled());
    const sent = (first.api.createDataset.mock.calls[0] as unknown as [string, Record<string, unknown>])[1];
    expect(JSON.parse(storage.get("folio.page.folio.dataset")!)).toEqual({
      id: "ds_0123abcd", name: "Demo workbook",
      sheets: { history: "history", products: "products", slots: "slots", category_limits: "category_limits" },
    });
    cleanup(); // the reload: a new page on the same browser storage

    const server = fakeServer();
    const getDataset = vi.fn(async (id: string) => ({ id, name: "Demo workbook", tables: sent }));
    Object.assign(server.api, { getDataset });
    render(<App adapter={new BrowserAdapter(store)} services={server.services} />);
    await waitFor(() => expect(screen.getByTestId("dataset-status")).toHaveTextContent("Demo workbook · 2 campaigns · history 2 rows · products 1 rows"));
    expect(getDataset).toHaveBeenCalledWith("ds_0123abcd");
    expect(screen.getByTestId("workbook-name")).toHaveTextContent("Demo workbook");
    expect((screen.getByTestId("map-history") as HTMLSelectElement).value).toBe("sheet:history");
    fireEvent.click(screen.getByTestId("run-explore"));
    await waitFor(() => expect(server.api.createJob).toHaveBeenCalled());
    expect(server.api.createDataset).not.toHaveBeenCalled(); // the same tables: the same dataset
    expect(server.api.createJob.mock.calls[0][0]).toMatchObject({ kind: "explore", dataset: "ds_0123abcd" });
  });

  it("shows a finished plan again after a reload while the server keeps its job, for the dataset found again", async () => {
    const storage = new Map<string, string>();
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    const first = await loadDemo(new BrowserAdapter(store));
    first.api.createDataset.mockResolvedValue({ id: "ds_0123abcd", name: "Demo workbook" });
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(first.handlers.has("job-1")).toBe(true));
    const sent = (first.api.createDataset.mock.calls[0] as unknown as [string, Record<string, unknown>])[1];
    first.jobs.set("job-1", { id: "job-1", kind: "plan", status: "succeeded", dataset: "ds_0123abcd", result: planResult } as JobRecord);
    await act(async () => first.handlers.get("job-1")!.onFinished?.("succeeded"));
    await screen.findByTestId("key-rules");
    await waitFor(() => expect(JSON.parse(storage.get("folio.page.folio.results") ?? "null")).toEqual({ latest: "plan", jobs: { plan: { id: "job-1", kind: "plan" } } }));
    cleanup(); // the reload: a new page on the same browser storage

    const reopen = (records: [string, JobRecord][]) => {
      const server = fakeServer();
      for (const [id, rec] of records) server.jobs.set(id, rec);
      Object.assign(server.api, { getDataset: vi.fn(async (id: string) => ({ id, name: "Demo workbook", tables: sent })) });
      render(<App adapter={new BrowserAdapter(store)} services={server.services} />);
      return server;
    };
    const kept = { id: "job-1", kind: "plan", status: "succeeded", dataset: "ds_0123abcd", result: planResult } as JobRecord;
    const server = reopen([["job-1", kept]]);
    expect(await screen.findByTestId("key-rules")).toBeInTheDocument(); // the plan shown again
    expect(server.api.getJob).toHaveBeenCalledWith("job-1");
    expect(server.api.createJob).not.toHaveBeenCalled(); // nothing planned again
    cleanup();

    // a job of another dataset (the page's data is another now): not shown
    reopen([["job-1", { ...kept, dataset: "ds_ffff0000" } as JobRecord]]);
    await waitFor(() => expect(screen.getByTestId("dataset-status")).toHaveTextContent("Demo workbook"));
    expect(screen.queryByTestId("key-rules")).toBeNull();
    cleanup();
    // the server no longer has the job: nothing shown, no error
    reopen([]);
    await waitFor(() => expect(screen.getByTestId("dataset-status")).toHaveTextContent("Demo workbook"));
    expect(screen.queryByTestId("key-rules")).toBeNull();
    expect(screen.queryByTestId("error-bar")).toBeNull();
  });

  it("lets a workbook the planner loads while the dataset is fetched stand", async () => {
    const storage = new Map([["folio.page.folio.dataset", JSON.stringify({ id: "ds_0123abcd", name: "old.xlsx" })]]);
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    const server = fakeServer();
    let answer: (record: unknown) => void = () => {};
    const getDataset = vi.fn(() => new Promise((resolve) => (answer = resolve)));
    Object.assign(server.api, { getDataset });
    render(<App adapter={new BrowserAdapter(store)} services={server.services} />);
    await waitFor(() => expect(getDataset).toHaveBeenCalled());
    // the upload is disabled while the page is busy finding it, but a script (or a quick hand) gets there
    const file = new File(["x"], "new.xlsx");
    fireEvent.change(screen.getByTestId("upload-input"), { target: { files: [file] } });
    await waitFor(() => expect(screen.getByTestId("workbook-name")).toHaveTextContent("new.xlsx"));
    await act(async () => answer({ id: "ds_0123abcd", name: "old.xlsx", tables: { history: [["campaign", "product_id", "units"], [1, "P9", 4]] } }));
    expect(screen.getByTestId("workbook-name")).toHaveTextContent("new.xlsx");
    expect(screen.getByTestId("rows-history")).toHaveTextContent("2 rows");
    expect(screen.getByTestId("dataset-status")).toHaveTextContent(/created from these tables/);
  });

  it("drops a remembered dataset the server no longer has, quietly", async () => {
    const storage = new Map([["folio.page.folio.dataset", JSON.stringify({ id: "ds_gone", name: "old.xlsx" })]]);
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v), removeItem: (k: string) => void storage.delete(k) };
    const server = fakeServer();
    const getDataset = vi.fn(async () => {
      throw ApiError.fromProblem({ detail: "no such dataset", code: "not_found" }, 404);
    });
    Object.assign(server.api, { getDataset });
    render(<App adapter={new BrowserAdapter(store)} services={server.services} />);
    await waitFor(() => expect(storage.has("folio.page.folio.dataset")).toBe(false));
    expect(getDataset).toHaveBeenCalledWith("ds_gone");
    expect(screen.getByTestId("dataset-status")).toHaveTextContent("No data loaded.");
    expect(screen.queryByTestId("error-bar")).toBeNull();
  });

  it("forgets a job the server no longer knows", async () => {
    const adapter = new BrowserAdapter(undefined);
    const saveSpy = vi.spyOn(adapter, "saveSetting");
    vi.spyOn(adapter, "loadSetting").mockResolvedValue({ id: "gone", kind: "train" });
    const server = fakeServer();
    server.api.getJob.mockRejectedValueOnce(ApiError.fromProblem({ detail: "no such job", code: "not_found" }, 404));
    render(<App adapter={adapter} services={server.services} />);
    await waitFor(() => expect(saveSpy).toHaveBeenCalledWith("folio.job", null));
  });
});

// ---------- one catalogue per country ----------

const multiHistory = [
  ["campaign", "product_id", "units", "country"],
  [1, "P-001", 10, "FR"],
  [1, "P-001", 12, "DE"],
  [2, "P-001", 9, "PL"],
];

const multiResult: PlanResult = {
  plan: [
    ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit", "country"],
    [1, 1, "P-001", 0.1, 120, 1080, 300.5, "DE"],
    [1, 1, "P-007", 0, 80, 800, 250, "FR"],
  ],
  totals: { units: 200, revenue: 1880, profit: 550.5, products: 2, slots_used: 2 },
  rules: [
    { rule: "unique_products", limit: 1, value: 1, kept: true, country: "DE" },
    { rule: "category_max", category: "skincare", limit: 3, value: 2, kept: true, country: "DE" },
    { rule: "category_max", category: "skincare", limit: 3, value: 4, kept: false, country: "FR" },
  ],
  convergence: [
    ["generation", "best", "mean", "feasible_share", "best DE", "best FR"],
    [0, 400, 300, 0.5, 250, 150],
    [1, 550.5, 420, 0.9, 300.5, 250],
  ],
  bound: 600,
  anomaly_score: 0.2,
  cancelled: false,
  countries: [
    { country: "DE", status: "succeeded", job: "c-de", totals: { units: 120, revenue: 1080, profit: 300.5 }, objective: 300.5, bound: 310, bound_gap: 0.0306, stopped_by: "stagnation", generations_run: 7 },
    { country: "FR", status: "succeeded", job: "c-fr", totals: { units: 80, revenue: 800, profit: 250 }, objective: 250, bound: 290, bound_gap: 0.138, stopped_by: "generations", generations_run: 10 },
    { country: "PL", status: "failed", job: "c-pl", error: { code: "infeasible", detail: "must-include products need 7 slots, the catalogue has 6" } },
  ],
};

describe("App: one catalogue per country", () => {
  it("offers the history's countries and refuses an empty choice without calling the server", async () => {
    const { api } = await loadDemo(new BrowserAdapter(), multiHistory);
    const select = screen.getByTestId("setting-countries") as HTMLSelectElement;
    expect(select.value).toBe("one");
    await waitFor(() => expect(screen.getByTestId("setting-countries-hint")).toHaveTextContent("One plan for DE, FR, PL together"));
    fireEvent.change(select, { target: { value: "choose" } });
    // choosing starts with every country ticked
    for (const c of ["DE", "FR", "PL"]) expect(screen.getByTestId(`setting-country-${c}`)).toBeChecked();
    for (const c of ["DE", "FR", "PL"]) fireEvent.click(screen.getByTestId(`setting-country-${c}`));
    fireEvent.click(screen.getByTestId("run-plan"));
    expect(await screen.findByText("Choose at least one country")).toBeInTheDocument();
    expect(screen.getByTestId("setting-countries")).toHaveAttribute("aria-invalid", "true");
    expect(api.createDataset).not.toHaveBeenCalled();
    // ticking one clears the message; the request names it
    fireEvent.click(screen.getByTestId("setting-country-FR"));
    expect(screen.queryByText("Choose at least one country")).toBeNull();
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalledTimes(1));
    expect(api.createJob.mock.calls[0][0]).toMatchObject({ kind: "plan", dataset: "ds-1", countries: ["FR"], settings: { time_limit_s: 60 } });
    // no cap on generations by default: the search uses the time limit it is given
    expect((api.createJob.mock.calls[0][0] as { settings?: object }).settings).not.toHaveProperty("generations");
  });

  it("sends countries: all, or no countries key for one catalogue", async () => {
    const { api, handlers, jobs } = await loadDemo(new BrowserAdapter(), multiHistory);
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalledTimes(1));
    expect(api.createJob.mock.calls[0][0]).not.toHaveProperty("countries");
    jobs.set("job-1", { id: "job-1", kind: "plan", status: "succeeded", result: planResult });
    await act(async () => handlers.get("job-1")!.onFinished?.("succeeded"));
    await screen.findByTestId("plan-table");
    fireEvent.change(screen.getByTestId("setting-countries"), { target: { value: "all" } });
    expect(screen.getByTestId("setting-countries-hint")).toHaveTextContent("3 plans in parallel: DE, FR, PL");
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(api.createJob).toHaveBeenCalledTimes(2));
    expect(api.createJob.mock.calls[1][0]).toMatchObject({ kind: "plan", countries: "all" });
  });

  it("shows the server's refusal of a country under the Countries control", async () => {
    const { api } = await loadDemo(new BrowserAdapter(), multiHistory);
    api.createJob.mockRejectedValueOnce(
      ApiError.fromProblem(
        { title: "Invalid job request", detail: "no sales history for 'IT'", code: "invalid_job", errors: [{ column: "countries", message: "no sales history for 'IT'; known countries: DE, FR, PL" }] },
        422,
      ),
    );
    fireEvent.change(screen.getByTestId("setting-countries"), { target: { value: "all" } });
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(document.getElementById("setting-countries-error")).toHaveTextContent("known countries: DE, FR, PL"));
    expect(screen.getByTestId("setting-countries")).toHaveAttribute("aria-invalid", "true");
  });

  it("follows each country live, then shows the plan by country", async () => {
    const { api, handlers, jobs } = await loadDemo(new BrowserAdapter(), multiHistory);
    api.createJob.mockImplementationOnce(async () => {
      const rec = { id: "job-1", kind: "plan", status: "queued", countries: ["DE", "FR", "PL"] } as JobRecord;
      jobs.set(rec.id, rec);
      return rec;
    });
    fireEvent.change(screen.getByTestId("setting-countries"), { target: { value: "all" } });
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(handlers.has("job-1")).toBe(true));
    const h = handlers.get("job-1")!;
    expect(screen.getByTestId("country-progress-PL")).toHaveAttribute("data-status", "waiting");

    const ev = (country: string, child: string, generation: number, best: number, mean: number) =>
      h.onProgress?.({ type: "progress", job: "job-1", country, child, phase: "plan", generation, of: 10, best, mean, feasible_share: country === "FR" ? 0.5 : 1 });
    act(() => {
      h.onState?.({ id: "job-1", kind: "plan", status: "running", progress: { phase: "countries", countries: 3, finished: 0, running: 2 } });
      ev("DE", "c-de", 0, 100, 50);
      ev("DE", "c-de", 3, 200, 150);
      ev("FR", "c-fr", 0, 1000, 500);
    });
    const de = screen.getByTestId("country-progress-DE");
    expect(de).toHaveAttribute("data-status", "running");
    expect(de).toHaveTextContent("3 of 10");
    expect(de).toHaveTextContent("200");
    expect(screen.getByTestId("country-progress-FR")).toHaveTextContent("0 of 10");
    expect(screen.getByTestId("country-progress-PL")).toHaveAttribute("data-status", "waiting");
    // the summed curve: DE 200 + FR 1,000 at generation 3; the weakest feasible share
    expect(screen.getByTestId("progress-best")).toHaveTextContent("1,200");
    expect(screen.getByTestId("progress-feasible")).toHaveTextContent("50 %");
    expect(screen.getByTestId("convergence-chart")).toHaveAttribute("data-points", "2");
    expect(screen.getByText("0 of 3 countries finished")).toBeInTheDocument();

    // each child is watched for its end
    expect(handlers.has("c-de") && handlers.has("c-fr")).toBe(true);
    act(() => handlers.get("c-de")!.onFinished?.("succeeded"));
    expect(screen.getByTestId("country-progress-DE")).toHaveAttribute("data-status", "succeeded");
    expect(screen.getByText("1 of 3 countries finished")).toBeInTheDocument();

    jobs.set("job-1", {
      id: "job-1", kind: "plan", status: "failed", countries: ["DE", "FR", "PL"], result: multiResult,
      progress: { phase: "countries", countries: 3, finished: 3, running: 0 },
      error: { code: "infeasible", title: "No plan keeps every rule", detail: "PL: must-include products need 7 slots, the catalogue has 6" },
    });
    await act(async () => h.onFinished?.("failed"));
    expect(await screen.findByTestId("country-table")).toBeInTheDocument();
    expect(screen.getByTestId("error-bar")).toHaveTextContent("PL: must-include products need 7 slots");
    expect(screen.getByTestId("progress-bar")).toHaveAttribute("aria-valuetext", "Failed · 3 of 3 countries finished");
    expect(screen.getByTestId("country-progress-PL")).toHaveAttribute("data-status", "failed");
    expect(screen.getByTestId("country-progress-DE")).toHaveTextContent("7 of 10");

    const de2 = screen.getByTestId("country-row-DE");
    expect(de2).toHaveTextContent("succeeded");
    expect(de2).toHaveTextContent("1,080.00");
    expect(de2).toHaveTextContent("300.50");
    expect(de2).toHaveTextContent("3.1 %");
    expect(de2).toHaveTextContent("no better plan");
    expect(screen.getByTestId("country-row-FR")).toHaveTextContent("all generations");
    expect(screen.getByTestId("country-error-PL")).toHaveTextContent("must-include products need 7 slots");
    // the plan table shows each row's country, first
    const table = screen.getByTestId("plan-table");
    expect(within(table).getAllByRole("columnheader")[0]).toHaveTextContent("Country");
    expect(within(table).getAllByRole("row")[2]).toHaveTextContent(/^FR/);
    // rules per country, a country with a broken rule unfolded
    expect(screen.getByTestId("rules-DE")).toHaveTextContent("all 2 rules kept");
    expect(screen.getByTestId("rules-DE")).not.toHaveAttribute("open");
    expect(screen.getByTestId("rules-FR")).toHaveTextContent("1 of 1 rules broken");
    expect(screen.getByTestId("rules-FR")).toHaveAttribute("open");
  });
});

describe("App in Excel: one catalogue per country", () => {
  it("reads the countries when asked, writes no live rows, then the plan and the countries side by side", async () => {
    const adapter: WorkbookAdapter = {
      kind: "excel",
      listSources: vi.fn(async () => [
        { source: { kind: "table" as const, name: "History" }, label: "Table History" },
        { source: { kind: "table" as const, name: "Products" }, label: "Table Products" },
      ]),
      readTable: vi.fn(async () => ({ values: multiHistory, origin: { sheet: "Data", row: 0, column: 0 } })),
      writeTable: vi.fn(async () => {}),
      appendRows: vi.fn(async () => {}),
      writeReport: vi.fn(async () => {}),
      loadSetting: vi.fn(async () => undefined),
      saveSetting: vi.fn(async () => {}),
    };
    const server = fakeServer();
    render(<App adapter={adapter} services={server.services} />);
    await waitFor(() => expect((screen.getByTestId("map-history") as HTMLSelectElement).value).toBe("table:History"));
    // one catalogue for all markets needs no read of the history
    expect(adapter.readTable).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId("setting-countries"), { target: { value: "choose" } });
    await waitFor(() => expect(screen.getByTestId("setting-country-PL")).toBeInTheDocument());
    fireEvent.click(screen.getByTestId("setting-country-PL"));
    server.api.createJob.mockImplementationOnce(async () => {
      const rec = { id: "job-1", kind: "plan", status: "queued", countries: ["DE", "FR"] } as JobRecord;
      server.jobs.set(rec.id, rec);
      return rec;
    });
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(server.handlers.has("job-1")).toBe(true));
    expect(server.api.createJob.mock.calls[0][0]).toMatchObject({ countries: ["DE", "FR"] });
    const h = server.handlers.get("job-1")!;
    act(() => h.onProgress?.({ type: "progress", job: "job-1", country: "DE", child: "c-de", phase: "plan", generation: 0, of: 2, best: 1, mean: 1, feasible_share: 1 }));
    server.jobs.set("job-1", { id: "job-1", kind: "plan", status: "succeeded", countries: ["DE", "FR"], result: multiResult });
    await act(async () => h.onFinished?.("succeeded"));
    await waitFor(() =>
      expect(adapter.writeTable).toHaveBeenCalledWith("Folio Plan", multiResult.plan, expect.objectContaining({ tableName: "FolioPlan" })),
    );
    // the convergence sheet once, from the gathered (summed) table: no live rows per country
    const convergence = (adapter.writeTable as ReturnType<typeof vi.fn>).mock.calls.filter((c) => c[0] === "Folio Convergence");
    expect(convergence).toEqual([["Folio Convergence", multiResult.convergence, expect.objectContaining({ chart: expect.objectContaining({ series: ["best", "mean"] }) })]]);
    expect(adapter.appendRows).not.toHaveBeenCalled();
    const [, blocks] = (adapter.writeReport as ReturnType<typeof vi.fn>).mock.calls.find((c) => c[0] === "Folio Summary")!;
    expect((blocks as { title: string }[]).map((b) => b.title)).toContain("By country");
    expect(await screen.findByTestId("notice")).toHaveTextContent("the countries side by side");
  });
});
