"""One plan for several countries: fanned out as one job per country, against planning them one
after another.

Run: ``.venv/bin/python bench/bench_countries.py`` (the Celery rows need ``redis-server``; a private
one is started on a free loopback port with real ``python -m server worker`` processes).

The naive way, measured in the same run: one process plans the countries one after another
(``engine.plan.planner.plan_catalogue`` on ``engine.plan.countries.for_country`` views, no runner).
Folio's way: ``POST /api/jobs {"kind": "plan", "countries": "all"}``, each country a job on the
runner, gathered into one result; time from submit to the parent's ``succeeded``. The plans use a
fixed number of generations (no stagnation stop, no time limit reached) so every configuration does
the same work; the result is the same plan whichever way (checked).

Options: ``--countries 4 --workers 1,2,4 --generations 300 --population 60 --products 300``
(the defaults: about 10 s of planning per run, so the runner overhead is not all that is timed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.runner_app import finished_result, folio_app, upload_dataset  # noqa: E402
from tests.support.cluster import redis_available  # noqa: E402

NAMES = ("DE", "FR", "PL", "IT", "ES", "NL", "CZ", "AT", "SE", "PT", "HU", "RO")


def demo_tables(countries: int, products: int) -> dict:
    from engine.demo import make_demo
    from engine.data.tables import to_values

    tables = make_demo(seed=11, campaigns=24, products=products, countries=NAMES[:countries])
    return {name: to_values(df) for name, df in tables.items()}


def plan_settings(args) -> dict:
    return {"population": args.population, "generations": args.generations, "time_limit_s": 600,
            "stagnation_generations": 0, "seed": 3}


def naive(tables: dict, model_path: Path, args) -> tuple[float, list]:
    """Every country planned one after another in this process."""
    from engine.plan.countries import countries_of, for_country
    from engine.plan.planner import plan_catalogue
    from engine.forecast.registry import load_model
    from engine.data.tables import read_tables

    dataset = read_tables(tables)
    model = load_model(model_path, model_path.stem)
    start = time.perf_counter()
    plans = [plan_catalogue(for_country(dataset, c), model, plan_settings(args))["plan"]
             for c in countries_of(dataset)]
    return time.perf_counter() - start, plans


def fanned_out(runner: str, workers: int, tables: dict, base: Path, args) -> dict:
    with folio_app(runner, workers, base / f"{runner}-{workers}" / "data") as (app, client, store):
        def run(body: dict) -> dict:
            return finished_result(client, store, body)

        ds = upload_dataset(client, tables)
        trained = run({"kind": "train", "dataset": ds, "family": "linear"})
        quick = {**plan_settings(args), "generations": 2}
        run({"kind": "plan", "dataset": ds, "countries": "all", "settings": quick})  # warm every worker
        start = time.perf_counter()
        result = run({"kind": "plan", "dataset": ds, "countries": "all", "settings": plan_settings(args)})
        elapsed = time.perf_counter() - start
        return {"s": elapsed, "result": result, "model_path": store.model_path(trained["models"][0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=4)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--generations", type=int, default=300)
    parser.add_argument("--population", type=int, default=60)
    parser.add_argument("--products", type=int, default=300)
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    runners = ["embedded"] + (["celery"] if redis_available() else [])
    tables = demo_tables(args.countries, args.products)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="folio-bench-countries-") as tmp:
        for workers in counts:
            for runner in runners:
                rows[runner, workers] = fanned_out(runner, workers, tables, Path(tmp), args)
                print(f"{runner:<9} workers={workers}: {rows[runner, workers]['s']:7.2f} s", flush=True)
        first = rows["embedded", counts[0]]
        naive_s, plans = naive(tables, Path(first["model_path"]), args)
    print(f"naive (countries one after another, one process): {naive_s:7.2f} s\n")
    by_country = {}
    for row in first["result"]["plan"][1:]:
        by_country.setdefault(row[-1], []).append(row[:-1])
    same = all(by_country[c] == p[1:] for c, p in zip(sorted(by_country), plans))
    print(f"{args.countries} countries x {args.products} products, population {args.population}, "
          f"{args.generations} generations; same plans as the naive way: {same}")
    print(f"{'runner':<9} {'workers':>7} {'seconds':>8} {'naive/this':>11}")
    for (runner, workers), row in rows.items():
        print(f"{runner:<9} {workers:>7} {row['s']:>8.2f} {naive_s / row['s']:>11.2f}")


if __name__ == "__main__":
    main()
