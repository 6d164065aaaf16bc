"""The business case against the truth: the lift of a plan over the last catalogue as the forecast
says it (result.business_case) and as the demo generator's true demand values the same two
catalogues (engine.plan.quality), for three demo seeds (32 slots, 24 campaigns, 120 products).

    .venv/bin/python bench/bench_business_case.py     # about 1.5 minutes on 2 cores
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from engine.demo import demo_truth
from engine.data.tables import read_tables, to_values
from engine.forecast import train
from engine.plan.planner import plan_catalogue
from engine.plan.quality import truth_instance, chromosome_of, value_of
from engine.plan.business_case import last_catalogue

for seed in (11, 12, 13):
    tables, truth = demo_truth(seed=seed, campaigns=24, products=120)
    slots = pd.DataFrame([{"page": p, "slot": s, "slot_size": 0.25, "featured": int(p == 1 and s == 1)}
                          for p in range(1, 9) for s in range(1, 5)])
    tables["slots"] = slots
    lim = tables["category_limits"].copy(); lim["min"] = (lim["min"] // 4).clip(lower=0); lim["max"] = lim["max"].clip(upper=10)
    tables["category_limits"] = lim
    ds = read_tables({k: to_values(v) for k, v in tables.items()})
    model = train(ds.history, holdout_campaigns=2, folds=2).best
    settings = {"generations": 30, "seed": 1, "time_limit_s": 30}
    r = plan_catalogue(ds, model, settings)
    case = r["business_case"]
    tinst = truth_instance(ds, truth, settings)
    plan_true = value_of(tinst, chromosome_of(tinst, r["plan"]))
    last = last_catalogue(ds.history, tinst)
    last_true = value_of(tinst, last["chromosome"])
    plan_fc, last_fc = case["options"][0]["profit"], case["options"][-1]["profit"]
    print(f"seed {seed}: forecast plan {plan_fc:,.0f} last {last_fc:,.0f} lift {case['lift']['profit']:+.1%} | "
          f"truth plan {plan_true:,.0f} last {last_true:,.0f} lift {plan_true / last_true - 1:+.1%}", flush=True)
