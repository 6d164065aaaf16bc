"""The demo data has the effects it claims, is seeded, and opens as a workbook."""

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from engine.demo import campaign_calendar, demo_workbook, make_demo


@pytest.fixture(scope="module")
def demo():
    return make_demo()


def test_shapes_and_columns(demo):
    hist = demo["history"]
    assert 15_000 <= len(hist) <= 60_000
    for col in ["campaign", "product_id", "units", "country", "category", "brand", "price",
                "discount", "page", "slot_size", "featured"]:
        assert col in hist.columns
    assert hist["campaign"].nunique() == 36
    assert set(hist["country"]) == {"DE", "FR", "PL"}
    assert (hist["units"] >= 0).all()
    assert hist["discount"].between(0, 0.9).all()
    assert set(hist["featured"].unique()) <= {0, 1}
    # not every product in every catalogue
    per_catalogue = hist.dropna(subset=["page"]).groupby(["campaign", "country"]).size()
    assert per_catalogue.max() < hist["product_id"].nunique()
    pages = hist.dropna(subset=["page"]).groupby(["campaign", "country"])["page"].max()
    assert pages.between(25, 70).all()
    prods = demo["products"]
    assert prods["product_id"].is_unique
    assert (prods["price"] > 0).all() and (prods["unit_cost"] < prods["price"]).all()
    assert prods["must_include"].sum() >= 3
    assert prods["max_units"].notna().sum() >= 5
    slots = demo["slots"]
    assert len(slots) == 24 * 6 and not slots.duplicated(["page", "slot"]).any()
    assert slots.loc[slots["page"] == 1, "featured"].sum() >= 1
    limits = demo["category_limits"]
    assert (limits["min"] <= limits["max"]).all()
    assert limits["min"].sum() <= len(slots) <= limits["max"].sum()
    counts = prods["category"].value_counts()
    assert all(counts[r.category] >= r.min for r in limits.itertuples())


def test_campaigns_sort_in_time_order():
    ids = [c for c, _ in campaign_calendar(40)]
    assert ids == sorted(ids) and len(set(ids)) == 40
    assert ids[0] == "2023-01"


def test_history_carries_each_campaign_start_date(demo):
    hist = demo["history"]
    starts = {c: d.isoformat() for c, d in campaign_calendar(36)}
    assert list(hist.columns[:2]) == ["campaign", "start_date"]
    assert (hist["start_date"] == hist["campaign"].map(starts)).all()
    assert hist.groupby("campaign")["start_date"].nunique().eq(1).all()


def test_workbook_writes_start_dates_as_date_cells_that_read_back_as_iso_text():
    from engine.data.tables import read_tables
    from engine.data.workbook_io import read_workbook

    small = make_demo(campaigns=3, products=40)
    data = demo_workbook(small)
    ws = openpyxl.load_workbook(io.BytesIO(data))["history"]
    column = [c.value for c in ws[1]].index("start_date") + 1
    cell = ws.cell(row=2, column=column)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    sheets = read_workbook(data, "folio-demo.xlsx")
    dataset = read_tables({k: sheets[k] for k in ("history", "products", "slots", "category_limits")})
    assert dataset.history["start_date"].tolist() == small["history"]["start_date"].tolist()
    assert not any(w.column == "start_date" for w in dataset.warnings)  # read for the cadence, not a feature


def test_seeded(demo):
    again = make_demo()
    pd.testing.assert_frame_equal(demo["history"], again["history"])
    other = make_demo(seed=8)
    assert not other["history"]["units"].equals(demo["history"]["units"])


def test_claimed_effects(demo):
    hist = demo["history"]
    placed = hist.dropna(subset=["page"])
    by_featured = placed.groupby("featured")["units"].mean()
    assert by_featured[1] > 1.8 * by_featured[0]
    front = placed.loc[placed["page"].between(2, 4), "units"].median()
    middle = placed.loc[placed["page"].between(15, 30), "units"].median()
    assert front > 1.2 * middle
    undiscounted = placed.loc[placed["featured"] == 0].groupby("discount")["units"].mean()
    assert undiscounted[0.3] > 1.5 * undiscounted[0.0]
    assert undiscounted.is_monotonic_increasing
    inner = placed[(placed["page"] > 1) & (placed["featured"] == 0)]
    big = inner.loc[inner["slot_size"] >= 0.5, "units"].median()
    small = inner.loc[inner["slot_size"] <= 0.2, "units"].median()
    assert big > 1.4 * small
    off = hist.loc[hist["page"].isna(), "units"].mean()
    assert off < 0.5 * placed["units"].mean()
    country = placed.groupby("country")["units"].mean()
    assert country["DE"] > country["FR"] > country["PL"]


def test_seasonality(demo):
    hist = demo["history"].dropna(subset=["page"]).copy()
    starts = dict(campaign_calendar(36))
    hist["month"] = hist["campaign"].map(lambda c: starts[c].month)
    frag = hist[hist["category"] == "fragrance"].groupby("month")["units"].mean()
    assert frag[12] > 1.5 * frag[[3, 4, 5, 6]].mean()
    prods = demo["products"]
    suncare = prods.loc[prods["name"].str.contains("SPF|Sun"), "product_id"]
    sun = hist[hist["product_id"].isin(suncare)].groupby("month")["units"].mean()
    assert len(suncare) >= 3
    assert sun[[6, 7, 8]].mean() > 2.0 * sun[[11, 12, 1, 2]].mean()


def test_workbook_opens(demo):
    small = make_demo(campaigns=3, products=40)
    data = demo_workbook(small)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert {"history", "products", "slots", "category_limits"} <= set(wb.sheetnames)
    ws = wb["history"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header == list(small["history"].columns)
    assert ws.max_row == len(small["history"]) + 1
    assert ws["A1"].font.bold
    price_col = header.index("price") + 1
    assert "0.00" in ws.cell(row=2, column=price_col).number_format
    assert np.isclose(ws.cell(row=2, column=price_col).value, small["history"]["price"].iloc[0])


def test_cli_writes_the_workbook(tmp_path, capsys):
    from engine.demo import main

    out = tmp_path / "demo.xlsx"
    assert main(["--out", str(out), "--campaigns", "2", "--products", "30"]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "history" in wb.sheetnames
    assert "wrote" in capsys.readouterr().out
