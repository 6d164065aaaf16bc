import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { TrainResult } from "../../api/types";
import { TrainView } from "./TrainView";

// what the API gave for a history of 8 numbered campaigns and 6 products (the result's own words)
const SHORT: TrainResult = {
  candidates: [{ name: "pooled", metrics: { wape: 0.179 }, chosen: true }],
  baselines: [{ name: "mean", metrics: { wape: 0.166 } }],
  degraded: [
    { code: "candidates_skipped", message: "gbm not tried: the first backtest fold fits on 8 rows; gradient boosting needs 40 to split at all" },
    { code: "baseline_not_beaten", message: "pooled (backtest WAPE 17.9%) is no better than the mean baseline (16.6%): more history would help" },
  ],
  season: { value: 0, source: "none", detail: "campaign ids are numbers or mixed, with no date column: the cadence cannot be read from them; set 'season' (campaigns per year) to use seasonal features", used: false },
};

describe("what the history allowed the training", () => {
  it("says each concession and the season in the result's words (the pane showed none of them)", () => {
    render(<TrainView result={SHORT} context={{}} />);
    const notes = screen.getByTestId("train-notes");
    expect(notes).toHaveTextContent("What your history allowed");
    expect(notes).toHaveTextContent("gbm not tried: the first backtest fold fits on 8 rows");
    expect(notes).toHaveTextContent("is no better than the mean baseline (16.6%): more history would help");
    expect(notes).toHaveTextContent("No season: campaign ids are numbers or mixed, with no date column");
  });

  it("says the season read when there is one, and nothing more when nothing was conceded", () => {
    render(<TrainView result={{ candidates: [], baselines: [], degraded: [], season: { value: 17, source: "campaign ids", detail: "campaign ids number the campaigns within each year: 17 per year" } }} context={{}} />);
    expect(screen.getByTestId("train-notes")).toHaveTextContent("Season: campaign ids number the campaigns within each year: 17 per year.");
  });

  it("shows no notes for a result without them (an older train job)", () => {
    render(<TrainView result={{ candidates: [], baselines: [] }} context={{}} />);
    expect(screen.queryByTestId("train-notes")).toBeNull();
  });
});

describe("which model plans from now on", () => {
  it("names the new champion by its name, its id apart (was 'Champion model: model_37f2…' alone, then in brackets)", () => {
    render(<TrainView result={{ ...SHORT, models: ["model_37f2"], champion: "model_37f2" }} context={{}} />);
    expect(screen.getByTestId("train-champion")).toHaveTextContent(/^Plans now use pooled, the champion\.$/);
    expect(screen.getByTestId("champion-id")).toHaveTextContent("model_37f2");
  });

  it("says when an earlier champion is kept", () => {
    const result: TrainResult = { ...SHORT, models: ["model_new"], champion: "model_old",
      registered: [{ id: "model_old", name: "gbm", metrics: { wape: 0.15 }, champion: true }] };
    render(<TrainView result={result} context={{}} />);
    expect(screen.getByTestId("train-champion")).toHaveTextContent(
      "Plans keep the champion gbm: it still scores better on campaigns neither model was trained on.");
    expect(screen.getByTestId("champion-id")).toHaveTextContent("model_old");
  });
});
