"""The ``score`` job kind: a planner's own plan scored through the API, on both runners."""

from __future__ import annotations

import io

import openpyxl
import pytest

from api_helpers import champion_of, finish, post_json

SMALL_PLAN = {"population": 12, "generations": 10, "time_limit_s": 20, "seed": 5}


def _start(client, body) -> dict:
    response = post_json(client, "/api/jobs", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _draft(result) -> list[list]:
    """Folio's plan as a planner would send it back, the first two products swapped."""
    header, *rows = result["plan"]
    at = [header.index(c) for c in ("page", "slot", "product_id", "discount")]
    table = [["page", "slot", "product_id", "discount"]] + [[row[j] for j in at] for row in rows]
    table[1][2], table[2][2] = table[2][2], table[1][2]
    table.append([999, 1, table[3][2], 0.0])  # a page the catalogue does not have
    return table


@pytest.fixture(scope="module")
def plan(client, dataset_id):
    """A finished plan job of the demo (this module's runner) to score drafts against, with the
    dataset's champion trained first (the pooled family alone) rather than every family in the plan."""
    job = finish(client, _start(client, {"kind": "plan", "dataset": dataset_id, "model": champion_of(client, dataset_id),
                                         "settings": SMALL_PLAN})["id"])
    assert job["status"] == "succeeded", job.get("error")
    return job


def test_score_against_a_plan_job(client, dataset_id, plan):
    draft = _draft(plan["result"])
    job = finish(client, _start(client, {"kind": "score", "dataset": dataset_id, "plan": draft,
                                         "against": plan["id"]})["id"])
    assert job["status"] == "succeeded", job.get("error")
    assert job["against"] == plan["id"]
    result = job["result"]
    assert result["folio"]["plan"] == plan["result"]["plan"]  # compared with that plan, not a new one
    layout = next(r for r in result["rules"] if r["rule"] == "layout")
    assert not layout["kept"] and layout["cells"] == [{"row": len(draft), "cell": f"A{len(draft)}"}]
    yours, folios = result["totals"], result["folio"]["totals"]
    assert result["lift"]["profit"] == folios["expected_profit"] - yours["expected_profit"]
    for totals in (yours, folios):  # each plan's honest promise, with its 80 % range
        assert totals["expected_profit_low"] < totals["expected_profit"] < totals["expected_profit_high"]
    for key in ("expected_profit", "expected_profit_low", "expected_profit_high"):  # as when it was planned
        assert abs(folios[key] - plan["result"]["totals"][key]) <= 1e-6 * abs(folios[key])
    assert result["changes"][0][0] == "step"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/jobs/{job['id']}/result.xlsx").data))
    assert {"Summary", "Your plan", "Rules", "Changes", "Comparison"} <= set(book.sheetnames)
    documented = client.get("/api/openapi.json").get_json()["components"]["schemas"]["ScoreResult"]["properties"]
    assert set(result) - {"run"} <= set(documented)  # every key of the result is in the OpenAPI document


def test_score_plans_folio_first_when_not_told_against_what(client, dataset_id, plan):
    job = finish(client, _start(client, {"kind": "score", "dataset": dataset_id, "plan": _draft(plan["result"]),
                                         "settings": SMALL_PLAN})["id"])
    assert job["status"] == "succeeded", job.get("error")
    assert job["result"]["folio"]["plan"] == plan["result"]["plan"]  # same seed, same plan
    assert job["progress"]["generation"] >= 1  # Folio's plan was searched in this job, with progress


def test_a_bad_plan_table_is_refused_at_once_with_its_cells(client, dataset_id):
    response = post_json(client, "/api/jobs", {"kind": "score", "dataset": dataset_id,
                                               "plan": [["page", "slot", "product_id"], ["x", 1, "P0001"],
                                                        [1, 0, ""]]})
    assert response.status_code == 422 and response.get_json()["code"] == "invalid_table"
    cells = {e["cell"] for e in response.get_json()["errors"]}
    assert {"A2", "B3", "C3"} <= cells
    response = post_json(client, "/api/jobs", {"kind": "score", "dataset": dataset_id, "against": "job_nope",
                                               "plan": [["page", "slot", "product_id"], [1, 1, "P0001"]]})
    assert response.status_code == 404


def test_a_product_placed_twice_is_broken_with_both_cells_and_no_discount_means_none(client, dataset_id, plan):
    header, *rows = plan["result"]["plan"]
    first, second = rows[0][2], rows[1][2]
    draft = [["Page", "Slot", "Product_ID"], [rows[0][0], rows[0][1], first], [rows[1][0], rows[1][1], first],
             [rows[2][0], rows[2][1], second]]  # no discount column: a draft without discounts
    job = finish(client, _start(client, {"kind": "score", "dataset": dataset_id, "plan": draft,
                                         "against": plan["id"]})["id"])
    assert job["status"] == "succeeded", job.get("error")
    result = job["result"]
    unique = next(r for r in result["rules"] if r["rule"] == "unique_products")
    assert not unique["kept"] and unique["cells"] == [{"row": 2, "cell": "C2"}, {"row": 3, "cell": "C3"}]
    discount = result["plan"][0].index("discount")
    assert {row[discount] for row in result["plan"][1:]} == {0.0}
    assert result["totals"]["expected_profit_low"] < result["totals"]["expected_profit"]
    assert result["broken"] == sum(not r["kept"] for r in result["rules"])


def test_against_a_plan_with_its_own_locks_the_draft_is_held_to_them(client, dataset_id, plan):
    """A scenario's plan job carries its own rule tables: a draft scored against it is checked
    against those (here a lock of the cover), not the dataset's."""
    header, *rows = plan["result"]["plan"]
    cover = rows[5][2]  # a product the free plan put elsewhere
    locked = finish(client, _start(client, {"kind": "plan", "dataset": dataset_id, "settings": SMALL_PLAN,
                                            "tables": {"locks": [["page", "slot", "product_id"], [1, 1, cover]]}})["id"])
    assert locked["status"] == "succeeded", locked.get("error")
    draft = [["page", "slot", "product_id", "discount"]] + [row[:4] for row in rows]  # the free plan
    job = finish(client, _start(client, {"kind": "score", "dataset": dataset_id, "plan": draft,
                                         "against": locked["id"]})["id"])
    assert job["status"] == "succeeded", job.get("error")
    lock = next(r for r in job["result"]["rules"] if r["rule"] == "locks")
    assert not lock["kept"] and lock["cells"][0]["cell"].startswith("C")
    assert job["result"]["folio"]["plan"] == locked["result"]["plan"]
