"""Short histories through the product: the demo cut to its first N campaigns, trained and planned.

Run: ``.venv/bin/python bench/bench_thin_history.py`` (embedded runner, one worker process).
For each N (``--campaigns 1,2,3,4,8,12,17,24,36``) it uploads the demo's first N campaigns
(``make_demo(seed=7)``: 3 countries, 300 products) with its products, slots and category limits,
runs a ``train`` job with the defaults, a ``forecast`` job for the two campaigns that follow the cut
(their real rows, units withheld) and a ``plan`` job (short time limit), and prints one line per N:
how each job ended (``succeeded`` or the failure code and detail), the chosen candidate, its
backtest WAPE, the WAPE of its forecast of the next two campaigns against what they really sold
(next to the per-product-and-country mean of the cut history on the same rows), the inferred
season and the train result's ``degraded`` notes.

What a new user with one year of catalogues gets (17 campaigns) is the line to look at.
Options: ``--products 300 --time-limit 5``; ``--season 17`` sends campaigns per year with the train
job, as a planner sets it in the pane (by default it is read from the demo history's
``start_date`` column; the ``YYYY-NN`` ids alone tell it only once a year is complete).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402

from bench.runner_app import folio_app  # noqa: E402

FINISHED = ("succeeded", "failed", "cancelled")


def cut(tables: dict, n: int) -> dict:
    """The demo's tables with only the first ``n`` campaigns of history, as Excel-style arrays."""
    from engine.data.tables import to_values

    history = tables["history"]
    order = sorted(history["campaign"].unique())[:n]
    out = dict(tables, history=history[history["campaign"].isin(order)])
    return {name: to_values(df) for name, df in out.items()}


def next_campaigns(tables: dict, n: int, count: int = 2):
    """The real rows of the ``count`` campaigns after the first ``n`` (None past the end)."""
    history = tables["history"]
    order = sorted(history["campaign"].unique())
    if n + count > len(order):
        return None
    return history[history["campaign"].isin(order[n:n + count])].reset_index(drop=True)


def wape(actual, forecast) -> float:
    import numpy as np

    actual, forecast = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    return float(np.abs(actual - forecast).sum() / actual.sum())


def mean_forecast(tables: dict, n: int, rows):
    """Each product's (and country's) mean units over the first ``n`` campaigns; else the global mean."""
    history = tables["history"]
    order = sorted(history["campaign"].unique())[:n]
    cut = history[history["campaign"].isin(order)]
    means = cut.groupby(["product_id", "country"])["units"].mean()
    keyed = rows.set_index(["product_id", "country"]).index
    return means.reindex(keyed).fillna(cut["units"].mean()).to_numpy()


def run_job(client, store, body: dict, timeout: float = 1800) -> dict:
    response = client.post("/api/jobs", data=orjson.dumps(body), content_type="application/json")
    if response.status_code != 201:
        return {"status": "refused", "error": response.get_json()}
    job_id = response.get_json()["id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").get_json()
        if job["status"] in FINISHED:
            return job
        time.sleep(0.2)
    raise TimeoutError(job_id)


def outcome(job: dict) -> str:
    if job["status"] == "succeeded":
        return "succeeded"
    error = job.get("error") or {}
    return f"{job['status']} {error.get('code')}: {str(error.get('detail'))[:90]}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--campaigns", default="1,2,3,4,8,12,17,24,36")
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--season", type=int, default=None, help="train's season (default: read from the data)")
    args = parser.parse_args(argv)
    from engine.demo import make_demo

    tables = make_demo(seed=7, campaigns=36, products=args.products)
    with tempfile.TemporaryDirectory() as tmp, \
            folio_app("embedded", 1, Path(tmp) / "data") as (app, client, store):
        for n in (int(x) for x in args.campaigns.split(",")):
            raw = cut(tables, n)
            response = client.post("/api/datasets", data=orjson.dumps({"name": f"demo-{n}", "tables": raw}),
                                   content_type="application/json")
            if response.status_code != 201:
                print(f"{n:>3} campaigns: dataset refused {response.get_json().get('code')}", flush=True)
                continue
            ds = response.get_json()["id"]
            start = time.perf_counter()
            body = {"kind": "train", "dataset": ds, **({"season": args.season} if args.season is not None else {})}
            train = run_job(client, store, body)
            train_s = time.perf_counter() - start
            ahead, accuracy = next_campaigns(tables, n), ""
            if ahead is not None and train["status"] == "succeeded":
                from engine.data.tables import to_values

                job = run_job(client, store, {"kind": "forecast", "dataset": ds,
                                              "rows": to_values(ahead.drop(columns=["units"]))})
                if job["status"] == "succeeded":
                    out = job["result"]["rows"]
                    column = out[0].index("forecast_units")
                    accuracy = (f", next 2 campaigns WAPE {wape(ahead['units'], [r[column] for r in out[1:]]):.1%}"
                                f" (mean of the cut {wape(ahead['units'], mean_forecast(tables, n, ahead)):.1%})")
                else:
                    accuracy = f", forecast {outcome(job)}"
            start = time.perf_counter()
            plan = run_job(client, store, {"kind": "plan", "dataset": ds,
                                           "settings": {"time_limit_s": args.time_limit, "seed": 1}})
            plan_s = time.perf_counter() - start
            result = train.get("result") or {}
            chosen = next((c for c in result.get("candidates", []) if c.get("chosen")), None)
            backtest = f"{chosen['name']}, backtest WAPE {chosen['metrics']['wape']:.1%}" if chosen else "-"
            season = result.get("season") or {}
            print(f"{n:>3} campaigns ({len(raw['history']) - 1} rows): train {outcome(train)} "
                  f"[{train_s:.1f} s, {backtest}{accuracy}, season {season.get('value', '-')} "
                  f"{season.get('source', '')}, learnt {season.get('form', '-')}] | plan {outcome(plan)} "
                  f"[{plan_s:.1f} s]", flush=True)
            for note in result.get("degraded", []):
                print(f"      degraded: {note.get('code')}: {note.get('message')}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
