"""Four what-if scenarios of the demo catalogue planned side by side (one job per scenario on the
runner, 2 workers) against the same four planned one after another in one process.

Run: ``.venv/bin/python bench/bench_scenarios.py [--workers 2] [--runner embedded|celery]
[--generations 200] [--population 40]`` (Celery: a private ``redis-server`` and a real ``python -m
server worker`` process are started on a free loopback port).

The scenarios: the base settings; deeper discounts allowed (levels 0-40 %, half of the plan
discounted); the cover locked to a chosen product; at most two products of a category per page.
Folio's way: ``POST /api/jobs {"kind": "scenarios", ...}``, timed from submit to the parent's
``succeeded``. The naive way, measured in the same run: ``plan_catalogue`` on each scenario's
dataset and settings, one after another, in this process. Fixed generations (no stagnation stop,
no time limit reached), so both ways do the same work; the plans are the same (checked).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.runner_app import finished_result, folio_app, upload_dataset  # noqa: E402


def demo_tables() -> dict:
    from engine.data.tables import to_values
    from engine.demo import make_demo

    return {name: to_values(df) for name, df in make_demo(seed=7).items()}


def base_settings(args) -> dict:
    return {"population": args.population, "generations": args.generations, "time_limit_s": 3600,
            "stagnation_generations": 0, "seed": 3, "max_discounted_share": 0.3}


def scenarios(tables: dict) -> list[dict]:
    header = [str(h).lower() for h in tables["products"][0]]
    cover = tables["products"][5][header.index("product_id")]
    return [
        {"name": "Base"},
        {"name": "Deeper discounts", "settings": {"discount_levels": [0, 0.1, 0.2, 0.3, 0.4],
                                                  "max_discounted_share": 0.5}},
        {"name": "Cover locked", "tables": {"locks": [["page", "slot", "product_id"], [1, 1, cover]]}},
        {"name": "Two per category and page", "settings": {"max_same_category_per_page": 2}},
    ]


def naive(tables: dict, model_path: Path, args) -> tuple[float, list]:
    """The four scenarios planned one after another in this process."""
    from engine.data.tables import read_tables
    from engine.forecast.registry import load_model
    from engine.plan.planner import plan_catalogue
    from engine.plan.scenarios import check_scenarios, scenario_dataset

    dataset = read_tables(tables)
    model = load_model(model_path, model_path.stem)
    start, cpu = time.perf_counter(), time.process_time()
    plans = [plan_catalogue(scenario_dataset(dataset, s["tables"]), model, s["settings"])["plan"]
             for s in check_scenarios(scenarios(tables), base_settings(args))]
    return time.perf_counter() - start, plans, time.process_time() - cpu


def _cpu_seconds(pid: int) -> tuple[int, float]:
    """(process group, user + system CPU seconds) of one process and of its children that have
    ended (a pool process replaced after its tasks), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[2]), sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _worker_cpu(app) -> dict[int, float] | None:
    """CPU seconds each of the runner's worker processes has used so far (from /proc), or None:
    the embedded pool's processes, or every process of the Celery workers' process groups (each
    worker runs in a session of its own; its pool processes live as long as it does)."""
    pool = getattr(app.extensions["folio.runner"], "_pool", None)
    groups = set(app.extensions.get("bench.worker_groups") or ())
    out: dict[int, float] = {}
    try:
        if groups:
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    with contextlib.suppress(OSError):
                        group, cpu = _cpu_seconds(int(entry.name))
                        if group in groups:
                            out[int(entry.name)] = cpu
            return out
        pids = list(getattr(pool, "_processes", None) or {})
        return {pid: _cpu_seconds(pid)[1] for pid in pids} if pids else None
    except (OSError, ValueError, IndexError):
        return None


def _used(before: dict | None, after: dict | None) -> dict[int, float] | None:
    """CPU seconds each worker process used between two readings."""
    if before is None or after is None:
        return None
    return {pid: cpu - before.get(pid, 0.0) for pid, cpu in after.items()}


def side_by_side(runner: str, workers: int, tables: dict, base: Path, args) -> dict:
    with folio_app(runner, workers, base / f"{runner}-{workers}" / "data") as (app, client, store):
        def run(body: dict) -> dict:
            return finished_result(client, store, body)

        ds = upload_dataset(client, tables)
        trained = run({"kind": "train", "dataset": ds, "family": "linear"})
        warm = {**base_settings(args), "generations": 2}
        run({"kind": "scenarios", "dataset": ds, "settings": warm, "scenarios": scenarios(tables)})  # warm workers
        cpu, start = _worker_cpu(app), time.perf_counter()
        result = run({"kind": "scenarios", "dataset": ds, "settings": base_settings(args),
                      "scenarios": scenarios(tables)})
        elapsed, cpu_after = time.perf_counter() - start, _worker_cpu(app)
        return {"s": elapsed, "result": result, "model_path": store.model_path(trained["models"][0]),
                "cpu": _used(cpu, cpu_after)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runner", default="embedded", choices=["embedded", "celery"])
    parser.add_argument("--generations", type=int, default=200)
    parser.add_argument("--population", type=int, default=40)
    args = parser.parse_args()
    tables = demo_tables()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="folio-bench-scenarios-") as tmp:
        folio = side_by_side(args.runner, args.workers, tables, Path(tmp), args)
        naive_s, plans, naive_cpu = naive(tables, Path(folio["model_path"]), args)
    same = [s["plan"] for s in folio["result"]["scenarios"]] == plans
    header, *rows = folio["result"]["comparison"]
    for row in rows:
        line = dict(zip(header, row))
        print(f"  {line['scenario']:<28} {line['status']:<10} expected profit {line['expected_profit']:>12,.0f}"
              f"   lift over the last catalogue {line['lift_profit'] or 0:+.1%}")
    print(f"4 scenarios of the demo ({len(plans[0]) - 1} slots), population {args.population}, "
          f"{args.generations} generations; same plans both ways: {same}")
    busy = sum(s.get("elapsed_s") or 0.0 for s in folio["result"]["scenarios"])
    print(f"side by side ({args.runner}, {args.workers} workers): {folio['s']:7.2f} s  (the scenarios' plans "
          f"ran {busy:.1f} s in all: {busy / folio['s']:.2f} at a time on average)")
    print(f"one after another, one process:          {naive_s:7.2f} s")
    if folio["cpu"]:
        total, busiest = sum(folio["cpu"].values()), max(folio["cpu"].values())
        print(f"CPU seconds: side by side {total:.1f} (the workers; the busiest {busiest:.1f}), one after another "
              f"{naive_cpu:.1f}; the CPU critical paths' ratio (one after another / busiest worker) "
              f"{naive_cpu / busiest:.2f}x: what the wall-time ratio would approach with two cores free (not measured)")
    print(f"ratio (one after another / side by side): {naive_s / folio['s']:.2f}x   "
          f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
