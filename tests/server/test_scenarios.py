"""The ``scenarios`` job kind: variants of one catalogue planned side by side, on both runners."""

from __future__ import annotations

import io
import time
from datetime import datetime

import openpyxl
import orjson

from api_helpers import finish, post_json
from server import create_app
from server.hub import Subscriber

SMALL_PLAN = {"population": 12, "generations": 12, "time_limit_s": 20, "seed": 5, "max_discounted_share": 0.3}


def _start(client, body) -> dict:
    response = post_json(client, "/api/jobs", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _first_products(demo_raw, n):
    header = [str(h).lower() for h in demo_raw["products"][0]]
    return [row[header.index("product_id")] for row in demo_raw["products"][1:n + 1]]


def scenarios(demo_raw):
    cover, *others = _first_products(demo_raw, 8)
    return [
        {"name": "Base"},
        {"name": "Deeper discounts", "settings": {"discount_levels": [0, 0.2, 0.4], "max_discounted_share": 0.5}},
        {"name": "Cover locked", "tables": {"locks": [["page", "slot", "product_id"], [1, 1, cover]]}},
        {"name": "Impossible", "tables": {"locks": [["page", "product_id"]] + [[2, p] for p in others]}},
    ]


def test_scenarios_are_planned_side_by_side_and_one_infeasible_fails_alone(client, app, dataset_id, demo_raw):
    parent = _start(client, {"kind": "scenarios", "dataset": dataset_id, "settings": SMALL_PLAN,
                             "scenarios": scenarios(demo_raw)})
    assert [s["name"] for s in parent["scenarios"]] == ["Base", "Deeper discounts", "Cover locked", "Impossible"]
    done = finish(client, parent["id"], timeout=300)
    assert done["status"] == "succeeded", done.get("error")
    result = done["result"]
    header, *rows = result["comparison"]
    by_name = {row[0]: dict(zip(header, row)) for row in rows}
    assert [row[0] for row in rows] == ["Base", "Deeper discounts", "Cover locked", "Impossible"]
    assert by_name["Impossible"]["status"] == "failed" and "locked on page 2" in by_name["Impossible"]["note"]
    assert by_name["Impossible"]["changes"] == "own locks"  # what it was, though it failed
    assert by_name["Deeper discounts"]["changes"] == "discounts 0, 20, 40\u00a0%; max discounted 50\u00a0%"
    impossible = next(s for s in result["scenarios"] if s["scenario"] == "Impossible")
    assert impossible["settings"]["max_discounted_share"] == 0.3 and impossible["changes"] == ["own locks"]
    for name in ("Base", "Deeper discounts", "Cover locked"):
        row = by_name[name]
        assert row["status"] == "succeeded" and row["expected_profit"] > 0 and row["rules_kept"] == row["rules"]
        assert row["lift_revenue"] is not None  # against the last catalogue of the history
    plans = {s["scenario"]: s for s in result["scenarios"]}
    cover = next(r for r in plans["Cover locked"]["plan"][1:] if r[0] == 1 and r[1] == 1)
    assert cover[2] == _first_products(demo_raw, 1)[0]
    discounts = {r[3] for r in plans["Deeper discounts"]["plan"][1:]}
    assert discounts <= {0.0, 0.2, 0.4} and discounts & {0.2, 0.4}  # the scenario's own levels
    for name in ("Base", "Deeper discounts", "Cover locked"):  # each plan's honest promise, with its range
        row = by_name[name]
        assert row["expected_profit_low"] < row["expected_profit"] < row["expected_profit_high"]
        assert row["expected_profit"] == plans[name]["totals"]["expected_profit"]
    assert result["best"] in plans
    documented = client.get("/api/openapi.json").get_json()["components"]["schemas"]["ScenariosResult"]["properties"]
    assert set(result) - {"run"} <= set(documented)  # every key of the result is in the OpenAPI document

    # every scenario was an ordinary plan job of its own, recorded with its parent, and they ran
    # side by side on the runner's workers (two of them at the same time), not one after another
    spans = []
    for child_id in result["run"]["children"]:
        child = client.get(f"/api/jobs/{child_id}").get_json()
        assert child["kind"] == "plan" and child["parent"] == parent["id"] and child["scenario"] in plans
        spans.append((datetime.fromisoformat(child["started_at"]), datetime.fromisoformat(child["finished_at"])))
    assert any(a[0] < b[1] and b[0] < a[1] for i, a in enumerate(spans) for b in spans[i + 1:]), spans
    assert done["progress"]["phase"] == "scenarios" and done["progress"]["finished"] == 4
    assert {c["scenario"] for c in done["progress"]["children"]} == set(plans)

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/jobs/{parent['id']}/result.xlsx").data))
    assert "Scenarios" in book.sheetnames and len(book["Scenarios"]._charts) == 1
    sheet = [[c.value for c in row] for row in book["Scenarios"].iter_rows()]
    row = next(r for r in sheet if r[0] == "Impossible")
    # in the pane's words (the columns of the comparison: changes, note)
    assert row[sheet[0].index("what it changes")] == "own locks" and "locked on page 2" in row[sheet[0].index("why it failed")]
    axis = book["Scenarios"]._charts[0].y_axis.scaling  # bars from zero, every range's top inside
    tops = [by_name[n]["expected_profit_high"] for n in ("Base", "Deeper discounts", "Cover locked")]
    assert axis.min == 0 and axis.max >= max(tops)
    assert sum(name.startswith("Plan ") for name in book.sheetnames) == 3


def test_every_scenario_streams_its_progress_and_cancel_stops_them_all(client, app, dataset_id, demo_raw):
    settings = {**SMALL_PLAN, "generations": 100000, "time_limit_s": 120, "stagnation_generations": 0}
    parent = _start(client, {"kind": "scenarios", "dataset": dataset_id, "settings": settings,
                             "scenarios": scenarios(demo_raw)[:2]})
    events = Subscriber()
    hub = app.extensions["folio.runner"].hub
    hub.subscribe(parent["id"], events)
    seen: set[str] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and seen != {"Base", "Deeper discounts"}:
        event = events.get(timeout=1)
        if event and event.get("type") == "progress" and event.get("generation", 0) >= 2:
            seen.add(event["scenario"])
    hub.unsubscribe(events)
    assert seen == {"Base", "Deeper discounts"}  # one line per scenario for the parent's subscribers
    record = client.get(f"/api/jobs/{parent['id']}").get_json()  # what a reattaching pane reads
    assert {c["scenario"] for c in record["progress"]["children"]} == seen
    assert client.delete(f"/api/jobs/{parent['id']}").status_code == 200
    done = finish(client, parent["id"], timeout=60)
    assert done["status"] == "cancelled"
    assert {s["status"] for s in done["result"]["scenarios"]} == {"cancelled"}
    assert all(s.get("plan") for s in done["result"]["scenarios"])  # each kept its best plan so far


def test_bad_scenarios_are_refused_at_once_naming_the_scenario(client, dataset_id, demo_raw):
    def post(body):
        return post_json(client, "/api/jobs", {"kind": "scenarios", "dataset": dataset_id, **body})

    one = post({"scenarios": [{"name": "Only"}]})
    assert one.status_code == 422 and one.get_json()["errors"][0]["column"] == "scenarios"
    bad = post({"scenarios": [{"name": "A"}, {"name": "B", "settings": {"population": 1}}]})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["column"] == "scenarios[1].population"
    twice = post({"scenarios": [{"name": "A"}, {"name": "A"}]})
    assert twice.status_code == 422 and "two scenarios are named" in twice.get_json()["detail"]
    cell = post({"scenarios": [{"name": "A"}, {"name": "B", "tables": {"locks": [["page", "product_id"],
                                                                                 [1, "nobody"]]}}]})
    problem = cell.get_json()
    assert cell.status_code == 422 and problem["code"] == "invalid_table"
    assert problem["errors"][0]["cell"] == "B2" and "scenario 'B'" in problem["errors"][0]["message"]


def test_the_queue_limit_counts_each_scenario(tmp_path, demo_raw):
    client = create_app({"DATA_DIR": str(tmp_path), "START_RUNNER": False, "MAX_QUEUED_JOBS": 3}).test_client()
    post = lambda path, body: client.post(path, data=orjson.dumps(body), content_type="application/json")  # noqa: E731
    dataset = post("/api/datasets", {"tables": demo_raw}).get_json()["id"]
    body = {"kind": "scenarios", "dataset": dataset, "model": None,
            "scenarios": [{"name": f"S{i}"} for i in range(4)]}
    full = post("/api/jobs", body)
    assert full.status_code == 503 and full.get_json()["code"] == "queue_full"
    body["scenarios"] = body["scenarios"][:3]
    assert post("/api/jobs", body).status_code == 201
