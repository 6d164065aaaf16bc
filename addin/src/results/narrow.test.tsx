import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ExploreResult, TrainResult } from "../api/types";
import { strongestPairs } from "./explore/ExploreCharts";
import { ExploreView } from "./explore/ExploreView";
import { CountryTable } from "./plan/CountryTable";
import { TrainView } from "./train/TrainView";

// the narrow layouts (cards) are rendered beside the tables; CSS container queries pick one
describe("results that read at 320 px", () => {
  it("lists the strongest correlations first, each pair once", () => {
    const pairs = strongestPairs({ columns: ["a", "b", "c"], matrix: [[1, 0.2, -0.9], [0.2, 1, null], [-0.9, null, 1]] });
    expect(pairs).toEqual([{ a: "a", b: "c", r: -0.9 }, { a: "a", b: "b", r: 0.2 }]);
  });

  it("shows each explored column as a card, clusters as chips, with the tables on demand", () => {
    const result: ExploreResult = {
      columns: [
        { column: "units", count: 10, missing: 2, mean: 5, median: 4, min: 0, max: 30, histogram: { edges: [0, 15, 30], counts: [8, 2] } },
        { column: "brand", count: 10, missing: 0, top: [{ value: "Aurora", count: 6 }] },
        { column: "start_date", count: 10, missing: 0, kind: "date", first: "2023-01-02", last: "2023-07-10", top: [{ value: "2023-05-29", count: 4 }] },
      ],
      correlations: { columns: ["units", "price"], matrix: [[1, -0.5], [-0.5, 1]] },
      clusters: { features: ["units"], rows: 10, k: 2, scores: [{ k: 2, silhouette: 0.5 }], silhouette: 0.5, profiles: [{ cluster: 0, size: 7, share: 0.7, means: { units: 3 }, z_means: { units: -0.5 } }, { cluster: 1, size: 3, share: 0.3, means: { units: 12 }, z_means: { units: 1.2 } }] },
    };
    render(<ExploreView result={result} context={{}} />);
    const cards = screen.getAllByTestId("explore-card");
    // a column of whole numbers with whole ends and median (was "median 4.00", "0.00 to 30.00")
    expect(within(cards[0]).getByTestId("explore-card-figures").textContent).toBe("mean 5.00median 40 to 30");
    expect(cards[1]).toHaveTextContent("most often Aurora (6)");
    // a date column by its span, not by its most frequent day
    expect(cards[2]).toHaveTextContent("dates 2023-01-02 to 2023-07-10");
    expect(cards[2]).not.toHaveTextContent("most often");
    expect(screen.getAllByTestId("cluster-card")[1]).toHaveTextContent("Cluster #23 rows 30 %units 12.00");
    expect(screen.getByTestId("correlation-pairs")).toHaveTextContent("units × price−0.50");
    // the full tables are there too, behind their toggles
    expect(screen.getByTestId("explore-table")).toBeInTheDocument();
    const toggle = screen.getByTestId("explore-columns-toggle");
    fireEvent.click(toggle);
    expect(screen.getByTestId("explore-columns")).toHaveClass("narrow-switch--full");
    expect(toggle).toHaveAttribute("aria-expanded", "true");
  });

  it("shows each country of a plan as a card, a failed one with its reason", () => {
    render(
      <CountryTable
        countries={[
          { country: "DE", status: "succeeded", totals: { units: 120, revenue: 1080, profit: 300.5 }, bound: 310, objective: 300.5, stopped_by: "stagnation" },
          { country: "PL", status: "failed", error: { code: "infeasible", detail: "no products for this country" } },
        ]}
      />,
    );
    expect(screen.getByTestId("country-card-DE")).toHaveTextContent("DE succeededprofit 300.50120 unitsrevenue 1,080.00gap 3.1 %ended: no better plan");
    expect(screen.getByTestId("country-card-PL")).toHaveTextContent("no products for this country");
  });

  it("shows each model as a card with its WAPE first and the champion marked", () => {
    const result: TrainResult = {
      candidates: [{ name: "pooled", metrics: { wape: 0.336, mape: 0.512, bias: 0.013 }, chosen: true }],
      baselines: [{ name: "naive", metrics: { wape: 0.892, mape: 2.555, bias: 0.012 } }],
    };
    render(<TrainView result={result} context={{}} />);
    const [pooled, naive] = screen.getAllByTestId("train-card");
    expect(within(pooled).getByTestId("champion-card")).toBeInTheDocument();
    expect(pooled).toHaveTextContent("WAPE 33.6 %");
    expect(naive).toHaveTextContent("baselineMAPE 255.5 %bias 1.2 %");
    // the scores are explained once above the cards
    expect(screen.getByTestId("explain-wape-card")).toHaveAccessibleName("What is WAPE?");
  });
});
