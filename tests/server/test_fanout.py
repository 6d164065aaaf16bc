"""A plan for several countries fans out as one job per country and gathers one result.

Runs against both runners (the ``app`` fixture): the embedded pool and Celery workers.
"""

from __future__ import annotations

import io
import time

import openpyxl

from api_helpers import champion_of, finish, post_json
from server.hub import Subscriber

SMALL_PLAN = {"population": 12, "generations": 12, "time_limit_s": 20, "seed": 5}


def _start(client, body) -> dict:
    response = post_json(client, "/api/jobs", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _rows_by_country(plan: list[list]) -> dict[str, list[dict]]:
    header, rows = plan[0], plan[1:]
    out: dict[str, list[dict]] = {}
    for row in rows:
        record = dict(zip(header, row))
        out.setdefault(record["country"], []).append(record)
    return out


def test_one_plan_per_country_gathered_into_one_result(client, dataset_id):
    parent = _start(client, {"kind": "plan", "dataset": dataset_id, "countries": "all",
                             "settings": SMALL_PLAN})
    assert parent["countries"] == ["DE", "FR", "PL"]
    done = finish(client, parent["id"], timeout=240)
    assert done["status"] == "succeeded", done.get("error")
    result = done["result"]

    assert result["plan"][0][:7] == ["page", "slot", "product_id", "discount", "forecast_units",
                                     "forecast_revenue", "forecast_profit"]
    assert result["plan"][0][-1] == "country"
    by_country = _rows_by_country(result["plan"])
    assert sorted(by_country) == ["DE", "FR", "PL"]
    for rows in by_country.values():  # every country's catalogue keeps the rules on its own
        assert len({r["product_id"] for r in rows}) == len(rows)
        assert len({(r["page"], r["slot"]) for r in rows}) == len(rows)
    assert all(rule["kept"] for rule in result["rules"])
    assert {rule["country"] for rule in result["rules"]} == {"DE", "FR", "PL"}

    # Totals are the sums of the countries' totals, and of the plan rows.
    breakdown = {b["country"]: b for b in result["countries"]}
    assert all(b["status"] == "succeeded" for b in breakdown.values())
    profit = sum(b["totals"]["profit"] for b in breakdown.values())
    assert abs(result["totals"]["profit"] - profit) < 1e-6 * abs(profit)
    rows_profit = sum(r["forecast_profit"] for rows in by_country.values() for r in rows)
    assert abs(result["totals"]["profit"] - rows_profit) < 1e-6 * abs(profit)
    assert result["totals"]["products"] == len(result["plan"]) - 1
    # Forecasts are per country: the markets are not the same size in the demo.
    units = {c: sum(r["forecast_units"] for r in rows) for c, rows in by_country.items()}
    assert len({round(u) for u in units.values()}) == 3

    # Each country ran as its own job, recorded with its parent; its plan is the parent's rows.
    children = result["run"]["children"]
    assert len(children) == 3
    for child_id in children:
        child = client.get(f"/api/jobs/{child_id}").get_json()
        assert child["parent"] == parent["id"] and child["status"] == "succeeded"
        rows = [dict(zip(child["result"]["plan"][0], r)) for r in child["result"]["plan"][1:]]
        assert [r["product_id"] for r in rows] == \
            [r["product_id"] for r in by_country[child["country"]]]

    # Convergence: one row per generation, the total first, then one column per country.
    convergence = result["convergence"]
    assert convergence[0][:4] == ["generation", "best", "mean", "feasible_share"]
    assert convergence[0][4:] == ["best DE", "best FR", "best PL"]
    last = convergence[-1]
    assert abs(last[1] - sum(last[4:])) < 1e-6 * abs(last[1])

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/jobs/{parent['id']}/result.xlsx").data))
    assert book["Plan"].max_row == len(result["plan"])
    countries = [c.value for row in book["Countries"].iter_rows() for c in row]
    assert "Country" in countries and "PL" in countries


def test_unknown_country_is_refused_at_once(client, dataset_id):
    response = post_json(client, "/api/jobs", {"kind": "plan", "dataset": dataset_id,
                                               "countries": ["DE", "Atlantis"], "settings": {}})
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "invalid_job" and "Atlantis" in problem["detail"]
    assert problem["errors"][0]["column"] == "countries"
    for bad in ([], "DE", ["DE", "DE"], [3]):
        response = post_json(client, "/api/jobs", {"kind": "plan", "dataset": dataset_id,
                                                   "countries": bad, "settings": {}})
        assert response.status_code == 422 and response.get_json()["code"] == "invalid_job", bad


def test_one_infeasible_country_fails_the_plan_naming_it(client, dataset_id, demo_raw):
    # A products table naming countries: the same candidates for DE and PL, but in PL every one
    # of them is a must-include, more than the ten slots hold.
    header = demo_raw["products"][0]
    must = [str(h).lower() for h in header].index("must_include")
    rows = []
    for country in ("DE", "PL"):
        for row in demo_raw["products"][1:]:
            row = row[:] + [country]
            row[must] = 1 if country == "PL" else 0
            rows.append(row)
    tables = {"history": demo_raw["history"], "products": [header + ["country"]] + rows,
              "slots": demo_raw["slots"][:11]}
    response = post_json(client, "/api/datasets", {"name": "PL over-committed", "tables": tables})
    assert response.status_code == 201, response.get_json()
    ds = response.get_json()["id"]
    # the demo's champion (the same history): the countries plan at once instead of training first
    done = finish(client, _start(client, {"kind": "plan", "dataset": ds, "countries": ["DE", "PL"],
                                          "model": champion_of(client, dataset_id), "settings": SMALL_PLAN})["id"],
                  timeout=240)
    assert done["status"] == "failed"
    assert done["error"]["code"] == "infeasible"
    assert done["error"]["detail"].startswith("PL:")
    breakdown = {b["country"]: b for b in done["result"]["countries"]}
    assert breakdown["DE"]["status"] == "succeeded" and breakdown["PL"]["status"] == "failed"
    assert {r[-1] for r in done["result"]["plan"][1:]} == {"DE"}  # DE's plan is still there


def test_cancel_stops_every_country_and_keeps_their_best_plans(client, app, dataset_id):
    settings = {"population": 12, "generations": 100000, "time_limit_s": 120, "seed": 2,
                "stagnation_generations": 0}
    parent = _start(client, {"kind": "plan", "dataset": dataset_id, "countries": ["DE", "FR"],
                             "settings": settings})
    events = Subscriber()
    hub = app.extensions["folio.runner"].hub
    hub.subscribe(parent["id"], events)
    countries_seen: set[str] = set()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and countries_seen != {"DE", "FR"}:
        event = events.get(timeout=1)
        if event and event.get("type") == "progress" and event.get("generation", 0) >= 2:
            countries_seen.add(event["country"])
    hub.unsubscribe(events)
    assert countries_seen == {"DE", "FR"}  # the parent's subscribers follow every country
    assert client.delete(f"/api/jobs/{parent['id']}").status_code == 200
    done = finish(client, parent["id"], timeout=60)
    assert done["status"] == "cancelled"
    assert {b["status"] for b in done["result"]["countries"]} == {"cancelled"}
    assert {r[-1] for r in done["result"]["plan"][1:]} == {"DE", "FR"}
    assert done["result"]["cancelled"] is True


def test_embedded_restart_loses_no_country(tmp_path, demo_raw):
    """The web process dies with countries running, and right after accepting another multi-country
    plan (before creating its countries): the next start finishes both."""
    from server import create_app

    config = {"DATA_DIR": str(tmp_path / "data"), "WORKERS": 2, "PROGRESS_DB_INTERVAL_S": 0.1}
    first = create_app(config)
    client = first.test_client()
    ds = post_json(client, "/api/datasets", {"name": "demo", "tables": demo_raw}).get_json()["id"]
    # a champion first (the pooled family alone: it also values the plans), so the countries plan
    # at once, before and after the restart, instead of training every family first
    trained = finish(client, _start(client, {"kind": "train", "dataset": ds, "candidates": ["pooled"]})["id"],
                     timeout=240)
    assert trained["status"] == "succeeded", trained.get("error")
    # long enough that both countries are seen running together on a loaded machine (the
    # restart cuts them short; the rerun takes the whole limit)
    settings = {"population": 12, "generations": 100000, "time_limit_s": 10, "seed": 1,
                "stagnation_generations": 0}
    parent = _start(client, {"kind": "plan", "dataset": ds, "countries": ["DE", "FR"],
                             "settings": settings})
    store = first.extensions["folio.store"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        # both countries claimed by a worker (on a loaded machine a worker started cold may still
        # be importing the engine when the other country's first generations are done)
        running = [j for j in store.jobs_with_status("running") if j["body"].get("parent") == parent["id"]
                   and j["kind"] == "plan"]
        if len(running) == 2:
            break
        time.sleep(0.1)
    assert len(running) == 2, store.jobs_with_status("queued", "running")
    first.extensions["folio.runner"].stop()  # both countries are left 'running'
    orphan, _ = store.create_job("plan", {"kind": "plan", "dataset": ds, "model": "champion",
                                          "settings": SMALL_PLAN, "countries": ["PL"]})

    second = create_app(config)
    try:
        client = second.test_client()
        for job_id, countries in ((parent["id"], {"DE", "FR"}), (orphan["id"], {"PL"})):
            done = finish(client, job_id, timeout=180)
            assert done["status"] == "succeeded", done.get("error")
            assert {r[-1] for r in done["result"]["plan"][1:]} == countries
        for child in running:  # run again from the start, once
            assert store.get_job(child["id"])["attempts"] == 2
    finally:
        second.extensions["folio.runner"].stop()
