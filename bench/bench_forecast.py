"""Forecast accuracy on the demo business: the train job's rolling-origin backtest, printed.

Every candidate (regularised linear and gradient boosting, each global and per country) and every
baseline is scored on the same rows: 3 forecast origins over the latest campaigns, 2 campaigns
ahead each, metrics pooled over the folds. One command:

    .venv/bin/python bench/bench_forecast.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.demo import make_demo  # noqa: E402
from engine.forecast import train  # noqa: E402


def _row(name: str, m: dict, mark: str = "") -> str:
    return f"  {name:22s} {100 * m['wape']:6.1f} % {100 * m['mape']:7.1f} % {100 * m['bias']:+7.1f} %  {mark}"


def main() -> int:
    history = make_demo(seed=7)["history"]
    started = time.monotonic()
    report = train(history, family="auto", holdout_campaigns=2, folds=3, seed=0).report
    elapsed = time.monotonic() - started
    b = report["backtest"]
    print(f"demo history: {len(history)} rows; backtest: {b['folds']} origins x {b['horizon']} campaigns "
          f"(gap {b['gap']}), {b['rows']} rows; train job {elapsed:.0f} s")
    print(f"  {'':22s} {'WAPE':>8s} {'MAPE':>9s} {'bias':>9s}")
    for c in report["candidates"]:
        print(_row(c["name"], c["metrics"], "<- chosen" if c["chosen"] else ""))
    for base in report["baselines"]:
        print(_row(base["name"], base["metrics"]))
    print(f"  80 % band (log errors) {report['interval']['log_errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
