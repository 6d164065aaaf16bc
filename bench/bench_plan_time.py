"""Does a plan use the time the user gives? The 2,000-product, 800-slot catalogue with default
settings but ``time_limit_s``, against the same with the old default cap of 60 generations.

    .venv/bin/python bench/bench_plan_time.py                 # time_limit_s 60 (~4 min)
    .venv/bin/python bench/bench_plan_time.py --time-limit 30

The model is what a user gets: ``engine.forecast.train`` with its defaults on the instance's
history (``bench/planner_instance.py``: 30 catalogues of 800 placements).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine.data.dataset import Dataset  # noqa: E402
from engine.forecast import train  # noqa: E402
from engine.plan.planner import plan_catalogue  # noqa: E402
from planner_instance import make_tables  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    tables = make_tables()
    dataset = Dataset(history=tables["history"], products=tables["products"], slots=tables["slots"])
    started = time.monotonic()
    model = train(tables["history"]).best
    print(f"train (defaults): {time.monotonic() - started:.0f} s, chosen {model.candidate_name_}")
    for label, extra in (("defaults", {}), ("old default: 60 generations", {"generations": 60})):
        result = plan_catalogue(dataset, model, {"time_limit_s": args.time_limit, **extra})
        t = result["totals"]
        print(f"  {label:28s} {result['elapsed_s']:6.1f} s of {args.time_limit:.0f}, stopped by "
              f"{result['stopped_by']}, {result['generations_run']} generations, gap to the bound "
              f"{100 * (result['bound_gap'] or 0):.2f} %, profit {t['profit']:,.0f}, expected "
              f"{t['expected_profit']:,.0f} ({t['expected_profit_low']:,.0f}-{t['expected_profit_high']:,.0f}), "
              f"beyond history {t['beyond_history']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
