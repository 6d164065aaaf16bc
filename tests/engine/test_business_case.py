"""engine.plan.business_case: the last catalogue mapped onto the planned layout, scored like the
plan, and the lift; by hand-made numbers and on a real plan."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engine.plan.business_case import business_case, gather_cases, last_catalogue, lift, option_totals
from engine.plan.countries import gather_plans
from engine.plan.instance import build_instance
from engine.plan.planner import PlanSettings, plan_catalogue
from test_planner import FAST, PageModel, small_dataset


def history(rows):
    return pd.DataFrame(rows, columns=["campaign", "product_id", "units", "page", "discount",
                                       "featured", "slot_size"])


@pytest.fixture
def inst():
    return build_instance(small_dataset(), PageModel(), PlanSettings.from_dict(FAST))


def test_the_last_catalogue_fills_the_new_slots_in_its_page_order(inst):
    h = history([
        [1, "p9", 5, 1, 0.0, 1, 0.5],  # an older campaign: ignored
        [2, "p5", 5, 3, 0.1, 0, 0.25], [2, "p2", 5, 1, 0.0, 0, 0.25], [2, "p7", 5, 1, 0.2, 1, 0.5],
        [2, "gone", 5, 2, 0.0, 0, 0.5],  # no longer a candidate
        [2, "p3", 5, 2, 0.4, 0, 0.5],  # 40 % is not an allowed level now: 30 % is the nearest
        [2, "p8", 5, None, 0.0, 0, None],  # sold without a page: not in the catalogue
    ])
    last = last_catalogue(h, inst)
    ids = [inst.product_ids[p] if p >= 0 else None for p in last["chromosome"][0::2]]
    # page 1 featured first, then page 1, page 2, page 3; the rest of the 9 slots empty
    assert ids == ["p7", "p2", "p3", "p5", None, None, None, None, None]
    levels = [float(inst.levels[d]) for d in last["chromosome"][1::2][:4]]
    assert levels == [0.2, 0.0, 0.3, 0.1]
    assert {k: last[k] for k in ("campaign", "shown", "left_out", "dropped", "empty_slots",
                                 "discounts_changed")} == \
        {"campaign": 2, "shown": 5, "left_out": 1, "dropped": 0, "empty_slots": 5, "discounts_changed": 1}


def test_more_products_than_slots_keeps_the_front_of_the_catalogue(inst):
    h = history([[7, f"p{i}", 5, 1 + i // 2, 0.0, 0, 0.5] for i in range(14)])
    last = last_catalogue(h, inst)
    assert [inst.product_ids[p] for p in last["chromosome"][0::2]] == [f"p{i}" for i in range(9)]
    assert (last["dropped"], last["empty_slots"]) == (5, 0)


def test_one_country_compares_with_its_own_last_catalogue(inst):
    h = history([[3, "p1", 5, 1, 0.0, 0, 0.5], [3, "p2", 5, 1, 0.0, 0, 0.5], [2, "p4", 5, 1, 0.0, 0, 0.5]])
    h["country"] = ["DE", "FR", "FR"]
    fr = last_catalogue(h, inst, country="FR")
    assert fr["campaign"] == 3 and inst.product_ids[fr["chromosome"][0]] == "p2"
    # one catalogue for every market: a product takes its best page over the markets
    assert last_catalogue(h, inst)["shown"] == 2


def test_the_plan_scores_as_its_own_totals_and_the_lift_is_measured_against_the_last_catalogue():
    dataset = small_dataset()
    result = plan_catalogue(dataset, PageModel(), FAST)
    case = result["business_case"]
    json.dumps(case, allow_nan=False)
    plan, old = case["options"][0], case["options"][-1]
    assert plan["name"] == "plan" and old["name"] == "last_catalogue"
    for key in ("units", "revenue", "profit"):
        assert plan[key] == pytest.approx(result["totals"][key])
        assert case["lift"][key] == pytest.approx((plan[key] - old[key]) / old[key])
    assert old["campaign"] == 3 and old["products"] == 4  # p0..p3 on pages 1-4 of campaign 3
    assert case["lift"]["profit"] > 0  # the search beats re-running the last catalogue


def test_the_last_catalogue_replayed_as_the_plan_has_no_lift(inst):
    h = history([[5, f"p{i}", 5, 1 + i // 3, 0.0, 0, 0.5] for i in range(9)])
    same = last_catalogue(h, inst)["chromosome"]
    case = business_case(h, inst, same, option_totals(inst, same))
    assert case["lift"] == {"profit": pytest.approx(0.0), "revenue": pytest.approx(0.0),
                            "units": pytest.approx(0.0)}


def test_expected_figures_are_compared_when_both_sides_have_them(inst):
    h = history([[5, "p1", 5, 1, 0.0, 0, 0.5]])
    plan = last_catalogue(history([[5, "p9", 5, 1, 0.0, 0, 0.5]]), inst)["chromosome"]
    totals = {**option_totals(inst, plan), "expected_profit": 80.0, "expected_profit_low": 60.0,
              "expected_profit_high": 95.0}
    case = business_case(h, inst, plan, totals,
                         promise=lambda i, c: {"expected_profit": 50.0, "expected_profit_low": 40.0,
                                               "expected_profit_high": 58.0})
    assert case["options"][-1]["expected_profit_high"] == 58.0
    assert case["lift"]["profit"] == pytest.approx(80 / 50 - 1)  # expected over expected
    assert lift({"profit": 5.0}, {"profit": 0.0})["profit"] is None


def test_a_history_without_pages_says_why_there_is_nothing_to_compare(inst):
    plan = np.array([0, 0] + [-1, 0] * 8)
    case = business_case(pd.DataFrame({"campaign": [1], "product_id": ["p1"], "units": [3]}), inst,
                         plan, option_totals(inst, plan))
    assert case["lift"] is None and "page" in case["last_catalogue"]["reason"]
    assert [o["name"] for o in case["options"]] == ["plan"]


def test_countries_sum_their_cases_and_the_lift_is_taken_on_the_sums():
    def case(plan, old):
        return {"options": [{"name": "plan", "profit": plan, "revenue": 2 * plan, "units": 10.0},
                            {"name": "last_catalogue", "profit": old, "revenue": 2 * old, "units": 10.0,
                             "campaign": "2024-06"}], "lift": {}, "basis": "same"}

    gathered = gather_cases([("DE", case(150.0, 100.0)), ("PL", case(30.0, 50.0)), ("FR", None)])
    plan, old = gathered["options"]
    assert (plan["profit"], old["profit"], old["label"]) == (180.0, 150.0, "Last catalogues")
    assert gathered["lift"]["profit"] == pytest.approx(0.2) and gathered["lift"]["units"] == 0.0
    assert [c["country"] for c in gathered["countries"]] == ["DE", "PL"]
    one_sided = gather_cases([("DE", case(150.0, 100.0)),
                              ("PL", {"options": [{"name": "plan", "profit": 1.0}], "lift": None})])
    assert one_sided["lift"] is None  # PL has no last catalogue: no lift on partial sums
    parts = [{"country": c, "status": "succeeded",
              "result": {"plan": [["page"], [1]], "totals": {}, "business_case": case(1.0, 2.0)}}
             for c in ("DE", "FR")]
    assert gather_plans(parts)["business_case"]["options"][0]["profit"] == 2.0


def test_the_lift_holds_against_the_demo_truth():
    """Not the model grading itself: the demo's hidden true demand values both options too."""
    from engine.data.tables import read_tables, to_values
    from engine.demo import demo_truth
    from engine.forecast import train
    from engine.plan.quality import chromosome_of, truth_instance, value_of

    tables, truth = demo_truth(seed=11, campaigns=16, products=60)
    tables["slots"] = pd.DataFrame([{"page": p, "slot": s, "slot_size": 0.25, "featured": int(p == 1 and s == 1)}
                                    for p in range(1, 5) for s in range(1, 5)])
    tables.pop("category_limits")
    dataset = read_tables({k: to_values(v) for k, v in tables.items()})
    settings = {"generations": 15, "seed": 1, "population": 16}
    result = plan_catalogue(dataset, train(dataset.history, family="linear", folds=1).best, settings)
    forecast_lift = result["business_case"]["lift"]["profit"]
    truth_inst = truth_instance(dataset, truth, settings)
    planned = value_of(truth_inst, chromosome_of(truth_inst, result["plan"]))
    replayed = value_of(truth_inst, last_catalogue(dataset.history, truth_inst)["chromosome"])
    true_lift = planned / replayed - 1
    assert true_lift > 0.1 and forecast_lift > 0.1  # the plan truly beats the last catalogue
    assert abs(forecast_lift - true_lift) < 0.5 * true_lift, (forecast_lift, true_lift)
