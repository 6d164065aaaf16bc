"""Result workbooks re-open in openpyxl with the promised tables, charts, formats and safe text."""

import io
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


PLANNER_HEADER = ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue",
                  "forecast_profit", "category", "slot_size", "featured", "cannibalisation"]
CATEGORIES = ["skincare", "fragrance", "make-up", "haircare", "bodycare", "accessories"]


def planner_result(slots: int = 32, generations: int = 60, seed: int = 0) -> dict:
    """A result shaped exactly like ``plan_catalogue``'s (docs/engine-api.md) for a catalogue of
    ``slots`` slots, four to a page, with a slots table: every key a real job returns."""
    rows = [PLANNER_HEADER]
    for i in range(slots):
        units = 7_000.0 / (1 + i) ** 0.8 + 13.37 * (i % 5)
        price = 9.99 + (i * 7 + seed) % 40
        rows.append([1 + i // 4, 1 + i % 4, f"P{(i * 37 + seed) % 500:04d}", [0.0, 0.1, 0.2, 0.3][i % 4],
                     units, units * price, units * price * 0.643777502917674,
                     CATEGORIES[i % 6], 0.25, int(i == 0), 1.0])
    profit = sum(r[6] for r in rows[1:])
    convergence = [["generation", "best", "mean", "feasible_share"]] + [
        [g, profit * (0.97 + 0.03 * min(1, g / 20)), profit * (0.9 + 0.05 * min(1, g / 30)), 1.0]
        for g in range(generations + 1)]
    rules = [{"rule": "unique_products", "limit": 1, "value": 1, "kept": True},
             {"rule": "one_product_per_slot", "limit": 1, "value": 1, "kept": True},
             {"rule": "must_include", "limit": 6, "value": 6, "kept": True},
             {"rule": "discount_levels", "limit": [0.0, 0.1, 0.2, 0.3], "value": [0.0, 0.1, 0.2, 0.3],
              "kept": True}]
    for c in CATEGORIES:
        rules += [{"rule": "category_min", "category": c, "limit": 2, "value": 5, "kept": True},
                  {"rule": "category_max", "category": c, "limit": 10, "value": 5, "kept": True}]
    rules.append({"rule": "max_discounted_share", "limit": 0.8, "value": 0.75, "kept": True})
    return {
        "plan": rows,
        "totals": {"units": sum(r[4] for r in rows[1:]), "revenue": sum(r[5] for r in rows[1:]),
                   "profit": profit, "products": slots, "slots_used": slots},
        "rules": rules, "convergence": convergence, "diversity": [0.8] * (generations + 1),
        "bound": profit / (1 - 0.00065), "bound_gap": 0.00065, "bound_certified": True,
        "anomaly_score": 0.643777502917674,
        "anomaly_contribution": {"share skincare": 0.0123, "discount depth": 0.0286},
        "cannibalisation_factor": 1.0, "cancelled": False, "stopped_by": "stagnation",
        "settings": {"pages": 8, "slots_per_page": 6, "discount_levels": [0.0, 0.1, 0.2, 0.3],
                     "objective": "profit", "max_discounted_share": 0.8, "anomaly_weight": 0.0,
                     "population": 40, "generations": generations, "time_limit_s": 30.0,
                     "seed": seed, "strategy": "ga", "cannibalisation": None,
                     "stagnation_generations": 30, "local_search": True},
        "layout": {"source": "slots", "slots": slots, "pages": (slots + 3) // 4},
        "objective": profit, "greedy_objective": profit * 0.988, "generations_run": generations,
        "elapsed_s": 12.345,
    }


def countries_result(slots: int = 32) -> dict:
    from engine.plan.countries import gather_plans

    return gather_plans([{"country": c, "status": "succeeded", "job": f"job_{c}",
                          "result": planner_result(slots, seed=i)}
                         for i, c in enumerate(["DE", "FR", "PL"])])


def sheet_texts(ws) -> list:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def summary_pairs(ws) -> dict:
    """Label (column A) -> value (column B) of a Summary sheet."""
    return {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2)
            for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value}


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
    assert {"Result", "Rules", "Settings used", "Run record"} <= texts
    assert "Category limits: skincare" in texts and "ab" * 32 in texts
    assert "0 %, 10 %, 20 %, 30 %" in texts  # a list as text, not [0, 0.1, 0.2, 0.3]
    assert not any(isinstance(t, str) and t.startswith("[") for t in texts)


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


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_repeated():
    for kind, result in (("plan", planner_result()), ("plan", countries_result())):
        wb = load(result_workbook(kind, result, RUN))
        for ws in wb:
            assert ws.page_setup.orientation == "landscape", ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        for name in ("Plan", "Convergence") + (("Countries",) if "countries" in result else ()):
            assert wb[name].print_title_rows in ("1:1", "$1:$1"), name


def test_plan_summary_in_words_with_formats():
    wb = load(result_workbook("plan", planner_result(), RUN))
    pairs = summary_pairs(wb["Summary"])
    gap = pairs["Gap to the bound"]
    assert gap.value == pytest.approx(0.00065) and gap.number_format == "0.00%"  # 0.07 %, not 0.00
    score = pairs["Anomaly score (0 = like past catalogues)"]
    assert score.number_format == "0.00"
    assert pairs["Profit (forecast)"].number_format == "#,##0.00"
    assert pairs["Search stopped because"].value == "no better plan for 30 generations"
    assert pairs["Discount levels"].value == "0 %, 10 %, 20 %, 30 %"
    assert pairs["Layout"].value == "slots table: 32 slots on 8 pages"
    assert pairs["Most products discounted"].value == pytest.approx(0.8)
    labels = set(pairs)
    # only the settings that were used: the slots table, not pages 8 x slots_per_page 6
    assert not any("pages" in str(k).lower() and "slots" in str(k).lower() for k in labels)
    assert not {"bound_gap", "slots_used", "pages", "slots_per_page", "anomaly_weight"} & labels
    assert "Anomaly penalty weight" not in labels  # 0 = off: not a setting that shaped the plan
    texts = sheet_texts(wb["Summary"])
    assert "Products of category skincare" in texts and "2 to 10" in texts
    assert pairs["Same in every plan row (not repeated there)"].value == \
        "slot_size 0.25; cannibalisation 1.00"


def test_plan_sheet_leaves_out_columns_that_say_nothing():
    wb = load(result_workbook("plan", planner_result(), RUN))
    header = [c.value for c in wb["Plan"][1]]
    assert header == ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue",
                      "forecast_profit", "category", "featured"]
    assert wb["Plan"].tables["FolioPlan"].ref == "A1:I33"
    # the contract's columns stay even when constant
    result = planner_result(slots=4)
    for row in result["plan"][1:]:
        row[3] = 0.1
    header = [c.value for c in load(result_workbook("plan", result, RUN))["Plan"][1]]
    assert "discount" in header


def test_settings_say_pages_when_there_was_no_slots_table():
    result = planner_result()
    result["layout"] = {"source": "pages", "slots": 48, "pages": 8}
    result["settings"]["anomaly_weight"] = 0.5
    pairs = summary_pairs(load(result_workbook("plan", result, RUN))["Summary"])
    assert pairs["Layout"].value == "8 pages x 6 slots"
    assert pairs["Anomaly penalty weight"].value == pytest.approx(0.5)


def test_multi_country_workbook_has_countries_and_rules_side_by_side():
    wb = load(result_workbook("plan", countries_result(), RUN))
    assert {"Plan", "Summary", "Countries", "Convergence"} <= set(wb.sheetnames)
    countries = wb["Countries"]
    assert [c.value for c in countries[1]][:3] == ["Country", "Status", "Profit"]
    assert [countries.cell(row=r, column=1).value for r in (2, 3, 4)] == ["DE", "FR", "PL"]
    assert "Error" not in [c.value for c in countries[1]]  # no country failed: column left out
    summary = wb["Summary"]
    header = next(r for r in summary.iter_rows(values_only=True) if "Rule" in r)
    assert [h for h in header if h][-4:] == ["DE", "FR", "PL", "Kept"]
    texts = sheet_texts(summary)
    assert texts.count("Products of category skincare") == 1  # one line for the three countries
    assert "3 of 3 planned: DE, FR, PL" in texts
    assert wb["Plan"].max_row == 97 and wb["Plan"]["A1"].value == "page"


def test_convergence_chart_names_its_lines():
    wb = load(result_workbook("plan", planner_result(), RUN))
    chart = wb["Convergence"]._charts[0]
    titles = [s.tx.v for s in chart.series]
    assert titles == ["best plan", "population mean"]
    assert wb["Convergence"]["B2"].number_format == "#,##0"
