import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Cell, JobRecord, PlanResult } from "../api/types";
import { BrowserAdapter } from "../office/browser";
import { datasetLabel, otherDataNote } from "../state/resultData";
import { fakeServer } from "../testing/fakeServer";
import { App } from "./App";

const sheets = (name: string): Record<string, Cell[][]> => ({
  history: [["campaign", "product_id", "units"], [1, "P-001", 10], [2, "P-001", 12]],
  products: [["product_id", "name", "price", "unit_cost"], ["P-001", name, 9, 6]],
  slots: [["page", "slot"], [1, 1]],
});

const plan: PlanResult = {
  plan: [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit"], [1, 1, "P-001", 0.1, 120, 1080, 300.5]],
  totals: { units: 120, revenue: 1080, profit: 300.5, products: 1, slots_used: 1 },
  rules: [],
  convergence: [["generation", "best", "mean", "feasible_share"]],
  cancelled: false,
};

describe("whose data a result is", () => {
  const labels = new Map([["ds-1", "Demo workbook · 36 campaigns"]]);
  const labelOf = (id: string) => labels.get(id);

  it("says nothing for a result of the tables shown now, or when that cannot be told", () => {
    expect(otherDataNote("ds-1", { id: "ds-1", ready: true }, labelOf)).toBeUndefined();
    expect(otherDataNote(undefined, { id: "ds-2", ready: true }, labelOf)).toBeUndefined();
    expect(otherDataNote("ds-1", null, labelOf)).toBeUndefined();
  });

  it("names the data a result was made from when the tables changed or are others", () => {
    expect(otherDataNote("ds-1", { id: "ds-1", ready: false }, labelOf)).toBe(
      "Made from the data sent before (Demo workbook · 36 campaigns): your tables changed since. Run it again to use them as they are now.",
    );
    expect(otherDataNote("ds-1", { id: "ds-2", ready: true }, labelOf)).toBe("Made from other data: Demo workbook · 36 campaigns, not the tables loaded now. Run it again for these tables.");
    expect(otherDataNote("ds-9", { id: "ds-2", ready: true }, labelOf)).toBe("Made from other data, not the tables loaded now. Run it again for these tables.");
    expect(datasetLabel({ name: "short.xlsx", campaigns: 1 })).toBe("short.xlsx · 1 campaign");
  });

  it("labels a plan once other data is loaded, and never names its products from the other products table", async () => {
    const server = fakeServer(sheets("Rose day cream"));
    render(<App adapter={new BrowserAdapter()} services={server.services} />);
    await waitFor(() => expect(screen.getByTestId("health")).toHaveTextContent("Connected"));
    fireEvent.click(screen.getByTestId("load-demo"));
    await waitFor(() => expect(screen.getByTestId("rows-history")).toHaveTextContent("2 rows"));
    fireEvent.click(screen.getByTestId("run-plan"));
    await waitFor(() => expect(server.handlers.has("job-1")).toBe(true));
    server.jobs.set("job-1", { id: "job-1", kind: "plan", status: "succeeded", dataset: "ds-1", result: plan } as JobRecord);
    await act(async () => server.handlers.get("job-1")!.onFinished?.("succeeded"));
    expect(await screen.findByTestId("plan-row-product")).toHaveTextContent("Rose day cream");
    expect(screen.queryByTestId("result-other-data")).toBeNull();

    // another file: its P-001 is another product
    server.api.parseWorkbook.mockResolvedValue({ sheets: sheets("Mint foot balm") });
    fireEvent.change(screen.getByTestId("upload-input"), { target: { files: [new File(["x"], "short.xlsx")] } });
    await waitFor(() => expect(screen.getByTestId("workbook-name")).toHaveTextContent("short.xlsx"));
    await waitFor(() =>
      expect(screen.getByTestId("result-other-data").textContent).toBe(
        "Made from the data sent before (Demo workbook · 2 campaigns): your tables changed since. Run it again to use them as they are now.",
      ),
    );
    expect(screen.getByTestId("plan-row-product").textContent).not.toContain("Mint foot balm");
    expect(screen.getByTestId("plan-row-product")).toHaveTextContent("P-001");

    // the new file sent (a job on it): the plan is now plainly another dataset's
    server.api.createDataset.mockResolvedValue({ id: "ds-2", name: "short.xlsx" });
    fireEvent.click(screen.getByTestId("run-explore"));
    await waitFor(() => expect(server.api.createJob).toHaveBeenCalledTimes(2));
    await waitFor(() =>
      expect(screen.getByTestId("result-other-data").textContent).toBe("Made from other data: Demo workbook · 2 campaigns, not the tables loaded now. Run it again for these tables."),
    );
  });
});
