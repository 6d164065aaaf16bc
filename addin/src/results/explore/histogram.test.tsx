import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { HistogramChart } from "./ExploreCharts";

describe("a histogram in the pane", () => {
  it("shows a 0/1 column as two bars labelled 0 and 1, not bins from -0.5 to 1.5", () => {
    render(<HistogramChart summary={{ column: "featured", count: 10, missing: 0, histogram: { edges: [-0.5, 0.5, 1.5], counts: [7, 3], values: [0, 1] } }} />);
    const chart = screen.getByTestId("histogram");
    expect(screen.getAllByTestId("histogram-value").map((t) => t.textContent)).toEqual(["0 (7)", "1 (3)"]);
    expect(chart.querySelectorAll("rect.bar")).toHaveLength(2);
    expect([...chart.querySelectorAll("title")].map((t) => t.textContent)).toEqual(["0: 7", "1: 3"]);
    expect(chart).not.toHaveTextContent("-0.5");
  });

  it("labels each of a few levels under its bar, the ends of many", () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    render(<HistogramChart summary={{ column: "page", count: 20, missing: 0, histogram: { edges: [], counts: values.map(() => 1), values } }} />);
    expect(screen.getAllByTestId("histogram-value").map((t) => t.textContent)).toEqual(["1", "20"]);
  });

  it("labels a column of fractions by the two ends of its range", () => {
    render(<HistogramChart summary={{ column: "price", count: 10, missing: 0, histogram: { edges: [0, 15, 30], counts: [8, 2] } }} />);
    expect(screen.queryByTestId("histogram-value")).toBeNull();
    expect(screen.getByTestId("histogram")).toHaveTextContent("030");
  });
});
