"""The TSPerf OrangeJuice protocol on Dominick's data, shared by the Dominick's benchmarks.

TSPerf (Microsoft's forecasting benchmark, OrangeJuice_Pt_3Weeks_Weekly): 12 rounds; round r
trains on weeks 40..135+2r and forecasts weeks 137+2r and 138+2r (one week of gap, two weeks
ahead); MAPE on units over every forecast row of every round.

``TRAIN_OPTIONS`` are the ``train`` job's options a user sets for this calendar and metric (in
the pane: judged by MAPE, one week between the last sales and the first forecast week, a season
of 52 weeks, the candidates ticked); the engine benchmark passes the same to
``engine.forecast.train``.
"""

from __future__ import annotations

import numpy as np

REFERENCES = [("naive", 109.7), ("mean", 70.7), ("auto-ARIMA", 70.8), ("ETS", 71.0), ("RNN", 37.7),
              ("dilated CNN", 37.1), ("LightGBM", 36.28)]
TRAIN_OPTIONS = {"select_by": "mape", "gap": 1, "season": 52, "holdout_campaigns": 2, "folds": 3,
                 "candidates": ["gbm_mape", "gbm_mape_bag"]}


def rounds(numbers):
    """``(round, last training week, [the two forecast weeks])`` for each round number (1..12)."""
    for number in numbers:
        end = 135 + 2 * (number - 1)
        yield number, end, [end + 2, end + 3]


def parse_rounds(text: str | None, count: int) -> list[int]:
    """``"1,4,8"`` -> [1, 4, 8]; None -> 1..count."""
    if not text:
        return list(range(1, count + 1))
    numbers = sorted({int(part) for part in text.split(",") if part.strip()})
    if not numbers or numbers[0] < 1 or numbers[-1] > 12:
        raise SystemExit("--only takes round numbers from 1 to 12, e.g. 1,4,8")
    return numbers


def mape(y: np.ndarray, forecast: np.ndarray) -> float:
    """MAPE in percent over rows with units > 0 (every Dominick's row has some)."""
    y, forecast = np.asarray(y, dtype=float), np.asarray(forecast, dtype=float)
    positive = y > 0
    return float(100 * np.mean(np.abs(y[positive] - forecast[positive]) / y[positive]))


def summary(label: str, per_round: dict[int, float], ys: list, forecasts: list, covered: list,
            naive: list | None = None) -> str:
    """The closing table: overall MAPE, per round, the references, band coverage."""
    y, p = np.concatenate(ys), np.concatenate(forecasts)
    overall = mape(y, p)
    lines = [f"\nMAPE on units, {len(per_round)} rounds, {len(y)} forecasts (TSPerf OrangeJuice protocol):",
             f"  {label:48s} {overall:6.1f} %",
             "  per round: " + ", ".join(f"{r}: {v:.1f}" for r, v in sorted(per_round.items()))]
    if naive is not None:
        lines.append(f"  {'naive, measured here on the same rows':48s} {mape(y, np.concatenate(naive)):6.1f} %")
    for name, value in REFERENCES:
        lines.append(f"  {name + ' (TSPerf reference)':48s} {value:6.2f} %")
    best = min(v for _, v in REFERENCES)
    lines.append(f"\n80 % band coverage: {100 * np.concatenate(covered).mean():.1f} %; "
                 f"{'better' if overall < best else 'NOT better'} than every reference "
                 f"({'all 12 rounds' if len(per_round) == 12 else 'a subset of the rounds: not the protocol'})")
    return "\n".join(lines)
