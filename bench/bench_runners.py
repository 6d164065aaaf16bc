"""Embedded runner against Celery + Redis: a batch of small plans with 1, 2 and 4 worker processes.

Run: ``.venv/bin/python bench/bench_runners.py`` (needs ``redis-server``; starts a private one on a
free loopback port and real ``python -m server worker`` processes). Prints, for each runner and
worker count, the time to finish a batch of 16 small plans and the jobs per minute, the
Celery/embedded ratios measured in the same run, and the latency of a single small job (submit to
finished, median of 5) with each runner: the overhead Celery adds to one job.

Options: ``--batch 16 --workers 1,2,4 --generations 15 --population 12``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402

from bench.runner_app import folio_app  # noqa: E402

FINISHED = ("succeeded", "failed", "cancelled")


def demo_tables() -> dict:
    from engine.demo import make_demo
    from engine.data.tables import to_values

    return {name: to_values(df) for name, df in make_demo(seed=11, campaigns=24, products=120).items()}


def post(client, path: str, body: dict) -> dict:
    response = client.post(path, data=orjson.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def wait_all(store, job_ids: list[str], timeout: float = 900) -> None:
    pending = set(job_ids)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for job_id in list(pending):
            job = store.get_job(job_id)
            if job["status"] in FINISHED:
                assert job["status"] == "succeeded", job["error"]
                pending.discard(job_id)
        time.sleep(0.01)
    assert not pending, f"{len(pending)} jobs did not finish"


def run_config(runner: str, workers: int, args, tables: dict, base: Path) -> dict:
    with folio_app(runner, workers, base / f"{runner}-{workers}" / "data") as (app, client, store):
        ds = client.post("/api/datasets", data=orjson.dumps({"name": "bench", "tables": tables}),
                         content_type="application/json").get_json()["id"]
        train = post(client, "/api/jobs", {"kind": "train", "dataset": ds, "family": "linear"})
        wait_all(store, [train["id"]])
        settings = {"population": args.population, "generations": args.generations,
                    "time_limit_s": 120}
        # warm-up: every pool process imports the engine once before timing
        wait_all(store, [post(client, "/api/jobs", {"kind": "plan", "dataset": ds,
                                                    "settings": {**settings, "seed": 99}})["id"]
                         for _ in range(workers)])
        single = []
        if workers == 1:
            for seed in range(5):
                start = time.perf_counter()
                job = post(client, "/api/jobs", {"kind": "plan", "dataset": ds,
                                                 "settings": {**settings, "seed": seed}})
                wait_all(store, [job["id"]])
                single.append(time.perf_counter() - start)
        start = time.perf_counter()
        ids = [post(client, "/api/jobs", {"kind": "plan", "dataset": ds,
                                          "settings": {**settings, "seed": seed}})["id"]
               for seed in range(args.batch)]
        wait_all(store, ids)
        batch_s = time.perf_counter() - start
        return {"batch_s": batch_s, "jobs_per_min": args.batch / batch_s * 60,
                "single_s": statistics.median(single) if single else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--generations", type=int, default=15)
    parser.add_argument("--population", type=int, default=12)
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    tables = demo_tables()
    results = {}
    with tempfile.TemporaryDirectory(prefix="folio-bench-runners-") as tmp:
        for workers in counts:
            for runner in ("embedded", "celery"):
                results[runner, workers] = run_config(runner, workers, args, tables, Path(tmp))
                r = results[runner, workers]
                print(f"{runner:<9} workers={workers}  batch of {args.batch}: {r['batch_s']:7.2f} s"
                      f"  {r['jobs_per_min']:7.1f} jobs/min", flush=True)
    print()
    print(f"{'workers':>7} {'embedded s':>11} {'celery s':>9} {'celery/embedded time':>21}"
          f" {'speed-up vs 1 (emb, cel)':>26}")
    for workers in counts:
        e, c = results["embedded", workers], results["celery", workers]
        e1, c1 = results["embedded", counts[0]], results["celery", counts[0]]
        print(f"{workers:>7} {e['batch_s']:>11.2f} {c['batch_s']:>9.2f} "
              f"{c['batch_s'] / e['batch_s']:>21.2f} "
              f"{e1['batch_s'] / e['batch_s']:>12.2f} {c1['batch_s'] / c['batch_s']:>12.2f}")
    if 1 in counts:
        e, c = results["embedded", 1]["single_s"], results["celery", 1]["single_s"]
        print(f"\nsingle small job, submit to finished (median of 5): embedded {e * 1000:.0f} ms, "
              f"celery {c * 1000:.0f} ms, overhead {(c - e) * 1000:+.0f} ms ({c / e:.2f}x)")


if __name__ == "__main__":
    main()
