"""Dominick's orange juice through the product: raw columns over HTTP, ``train`` and ``forecast`` jobs.

What a user of this data does, round by round of the TSPerf OrangeJuice protocol
(bench/dominicks_protocol.py: 12 rounds, 2 weeks ahead after a 1-week gap, MAPE on units):

1. ``POST /api/datasets`` with the history up to the round's last week, as the raw columns a user
   has (engine.datasets.dominicks: week, store, brand, units, own price, feature, deal, every
   brand's price), gzip-compressed like the add-in sends it;
2. ``POST /api/jobs`` ``train`` with the options the pane offers (``TRAIN_OPTIONS``: judged by MAPE,
   gap 1, season 52, the candidates ticked); Folio backtests them, picks one, refits it;
3. ``POST /api/jobs`` ``forecast`` with that model and the two forecast weeks' rows WITHOUT units
   (every brand of every store: whole catalogues, as a planner's request would be);
4. MAPE of the returned ``forecast_units`` against the units held back.

The app comes from the factory (``server.create_app``) with the embedded runner and
``--workers`` worker processes; every context feature is the pipeline's own
(engine.forecast.context), none comes from the loader.

    nice -n 10 .venv/bin/python bench/bench_dominicks_api.py                 # 12 rounds
    nice -n 10 .venv/bin/python bench/bench_dominicks_api.py --only 1,4,8    # a quick look
    nice -n 10 .venv/bin/python bench/bench_dominicks_api.py --candidates auto  # no models ticked
    .venv/bin/python bench/bench_dominicks_api.py --defaults                  # no options at all
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dominicks_protocol import TRAIN_OPTIONS, parse_rounds, rounds, summary  # noqa: E402
from dominicks_protocol import mape as mape_of  # noqa: E402
from runner_app import folio_app  # noqa: E402

from engine.data.tables import to_values  # noqa: E402
from engine.datasets import dominicks  # noqa: E402
from engine.forecast import backtest  # noqa: E402

FINISHED = ("succeeded", "failed", "cancelled")


def post(client, path: str, body: dict) -> dict:
    response = client.post(path, data=gzip.compress(orjson.dumps(body)), content_type="application/json",
                           headers={"Content-Encoding": "gzip"})
    if response.status_code != 201:
        raise SystemExit(f"POST {path}: {response.status_code} {response.get_data(as_text=True)[:500]}")
    return response.get_json()


def next_finished(client, job_ids, poll_s: float = 1.0) -> tuple[str, dict]:
    """The first of ``job_ids`` to finish, with its record (GET /api/jobs/{id} polled)."""
    while True:
        for job_id in job_ids:
            job = client.get(f"/api/jobs/{job_id}").get_json()
            if job["status"] in FINISHED:
                if job["status"] != "succeeded":
                    raise SystemExit(f"job {job_id} ({job['kind']}) {job['status']}: {job.get('error')}")
                return job_id, job
        time.sleep(poll_s)


def seconds(job: dict) -> float:
    from datetime import datetime

    start, end = (datetime.fromisoformat(job[k].replace("Z", "+00:00")) for k in ("started_at", "finished_at"))
    return (end - start).total_seconds()


def train_body(args, dataset: str) -> dict:
    if args.defaults:
        return {"kind": "train", "dataset": dataset}
    options = dict(TRAIN_OPTIONS)
    if args.candidates == "auto":  # none ticked in the pane: Folio's own candidates
        options.pop("candidates")
    elif args.candidates:
        options["candidates"] = args.candidates.split(",")
    if args.folds:
        options["folds"] = args.folds
    return {"kind": "train", "dataset": dataset, **options}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="round numbers, e.g. 1,4,8 (default: all 12)")
    parser.add_argument("--workers", type=int, default=2, help="embedded runner worker processes")
    parser.add_argument("--candidates", help=f"comma-separated presets (default {TRAIN_OPTIONS['candidates']}); "
                        "'auto': none, Folio's own candidates")
    parser.add_argument("--folds", type=int, help=f"backtest origins (default {TRAIN_OPTIONS['folds']})")
    parser.add_argument("--defaults", action="store_true", help="send no train options at all")
    parser.add_argument("--demographics", action="store_true", help="also send the store demographics")
    args = parser.parse_args()
    numbers = parse_rounds(args.only, 12)
    started = time.monotonic()
    history = dominicks.load_history(demographics=args.demographics)
    print(f"train options: {train_body(args, '...')}", flush=True)
    per_round, ys, forecasts, covered, naive = {}, [], [], [], []
    plan = {number: (end, weeks) for number, end, weeks in rounds(numbers)}
    with tempfile.TemporaryDirectory() as tmp, folio_app("embedded", args.workers, Path(tmp) / "data") as (_, client, _s):
        waiting, running = list(plan), {}  # running: job id -> (round, kind, dataset, train job)
        while waiting or running:
            # At most one job per worker in flight, a round's forecast as soon as its model exists:
            # rounds then finish (and print) one after another instead of all at the end.
            while waiting and len(running) < args.workers:
                number = waiting.pop(0)
                past = history[history["campaign"] <= plan[number][0]]
                dataset = post(client, "/api/datasets", {"name": f"dominicks to week {plan[number][0]}",
                                                         "tables": {"history": to_values(past)}})["id"]
                running[post(client, "/api/jobs", train_body(args, dataset))["id"]] = (number, "train", dataset, None)
            job_id, job = next_finished(client, running)
            number, kind, dataset, trained = running.pop(job_id)
            end, weeks = plan[number]
            future = history[history["campaign"].isin(weeks)]
            if kind == "train":
                rows = to_values(future.drop(columns=["units"]))
                body = {"kind": "forecast", "dataset": dataset, "model": job["result"]["models"][0], "rows": rows}
                running[post(client, "/api/jobs", body)["id"]] = (number, "forecast", dataset, job)
                continue
            header, *values = job["result"]["rows"]
            table = {name: np.array([row[i] for row in values], dtype=float)
                     for i, name in enumerate(header) if name.startswith("forecast_")}
            y = future["units"].to_numpy(dtype=float)
            per_round[number] = mape_of(y, table["forecast_units"])
            ys.append(y)
            forecasts.append(table["forecast_units"])
            covered.append((y >= table["forecast_low"]) & (y <= table["forecast_high"]))
            data = history[history["campaign"] <= weeks[-1]].reset_index(drop=True)
            split = backtest.HoldoutSplit(train=(data["campaign"] <= end).to_numpy(),
                                          holdout=data["campaign"].isin(weeks).to_numpy(),
                                          train_campaigns=[], holdout_campaigns=weeks, order={})
            naive.append(backtest.naive_forecast(data, split))
            chosen = next(c for c in trained["result"]["candidates"] if c.get("chosen"))
            print(f"round {number:2d}: train weeks 40-{end}, forecast {weeks}: MAPE {per_round[number]:5.1f} %  "
                  f"({chosen['name']}, scale {chosen['scale']:.2f}; train job {seconds(trained):.0f} s, "
                  f"forecast job {seconds(job):.1f} s)", flush=True)
    label = "Folio through the API (" + ("defaults" if args.defaults else "pane options") + ")"
    print(summary(label, per_round, ys, forecasts, covered, naive))
    print(f"{time.monotonic() - started:.0f} s in all, {args.workers} worker(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
