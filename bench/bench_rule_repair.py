"""How often the repair makes a random chromosome keep every rule, on random instances that mix
every plan rule (locks, brand limits, category per page, page conflicts, min margin, must_include,
discounted share); instances the rules make impossible are refused at once and counted apart.

    .venv/bin/python bench/bench_rule_repair.py [--instances 300] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "engine"))

from engine.errors import FolioError  # noqa: E402
from engine.plan.instance import build_instance  # noqa: E402
from engine.plan.moves import greedy_plan  # noqa: E402
from engine.plan.rules import Repairer, evaluate  # noqa: E402
from engine.plan.settings import PlanSettings  # noqa: E402
from test_plan_rules import dataset  # noqa: E402
from test_planner import PageModel  # noqa: E402


def instance(rng: np.random.Generator):
    n, pages = int(rng.integers(12, 25)), int(rng.integers(2, 5))
    must = tuple(f"p{i}" for i in set(rng.integers(0, n, rng.integers(0, 3)).tolist()))
    ds = dataset(n_products=n, pages=pages, must=must)
    settings = {"max_discounted_share": float(rng.choice([0.25, 0.5, 1.0]))}
    if rng.random() < .5:
        ds.brand_limits = pd.DataFrame({"brand": ["A", "B"], "min": [int(rng.integers(0, 3)), 0],
                                        "max": [int(rng.integers(3, 7)), int(rng.integers(1, 5))]})
    if rng.random() < .5:
        settings["max_same_category_per_page"] = int(rng.integers(1, 3))
    if rng.random() < .5:
        members = rng.choice(n, int(rng.integers(2, 5)), replace=False)
        ds.page_conflicts = pd.DataFrame({"group": ["g"] * len(members), "product_id": [f"p{i}" for i in members]})
    if rng.random() < .5:
        settings["min_margin"] = float(rng.choice([0.2, 0.35, 0.45]))
    if rng.random() < .5:
        free = [i for i in range(n) if f"p{i}" not in must]
        ds.locks = pd.DataFrame({"page": [int(rng.integers(1, pages + 1))], "slot": [rng.choice([np.nan, 1, 2])],
                                 "product_id": [f"p{int(rng.choice(free))}"], "discount": [rng.choice([np.nan, 0.0])]})
    return ds, settings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    refused = planned = rows = broken = greedy_broken = 0
    started = time.perf_counter()
    for _ in range(args.instances):
        ds, settings = instance(rng)
        try:
            inst = build_instance(ds, PageModel(), PlanSettings.from_dict(settings))
        except FolioError as error:
            assert error.code in ("infeasible", "invalid_settings"), error.code
            refused += 1
            continue
        planned += 1
        repairer = Repairer(inst)
        greedy_broken += int(evaluate(inst, greedy_plan(inst, repairer)[None, :]).violations[0] > 0)
        population = np.empty((40, 2 * inst.n_slots), dtype=np.int64)
        population[:, 0::2] = rng.integers(-3, inst.n_products + 3, (40, inst.n_slots))
        population[:, 1::2] = rng.integers(-1, 6, (40, inst.n_slots))
        repairer(population)
        rows += len(population)
        broken += int((evaluate(inst, population).violations > 0).sum())
    print(f"{args.instances} instances: {refused} refused at once as infeasible, {planned} planned; "
          f"random chromosomes repaired: {rows - broken} of {rows} keep every rule ({broken} do not); "
          f"greedy start breaks a rule on {greedy_broken} instances; {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
