"""The season from part of a year: exact plans with and without the cadence, on the demo's truth.

    nice -n 10 .venv/bin/python bench/bench_short_season.py --seeds 31 32 33 34 --campaigns 8 10 12 14
    nice -n 10 .venv/bin/python bench/bench_short_season.py --seeds 31 32 33 34 --campaigns 8 --min-share 0.33

For each seed and history length (1 market, 250 products; ``engine.demo.demo_truth``), ``train``
twice with default settings: once on the demo's ``YYYY-NN`` ids alone (its ``start_date`` column
dropped: no year complete, so no cadence and no season) and once on the history as the demo
gives it, whose start dates tell the cadence (17; ``--told`` sends ``season=17`` instead, as a
planner sets Campaigns per year), where the pooled model learns the smooth part of the season
(``engine.forecast.pooled.MIN_SMOOTH_SHARE``, ``--min-share`` to try another).
Each model's forecast table is solved exactly (cannibalisation off, no search noise) and its plan
valued on the truth: ``exact/opt`` and the model's own value of that plan over its true value
(``promise``, 1.00 = honest). Per length: the means, and on how many seeds the cadence helped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from engine.data.tables import read_tables, to_values  # noqa: E402
from engine.demo import demo_truth  # noqa: E402
from engine.forecast import pooled, train  # noqa: E402
from engine.plan.bound import solve_exact  # noqa: E402
from engine.plan.instance import build_instance  # noqa: E402
from engine.plan.quality import true_optimum, truth_instance, value_of  # noqa: E402
from engine.plan.settings import PlanSettings  # noqa: E402


def exact(dataset, model, truth_inst, settings, optimum: float) -> tuple[float, float]:
    """The exact optimum of ``model``'s forecast table: its true value over the optimum, and its
    promise (the model's own value of it) over its true value."""
    inst = build_instance(dataset, model, settings)
    inst.cannibalisation = 1.0
    solved = solve_exact(inst, lower=0.0)
    true = value_of(truth_inst, solved["plan"])
    return true / optimum, solved["value"] / true


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[31, 32, 33, 34])
    parser.add_argument("--campaigns", type=int, nargs="+", default=[8, 10, 12, 14])
    parser.add_argument("--products", type=int, default=250)
    parser.add_argument("--min-share", type=float, default=None, help="override MIN_SMOOTH_SHARE")
    parser.add_argument("--told", action="store_true",
                        help="give the cadence as season=17 rather than through the start dates")
    args = parser.parse_args(argv)
    if args.min_share is not None:
        pooled.MIN_SMOOTH_SHARE = args.min_share
    settings = PlanSettings.from_dict({"time_limit_s": 20})
    for n in args.campaigns:
        rows = []
        for seed in args.seeds:
            tables, truth = demo_truth(seed=seed, countries=("DE",), campaigns=n, products=args.products)
            dataset = read_tables({name: to_values(df) for name, df in tables.items()})
            truth_inst = truth_instance(dataset, truth, settings)
            optimum = true_optimum(truth_inst)["value"]
            row = {}
            ids_only = dataset.history.drop(columns="start_date")
            for label, history, season in (("without", ids_only, None),
                                           ("with", ids_only if args.told else dataset.history, 17 if args.told else None)):
                outcome = train(history, season=season)
                row[label] = exact(dataset, outcome.best, truth_inst, settings, optimum)
                found = outcome.report["season"]
                row[f"{label}_model"] = (f"{outcome.best.candidate_name_}/{found['form']}, "
                                         f"season {found['value']} from {found['source']}")
            rows.append(row)
            print(f"  {n} campaigns, seed {seed}: without the cadence {100 * row['without'][0]:.1f} % "
                  f"(promise {row['without'][1]:.3f}x, {row['without_model']}), with "
                  f"{100 * row['with'][0]:.1f} % ({row['with'][1]:.3f}x, {row['with_model']})", flush=True)
        e0, e1 = (np.array([r[k][0] for r in rows]) for k in ("without", "with"))
        p0, p1 = (np.abs(np.array([r[k][1] for r in rows]) - 1) for k in ("without", "with"))
        print(f"{n} campaigns ({len(rows)} seeds): exact/opt {100 * e0.mean():.2f} -> {100 * e1.mean():.2f} % "
              f"(higher on {int((e1 > e0).sum())}); |promise - 1| {p0.mean():.3f} -> {p1.mean():.3f} "
              f"(closer on {int((p1 < p0).sum())})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
