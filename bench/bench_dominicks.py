"""Dominick's orange juice, TSPerf protocol, through Folio's own train and forecast path.

TSPerf (Microsoft's forecasting benchmark, OrangeJuice_Pt_3Weeks_Weekly): 12 rounds; round r
trains on weeks 40..135+2r and forecasts weeks 137+2r and 138+2r (one week of gap, two weeks
ahead); MAPE on units over every forecast row of every round. Each round here calls
``engine.forecast.train`` with two candidates, one gradient-boosting fit on log units and a bag of
five (``gbm_log_bag``): a backtest with ``--folds`` origins before the round's end, same gap and
horizon, judges each by MAPE after its own MAPE scale and picks one; the winner is refit on every
week. Then ``forecast_rows`` on the test weeks WITHOUT their units, exactly what the ``train`` and
``forecast`` jobs do.

    .venv/bin/python bench/bench_dominicks.py            # 12 rounds (~13 min on 2 cores)
    .venv/bin/python bench/bench_dominicks.py --rounds 3 # quicker look
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.forecast import backtest  # noqa: E402
from engine.datasets import dominicks  # noqa: E402
from engine.forecast import PRESETS, forecast_rows, train  # noqa: E402

REFERENCES = [("naive", 109.7), ("mean", 70.7), ("auto-ARIMA", 70.8), ("ETS", 71.0), ("RNN", 37.7),
              ("dilated CNN", 37.1), ("LightGBM", 36.3)]
# A single gradient-boosting fit and a bag of five (engine.forecast.PRESETS); each round's backtest
# chooses between them by MAPE after each one's own MAPE scale.
CANDIDATES = [{"name": name, **PRESETS[name], "threads": 2} for name in ("gbm_log", "gbm_log_bag")]


def rounds(n: int):
    for r in range(n):
        end = 135 + 2 * r
        yield r + 1, end, [end + 2, end + 3]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--folds", type=int, default=4, help="backtest origins per round (choice + MAPE scale)")
    args = parser.parse_args()
    started = time.monotonic()
    history = dominicks.load_history()
    ys, ours, naive, coverage = [], [], [], []
    for number, end, weeks in rounds(args.rounds):
        t0 = time.monotonic()
        past = history[history["campaign"] <= end]
        future = history[history["campaign"].isin(weeks)]
        outcome = train(past, candidates=CANDIDATES, holdout_campaigns=2, gap=1, folds=args.folds, season=52,
                        select_by="mape")
        out = forecast_rows(outcome.best, future.drop(columns=["units"]))
        y = future["units"].to_numpy(dtype=float)
        data = history[history["campaign"] <= weeks[-1]].reset_index(drop=True)
        split = backtest.HoldoutSplit(train=(data["campaign"] <= end).to_numpy(),
                                      holdout=data["campaign"].isin(weeks).to_numpy(),
                                      train_campaigns=[], holdout_campaigns=weeks, order={})
        ys.append(y)
        ours.append(out["forecast_units"].to_numpy())
        naive.append(backtest.naive_forecast(data, split))
        coverage.append(((y >= out["forecast_low"]) & (y <= out["forecast_high"])).to_numpy())
        mape = 100 * backtest.metrics(y, ours[-1])["mape"]
        chosen = outcome.best.candidate_name_
        print(f"round {number:2d}: train weeks 40-{end}, forecast {weeks}: MAPE {mape:5.1f} %  "
              f"({chosen}, scale {outcome.best.scale_:.2f}; {time.monotonic() - t0:.0f} s)", flush=True)
    y, p, n = np.concatenate(ys), np.concatenate(ours), np.concatenate(naive)
    folio = 100 * backtest.metrics(y, p)["mape"]
    print(f"\nMAPE on units, {args.rounds} rounds, {len(y)} forecasts (TSPerf OrangeJuice protocol):")
    print(f"  {'Folio (gbm / bagged gbm chosen by backtest)':44s} {folio:6.1f} %")
    print(f"  {'naive, measured here on the same rows':44s} {100 * backtest.metrics(y, n)['mape']:6.1f} %")
    for name, value in REFERENCES:
        print(f"  {name + ' (TSPerf reference)':44s} {value:6.1f} %")
    best = min(v for _, v in REFERENCES)
    print(f"\n80 % band coverage: {100 * np.concatenate(coverage).mean():.1f} %; "
          f"{'better' if folio < best else 'NOT better'} than every reference; {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
