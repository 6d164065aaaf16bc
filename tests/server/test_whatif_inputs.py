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
    client = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("door")), "START_RUNNER": False}).test_client()
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
