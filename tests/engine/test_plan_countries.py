"""One catalogue per country: the country views and the gathering, by hand-made numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from engine.data.dataset import Dataset
from engine.errors import FolioError
from engine.plan.countries import (check_countries, combined_convergence, countries_of, for_country,
                                   gather_plans)
from engine.data.tables import column_texts, read_tables

HISTORY = pd.DataFrame({"campaign": [1, 1, 2], "country": ["DE", "PL", "DE"],
                        "product_id": ["a", "a", "b"], "units": [3, 4, 5]})


def test_countries_are_checked_against_the_history():
    known = countries_of(Dataset(history=HISTORY))
    assert known == ["DE", "PL"]
    assert check_countries(known, "all") == ["DE", "PL"]
    assert check_countries(known, [" PL "]) == ["PL"]
    for bad in ([], ["FR"], ["DE", "DE"], "DE", [None], ["x"] * 201):
        with pytest.raises(FolioError) as info:
            check_countries(known, bad)
        assert info.value.code == "invalid_job" and info.value.problems[0].column == "countries"
    with pytest.raises(FolioError):  # no country column: one market, nothing to fan out
        check_countries(countries_of(Dataset(history=HISTORY.drop(columns="country"))), "all")


def test_the_raw_country_column_reads_like_the_validated_one():
    raw = [["Campaign", " Country ", "product_id", "units"], [1, " DE", "a", 3], [1, 7.0, "a", 4],
           [2, "", "b", 5], [2, None, "b", 1], [3, "DE", "c", 2]]
    assert column_texts(raw, "country") == set(countries_of(read_tables({"history": raw}))) == {"DE", "7"}
    assert column_texts(raw, "brand") == set() and column_texts(None, "country") == set()


def test_a_country_sees_its_rows_and_the_rows_for_every_country():
    products = pd.DataFrame({"product_id": ["a", "b", "a", "c"], "price": [1.0, 2.0, 1.5, 3.0],
                             "country": ["DE", "DE", "PL", None]})
    slots = pd.DataFrame({"page": [1, 1, 2], "slot": [1, 2, 1], "country": ["PL", None, "DE"]})
    data = Dataset(history=HISTORY, products=products, slots=slots)
    de = for_country(data, "DE")
    assert de.products["product_id"].tolist() == ["a", "b", "c"]
    assert de.products["price"].tolist() == [1.0, 2.0, 3.0]
    assert set(de.products["country"]) == {"DE"}  # forecasts are made for DE
    assert de.slots[["page", "slot"]].values.tolist() == [[1, 2], [2, 1]]
    pl = for_country(data, "PL")
    assert pl.products["price"].tolist() == [1.5, 3.0]
    # without a country column every candidate is planned in every country, forecast for it
    plain = for_country(Dataset(history=HISTORY, products=products.drop(columns="country").iloc[[0, 1, 3]]),
                        "PL")
    assert len(plain.products) == 3 and set(plain.products["country"]) == {"PL"}
    assert data.products["country"].tolist()[:3] == ["DE", "DE", "PL"]  # the input is untouched
    with pytest.raises(FolioError) as info:
        for_country(Dataset(history=HISTORY, products=products[products["country"] == "DE"]), "PL")
    assert info.value.code == "infeasible"


def test_validation_allows_a_product_once_per_country_only():
    history = [["campaign", "country", "product_id", "units"], [1, "DE", "a", 3]]
    ok = [["product_id", "price", "country"], ["a", 1, "DE"], ["a", 2, "PL"]]
    assert len(read_tables({"history": history, "products": ok}).products) == 2
    twice = ok + [["a", 3, "DE"]]
    with pytest.raises(FolioError) as info:
        read_tables({"history": history, "products": twice})
    problem = info.value.problems[0]
    assert (problem.row, problem.column, problem.cell) == (4, "product_id", "A4")


def _result(country_rows, profit, bound, curve):
    header = ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue",
              "forecast_profit"]
    return {"plan": [header] + country_rows,
            "totals": {"units": 10.0, "revenue": 20.0, "profit": profit, "products": len(country_rows),
                       "slots_used": len(country_rows), "beyond_history": 1,
                       **{f"expected_{k}{end}": (profit if k == "profit" else 10.0) * scale
                          for k in ("units", "revenue", "profit")
                          for end, scale in (("", 0.9), ("_low", 0.8), ("_high", 1.0))}},
            "rules": [{"rule": "must_include", "kept": True}], "bound": bound, "bound_gap": 0.0,
            "objective": profit, "anomaly_score": profit / 100, "convergence": curve,
            "settings": {"seed": 1}, "elapsed_s": 1.0, "cancelled": False}


CURVE = ["generation", "best", "mean", "feasible_share"]


def test_gathering_sums_the_countries_and_keeps_a_failed_one_out_of_the_totals():
    de = _result([[1, 1, "a", 0.0, 5.0, 10.0, 4.0], [1, 2, "b", 0.1, 5.0, 10.0, 6.0]], 10.0, 12.0,
                 [CURVE, [0, 8.0, 5.0, 1.0], [1, 9.0, 6.0, 1.0], [2, 10.0, 7.0, 1.0]])
    pl = _result([[1, 1, "a", 0.0, 5.0, 10.0, 30.0]], 30.0, 33.0,
                 [CURVE, [0, 20.0, 10.0, 0.5], [1, 30.0, 12.0, 0.8]])
    out = gather_plans([{"country": "DE", "status": "succeeded", "result": de, "job": "j1"},
                        {"country": "PL", "status": "succeeded", "result": pl, "job": "j2"}])
    assert out["plan"][0][-1] == "country" and [r[-1] for r in out["plan"][1:]] == ["DE", "DE", "PL"]
    totals = out["totals"]
    assert {k: totals[k] for k in ("units", "revenue", "profit", "products", "slots_used", "beyond_history")} \
        == {"units": 20.0, "revenue": 40.0, "profit": 40.0, "products": 3, "slots_used": 3, "beyond_history": 2}
    assert (totals["expected_profit_low"], totals["expected_profit"], totals["expected_profit_high"]) \
        == pytest.approx((32.0, 36.0, 40.0))  # summed: the range as if the countries moved together
    assert out["bound"] == 45.0 and out["bound_gap"] == pytest.approx(5.0 / 45.0)
    assert out["anomaly_score"] == 0.3  # the most unusual country's
    assert [r["country"] for r in out["rules"]] == ["DE", "PL"]
    # PL stopped after generation 1: its last values carry on in generation 2
    assert out["convergence"] == [CURVE + ["best DE", "best PL"], [0, 28.0, 15.0, 0.5, 8.0, 20.0],
                                  [1, 39.0, 18.0, 0.8, 9.0, 30.0], [2, 40.0, 19.0, 0.8, 10.0, 30.0]]

    failed = gather_plans([{"country": "DE", "status": "succeeded", "result": de},
                           {"country": "PL", "status": "failed", "result": None,
                            "error": {"code": "infeasible", "detail": "too many musts", "title": "x"}}])
    assert failed["totals"]["profit"] == 10.0 and failed["bound"] is None
    assert failed["countries"][1] == {"country": "PL", "status": "failed", "job": None,
                                      "error": {"code": "infeasible", "detail": "too many musts"}}


def test_combined_convergence_of_nothing_is_empty():
    assert combined_convergence({}) == []
