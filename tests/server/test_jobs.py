"""Jobs through the app factory with the real embedded runner: train, plan, cancel, registry."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from api_helpers import champion_of, finish, post_json

SMALL_PLAN = {"population": 12, "generations": 15, "time_limit_s": 20, "seed": 3}


def _start(client, body, headers=None) -> dict:
    response = post_json(client, "/api/jobs", body, headers=headers)
    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert response.headers["Location"] == f"/api/jobs/{job['id']}"
    assert response.headers["Retry-After"]
    assert job["status"] in ("queued", "running")
    return job


def test_dataset_round_trip(client, dataset_id, demo_raw):
    body = client.get(f"/api/datasets/{dataset_id}").get_json()
    assert body["row_counts"]["history"] == len(demo_raw["history"]) - 1
    assert body["tables"]["history"][0] == demo_raw["history"][0]


def test_train_registers_a_champion_scored_on_the_holdout(client, dataset_id):
    job = finish(client, _start(client, {"kind": "train", "dataset": dataset_id})["id"])
    assert job["status"] == "succeeded", job.get("error")
    result = job["result"]
    assert result["candidates"] and result["baselines"]
    assert all({"wape", "mape", "bias"} <= set(c["metrics"]) for c in result["candidates"])
    naive = next(b for b in result["baselines"] if b["name"] == "naive")["metrics"]["wape"]
    chosen = next(c for c in result["candidates"] if c["chosen"])["metrics"]["wape"]
    assert chosen < naive, (chosen, naive)
    models = client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
    assert [m["id"] for m in models if m["champion"]] == [result["champion"]]
    assert result["run"]["dataset_hash"] and result["run"]["versions"]["scikit-learn"]


def test_second_train_compares_with_the_registered_model(client, dataset_id):
    first = client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
    job = finish(client, _start(client, {"kind": "train", "dataset": dataset_id,
                                         "family": "linear"})["id"])
    assert job["status"] == "succeeded", job.get("error")
    result = job["result"]
    registered = {r["id"]: r for r in result["registered"]}
    assert {m["id"] for m in first} <= set(registered)
    # Same data, same holdout: the first model's recorded holdout score is compared with the
    # challenger's score on the same rows (both fitted before the holdout).
    assert all(r["how"] == "recorded" and r["metrics"] is not None for r in registered.values())
    chosen = next(c for c in result["candidates"] if c["chosen"])
    old = next(r for r in registered.values() if r["champion"])
    assert old["challenger_metrics"] == chosen["holdout_metrics"]
    better = chosen["holdout_metrics"]["wape"] < old["metrics"]["wape"]
    assert result["decision"]["promoted"] is better
    assert result["champion"] == (result["models"][0] if better else old["id"])
    stored = next(m for m in client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
                  if m["id"] == result["models"][0])
    assert stored["sha256"] and stored["versions"]["scikit-learn"] and stored["features"]
    assert stored["data_hash"] and stored["backtest_metrics"]["wape"] is not None


def test_forecast_job_returns_a_band_per_row(client, dataset_id, demo_raw):
    rows = demo_raw["history"][:6]
    job = finish(client, _start(client, {"kind": "forecast", "dataset": dataset_id, "rows": rows})["id"])
    assert job["status"] == "succeeded", job.get("error")
    header, out = job["result"]["rows"][0], job["result"]["rows"][1:]
    assert header[-3:] == ["forecast_units", "forecast_low", "forecast_high"] and len(out) == 5
    for row in out:
        assert 0 <= row[-2] <= row[-3] <= row[-1]


def test_a_corrupted_model_file_is_refused(client, app, dataset_id, demo_raw):
    from pathlib import Path

    champion = next(m for m in client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
                    if m["champion"])
    path = Path(app.config["DATA_DIR"]) / "models" / f"{champion['id']}.joblib"
    good = path.read_bytes()
    path.write_bytes(good[:-10] + b"0123456789")
    try:
        job = finish(client, _start(client, {"kind": "forecast", "dataset": dataset_id,
                                             "rows": demo_raw["history"][:3]})["id"])
    finally:
        path.write_bytes(good)
    assert job["status"] == "failed"
    assert job["error"]["code"] == "model_incompatible"
    assert "corrupted" in job["error"]["detail"]


def test_promote(client, dataset_id):
    models = client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
    other = next(m for m in models if not m["champion"])
    assert client.post(f"/api/models/{other['id']}/promote").get_json()["champion"] is True
    models = client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
    assert [m["id"] for m in models if m["champion"]] == [other["id"]]


def test_plan_keeps_the_rules_and_exports_a_workbook(client, dataset_id, demo_raw):
    job = finish(client, _start(client, {"kind": "plan", "dataset": dataset_id,
                                         "settings": SMALL_PLAN})["id"])
    assert job["status"] == "succeeded", job.get("error")
    result = job["result"]
    header, rows = result["plan"][0], result["plan"][1:]
    assert header[:7] == ["page", "slot", "product_id", "discount", "forecast_units",
                          "forecast_revenue", "forecast_profit"]
    products = [r[2] for r in rows]
    assert len(products) == len(set(products)) > 0
    slots = [(r[0], r[1]) for r in rows]
    assert len(slots) == len(set(slots))
    must = _must_include(demo_raw["products"])
    assert must <= set(products)
    assert all(rule["kept"] for rule in result["rules"])
    assert result["convergence"][1][0] == 0  # generation 0 is reported
    assert job["progress"]["generation"] >= 1

    response = client.get(f"/api/jobs/{job['id']}/result.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert {"Plan", "Summary", "Convergence", "Business case"} <= set(book.sheetnames)
    assert book["Plan"].max_row == len(rows) + 1
    case = result["business_case"]  # the plan beside the demo's latest catalogue, same model
    assert [o["name"] for o in case["options"]] == ["plan", "last_catalogue"]
    assert case["options"][0]["profit"] == pytest.approx(result["totals"]["profit"])
    assert set(case["lift"]) == {"profit", "revenue", "units"}
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert set(case) <= set(schema["BusinessCase"]["properties"])
    assert set(case["options"][0]) <= set(schema["BusinessCase"]["properties"]["options"]["items"]["properties"])
    _times_on_the_planners_clock(client, job, book)


def _times_on_the_planners_clock(client, job: dict, utc_book) -> None:
    """result.xlsx's run record on the clock the page names (?tz=, its own time zone, the one the
    pane shows "Plan started 21:51" on), else UTC, each labelled; a zone that is not one: 422."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def record(book) -> dict:
        ws = book["Summary"]
        return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}

    started = datetime.fromisoformat(job["result"]["run"]["started_at"].replace("Z", "+00:00"))
    assert record(utc_book)["Started (UTC)"] == started.strftime("%Y-%m-%d %H:%M:%S")
    response = client.get(f"/api/jobs/{job['id']}/result.xlsx?tz=America/New_York")
    assert response.status_code == 200
    times = record(openpyxl.load_workbook(io.BytesIO(response.data)))
    assert times["Started (America/New_York)"] == started.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M:%S")
    assert "Finished (America/New_York)" in times and "Started (UTC)" not in times
    for bad in ("Mars/Olympus", "../../etc/passwd", "x" * 80):
        refused = client.get(f"/api/jobs/{job['id']}/result.xlsx", query_string={"tz": bad})
        assert refused.status_code == 422, bad
        problem = refused.get_json()
        assert problem["code"] == "invalid_request" and problem["errors"][0]["column"] == "tz", problem


def _must_include(products: list) -> set:
    header = [str(h).lower() for h in products[0]]
    if "must_include" not in header:
        return set()
    i, p = header.index("must_include"), header.index("product_id")
    return {row[p] for row in products[1:] if row[i] in (1, True, "1")}


def test_same_seed_same_plan(client, dataset_id):
    body = {"kind": "plan", "dataset": dataset_id, "settings": SMALL_PLAN}
    first = finish(client, _start(client, body)["id"])
    second = finish(client, _start(client, body)["id"])
    assert first["result"]["plan"] == second["result"]["plan"]


def test_cancel_a_running_plan_keeps_its_best_plan(client, dataset_id):
    settings = {"population": 16, "generations": 100000, "time_limit_s": 120, "seed": 1,
                "stagnation_generations": 0}
    job = _start(client, {"kind": "plan", "dataset": dataset_id, "settings": settings})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = client.get(f"/api/jobs/{job['id']}").get_json()["progress"] or {}
        if progress.get("generation", 0) >= 3:
            break
        time.sleep(0.1)
    cancelled = client.delete(f"/api/jobs/{job['id']}")
    assert cancelled.status_code == 200
    done = finish(client, job["id"], timeout=30)
    assert done["status"] == "cancelled"
    assert len(done["result"]["plan"]) > 1 and done["result"]["cancelled"] is True
    assert client.delete(f"/api/jobs/{job['id']}").status_code == 200  # idempotent


def test_cancel_a_finished_job_conflicts(client, dataset_id):
    job = finish(client, _start(client, {"kind": "explore", "dataset": dataset_id})["id"])
    assert job["status"] == "succeeded", job.get("error")
    response = client.delete(f"/api/jobs/{job['id']}")
    assert response.status_code == 409 and response.get_json()["code"] == "conflict"


def test_idempotency_key_returns_the_same_job(client, dataset_id):
    headers = {"Idempotency-Key": "plan-2026-C18"}
    body = {"kind": "explore", "dataset": dataset_id}
    first = _start(client, body, headers)
    second = _start(client, body, headers)
    assert first["id"] == second["id"]


def test_infeasible_rules_fail_the_job_with_the_rule(client, dataset_id, demo_raw):
    products = [row[:] for row in demo_raw["products"]]
    header = [str(h).lower() for h in products[0]]
    if "must_include" not in header:
        products[0].append("must_include")
        for row in products[1:]:
            row.append(0)
    i = [str(h).lower() for h in products[0]].index("must_include")
    for row in products[1:]:
        row[i] = 1  # every candidate must be in a catalogue with fewer slots
    slots = demo_raw["slots"][:11]  # ten slots for every candidate
    tables = {**demo_raw, "products": products, "slots": slots}
    ds = post_json(client, "/api/datasets", {"name": "too many musts", "tables": tables})
    assert ds.status_code == 201, ds.get_json()
    # the demo's champion (same history): the plan fails on its rules, not after training a model
    job = finish(client, _start(client, {"kind": "plan", "dataset": ds.get_json()["id"],
                                         "model": champion_of(client, dataset_id), "settings": SMALL_PLAN})["id"])
    assert job["status"] == "failed"
    assert job["error"]["code"] == "infeasible"
    assert "must" in job["error"]["detail"].lower()


def test_append_history_with_auto_retrain_starts_a_job(client, demo_raw):
    history = demo_raw["history"]
    header = [str(h).lower() for h in history[0]]
    c = header.index("campaign")
    campaigns = sorted({row[c] for row in history[1:]})
    older = [history[0]] + [row for row in history[1:] if row[c] != campaigns[-1]]
    newest = [history[0]] + [row for row in history[1:] if row[c] == campaigns[-1]]
    ds = post_json(client, "/api/datasets", {"name": "growing", "auto_retrain": True,
                                             "tables": {**demo_raw, "history": older}})
    ds_id = ds.get_json()["id"]
    first = finish(client, _start(client, {"kind": "train", "dataset": ds_id, "family": "linear",
                                           "folds": 1})["id"])
    assert first["status"] == "succeeded", first.get("error")
    response = post_json(client, f"/api/datasets/{ds_id}/history", {"history": newest})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["appended_rows"] == len(newest) - 1
    assert body["dataset"]["row_counts"]["history"] == len(history) - 1
    job = finish(client, body["job"]["id"])
    assert job["kind"] == "train" and job["status"] == "succeeded", job.get("error")
    # The champion never saw the appended campaign: it and the challenger are scored on it.
    result = job["result"]
    old = next(r for r in result["registered"] if r["id"] == first["result"]["champion"])
    assert old["how"] == "score" and old["campaigns"] == [campaigns[-1]]
    assert old["metrics"]["wape"] is not None and old["challenger_metrics"]["wape"] is not None
    better = old["challenger_metrics"]["wape"] < old["metrics"]["wape"]
    assert result["decision"]["promoted"] is better
    assert result["champion"] == (result["models"][0] if better else old["id"])


def test_train_options_reach_the_backtest(client, dataset_id):
    job = finish(client, _start(client, {"kind": "train", "dataset": dataset_id, "folds": 1,
                                         "candidates": ["linear"]})["id"])
    assert job["status"] == "succeeded", job.get("error")
    assert [c["name"] for c in job["result"]["candidates"]] == ["linear"]
    assert job["result"]["run"]["folds"] == 1


def test_plan_rule_tables_and_settings_reach_the_planner(client, dataset_id, demo_raw):
    """locks, brand_limits and page_conflicts stored with the dataset, min_margin and
    max_same_category_per_page in the settings: the plan table keeps each (checked on the table)."""
    products = demo_raw["products"]
    header = [str(h).lower() for h in products[0]]
    pid, brand = header.index("product_id"), header.index("brand")
    first, second, third = (row[pid] for row in products[1:4])
    some_brand = products[1][brand]
    tables = {**demo_raw,
              "locks": [["page", "slot", "product_id", "discount"], [1, 1, first, 0.2], [3, None, second, None]],
              "brand_limits": [["brand", "min", "max"], [some_brand, 0, 3]],
              "page_conflicts": [["group", "product_id"], ["g", second], ["g", third]]}
    created = post_json(client, "/api/datasets", {"name": "rules", "tables": tables})
    assert created.status_code == 201, created.get_json()
    champion = next(m["id"] for m in client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
                    if m["champion"])
    settings = {**SMALL_PLAN, "min_margin": 0.2, "max_same_category_per_page": 3}
    job = finish(client, _start(client, {"kind": "plan", "dataset": created.get_json()["id"],
                                         "model": champion, "settings": settings})["id"])
    assert job["status"] == "succeeded", job.get("error")
    plan_header, *rows = job["result"]["plan"]
    col = {name: i for i, name in enumerate(plan_header)}
    where = {row[col["product_id"]]: row for row in rows}
    assert (where[first][col["page"]], where[first][col["slot"]], where[first][col["discount"]]) == (1, 1, 0.2)
    assert where[second][col["page"]] == 3
    assert third not in where or where[third][col["page"]] != 3
    brands = {row[pid]: row[brand] for row in products[1:]}
    assert sum(brands[p] == some_brand for p in where) <= 3
    per_page: dict = {}
    for row in rows:
        key = (row[col["page"]], row[col["category"]])
        per_page[key] = per_page.get(key, 0) + 1
    assert max(per_page.values()) <= 3
    assert {r["rule"] for r in job["result"]["rules"]} >= {"locks", "brand_limits", "page_conflicts",
                                                         "min_margin", "category_per_page"}
    assert all(r["kept"] for r in job["result"]["rules"])
    assert job["result"]["settings"]["min_margin"] == 0.2


def test_a_lock_that_cannot_hold_is_refused_or_fails_the_job_with_its_cell(client, dataset_id, demo_raw):
    products = demo_raw["products"]
    pid = [str(h).lower() for h in products[0]].index("product_id")
    ids = [row[pid] for row in products[1:9]]
    tables = {**demo_raw, "locks": [["product_id", "page", "discount"], [ids[0], 2, 0.15]]}
    created = post_json(client, "/api/datasets", {"name": "bad lock", "tables": tables})
    assert created.status_code == 201, created.get_json()
    champion = next(m["id"] for m in client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
                    if m["champion"])
    # a discount that is no level of this plan: refused when the plan is asked for, with its cell
    refused = post_json(client, "/api/jobs", {"kind": "plan", "dataset": created.get_json()["id"],
                                              "model": champion, "settings": SMALL_PLAN})
    assert refused.status_code == 422 and refused.get_json()["code"] == "invalid_table"
    located = refused.get_json()["errors"][0]
    assert (located["table"], located["row"], located["cell"]) == ("locks", 2, "C2") and "0.15" in located["message"]
    # more locks on a page than it has slots: only the plan's layout tells, so the job fails, with the cell
    tables = {**demo_raw, "locks": [["product_id", "page"]] + [[p, 2] for p in ids[:7]]}
    created = post_json(client, "/api/datasets", {"name": "crowded page", "tables": tables})
    assert created.status_code == 201, created.get_json()
    job = finish(client, _start(client, {"kind": "plan", "dataset": created.get_json()["id"],
                                         "model": champion, "settings": {**SMALL_PLAN, "slots_per_page": 6}})["id"])
    assert job["status"] == "failed" and job["error"]["code"] == "infeasible"
    rule, located = job["error"]["errors"][:2]
    assert rule["column"] == "locks" and "7 products are locked on page 2" in located["message"]
    assert (located["table"], located["row"], located["cell"]) == ("locks", 2, "A2")


def test_rule_tables_with_a_wrong_cell_are_refused_with_every_cell(client, demo_raw):
    tables = {**demo_raw, "locks": [["page", "product_id"], [0, "P0001"], [2, "nobody"]],
              "page_conflicts": [["group", "product_id"], ["g", "ghost"]]}
    response = post_json(client, "/api/datasets", {"name": "bad", "tables": tables})
    assert response.status_code == 422
    cells = {(e["table"], e["cell"]) for e in response.get_json()["errors"]}
    assert {("locks", "A2"), ("locks", "B3"), ("page_conflicts", "B2")} <= cells  # all at once


def test_a_brand_minimum_no_candidate_can_meet_fails_with_its_cell(client, dataset_id):
    job = finish(client, _start(client, {"kind": "plan", "dataset": dataset_id, "settings": SMALL_PLAN,
                                         "tables": {"brand_limits": [["brand", "min", "max"], ["Nobody", 2, 4]]}})["id"])
    assert job["status"] == "failed" and job["error"]["code"] == "infeasible", job.get("error")
    rule, located = job["error"]["errors"][:2]
    assert rule["column"] == "brand_limits" and "'Nobody' needs at least 2 products" in job["error"]["detail"]
    assert (located["table"], located["row"], located["column"], located["cell"]) == ("brand_limits", 2, "min", "B2")
