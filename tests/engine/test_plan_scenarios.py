"""engine.plan.scenarios: what-if variants checked, planned on their own tables, side by side."""

import json

import numpy as np
import pandas as pd
import pytest

from engine.data.dataset import Dataset
from engine.demo import make_demo
from engine.errors import FolioError
from engine.plan.planner import plan_catalogue
from engine.plan.scenarios import check_scenarios, gather_scenarios, last_catalogue_sold, scenario_dataset

from test_plan_score import sold_like_the_model
from test_planner import FAST, PageModel, small_dataset


def test_scenarios_are_checked_naming_the_scenario():
    merged = check_scenarios([{"name": " Base "}, {"settings": {"max_discounted_share": 0.5}}], {"seed": 4})
    assert [s["name"] for s in merged] == ["Base", "Scenario 2"]
    assert merged[1]["settings"]["max_discounted_share"] == 0.5 and merged[1]["settings"]["seed"] == 4
    for bad, column in (([{}], "scenarios"), ([{}] * 9, "scenarios"), ([{}, {"colour": 1}], "scenarios[1].colour"),
                        ([{}, {"settings": {"min_margin": 3}}], "scenarios[1].min_margin"),
                        ([{}, {"tables": {"history": []}}], "scenarios[1].tables")):
        with pytest.raises(FolioError) as info:
            check_scenarios(bad, {})
        assert info.value.problems[0].column == column


def test_a_scenario_plans_on_its_own_tables():
    ds = small_dataset(limits=[["skin", 3, 3]])
    locked = scenario_dataset(ds, {"locks": [["page", "slot", "product_id"], [1, 1, "p0"]], "category_limits": None})
    assert ds.locks is None and ds.category_limits is not None  # the dataset itself is untouched
    assert locked.category_limits is None and list(locked.locks.index) == [2]
    plan = plan_catalogue(locked, PageModel(), FAST)["plan"]
    assert [row[2] for row in plan[1:] if (row[0], row[1]) == (1, 1)] == ["p0"]
    with pytest.raises(FolioError) as info:
        scenario_dataset(ds, {"locks": [["page", "product_id"], [1, "nobody"], ["x", "p1"]]}, "Cover")
    cells = {(p.table, p.cell) for p in info.value.problems}
    assert {("locks", "B2"), ("locks", "A3")} <= cells and info.value.detail.startswith("scenario 'Cover'")
    assert all(p.message.startswith("scenario 'Cover'") for p in info.value.problems)


def test_the_last_catalogue_is_what_the_latest_campaign_earned():
    tables = make_demo(seed=11, campaigns=24, products=120)
    ds = Dataset(history=tables["history"], products=tables["products"])
    last = last_catalogue_sold(ds)
    h = tables["history"]
    rows = h[(h["campaign"] == h["campaign"].max()) & h["page"].notna()]
    revenue = (rows["units"] * rows["price"] * (1 - rows["discount"])).sum()
    assert last["campaign"] == h["campaign"].max() and last["revenue"] == pytest.approx(revenue)
    cost = rows["product_id"].map(tables["products"].set_index("product_id")["unit_cost"])
    known = cost.notna()
    margin = (rows["units"] * (rows["price"] * (1 - rows["discount"]) - cost))[known].sum()
    assert last["cost_share"] == pytest.approx(revenue_share := (rows["units"] * rows["price"] * (1 - rows["discount"]))[known].sum() / revenue)
    assert last["profit"] == pytest.approx(margin / revenue_share)
    assert last_catalogue_sold(Dataset(history=h.drop(columns="price"))) is None


def test_scenarios_side_by_side_one_failed_alone():
    ds = sold_like_the_model(small_dataset(limits=[["skin", 1, 5], ["hair", 0, 4]]))
    base = plan_catalogue(ds, PageModel(), FAST)
    deep = plan_catalogue(ds, PageModel(), {**FAST, "discount_levels": [0, 0.3]})
    outcomes = [{"scenario": "Base", "status": "succeeded", "job": "j1", "result": base},
                {"scenario": "Deep", "status": "succeeded", "job": "j2", "result": deep},
                {"scenario": "Stuck", "status": "failed", "job": "j3",
                 "error": {"code": "infeasible", "detail": "4 products are locked on page 1"}}]
    out = gather_scenarios(outcomes, {"campaign": 3, "profit": 1000.0, "revenue": 2000.0, "units": 50.0})
    json.dumps(out, allow_nan=False)
    header, *rows = out["comparison"]
    table = pd.DataFrame(rows, columns=header).set_index("scenario")
    for key in ("expected_profit", "expected_profit_low", "expected_profit_high", "expected_revenue", "expected_units"):
        assert table.loc["Base", key] == pytest.approx(base["totals"][key])  # each plan's honest promise
    assert base["totals"]["expected_profit"] != pytest.approx(base["totals"]["profit"])  # not the forecast
    assert table.loc["Base", "lift_profit"] == pytest.approx(base["business_case"]["lift"]["profit"])
    assert out["last_catalogue"]["profit"] == pytest.approx(next(
        o["profit"] for o in base["business_case"]["options"] if o["name"] == "last_catalogue"))
    del deep["business_case"]  # without its own, the lift is over the others' yardstick
    again = gather_scenarios(outcomes, {"campaign": 3, "profit": 1000.0, "revenue": 2000.0, "units": 50.0})
    row = dict(zip(header, again["comparison"][2]))
    assert row["lift_profit"] == pytest.approx(deep["totals"]["expected_profit"] / out["last_catalogue"]["expected_profit"] - 1)
    del base["business_case"]  # with none at all, over what the last catalogue sold
    again = gather_scenarios(outcomes, {"campaign": 3, "profit": 1000.0, "revenue": 2000.0, "units": 50.0})
    row = dict(zip(header, again["comparison"][2]))
    assert row["lift_profit"] == pytest.approx(deep["totals"]["expected_profit"] / 1000.0 - 1)
    assert table.loc["Deep", "discounted_share"] == pytest.approx(
        np.mean([r[3] > 0 for r in deep["plan"][1:]]))
    assert table.loc["Stuck", "status"] == "failed" and "locked" in table.loc["Stuck", "note"]
    assert pd.isna(table.loc["Stuck", "expected_profit"])
    # rules kept as the plan itself says them: one per line of its report (a category's min and
    # max one rule), the same count as the plan's Rules table and the pane's "All N rules kept"
    from engine.export.words import rule_lines
    lines = rule_lines(base["rules"])
    assert any(r["rule"] == "category_min" for r in base["rules"]) and len(lines) < len(base["rules"])
    assert (table.loc["Base", "rules_kept"], table.loc["Base", "rules"]) == (sum(line["kept"] for line in lines), len(lines))
    assert out["best"] == max(("Base", "Deep"), key=lambda n: table.loc[n, "expected_profit"])
    assert out["scenarios"][0]["plan"] == base["plan"] and "plan" not in out["scenarios"][2]


def test_every_scenario_lift_is_over_one_yardstick():
    """Each scenario replays the last catalogue at its own discount levels; the comparison measures
    every lift against the most faithful replay, so the same plan shows the same lift whatever
    levels its scenario allowed."""
    ds = sold_like_the_model(small_dataset())
    base = plan_catalogue(ds, PageModel(), FAST)
    deep = plan_catalogue(ds, PageModel(), {**FAST, "discount_levels": [0, 0.3]})
    moved = {name: r["business_case"]["last_catalogue"]["discounts_changed"] for name, r in (("Base", base), ("Deep", deep))}
    assert moved["Deep"] > moved["Base"]  # deep levels move the last catalogue's discounts
    twin = json.loads(json.dumps(base))
    # the same plan, as a scenario whose levels replayed the last catalogue less faithfully
    twin["business_case"] = json.loads(json.dumps(deep["business_case"]))
    twin["business_case"]["options"][0] = base["business_case"]["options"][0]
    outcomes = [{"scenario": "Deep", "status": "succeeded", "job": "j2", "result": deep},
                {"scenario": "Base", "status": "succeeded", "job": "j1", "result": base},
                {"scenario": "Twin", "status": "succeeded", "job": "j3", "result": twin}]
    out = gather_scenarios(outcomes)
    header, *rows = out["comparison"]
    table = pd.DataFrame(rows, columns=header).set_index("scenario")
    assert out["last_catalogue"]["scenario"] == "Base"  # the fewest discounts moved, not the first
    yard = out["last_catalogue"]["expected_profit"]
    assert table.loc["Twin", "lift_profit"] == pytest.approx(table.loc["Base", "lift_profit"])
    assert table.loc["Base", "lift_profit"] == pytest.approx(base["totals"]["expected_profit"] / yard - 1)
    assert table.loc["Deep", "lift_profit"] == pytest.approx(deep["totals"]["expected_profit"] / yard - 1)
    assert table.loc["Deep", "lift_profit"] != pytest.approx(deep["business_case"]["lift"]["profit"])


def test_a_failed_scenario_still_says_what_it_was():
    """A scenario that could not be planned keeps its name, its settings and what it changes (the
    comparison's ``changes``), with its reason: not a blank row."""
    ds = sold_like_the_model(small_dataset())
    base_settings = {**FAST, "seed": 4}
    asked = check_scenarios([
        {"name": "Base"},
        {"name": "Deep", "settings": {"discount_levels": [0, 0.2, 0.4], "max_discounted_share": 0.5}},
        {"name": "Stuck", "settings": {"min_margin": 0.3},
         "tables": {"locks": [["page", "product_id"], [1, "p0"]], "brand_limits": None}}], base_settings)
    base = plan_catalogue(ds, PageModel(), asked[0]["settings"])
    deep = plan_catalogue(ds, PageModel(), asked[1]["settings"])
    outcomes = [{"scenario": "Base", "status": "succeeded", "job": "j1", "result": base},
                {"scenario": "Deep", "status": "succeeded", "job": "j2", "result": deep},
                {"scenario": "Stuck", "status": "failed", "job": "j3",
                 "error": {"code": "infeasible", "detail": "no plan keeps a 30 % margin"}}]
    out = gather_scenarios(outcomes, None, asked=asked, base_settings=base_settings)
    json.dumps(out, allow_nan=False)
    header, *rows = out["comparison"]
    table = pd.DataFrame(rows, columns=header).set_index("scenario")
    stuck = out["scenarios"][2]
    assert stuck["settings"] == asked[2]["settings"] and stuck["settings"]["min_margin"] == 0.3
    assert stuck["changes"] == ["min margin 30\u00a0%", "own locks", "no brand limits"]
    assert table.loc["Stuck", "changes"] == "min margin 30\u00a0%; own locks; no brand limits"
    assert table.loc["Stuck", "note"] == "no plan keeps a 30 % margin" and table.loc["Stuck", "status"] == "failed"
    assert table.loc["Deep", "changes"] == "discounts 0, 20, 40\u00a0%; max discounted 50\u00a0%"
    assert table.loc["Base", "changes"] == "nothing: the settings as you set them" and out["scenarios"][0]["changes"] == []
    assert out["scenarios"][1]["settings"] == deep["settings"]  # a planned one: what it planned with
    from engine.plan.scenarios import scenario_changes

    cleared = {"name": "Cleared", "settings": asked[0]["settings"], "tables": {"locks": [["page", "product_id"]]}}
    assert scenario_changes(cleared, base_settings) == ["no locks"]  # a header alone: no locks
    # without the request (an older caller): the column is there, empty
    assert gather_scenarios(outcomes)["comparison"][3][header.index("changes")] is None


def _planned(name, profit, low, high):
    return {"scenario": name, "status": "succeeded", "job": name,
            "result": {"plan": [["page", "slot", "product_id", "discount"], [1, 1, "p0", 0.0]],
                       "totals": {"expected_profit": profit, "expected_profit_low": low, "expected_profit_high": high}}}


def test_no_clear_winner_when_the_best_range_overlaps_the_runner_up():
    from engine.export.summary import scenario_lines

    close = gather_scenarios([_planned("A", 100.0, 80.0, 120.0), _planned("B", 110.0, 90.0, 130.0),
                              _planned("C", 50.0, 40.0, 60.0)])
    assert (close["best"], close["runner_up"], close["best_clear"]) == ("B", "A", False)
    words = dict((label, value) for label, value, _ in scenario_lines(close))
    assert words["No clear winner: ranges overlap"].startswith("B has the highest expected profit")
    assert not any(label.startswith("Highest expected profit") for label in words)  # none crowned

    apart = gather_scenarios([_planned("A", 100.0, 80.0, 120.0), _planned("B", 200.0, 150.0, 250.0)])
    assert (apart["best"], apart["best_clear"]) == ("B", True)
    words = dict((label, value) for label, value, _ in scenario_lines(apart))
    assert words["Highest expected profit, its 80 % range above the runner-up's"] == "B"
    assert "No clear winner: ranges overlap" not in words
    alone = gather_scenarios([_planned("A", 100.0, 80.0, 120.0),
                              {"scenario": "X", "status": "failed", "error": {"code": "infeasible", "detail": "no"}}])
    assert (alone["best"], alone["runner_up"], alone["best_clear"]) == ("A", None, True)
