"""Result workbooks re-open in openpyxl with the promised tables, charts, formats and safe text."""

import io
import json

import openpyxl
import pytest

from engine.explore import explore_table
from engine.demo import make_demo
from engine.export import MAX_CELL_TEXT, clean_text, result_workbook

PLAN_HEADER = ["page", "slot", "product_id", "name", "category", "discount", "forecast_units",
               "forecast_revenue", "forecast_profit", "anomaly_contribution"]


def sample_plan_result() -> dict:
    """A realistic plan job result (docs/engine-api.md) with hostile user text inside."""
    plan = [PLAN_HEADER,
            [1, 1, "P0241", "=HYPERLINK(\"http://evil\",\"click\")", "fragrance", 0.2, 812.4,
             12_985.2, 7_410.9, 0.01],
            [1, 2, "+P0007", "-Rose Cream", "skincare", 0.0, 403.0, 9_667.0, 6_103.5, 0.0],
            [2, 1, "@P0102", "Velvet Ivy\x07 Mascara", "make-up", 0.3, 251.9, 2_644.2, 1_021.0,
             0.12]]
    plan += [[3 + i // 6, 1 + i % 6, f"P{500 + i:04d}", f"Product {i}", "haircare", 0.1,
              50.0 + i, 400.0 + 3 * i, 150.0 + i, 0.0] for i in range(30)]
    convergence = [["generation", "best", "mean", "feasible_share"]] + [
        [g, 40_000 + 150 * g - (g * g), 30_000 + 200 * g, min(1.0, 0.5 + g / 40)]
        for g in range(41)]
    return {
        "plan": plan,
        "totals": {"units": 14_210.5, "revenue": 181_220.3, "profit": 98_410.7, "products": 33,
                   "slots_used": 33},
        "rules": [
            {"rule": "category_limits: skincare", "limit": "5..20", "value": 9, "kept": True},
            {"rule": "max_discounted_share", "limit": 0.4, "value": 0.36, "kept": True},
            {"rule": "must_include", "limit": 6, "value": 6, "kept": True},
        ],
        "convergence": convergence,
        "bound": 101_002.0,
        "anomaly_score": 0.08,
        "cancelled": False,
        "settings": {"pages": 24, "slots_per_page": 6, "discount_levels": [0, 0.1, 0.2, 0.3],
                     "objective": "profit", "population": 60, "generations": 40, "seed": 7},
    }


RUN = {"job": "job_1", "kind": "plan", "dataset": "ds_1", "dataset_hash": "ab" * 32, "seed": 7,
       "model": "model_3", "versions": {"numpy": "2.4.6", "pandas": "3.1.1"}}


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_plan_workbook():
    wb = load(result_workbook("plan", sample_plan_result(), RUN))
    assert {"Plan", "Summary", "Convergence"} <= set(wb.sheetnames)
    ws = wb["Plan"]
    assert [c.value for c in ws[1]] == PLAN_HEADER
    assert ws.freeze_panes == "A2"
    assert list(ws.tables) == ["FolioPlan"]
    assert ws.tables["FolioPlan"].ref == f"A1:J{34}"
    assert ws["F2"].number_format == "0.0%"
    assert ws["G2"].number_format == "#,##0"
    assert "0.00" in ws["H2"].number_format and "0.00" in ws["I2"].number_format
    assert ws["H2"].value == pytest.approx(12_985.2)
    assert any("I2:I34" in str(rng.sqref) for rng in ws.conditional_formatting)
    assert ws.column_dimensions["D"].width > 8
    conv = wb["Convergence"]
    assert len(conv._charts) == 1
    chart = conv._charts[0]
    assert len(chart.series) == 2  # best and mean
    assert conv.max_row == 42
    summary = wb["Summary"]
    texts = {c.value for row in summary.iter_rows() for c in row if c.value is not None}
    assert {"Totals", "Rules", "Settings", "Run record"} <= texts
    assert "category_limits: skincare" in texts and "ab" * 32 in texts
    assert json.dumps([0, 0.1, 0.2, 0.3]) in texts


def test_user_text_never_becomes_a_formula():
    wb = load(result_workbook("plan", sample_plan_result(), RUN))
    ws = wb["Plan"]
    name = ws["D2"]
    assert name.value == '=HYPERLINK("http://evil","click")'
    assert name.data_type == "s"
    for cell in (ws["C3"], ws["D3"], ws["C4"]):
        assert cell.data_type == "s" and cell.value[0] in "+-@"
    assert ws["D4"].value == "Velvet Ivy Mascara"  # control character removed
    formulas = [c.coordinate for s in wb for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []


def test_long_text_is_cut_with_a_note():
    text = clean_text("x" * 40_000 + "\x00")
    assert len(text) == MAX_CELL_TEXT and text.endswith("40,000 characters in all]")
    result = sample_plan_result()
    result["plan"][1][3] = "y" * 50_000
    ws = load(result_workbook("plan", result, RUN))["Plan"]
    assert len(ws["D2"].value) == MAX_CELL_TEXT


def test_empty_and_cancelled_plan():
    result = {"plan": [PLAN_HEADER], "totals": {}, "rules": [], "convergence": [
        ["generation", "best", "mean", "feasible_share"]], "cancelled": True}
    wb = load(result_workbook("plan", result, {}))
    assert wb["Plan"].tables == {} or len(wb["Plan"].tables) == 0
    assert len(wb["Convergence"]._charts) == 0


def test_train_workbook():
    result = {
        "candidates": [
            {"name": "gbm", "family": "gbm", "metrics": {"wape": 0.31, "mape": 0.42, "bias": -0.02},
             "n_train": 24_000, "n_holdout": 1_500, "chosen": True},
            {"name": "linear", "family": "linear",
             "metrics": {"wape": 0.45, "mape": None, "bias": 0.05}, "chosen": False}],
        "baselines": [{"name": "naive", "metrics": {"wape": 0.6, "mape": 0.7, "bias": 0.1}},
                      {"name": "seasonal_naive", "season": 17,
                       "metrics": {"wape": 0.66, "mape": 0.8, "bias": 0.0}}],
        "registered": [{"id": "model_1", "name": "=cmd|'/c calc'!A1", "champion": True,
                        "metrics": None, "note": "not comparable"}],
        "holdout": {"campaigns": ["2025-01", "2025-02"], "rows": 1500},
        "models": ["model_2"], "champion": "model_2",
    }
    wb = load(result_workbook("train", result, {"job": "job_2"}))
    assert {"Models", "Summary"} <= set(wb.sheetnames)
    ws = wb["Models"]
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 5 and "FolioModels" in ws.tables
    wape = header.index("wape")
    assert rows[0][wape] == pytest.approx(0.31) and rows[0][header.index("kind")] == "candidate"
    assert ws.cell(row=2, column=wape + 1).number_format == "0.0%"
    bad = ws.cell(row=6, column=header.index("name") + 1)
    assert bad.data_type == "s" and bad.value.startswith("=cmd")


def test_explore_workbook():
    result = explore_table(make_demo(campaigns=4, products=60)["history"])
    wb = load(result_workbook("explore", result, {"job": "job_3"}))
    assert {"Explore", "Summary", "Correlations", "Clusters", "SOM"} <= set(wb.sheetnames)
    ws = wb["Explore"]
    assert len(ws._charts) >= 1
    names = [ws.cell(row=r, column=1).value for r in range(2, len(result["columns"]) + 2)]
    assert names == [c["column"] for c in result["columns"]]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("featured rows sold" in t for t in texts)
