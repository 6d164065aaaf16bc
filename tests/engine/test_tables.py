"""Validation of the tables as Excel sends them: every problem at once, with A1 cells."""

import math

import numpy as np
import pandas as pd
import pytest

from engine.demo import make_demo
from engine.errors import FolioError
from engine.runinfo import library_versions
from engine.data.tables import MAX_PROBLEMS, dataset_hash, read_tables, to_values

HISTORY = [
    ["Campaign", " Units ", "PRODUCT_ID", "page", "discount", "featured", "season"],
    ["2024-01", 10, "A", 1, 0.1, 1, "winter"],
    ["2024-01", "12.5", "B", "", None, True, "winter"],
    ["2024-02", 3, 1001, 2.0, "20%", "false", ""],
]


def problems_of(raw):
    with pytest.raises(FolioError) as info:
        read_tables(raw)
    err = info.value
    assert err.code == "invalid_table" and err.status == 422
    return err, {(p.table, p.cell): p for p in err.problems}


def test_valid_history_is_typed():
    ds = read_tables({"history": HISTORY})
    h = ds.history
    assert list(h.columns) == ["campaign", "units", "product_id", "page", "discount", "featured",
                               "season"]
    assert h["units"].tolist() == [10.0, 12.5, 3.0]
    assert h["product_id"].tolist() == ["A", "B", "1001"]
    assert h["page"].iloc[0] == 1 and math.isnan(h["page"].iloc[1])
    assert h["discount"].tolist() == [0.1, 0.0, 0.2]
    assert h["featured"].tolist() == [1, 1, 0] and h["featured"].dtype == np.int64
    assert h["campaign"].tolist() == ["2024-01", "2024-01", "2024-02"]
    assert h["season"].tolist()[:2] == ["winter", "winter"] and pd.isna(h["season"].iloc[2])
    assert any(w.column == "season" and w.cell == "G1" for w in ds.warnings)
    assert ds.products is None


def test_a_date_column_is_kept_as_text_and_said_what_it_is_for():
    history = [["campaign", "start_date", "product_id", "units"], ["2024-01", "2024-01-08", "A", 1],
               ["2024-02", "2024-01-29", "A", 2]]
    products = [["product_id", "price", "unit_cost", "launch"], ["A", 9.99, 3.0, "2024-03-01"]]
    ds = read_tables({"history": history, "products": products})
    assert ds.history["start_date"].tolist() == ["2024-01-08", "2024-01-29"]
    assert not any(w.column == "start_date" for w in ds.warnings)  # the cadence reads it: nothing to check
    launch = next(w for w in ds.warnings if w.column == "launch")
    assert launch.message == "column 'launch' holds dates: kept, not used as a feature" and launch.cell == "D1"
    mixed = read_tables({"history": [["campaign", "when", "product_id", "units"], ["2024-01", "2024-01-08", "A", 1],
                                     ["2024-02", "soon", "A", 2]]})
    assert any(w.message == "unknown column 'when' kept as an extra feature" for w in mixed.warnings)


def test_numeric_campaigns_stay_numbers_and_sort():
    raw = [["campaign", "product_id", "units"], [202402, "A", 1], [202401, "A", 2],
           ["202403", "A", 3]]
    h = read_tables({"history": raw}).history
    assert h["campaign"].dtype == np.int64
    assert sorted(h["campaign"]) == [202401, 202402, 202403]


def test_huge_whole_campaign_numbers_keep_their_order_instead_of_wrapping():
    raw = [["campaign", "units", "product_id"], [3e19, 1, "A"], [1e20, 2, "A"], [-5e18, 3, "A"]]
    h = read_tables({"history": raw}).history
    assert h["campaign"].tolist() == [3e19, 1e20, -5e18]
    small = read_tables({"history": [["campaign", "units", "product_id"], [7, 1, "A"]]}).history
    assert small["campaign"].dtype == np.int64


def test_every_problem_reported_with_cells():
    raw = {
        "history": [
            ["campaign", "units", "product_id", "discount", "page", "featured", "price"],
            ["2024-01", "many", "A", 0.95, 0, 2, -1],
            ["2024-01", -4, "", 0.2, 1.5, "yes!", "Infinity"],
            ["2024-02", 5, "C", 0.1, 3, 0, 9.5],
            [None, None, None, None, None, None, None],  # blank row: skipped silently
        ],
        "products": [["product_id", "price"], ["A", 0], ["A", 5], ["B", float("nan")]],
        "slots": [["page", "slot", "slot_size"], [1, 1, 0.5], [1, 1, 0], [2, 1, 1]],
        "category_limits": [["category", "min", "max"], ["skincare", 5, 2]],
    }
    err, by_cell = problems_of(raw)
    expected = {
        ("history", "B2"): "units", ("history", "B3"): "units", ("history", "C3"): "product_id",
        ("history", "D2"): "discount", ("history", "E2"): "page", ("history", "E3"): "page",
        ("history", "F2"): "featured", ("history", "F3"): "featured", ("history", "G2"): "price",
        ("history", "G3"): "price", ("products", "B2"): "price", ("products", "A3"): "product_id",
        ("products", "B4"): "price", ("slots", "B3"): "slot", ("slots", "C3"): "slot_size",
        ("category_limits", "B2"): "min",
    }
    for (table, cell), column in expected.items():
        assert (table, cell) in by_cell, (table, cell, sorted(by_cell))
        p = by_cell[(table, cell)]
        assert p.column == column
        assert p.row == int(cell[1:])
    assert len(err.problems) == len(expected)
    assert f"{len(expected)} problems" in err.detail
    # sorted in reading order
    hist_cells = [p.cell for p in err.problems if p.table == "history"]
    assert hist_cells[:3] == ["B2", "D2", "E2"]
    body = err.to_problem()
    assert body["code"] == "invalid_table" and len(body["errors"]) == len(expected)


def test_structure_problems():
    raw = {
        "history": [
            ["campaign", "product_id", "Product_ID ", "notes"],
            ["2024-01", "A", "A", "x", "spill"],
            ["2024-01", "B"],
        ],
        "products": [["product_id", "price"]],
        "slots": [],
    }
    err, by_cell = problems_of(raw)
    messages = [p.message for p in err.problems]
    assert by_cell[("history", "C1")].message.startswith("column 'product_id' appears twice")
    assert "units" in by_cell[("history", "E1")].message  # required column missing, header row
    assert "row has 5 cells" in by_cell[("history", "E2")].message
    assert "row has 2 cells" in by_cell[("history", "C3")].message
    assert any(p.table == "products" and "no data rows" in p.message for p in err.problems)
    assert any(p.table == "slots" and "empty" in p.message for p in err.problems), messages


def test_history_required_and_products_columns():
    err, _ = problems_of({"products": [["product_id", "price"], ["A", 1]]})
    assert any(p.table == "history" and "required" in p.message for p in err.problems)
    err, by_cell = problems_of({
        "history": HISTORY,
        "products": [["product_id", "category"], ["A", "x"]],
    })
    assert "price" in by_cell[("products", "C1")].message


def test_mixed_campaign_refused():
    raw = [["campaign", "product_id", "units"], ["2024-01", "A", 1], ["2024-02", "A", 1],
           [5, "A", 1]]
    err, by_cell = problems_of({"history": raw})
    assert "mixes numbers and text" in by_cell[("history", "A4")].message


def test_problem_list_is_capped_but_counted():
    rows = [["campaign", "product_id", "units"]] + [["c1", "A", "bad"]] * 500
    err, _ = problems_of({"history": rows})
    assert len(err.problems) == MAX_PROBLEMS
    assert "500 problems" in err.detail and f"first {MAX_PROBLEMS}" in err.detail
    assert err.problems[0].cell == "C2"


def test_flags_accept_excel_booleans_and_numeric_strings():
    raw = {"history": HISTORY,
           "products": [["product_id", "price", "unit_cost", "must_include", "max_units"],
                        ["A", "9.99", "3", True, ""], ["B", 4, 1, "0", 100]],
           "slots": [["page", "slot", "featured"], [1, 1, "TRUE"], [1, 2, False]]}
    ds = read_tables(raw)
    assert ds.products["must_include"].tolist() == [1, 0]
    assert ds.products["price"].tolist() == [9.99, 4.0]
    assert math.isnan(ds.products["max_units"].iloc[0])
    assert ds.slots["featured"].tolist() == [1, 0]
    assert ds.slots["page"].dtype == np.int64


def test_round_trip_demo_and_hash():
    demo = make_demo(campaigns=4, products=60)
    raw = {name: to_values(df) for name, df in demo.items()}
    assert raw["history"][0] == list(demo["history"].columns)
    flat = [v for row in raw["history"] for v in row]
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in flat)
    ds = read_tables(raw)
    assert ds.row_counts() == {name: len(df) for name, df in demo.items()}
    pd.testing.assert_series_equal(ds.history["units"], demo["history"]["units"].astype(float),
                                   check_names=False)
    assert ds.history["campaign"].tolist() == demo["history"]["campaign"].tolist()
    again = {name: raw[name] for name in reversed(list(raw))}
    assert dataset_hash(raw) == dataset_hash(again)
    changed = {**raw, "history": [list(r) for r in raw["history"]]}
    changed["history"][1][-1] = (changed["history"][1][-1] or 0) + 1
    assert dataset_hash(changed) != dataset_hash(raw)
    assert len(dataset_hash(raw)) == 64


def test_library_versions():
    v = library_versions()
    assert v["pandas"] == pd.__version__ and v["numpy"] == np.__version__
    assert {"python", "scikit-learn", "pygad", "openpyxl"} <= set(v)


def test_rows_to_forecast_are_typed_like_history_and_keep_every_row():
    from engine.data.tables import read_rows

    rows = read_rows([["Product_ID", "page", "discount", "note"], ["a", "3", "20%", None],
                      [None, None, None, None], ["b", 2, 0.1, "x"]])
    assert rows["page"].tolist()[::2] == [3, 2] and rows["discount"].tolist() == [0.2, 0.0, 0.1]
    assert len(rows) == 3  # an empty row stays, so the answer lines up with the rows sent


@pytest.mark.parametrize("raw, cell", [([["page"], [0]], "A2"), ([["a"], [1, 2]], "B2")])
def test_bad_rows_to_forecast_are_located(raw, cell):
    from engine.data.tables import read_rows

    with pytest.raises(FolioError) as info:
        read_rows(raw)
    assert info.value.code == "invalid_table"
    assert [(p.table, p.cell) for p in info.value.problems] == [("rows", cell)]
