"""The plan's rule units (engine/plan/rules/): each kept in the plans returned, checked at once
naming the rule, kept by the repair on random chromosomes, reported, and in the LP bound.

Every check of a returned plan reads the plan TABLE (what the planner gets), never the engine's
own rule report alone.
"""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings as hyp_settings, strategies as st

from engine.data.tables import read_tables
from engine.errors import FolioError
from engine.plan.bound import lp_bound, solve_exact
from engine.plan.instance import build_instance
from engine.plan.moves import greedy_plan
from engine.plan.planner import PlanSettings, plan_catalogue
from engine.plan.rules import REGISTRY, Repairer, evaluate, rule_report

from test_planner import FAST, ExplodingModel, PageModel, small_dataset


def dataset(n_products=18, pages=4, **kw):
    ds = small_dataset(n_products=n_products, pages=pages, **kw)
    ds.products["brand"] = ["A", "B", "C"] * (n_products // 3) + ["A", "B", "C"][: n_products % 3]
    return roomy(ds, pages)


def roomy(ds, pages):
    """``ds`` with a history in which every product once sold far more than PageModel forecasts
    anywhere: no forecast is shrunk to the history (engine.plan.history_bounds), so the rules and
    the model, not that bound, shape these plans."""
    ids = ds.products["product_id"]
    ds.history = pd.DataFrame({"campaign": np.repeat([1, 2, 3], len(ids)), "product_id": np.tile(ids, 3),
                               "units": 10_000.0, "category": np.tile(ds.products["category"], 3),
                               "discount": 0.0, "page": np.tile(np.arange(len(ids)) % pages + 1, 3)})
    return ds


def plan_table(result) -> pd.DataFrame:
    header, *rows = result["plan"]
    return pd.DataFrame(rows, columns=header)


def plan(ds, **settings):
    result = plan_catalogue(ds, PageModel(), {**FAST, **settings})
    assert all(r["kept"] for r in result["rules"])
    return result, plan_table(result)


def test_the_registry_names_each_rule_once():
    names = [unit.name for unit in REGISTRY]
    assert len(names) == len(set(names)) and all(names)
    assert {"locks", "brand_limits", "category_per_page", "page_conflicts", "min_margin"} <= set(names)


# -- locks ----------------------------------------------------------------------------------------

def test_locks_keep_exactly_the_locked_placements():
    ds = dataset()
    ds.locks = pd.DataFrame({"page": [1, 3, 4], "slot": [3, np.nan, 1], "product_id": ["p0", "p5", "p1"],
                             "discount": [0.3, 0.2, np.nan]})
    result, table = plan(ds, max_discounted_share=0.25)
    at = table.set_index("product_id")
    assert (at.loc["p0", "page"], at.loc["p0", "slot"], at.loc["p0", "discount"]) == (1, 3, 0.3)
    assert at.loc["p5", "page"] == 3 and at.loc["p5", "discount"] == 0.2
    assert (at.loc["p1", "page"], at.loc["p1", "slot"]) == (4, 1)
    assert (table["discount"] > 0).sum() <= int(0.25 * len(table))  # the share held around the locks
    report = next(r for r in result["rules"] if r["rule"] == "locks")
    assert (report["limit"], report["value"], report["kept"], report["value_text"]) == (3, 3, True, "3 of 3")


def test_a_locked_cover_changes_the_plan_and_costs_what_the_bound_says():
    ds = dataset()
    free = plan_catalogue(ds, PageModel(), FAST)
    weakest = min(ds.products["product_id"], key=lambda p: int(p[1:]) % 7)  # PageModel: weakest product
    ds.locks = pd.DataFrame({"page": [1], "slot": [1], "product_id": [weakest]})
    locked = plan_catalogue(ds, PageModel(), FAST)
    cover = plan_table(locked).query("page == 1 and slot == 1")
    assert cover["product_id"].tolist() == [weakest]
    assert locked["objective"] < free["objective"]
    assert locked["bound"] < free["bound"] and locked["objective"] <= locked["bound"] + 1e-6


@pytest.mark.parametrize("locks, message, cell", [
    ({"page": [1, 9], "product_id": ["p2", "p1"]}, "page 9 is not in the catalogue's layout", "A3"),
    ({"page": [1], "slot": [7], "product_id": ["p1"]}, "page 1 has no slot 7", "B2"),
    ({"page": [1], "product_id": ["p1"], "discount": [0.15]}, "discount 0.15 is not one of discount_levels", "C2"),
    ({"page": [1, 1, 1, 1], "product_id": ["p1", "p2", "p3", "p4"]}, "4 products are locked on page 1", "B2"),
])
def test_impossible_locks_fail_at_once_with_their_cell(locks, message, cell):
    """The layout comes from the settings here (no slots table), so only the plan can tell."""
    ds = dataset()
    frame = pd.DataFrame(locks)
    raw = {"history": to_raw(ds.history), "products": to_raw(ds.products), "locks": to_raw(frame)}
    with pytest.raises(FolioError) as info:
        plan_catalogue(read_tables(raw), ExplodingModel(), {**FAST, "pages": 3, "slots_per_page": 3})
    error = info.value
    assert error.code == "infeasible" and error.problems[0].column == "locks"
    assert message in error.detail
    located = error.problems[1]
    assert located.table == "locks" and located.cell == cell and located.row == int(cell[1:])


def to_raw(df: pd.DataFrame) -> list[list]:
    body = df.astype(object).where(df.notna(), None).values.tolist()
    return [list(df.columns)] + body


def test_lock_tables_report_every_problem_at_once_with_cells():
    ds = dataset()
    raw = {"history": to_raw(ds.history), "products": to_raw(ds.products), "slots": to_raw(ds.slots),
           "locks": [["page", "slot", "product_id", "discount"],
                     [1, 1, "p1", 0.1], [1, 1, "p2", None], [2, None, "p1", None], [1, 2, "nope", 0.95],
                     [7, None, "p3", None]],
           "page_conflicts": [["group", "product_id"], ["g", "p1"], ["g", "ghost"], ["g", "p1"]],
           "brand_limits": [["brand", "min", "max"], ["A", 3, 1], ["A", 0, 2]]}
    with pytest.raises(FolioError) as info:
        read_tables(raw)
    cells = {(p.table, p.cell) for p in info.value.problems}
    assert ("locks", "B3") in cells  # page 1 slot 1 locked twice
    assert ("locks", "C4") in cells  # p1 locked twice
    assert ("locks", "D5") in cells  # discount 0.95 > 0.9
    assert ("page_conflicts", "B4") in cells  # (g, p1) twice
    assert ("brand_limits", "B2") in cells and ("brand_limits", "A3") in cells  # min > max, brand twice
    raw["locks"] = raw["locks"][:2] + [[1, 2, "nope", 0.1], [7, None, "p3", None]]
    raw["page_conflicts"] = raw["page_conflicts"][:3]
    raw["brand_limits"] = raw["brand_limits"][:1] + [["A", 0, 2]]
    with pytest.raises(FolioError) as info:
        read_tables(raw)
    cells = {(p.table, p.cell): p.message for p in info.value.problems}
    assert "not in the products table" in cells[("locks", "C3")]
    assert "not in the slots table" in cells[("locks", "A4")]
    assert "not in the products table" in cells[("page_conflicts", "B3")]


# -- brand limits, category per page, page conflicts, min margin ------------------------------------

def test_brand_limits_hold_in_the_plan():
    ds = dataset()
    ds.brand_limits = pd.DataFrame({"brand": ["A", "B"], "min": [5, 0], "max": [6, 1]})
    _, table = plan(ds)
    brands = ds.products.set_index("product_id")["brand"]
    counts = table["product_id"].map(brands).value_counts()
    assert 5 <= counts.get("A", 0) <= 6 and counts.get("B", 0) <= 1


def test_at_most_n_of_one_category_per_page():
    ds = dataset()
    free = plan_table(plan_catalogue(ds, PageModel(), FAST))
    assert free.groupby(["page", "category"]).size().max() >= 2  # without the rule it would not hold
    _, table = plan(ds, max_same_category_per_page=1)
    assert table.groupby(["page", "category"]).size().max() == 1
    ds.category_limits = pd.DataFrame({"category": ["skin"], "min": [0], "max": [12], "max_per_page": [2]})
    _, table = plan(ds, max_same_category_per_page=1)
    per_page = table.groupby(["page", "category"]).size()
    assert per_page.drop("skin", level="category").max() == 1 and per_page.max() <= 2


def test_conflicting_products_never_share_a_page():
    ds = dataset(must=("p1", "p4"))
    ds.page_conflicts = pd.DataFrame({"group": ["g1", "g1", "g1", "pair", "pair"],
                                      "product_id": ["p1", "p4", "p6", "p6", "p13"]})
    _, table = plan(ds)
    page = table.set_index("product_id")["page"]
    assert {"p1", "p4"} <= set(page.index)
    for group in (["p1", "p4", "p6"], ["p6", "p13"]):
        placed = page.reindex(group).dropna()
        assert placed.is_unique


def test_min_margin_holds_on_every_row():
    ds = dataset()
    free = plan_table(plan_catalogue(ds, PageModel(), FAST))
    cost = ds.products.set_index("product_id")["unit_cost"]
    price = ds.products.set_index("product_id")["price"]

    def margin(t):
        net = t["product_id"].map(price) * (1 - t["discount"])
        return (net - t["product_id"].map(cost)) / net

    assert margin(free).min() < 0.5
    result, table = plan(ds, min_margin=0.5)
    assert margin(table).min() >= 0.5 - 1e-9 and len(table) == 12
    report = next(r for r in result["rules"] if r["rule"] == "min_margin")
    assert report["value"] == pytest.approx(margin(table).min())


def test_every_rule_says_itself_in_words_that_match_the_plan():
    """Every rule unit's report carries the planner's words (label, limit_text, value_text) the
    pane, the Excel sheets and the workbook show as they are; the words agree with the plan TABLE."""
    ds = dataset(must=("p1", "p4"))
    ds.category_limits = pd.DataFrame({"category": ["skin", "hair"], "min": [2, 0], "max": [5, 4]})
    ds.brand_limits = pd.DataFrame({"brand": ["A"], "min": [2], "max": [8]})
    result, table = plan(ds, max_discounted_share=0.5, min_margin=0.1, max_same_category_per_page=2)
    rules = result["rules"]
    assert {r["rule"] for r in rules} >= {"unique_products", "one_product_per_slot", "must_include",
                                          "discount_levels", "category_min", "category_max", "brand_limits",
                                          "category_per_page", "min_margin", "max_discounted_share"}
    for r in rules:
        assert all(isinstance(r.get(k), str) and r[k] for k in ("label", "limit_text", "value_text")), r
    by = {(r["rule"], r.get("category")): r for r in rules}
    words = lambda name, category=None: (by[name, category]["limit_text"], by[name, category]["value_text"])
    discounted = int((table["discount"] > 0).sum())
    for r in rules:  # a percent's number and sign held together: a narrow cell never wraps "50" over "%"
        assert not re.search(r"\d[ \t]%", r["limit_text"] + r["value_text"]), r
    assert words("max_discounted_share")[0] == "at most 50\u00a0%"
    assert words("max_discounted_share")[1].endswith(f"({discounted} of {len(table)})")
    used = ", ".join(f"{round(d * 100)}\u00a0%" for d in sorted(set(table["discount"])))
    assert words("discount_levels") == ("0\u00a0%, 10\u00a0%, 20\u00a0%, 30\u00a0%", f"used {used}")
    assert words("must_include") == ("all 2", "2 of 2") and words("unique_products")[1] == "no product twice"
    counts = table["category"].value_counts()
    for category, limit in (("skin", "2 to 5"), ("hair", "at most 4")):
        assert words("category_min", category) == words("category_max", category) == (limit, str(counts[category]))
        assert by["category_min", category]["label"] == f"Products of category {category}"
    assert words("min_margin")[0] == "at least 10\u00a0%"

    from engine.export.words import rule_lines  # the workbook's Summary: the same words, one line each
    lines = rule_lines(rules)
    assert len(lines) == len(rules) - 2  # each category's min and max on one line
    skin = next(line for line in lines if line["rule"] == "Products of category skin")
    assert (skin["limit"], skin["plan"]) == ("2 to 5", str(counts["skin"]))
    said = {(r["label"], r["limit_text"], r["value_text"]) for r in rules}
    assert {(line["rule"], line["limit"], line["plan"]) for line in lines} == said


def test_min_margin_no_candidate_reaches_fails_naming_the_rule():
    """No candidate reaches the margin at any level (here the best is 60 %, p0 at full price):
    ``infeasible`` naming min_margin and the best margin there is, not an LP of no columns
    failing with ``internal`` (a ValueError from linprog, seen through the API)."""
    with pytest.raises(FolioError) as info:
        plan_catalogue(dataset(), PageModel(), {**FAST, "min_margin": 0.7})
    assert info.value.code == "infeasible" and info.value.problems[0].column == "min_margin"
    assert "the best is 'p0' at full price, with a margin of 60.0\u00a0%" in info.value.problems[0].message


def test_min_margin_that_few_candidates_reach_plans_those_few():
    """Three products reach 58 % (p0 60 %, p1 59 %, p2 58 %, at full price): a plan of three rows,
    the other slots empty, like a catalogue with more slots than products."""
    result, table = plan(dataset(), min_margin=0.58)
    assert sorted(table["product_id"]) == ["p0", "p1", "p2"] and set(table["discount"]) == {0.0}


def test_rules_that_leave_no_candidate_a_slot_fail_naming_them():
    """Every category at most 0: no product can be placed. Through the API this was a plan job
    'succeeded' with 0 products, expected profit 0 and a business case of -100 %."""
    ds = dataset()
    ds.category_limits = pd.DataFrame({"category": ["skin", "hair", "fragrance"], "min": [0, 0, 0], "max": [0, 0, 0]})
    with pytest.raises(FolioError) as info:
        plan_catalogue(ds, PageModel(), FAST)
    assert info.value.code == "infeasible" and info.value.problems[0].column == "category_max"
    assert "no product can be placed" in info.value.detail and "Products of category skin: at most 0" in info.value.detail


def test_min_margin_needs_unit_cost():
    ds = dataset()
    ds.products = ds.products.drop(columns="unit_cost")
    with pytest.raises(FolioError) as info:
        plan_catalogue(ds, ExplodingModel(), {**FAST, "objective": "revenue", "min_margin": 0.2})
    assert info.value.code == "invalid_settings" and info.value.problems[0].column == "min_margin"


@pytest.mark.parametrize("setup, settings, rule", [
    (lambda ds: setattr(ds, "brand_limits", pd.DataFrame({"brand": ["A"], "min": [7], "max": [9]})), {}, "brand_limits"),
    (lambda ds: setattr(ds, "brand_limits", pd.DataFrame({"brand": ["A"], "min": [0], "max": [1]})), {"must": ("p0", "p3")}, "brand_limits"),
    (lambda ds: setattr(ds, "locks", pd.DataFrame({"page": [1, 1], "product_id": ["p0", "p3"]})),
     {"max_same_category_per_page": 1}, "category_per_page"),
    (lambda ds: setattr(ds, "page_conflicts", pd.DataFrame({"group": ["g"] * 5, "product_id": [f"p{i}" for i in range(5)]})),
     {"must": tuple(f"p{i}" for i in range(5))}, "page_conflicts"),
    (lambda ds: setattr(ds, "locks", pd.DataFrame({"page": [1, 1], "product_id": ["p1", "p4"]})) or
     setattr(ds, "page_conflicts", pd.DataFrame({"group": ["g", "g"], "product_id": ["p1", "p4"]})), {}, "page_conflicts"),
    (lambda ds: None, {"must": ("p0",), "min_margin": 0.7}, "min_margin"),
    (lambda ds: setattr(ds, "locks", pd.DataFrame({"page": [2], "product_id": ["p8"], "discount": [0.3]})),
     {"min_margin": 0.5}, "min_margin"),
    (lambda ds: setattr(ds, "locks", pd.DataFrame({"page": [1, 2, 3], "product_id": ["p1", "p2", "p3"],
                                                   "discount": [0.1, 0.2, 0.3]})),
     {"max_discounted_share": 0.2}, "max_discounted_share"),
])
def test_impossible_new_rules_fail_at_once_naming_the_rule(setup, settings, rule):
    settings = dict(settings)
    ds = dataset(must=settings.pop("must", ()))
    setup(ds)
    with pytest.raises(FolioError) as info:
        plan_catalogue(ds, ExplodingModel(), {**FAST, **settings})
    assert info.value.code == "infeasible"
    assert info.value.problems[0].column == rule


def test_rules_no_search_can_meet_together_fail_as_infeasible_not_internal():
    """Each rule alone can hold; together they cannot (brand A's products are all skin, and skin
    has a max): the job fails with code infeasible naming the broken rule, never internal."""
    ds = dataset(n_products=18)
    ds.products["brand"] = np.where(ds.products["category"] == "skin", "A", "B")
    ds.brand_limits = pd.DataFrame({"brand": ["A"], "min": [5], "max": [6]})
    ds.category_limits = pd.DataFrame({"category": ["skin"], "min": [0], "max": [3]})
    with pytest.raises(FolioError) as info:
        plan_catalogue(ds, PageModel(), FAST)
    assert info.value.code == "infeasible"
    assert info.value.problems[0].column in {"brand_limits", "category_limits"}


# -- repair and bound on random instances -------------------------------------------------------------

@st.composite
def ruled_instances(draw):
    n_products = draw(st.integers(12, 24))
    pages = draw(st.integers(2, 4))
    ds = dataset(n_products=n_products, pages=pages, must=tuple(
        f"p{i}" for i in draw(st.sets(st.integers(0, n_products - 1), max_size=2))))
    settings = {"max_discounted_share": draw(st.sampled_from([0.25, 0.5, 1.0]))}
    if draw(st.booleans()):
        ds.brand_limits = pd.DataFrame({"brand": ["A", "B"], "min": [draw(st.integers(0, 2)), 0],
                                        "max": [draw(st.integers(3, 6)), draw(st.integers(1, 4))]})
    if draw(st.booleans()):
        settings["max_same_category_per_page"] = draw(st.integers(1, 2))
    if draw(st.booleans()):
        members = draw(st.lists(st.integers(0, n_products - 1), min_size=2, max_size=4, unique=True))
        ds.page_conflicts = pd.DataFrame({"group": ["g"] * len(members), "product_id": [f"p{i}" for i in members]})
    if draw(st.booleans()):
        settings["min_margin"] = draw(st.sampled_from([0.2, 0.35, 0.45]))
    if draw(st.booleans()):
        free = [i for i in range(n_products) if f"p{i}" not in set(ds.products.loc[ds.products["must_include"] == 1, "product_id"])]
        p = draw(st.sampled_from(free))
        ds.locks = pd.DataFrame({"page": [draw(st.integers(1, pages))], "slot": [draw(st.sampled_from([np.nan, 1, 2]))],
                                 "product_id": [f"p{p}"], "discount": [draw(st.sampled_from([np.nan, 0.0]))]})
    return ds, settings, draw(st.integers(0, 2**16))


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ruled_instances())
def test_repair_keeps_every_rule_on_random_instances(case):
    ds, settings, seed = case
    try:
        inst = build_instance(ds, PageModel(), PlanSettings.from_dict(settings))
    except FolioError as error:
        assert error.code == "infeasible"
        event(f"infeasible: {error.problems[0].column}")
        return
    event("planned")
    rng = np.random.default_rng(seed)
    population = np.empty((40, 2 * inst.n_slots), dtype=np.int64)
    population[:, 0::2] = rng.integers(-3, inst.n_products + 3, (40, inst.n_slots))
    population[:, 1::2] = rng.integers(-1, 6, (40, inst.n_slots))
    repairer = Repairer(inst)
    greedy = greedy_plan(inst, repairer)
    repairer(population)
    kept = evaluate(inst, population).violations == 0
    assert evaluate(inst, greedy[None, :]).violations[0] == 0
    assert kept.mean() >= 0.9, [r for r in rule_report(inst, population[~kept][0]) if not r["kept"]]
    for row in population[kept][:5]:
        assert all(rule["kept"] for rule in rule_report(inst, row))
    relax = lp_bound(inst, time_limit_s=20)
    values = evaluate(inst, population[kept]).objective
    assert relax.bound >= values.max() - 1e-6


def test_the_exact_solve_keeps_the_new_rules():
    ds = dataset(n_products=21, pages=4, must=("p2",))
    ds.brand_limits = pd.DataFrame({"brand": ["A"], "min": [3], "max": [5]})
    ds.page_conflicts = pd.DataFrame({"group": ["g", "g"], "product_id": ["p13", "p6"]})
    ds.locks = pd.DataFrame({"page": [2], "slot": [1], "product_id": ["p20"], "discount": [0.1]})
    settings = {"max_same_category_per_page": 2, "min_margin": 0.3, "max_discounted_share": 0.5}
    inst = build_instance(ds, PageModel(), PlanSettings.from_dict(settings))
    greedy = greedy_plan(inst, Repairer(inst))
    value = float(evaluate(inst, greedy[None, :]).objective[0])
    exact = solve_exact(inst, lower=value, time_limit_s=60)
    assert exact["proved_optimal"] and exact["value"] >= value - 1e-6
    plan_ = exact["plan"]
    Repairer(inst).repair_row(plan_)
    assert all(r["kept"] for r in rule_report(inst, plan_))
    assert float(evaluate(inst, plan_[None, :]).objective[0]) == pytest.approx(exact["value"], rel=1e-6)
    result = plan_catalogue(ds, PageModel(), {**FAST, **settings})
    assert result["objective"] <= exact["value"] + 1e-6 <= result["bound"] + 2e-6
