"""What the partial-pooling family costs, against today's gradient boosting in the same run.

    .venv/bin/python bench/bench_pooled.py            # ~3 min on 2 shared cores
    .venv/bin/python bench/bench_pooled.py --quick    # single fits and the table only

* one fit on the demo history (27k rows, 300 products, 3 markets), one thread (as the planner's
  worker processes run): ``Forecaster(family="pooled")`` against ``family="gbm"``;
* the train job on the demo (rolling-origin backtest, 3 folds, then the refit) with that one
  candidate, and with the default candidates;
* the planner's forecast table on the scale instance (2,000 products x 800 slots = 200 slot
  types x 5 discount levels = 2 M rows; ``bench/planner_instance.py``), each model fitted on that
  instance's history: ``engine.plan.instance.forecast_table``.

Every time is also given as a ratio to today's gbm measured in the same run (the machine is
shared: absolute seconds move with the load, ratios much less).

Goals (issue 14): the train job with the default candidates on the demo under 30 s; the pooled
model's forecast table under 2 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine.demo import make_demo  # noqa: E402
from engine.forecast import Forecaster, train  # noqa: E402
from engine.plan.instance import forecast_table  # noqa: E402
from planner_instance import make_tables  # noqa: E402

FAMILIES = ("gbm", "pooled", "linear")


CPU = {}  # label -> CPU seconds of the last timed call with that label


def timed(fn, label: str | None = None):
    """Wall seconds of ``fn()`` (and its CPU seconds under ``label``: what it costs with a core to
    itself, whatever else the shared machine runs)."""
    started, cpu = time.monotonic(), time.process_time()
    out = fn()
    if label:
        CPU[label] = time.process_time() - cpu
    return out, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the train jobs")
    args = parser.parse_args(argv)
    history = make_demo(seed=7)["history"]
    print(f"demo history: {len(history):,} rows")
    fits = {}
    with threadpool_limits(1):
        for family in FAMILIES:
            _, fits[family] = timed(lambda: Forecaster(family=family, season=17, min_lag=2).fit(history))
            print(f"  one fit, {family:7s} {fits[family]:6.1f} s   ({fits[family] / fits['gbm']:.2f}x gbm)")
    goals = []
    if not args.quick:
        jobs = {}
        for name, candidates in (("gbm", ["gbm"]), ("pooled", ["pooled"]), ("defaults", None)):
            outcome, jobs[name] = timed(lambda: train(history, candidates=candidates), name)
            print(f"  train job, {name:8s} {jobs[name]:6.1f} s ({jobs[name] / jobs['gbm']:.2f}x gbm), CPU "
                  f"{CPU[name]:5.1f} s ({CPU[name] / CPU['gbm']:.2f}x gbm)   chosen {outcome.best.candidate_name_}")
        load = os.getloadavg()[0]
        goals.append(f"train job with the default candidates {jobs['defaults']:.1f} s wall at load {load:.1f} on "
                     f"{os.cpu_count()} cores, {CPU['defaults']:.1f} s CPU (a core to itself) < 30 s: "
                     f"{'MET' if jobs['defaults'] < 30 else 'MET on CPU' if CPU['defaults'] < 30 else 'NOT MET'}")
    tables = make_tables()
    slots, products = tables["slots"], tables["products"]
    types = slots[["page", "slot_size", "featured"]].drop_duplicates().reset_index(drop=True)
    levels = np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    print(f"scale instance: {len(products):,} products x {len(types)} slot types x {len(levels)} levels "
          f"= {len(products) * len(types) * len(levels):,} rows; history {len(tables['history']):,} rows")
    table_s = {}
    for family in FAMILIES:
        with threadpool_limits(1):
            model, fit_s = timed(lambda: Forecaster(family=family, season=17).fit(tables["history"]))
        _, table_s[family] = timed(lambda: forecast_table(model, products, types, levels))
        print(f"  {family:7s} fit {fit_s:6.1f} s, forecast table {table_s[family]:6.2f} s "
              f"({table_s[family] / table_s['gbm']:.2f}x gbm)")
    goals.append(f"pooled forecast table {table_s['pooled']:.2f} s < 2 s: {'MET' if table_s['pooled'] < 2 else 'NOT MET'}")
    for line in goals:
        print(f"goal: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
