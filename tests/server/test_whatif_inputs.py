"""Odd what-if requests are refused at the door with a stable code and the cell they came from:
locks naming unknown products or slots the layout lacks, two locks on one slot, a product locked
twice, a scored plan with a wrong cell, an empty or too long scenario list. Nothing here runs a
job (the runner is not started): a refusal must come before any work is queued."""

from __future__ import annotations

import orjson
import pytest

from server import create_app


@pytest.fixture(scope="module")
def door(tmp_path_factory, demo_raw):
    # many refusals in a row from one client: not what the rate limit is for (tested on its own)
    client = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("door")), "START_RUNNER": False,
                         "RATE_LIMIT_WRITES_PER_MIN": 100000}).test_client()
    created = client.post("/api/datasets", data=orjson.dumps({"tables": demo_raw}), content_type="application/json")
    assert created.status_code == 201, created.get_json()
    header = [str(h).lower() for h in demo_raw["products"][0]]
    products = [row[header.index("product_id")] for row in demo_raw["products"][1:]]
    return client, created.get_json()["id"], products


def _post(client, body):
    response = client.post("/api/jobs", data=orjson.dumps(body), content_type="application/json")
    return response.status_code, response.get_json()


LOCKS = ["page", "slot", "product_id"]


@pytest.mark.parametrize("rows, cell, words", [
    ([[1, 1, "NOPE"]], "C2", "product 'NOPE' is not in the products table"),
    ([[1, 99, 0]], "B2", "page 1 has no slot 99"),
    ([[999, 1, 0]], "A2", "page 999 is not in the slots table"),
    ([[1, 1, 0], [1, 1, 1]], "B3", "(page, slot) = (1, 1) appears twice"),
    ([[1, 1, 0], [2, 1, 0]], "C3", "appears twice"),
    ([["one", 1, 0]], "A2", "expected a number"),
])
def test_a_lock_that_cannot_be_read_is_refused_with_its_cell(door, rows, cell, words):
    client, dataset, products = door
    table = [LOCKS] + [[p, s, products[x] if isinstance(x, int) else x] for p, s, x in rows]
    for body in ({"kind": "plan", "dataset": dataset, "tables": {"locks": table}},
                 {"kind": "scenarios", "dataset": dataset,
                  "scenarios": [{"name": "Base"}, {"name": "Locked", "tables": {"locks": table}}]}):
        status, problem = _post(client, body)
        assert status == 422 and problem["code"] == "invalid_table", problem
        located = next(e for e in problem["errors"] if e["cell"] == cell)
        assert located["table"] == "locks" and words in located["message"], problem["errors"]
        if body["kind"] == "scenarios":
            assert "scenario 'Locked'" in located["message"]
            assert located["scenario"] == "Locked"  # whose table it is, without reading the message
        else:
            assert "scenario" not in located


@pytest.mark.parametrize("scenarios", [[], None, "two", [{"name": "Only"}],
                                       [{"name": f"S{i}"} for i in range(9)]])
def test_scenarios_are_two_to_eight(door, scenarios):
    client, dataset, _ = door
    status, problem = _post(client, {"kind": "scenarios", "dataset": dataset, "scenarios": scenarios})
    assert status == 422 and problem["code"] == "invalid_job"
    assert problem["errors"][0]["column"] == "scenarios" and "2 to 8" in problem["detail"]


@pytest.mark.parametrize("plan, cell", [
    ([["page", "slot", "product_id", "discount"], [1, "x", "P0001", 0]], "B2"),
    ([["page", "slot", "product_id", "discount"], [0, 1, "P0001", 0]], "A2"),
    ([["page", "slot", "product_id", "discount"], [1, 1.5, "P0001", 0]], "B2"),
    ([["page", "slot", "product_id", "discount"], [1, 1, "P0001", 1.5]], "D2"),
    ([["page", "slot", "product_id", "discount"], [1, 1, "", 0]], "C2"),
    ([["page", "product_id"], [1, "P0001"]], None),  # the slot column is missing: the header's cell
])
def test_a_scored_plan_with_a_wrong_cell_is_refused_with_it(door, plan, cell):
    client, dataset, _ = door
    status, problem = _post(client, {"kind": "score", "dataset": dataset, "plan": plan})
    assert status == 422 and problem["code"] == "invalid_table", problem
    assert all(e["table"] == "plan" for e in problem["errors"])
    if cell:
        assert cell in {e["cell"] for e in problem["errors"]}
    else:
        assert any(e["column"] == "slot" and e["row"] == 1 for e in problem["errors"])


def test_a_score_against_something_that_is_no_plan_is_refused(door):
    client, dataset, _ = door
    plan = [["page", "slot", "product_id"], [1, 1, "P0001"]]
    status, problem = _post(client, {"kind": "score", "dataset": dataset, "plan": plan, "against": 12})
    assert status == 404 and problem["code"] == "not_found" and problem["errors"][0]["column"] == "against"
    status, problem = _post(client, {"kind": "score", "dataset": dataset, "plan": [["page", "slot", "product_id"]]})
    assert status == 422 and problem["code"] == "invalid_job" and problem["errors"][0]["column"] == "plan"


def test_a_header_only_rule_table_means_no_such_rules(door, demo_raw):
    client, dataset, products = door
    for body in ({"kind": "plan", "dataset": dataset, "tables": {"locks": [LOCKS]}},
                 {"kind": "scenarios", "dataset": dataset,
                  "scenarios": [{"name": "Base"}, {"name": "Unlocked", "tables": {"locks": [LOCKS + ["discount"]],
                                                                                  "brand_limits": [["brand", "max"]]}}]}):
        status, problem = _post(client, body)
        assert status == 201, problem
    # a dataset whose locks sheet was cleared to its header: accepted, and plans without locks
    raw = {**demo_raw, "locks": [LOCKS], "page_conflicts": [["group", "product_id"]]}
    created = client.post("/api/datasets", data=orjson.dumps({"tables": raw}), content_type="application/json")
    assert created.status_code == 201, created.get_json()
    assert "locks" not in created.get_json()["row_counts"]

    from engine.data.tables import read_tables
    from engine.plan.scenarios import scenario_dataset

    locked = read_tables({**demo_raw, "locks": [LOCKS, [1, 1, products[0]]]})
    assert locked.locks is not None and read_tables(raw).locks is None
    assert scenario_dataset(locked, {"locks": [LOCKS]}).locks is None  # replaces the dataset's: no locks


@pytest.fixture(scope="module")
def locked_door(door, demo_raw):
    """A dataset that brings its own locks: one at 10 %, one at any level."""
    client, _, products = door
    raw = {**demo_raw, "locks": [LOCKS + ["discount"], [1, 1, products[0], 0.1], [2, None, products[1], None]]}
    created = client.post("/api/datasets", data=orjson.dumps({"tables": raw}), content_type="application/json")
    assert created.status_code == 201, created.get_json()
    return client, created.get_json()["id"], products


def test_a_lock_at_a_discount_the_plan_may_not_use_is_refused_at_the_door(door, locked_door):
    client, dataset, products = door
    levels = {"discount_levels": [0, 0.1, 0.2, 0.3]}
    table = [LOCKS + ["discount"], [1, 1, products[0], 0.2], [1, 2, products[1], 0.25]]
    for body, where in (({"kind": "plan", "dataset": dataset, "settings": levels, "tables": {"locks": table}}, None),
                        ({"kind": "scenarios", "dataset": dataset, "settings": levels,
                          "scenarios": [{"name": "Base"}, {"name": "Locked", "tables": {"locks": table}}]}, "Locked")):
        status, problem = _post(client, body)
        assert status == 422 and problem["code"] == "invalid_table", problem
        assert [(e["table"], e["cell"]) for e in problem["errors"]] == [("locks", "D3")]  # 0.2 is a level
        assert "0.25 is not one of discount_levels" in problem["errors"][0]["message"]
        if where:
            assert f"scenario '{where}'" in problem["errors"][0]["message"]
    # the scenario's own levels, not the base's: 0.2 is no level of "Shallow"
    ok = [LOCKS + ["discount"], [1, 1, products[0], 0.2]]
    status, problem = _post(client, {"kind": "scenarios", "dataset": dataset, "settings": levels, "scenarios": [
        {"name": "Base", "tables": {"locks": ok}},
        {"name": "Shallow", "settings": {"discount_levels": [0, 0.1]}, "tables": {"locks": ok}}]})
    assert status == 422 and problem["errors"][0]["cell"] == "D2" and "scenario 'Shallow'" in problem["errors"][0]["message"]
    # not a number: the cell, as every table error
    status, problem = _post(client, {"kind": "plan", "dataset": dataset,
                                     "tables": {"locks": [LOCKS + ["discount"], [1, 1, products[0], "ten"]]}})
    assert status == 422 and problem["code"] == "invalid_table" and problem["errors"][0]["cell"] == "D2"

    # the dataset's own locks, held to the levels of each plan asked for
    client, locked, _ = locked_door
    assert _post(client, {"kind": "plan", "dataset": locked, "settings": levels})[0] == 201
    for body in ({"kind": "plan", "dataset": locked, "settings": {"discount_levels": [0, 0.2]}},
                 {"kind": "score", "dataset": locked, "settings": {"discount_levels": [0, 0.2]},
                  "plan": [["page", "slot", "product_id"], [1, 1, products[0]]]},
                 {"kind": "scenarios", "dataset": locked, "scenarios": [
                     {"name": "Base"}, {"name": "No 10 %", "settings": {"discount_levels": [0, 0.2]}}]}):
        status, problem = _post(client, body)
        assert status == 422 and problem["code"] == "invalid_table", (body["kind"], problem)
        assert [(e["table"], e["cell"]) for e in problem["errors"]] == [("locks", "D2")]
    # a scenario that plans without the dataset's locks is not held to them
    status, _ = _post(client, {"kind": "scenarios", "dataset": locked, "scenarios": [
        {"name": "Base"}, {"name": "No locks", "settings": {"discount_levels": [0, 0.2]}, "tables": {"locks": None}}]})
    assert status == 201


def test_a_scenario_problem_names_its_scenario_on_the_wire(door):
    """``errors[].scenario``: the name, or the 0-based place when the name is what is wrong; every
    key of an error item is in the OpenAPI document's Problem schema."""
    client, dataset, products = door
    documented = client.get("/api/openapi.json").get_json()["components"]["schemas"]["Problem"]
    item = documented["properties"]["errors"]["items"]["properties"]
    assert set(item["scenario"]["type"]) == {"string", "integer"}
    cases = [
        ([{"name": "A"}, {"name": "B", "settings": {"population": 1}}], "B", "scenarios[1].population"),
        ([{"name": "A"}, {"name": "A"}], 1, "scenarios[1].name"),
        ([{"name": "A"}, {"name": ""}], 1, "scenarios[1].name"),
        ([{"name": "A"}, "B"], 1, "scenarios[1]"),
        ([{"name": "A", "colour": 1}, {"name": "B"}], 0, "scenarios[0].colour"),
        ([{"name": "A"}, {"name": "B", "tables": {"locks": [LOCKS, [1, 1, "NOPE"]]}}], "B", "product_id"),
    ]
    for scenarios, scenario, column in cases:
        status, problem = _post(client, {"kind": "scenarios", "dataset": dataset, "scenarios": scenarios})
        assert status == 422, problem
        assert [(e["scenario"], e["column"]) for e in problem["errors"]] == [(scenario, column)], problem
        assert all(set(e) <= set(item) for e in problem["errors"])
    status, problem = _post(client, {"kind": "scenarios", "dataset": dataset, "scenarios": [{"name": "A"}]})
    assert status == 422 and "scenario" not in problem["errors"][0]  # about the list, not one scenario
