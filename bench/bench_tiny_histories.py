"""Plans from very short histories (2-4 campaigns of 12-60 products, one market) against the truth.

    nice -n 10 .venv/bin/python bench/bench_tiny_histories.py                      # dev seeds 501-512
    nice -n 10 .venv/bin/python bench/bench_tiny_histories.py --seeds 601-612      # held-out seeds
    nice -n 10 .venv/bin/python bench/bench_tiny_histories.py --shapes 2x12 --seeds 501-503 --out r.jsonl

A company's first campaigns: each case is ``bench_plan_quality.run_case`` on ``Case(name, seed,
("DE",), campaigns, products)`` (Folio's own train + plan, 3 s plan budget; the demo generator's
next catalogue of 24 pages, far more than such a history shows). Per shape it prints the plan's
promise over what it truly earns (median, max, how many above 1.5x and 2x), on how many the 80 %
range held the true profit, the share of simulated outcomes inside it, RMS z (1 = calibrated) and
true/optimum. About 3 s a case at low load (108 cases ~6 min on 2 shared cores).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_plan_quality as B  # noqa: E402

SHAPES = ("2x12", "3x12", "4x12", "2x30", "3x30", "4x30", "2x60", "3x60", "4x60")  # campaigns x products


def run(camps: int, prods: int, seed: int) -> dict:
    case = B.Case(f"c{camps}p{prods}s{seed}", seed, ("DE",), camps, prods)
    try:
        r = B.run_case(case, 3.0)
    except Exception as exc:  # reported, not skipped
        r = {"error": f"{type(exc).__name__}: {exc}"}
    if "error" in r:
        return {"name": case.name, "camps": camps, "prods": prods, "seed": seed, "error": str(r["error"])}
    lo, hi = r["range"]
    return {"name": case.name, "camps": camps, "prods": prods, "seed": seed,
            "true_opt": r["plan_true"] / r["optimum"], "prom_true": r["promised"] / r["plan_true"],
            "lo": None if lo is None else lo / r["plan_true"], "hi": None if hi is None else hi / r["plan_true"],
            "holds": lo is not None and lo <= r["plan_true"] <= hi, "z": B._z(r), "realised": r["realised_in_range"],
            "beyond": r["beyond"], "chosen": r["chosen"], "parts": r["log_sigma_parts"]}


def summary(rows: list[dict]) -> None:
    errors = [r for r in rows if "error" in r]
    rows = [r for r in rows if "error" not in r]
    for r in errors:
        print(f"  {r['name']}: {r['error']}")
    by = collections.defaultdict(list)
    for r in rows:
        by[f"{r['camps']}x{r['prods']}"].append(r)
    print(f"{'shape':7s} {'n':>3s} {'promised/true median':>20s} {'max':>6s} {'>1.5x':>5s} {'>2x':>4s} "
          f"{'range held':>10s} {'outcomes in':>11s} {'RMS z':>6s} {'true/opt':>8s}")
    for name, rs in [*sorted(by.items(), key=lambda kv: (int(kv[0].split('x')[1]), kv[0])), ("all", rows)]:
        if not rs:
            continue
        pt = np.array([r["prom_true"] for r in rs])
        z = np.array([np.nan if r["z"] is None else r["z"] for r in rs], dtype=float)
        print(f"{name:7s} {len(rs):3d} {np.median(pt):20.3f} {pt.max():6.2f} {(pt > 1.5).sum():5d} {(pt > 2).sum():4d} "
              f"{sum(r['holds'] for r in rs):6d}/{len(rs):<3d} {100 * np.mean([r['realised'] or 0 for r in rs]):10.0f}% "
              f"{np.sqrt(np.nanmean(z ** 2)):6.2f} {100 * np.mean([r['true_opt'] for r in rs]):7.1f}%")
    print(f"errors: {len(errors)}")


def _seeds(text: str) -> list[int]:
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="501-512", help="a range a-b or a comma list (default 501-512)")
    parser.add_argument("--shapes", nargs="*", default=list(SHAPES), help="campaigns x products, e.g. 2x12")
    parser.add_argument("--out", help="also write one JSON line per case here")
    parser.add_argument("--summarise", nargs="*", help="only print the summary of these JSON-lines files")
    args = parser.parse_args(argv)
    if args.summarise:
        for path in args.summarise:
            print(f"== {path}")
            summary([json.loads(line) for line in open(path)])
        return 0
    rows = []
    for shape in args.shapes:
        camps, prods = (int(x) for x in shape.split("x"))
        for seed in _seeds(args.seeds):
            rows.append(run(camps, prods, seed))
            print(json.dumps(rows[-1]), flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(json.dumps(rows[-1]) + "\n")
    summary(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
