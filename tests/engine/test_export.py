"""Result workbooks re-open in openpyxl with the promised tables, charts, formats and safe text."""

import copy
import functools
import io

import openpyxl
import pytest

from engine.explore import explore_table
from engine.demo import make_demo
from engine.export import MAX_CELL_TEXT, clean_text, result_workbook
from engine.export.words import rule_lines

# User text that a careless writer would turn into formulas or choke on, put into the tables the
# planner reads, so it reaches the workbook the way it does in a real plan.
HOSTILE_CATEGORY = '=HYPERLINK("http://evil","click")'
RENAMED = {"skincare": HOSTILE_CATEGORY, "haircare": "+hair care", "make-up": "@make-up"}
SETTINGS = {"population": 12, "generations": 10, "time_limit_s": 10, "seed": 7, "pages": 4}


@functools.lru_cache(maxsize=1)
def _trained():
    from engine.data.tables import read_tables, to_values
    from engine.forecast import check_history, train

    tables = make_demo(seed=5, campaigns=8, products=40)
    first = tables["products"]["product_id"].iloc[0]
    for df in tables.values():
        if "category" in df:
            df["category"] = df["category"].replace(RENAMED)
        if "product_id" in df:
            df["product_id"] = df["product_id"].replace({first: f"-{first}"})
    dataset = read_tables({name: to_values(df) for name, df in tables.items()})
    history = check_history(dataset.history)
    return dataset, history, train(history, family="linear", holdout_campaigns=1, folds=1, seed=0)


@functools.lru_cache(maxsize=1)
def _planned() -> dict:
    from engine.plan.planner import plan_catalogue

    dataset, _, outcome = _trained()
    return plan_catalogue(dataset, outcome.best, SETTINGS)


def engine_plan_result() -> dict:
    """A plan result as the engine emits it: a few generations of the planner on the tiny demo
    (with hostile category names and a product id starting with '-'), a linear model."""
    return copy.deepcopy(_planned())


@pytest.fixture(scope="module")
def trained():
    """That demo, its history and the engine's training outcome on it (linear, one fold)."""
    return _trained()


@pytest.fixture
def planned() -> dict:
    return engine_plan_result()


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
        "business_case": {
            "options": [{"name": "plan", "label": "This plan", "profit": profit, "revenue": 2 * profit,
                         "units": 5_000.0, "products": slots},
                        {"name": "last_catalogue", "label": "Last catalogue (2024-06)",
                         "campaign": "2024-06", "profit": profit / 1.25, "revenue": 1.8 * profit,
                         "units": 4_000.0, "products": slots - 2}],
            "lift": {"profit": 0.25, "revenue": 2 / 1.8 - 1, "units": 0.25},
            "last_catalogue": {"campaign": "2024-06", "shown": 40, "left_out": 1, "dropped": 7,
                               "empty_slots": 0, "discounts_changed": 3},
            "basis": "the same model, layout and cannibalisation factor value every option"},
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


def column(ws, name: str) -> str:
    """The letter of the header ``name`` on row 1."""
    header = [c.value for c in ws[1]]
    return openpyxl.utils.get_column_letter(header.index(name) + 1)


def test_plan_workbook(planned):
    plan = planned["plan"]
    wb = load(result_workbook("plan", planned, RUN))
    assert {"Plan", "Summary", "Convergence"} <= set(wb.sheetnames)
    ws = wb["Plan"]
    assert [c.value for c in ws[1]] == plan[0]
    assert ws.freeze_panes == "A2"
    assert list(ws.tables) == ["FolioPlan"]
    last = len(plan)
    assert ws.tables["FolioPlan"].ref == f"A1:{openpyxl.utils.get_column_letter(len(plan[0]))}{last}"
    assert ws[f"{column(ws, 'discount')}2"].number_format == "0.0%"
    assert ws[f"{column(ws, 'forecast_units')}2"].number_format == "#,##0"
    for name in ("forecast_revenue", "forecast_profit"):
        assert "0.00" in ws[f"{column(ws, name)}2"].number_format
    revenue = plan[0].index("forecast_revenue")
    assert ws[f"{column(ws, 'forecast_revenue')}2"].value == pytest.approx(plan[1][revenue])
    profit = column(ws, "forecast_profit")
    assert any(f"{profit}2:{profit}{last}" in str(rng.sqref) for rng in ws.conditional_formatting)
    assert ws.column_dimensions[column(ws, "product_id")].width > 8
    conv = wb["Convergence"]
    assert len(conv._charts) == 1
    assert len(conv._charts[0].series) == 2  # best and mean
    assert conv.max_row == len(planned["convergence"])
    summary = wb["Summary"]
    texts = set(sheet_texts(summary))
    assert {"Result", "Rules", "Settings used", "Run record"} <= texts and "ab" * 32 in texts
    assert "0\u00a0%, 10\u00a0%, 20\u00a0%, 30\u00a0%" in texts  # the default discount levels, as text
    # every rule the engine reported is a line of the Rules table, kept as reported
    rows = list(summary.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if "Rule" in r)
    at = {name: rows[start].index(name) for name in ("Rule", "Kept")}
    shown = {r[at["Rule"]]: r[at["Kept"]] for r in rows[start + 1:] if r[at["Rule"]] is not None}
    expected = {line["rule"]: line["kept"] for line in rule_lines(planned["rules"])}
    assert len(expected) >= 5 and set(shown) == set(expected)
    assert all(expected.values()) and set(shown.values()) == {"yes"}  # the planner kept them all
    categories = {r["category"] for r in planned["rules"] if r.get("category")}
    assert HOSTILE_CATEGORY in categories
    assert all(f"Products of category {c}" in shown for c in categories)


def test_user_text_never_becomes_a_formula(planned):
    wb = load(result_workbook("plan", planned, RUN))
    ws = wb["Plan"]
    category, product = column(ws, "category"), column(ws, "product_id")
    written = {ws[f"{category}{r}"].value for r in range(2, ws.max_row + 1)}
    assert {HOSTILE_CATEGORY, "+hair care", "@make-up"} <= written
    for r in range(2, ws.max_row + 1):
        for cell in (ws[f"{category}{r}"], ws[f"{product}{r}"]):
            assert cell.data_type == "s"
    assert any(ws[f"{product}{r}"].value.startswith("-") for r in range(2, ws.max_row + 1))
    formulas = [c.coordinate for s in wb for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []


def test_control_characters_are_removed(planned):
    result = {**planned, "plan": [planned["plan"][0]] + [list(r) for r in planned["plan"][1:]]}
    result["plan"][1][planned["plan"][0].index("category")] = "Velvet Ivy\x07 Mascara"
    ws = load(result_workbook("plan", result, RUN))["Plan"]
    assert ws[f"{column(ws, 'category')}2"].value == "Velvet Ivy Mascara"


def test_long_text_is_cut_with_a_note(planned):
    text = clean_text("x" * 40_000 + "\x00")
    assert len(text) == MAX_CELL_TEXT and text.endswith("40,000 characters in all]")
    result = {**planned, "plan": [planned["plan"][0]] + [list(r) for r in planned["plan"][1:]]}
    result["plan"][1][planned["plan"][0].index("product_id")] = "y" * 50_000
    ws = load(result_workbook("plan", result, RUN))["Plan"]
    assert len(ws[f"{column(ws, 'product_id')}2"].value) == MAX_CELL_TEXT


def test_empty_and_cancelled_plan(planned):
    result = {**planned, "plan": [planned["plan"][0]], "rules": [], "cancelled": True,
              "convergence": [planned["convergence"][0]]}
    wb = load(result_workbook("plan", result, {}))
    assert len(wb["Plan"].tables) == 0
    assert len(wb["Convergence"]._charts) == 0


def test_train_workbook(trained):
    from engine.forecast.champion import compare_registered

    _, history, outcome = trained
    registered = [{"id": "model_1", "name": "=cmd|'/c calc'!A1", "champion": True, "metrics": None,
                   "holdout_campaigns": ["another"], "trained_through": None, "data_hash": "old"}]
    result = {**outcome.report, "models": ["model_2"], "champion": "model_2",
              "registered": compare_registered(registered, outcome, history, "new",
                                               load=lambda model_id: outcome.best)}
    assert result["registered"][0]["note"]  # no honest score: trained on another holdout
    wb = load(result_workbook("train", result, {"job": "job_2"}))
    assert {"Models", "Summary"} <= set(wb.sheetnames)
    ws = wb["Models"]
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    kinds = ["candidate"] * len(result["candidates"]) + ["baseline"] * len(result["baselines"]) + \
        ["registered"]
    assert [r[header.index("kind")] for r in rows] == kinds and "FolioModels" in ws.tables
    wape = header.index("wape")
    for row, candidate in zip(rows, result["candidates"]):
        assert row[header.index("name")] == candidate["name"]
        assert row[wape] == pytest.approx(candidate["metrics"]["wape"])
    assert ws.cell(row=2, column=wape + 1).number_format == "0.0%"
    bad = ws.cell(row=len(rows) + 1, column=header.index("name") + 1)
    assert bad.data_type == "s" and bad.value.startswith("=cmd")
    assert rows[-1][header.index("note")] == result["registered"][0]["note"]


def test_explore_workbook():
    result = explore_table(make_demo(campaigns=4, products=60)["history"])
    wb = load(result_workbook("explore", result, {"job": "job_3"}))
    assert {"Explore", "Summary", "Correlations", "Clusters", "SOM"} <= set(wb.sheetnames)
    ws = wb["Explore"]
    charts = wb["Histograms"]._charts  # one per numeric column, as in the pane's Excel sheets
    assert len(charts) == sum(1 for c in result["columns"] if (c.get("histogram") or {}).get("counts"))
    assert wb["Histograms"].print_area  # the charts print; the bins beside them stay on screen
    bins = [[c.value for c in row[-5:]] for row in wb["Histograms"].iter_rows(min_row=2) if row[-5].value == "featured"]
    featured = next(c["histogram"] for c in result["columns"] if c["column"] == "featured")
    assert bins == [["featured", "0", 0, 0, featured["counts"][0]], ["featured", "1", 1, 1, featured["counts"][1]]], bins
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
            # one page wide; as many pages down as needed, but for a Summary short enough for one
            tall = 1 if ws.title == "Summary" and ws.max_row <= 70 else 0
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, tall), ws.title
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
    assert pairs["Discount levels"].value == "0\u00a0%, 10\u00a0%, 20\u00a0%, 30\u00a0%"
    assert pairs["Layout"].value == "slots table: 32 slots on 8 pages"
    # a duration's number held to its unit by a no-break space, as a percent is to its sign
    assert pairs["Time limit"].value == "30.0\u00a0s"
    assert pairs["Run time"].value == "12.3\u00a0s"
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


def test_plan_summary_says_what_to_expect_and_what_the_bound_is_about(planned):
    """The engine's real plan result: the Summary's first lines say the expected profit with its
    80 % range, how close the plan is to the best under this forecast, that the bound is about the
    forecast and not the future, and how many rows went beyond history; the Plan keeps the
    beyond_history flag even when every row is 0."""
    totals = planned["totals"]
    totals["beyond_history"] = 2
    wb = load(result_workbook("plan", planned, RUN))
    summary = wb["Summary"]
    first = [summary.cell(row=r, column=1).value for r in range(3, 7)]
    low, high = totals["expected_profit_low"], totals["expected_profit_high"]
    from engine.export.words import total_text
    assert first[0].startswith(f"Expected profit {total_text(totals['expected_profit'])} (80\u00a0% range "
                               f"{total_text(low)} – {total_text(high)})")
    assert summary.cell(row=3, column=1).font.bold
    assert first[1].startswith(("Within ", "As good as the best plan")) and "under this forecast" in first[1]
    assert "not what the future will bring" in first[2]
    assert first[3].startswith("2 plan rows are forecast beyond what the product")
    pairs = summary_pairs(summary)
    assert pairs["Plan rows forecast beyond history (shrunk)"].value == 2
    header = [c.value for c in wb["Plan"][1]]
    assert "beyond_history" in header
    assert "not how accurate the forecast is" in planned["bound_note"] and "future" in planned["bound_note"]


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


def test_business_case_sheet_sets_the_plan_beside_the_last_catalogue():
    wb = load(result_workbook("plan", planner_result(), RUN))
    assert wb.sheetnames[:2] == ["Summary", "Business case"] and wb.active.title == "Plan"
    ws = wb["Business case"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    header = next(r for r in ws.iter_rows(values_only=True) if r[-1] == "Lift" or "Lift" in r)
    assert [h for h in header if h] == ["This plan", "Last catalogue (2024-06)", "Lift"]
    profit = rows["Profit (forecast)"]
    assert profit[3] == pytest.approx(0.25) and profit[1] == pytest.approx(1.25 * profit[2])
    assert rows["Products placed"][1:3] == (32, 30)
    texts = sheet_texts(ws)
    assert "1 of its 40 products is no longer a candidate (not in the products table): left out." in texts
    assert "7 of its products found no slot: this layout is smaller." in texts
    assert "3 of its discounts are not allowed now: moved to the nearest allowed level." in texts
    assert len(ws._charts) == 1


def test_business_case_with_the_honest_promise_compares_expected_figures():
    result = planner_result()
    plan, old = result["business_case"]["options"]
    plan.update(expected_profit=90.0, expected_profit_low=70.0, expected_profit_high=99.0)
    old.update(expected_profit=60.0, expected_profit_low=50.0, expected_profit_high=66.0)
    result["business_case"]["lift"]["profit"] = 0.5
    ws = load(result_workbook("plan", result, RUN))["Business case"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["Expected profit"][1:4] == (90.0, 60.0, 0.5)
    assert rows["   low end of the range"][1:3] == (70.0, 50.0)
    assert rows["Profit (forecast)"][3] is None  # the lift stands beside the expected figure
    assert any("optimizer's curse" in str(t) for t in sheet_texts(ws))


def test_the_run_record_is_on_one_clock_named_in_its_label():
    """The run's times in the zone the page sends (the pane's own clock: "Plan started 21:51"),
    labelled with it, else UTC; Finished beside Started (it is added to the record last)."""
    from engine.export.words import run_lines

    run = {"job": "job_1", "kind": "plan", "started_at": "2026-12-01T20:51:39.082Z", "seed": 4,
           "finished_at": "2026-12-01T20:52:40.238Z"}
    assert run_lines(run)[2:4] == [("Started (UTC)", "2026-12-01 20:51:39", None),
                                   ("Finished (UTC)", "2026-12-01 20:52:40", None)]
    assert [line[:2] for line in run_lines(run, tz="Europe/Berlin")] == [
        ("Job", "job_1"), ("Job kind", "plan"), ("Started (Europe/Berlin)", "2026-12-01 21:51:39"),
        ("Finished (Europe/Berlin)", "2026-12-01 21:52:40"), ("Seed", 4)]
    book = load(result_workbook("train", {"candidates": []}, run, tz="Asia/Tokyo"))
    said = {book["Summary"].cell(r, 1).value: book["Summary"].cell(r, 2).value
            for r in range(1, book["Summary"].max_row + 1)}
    assert said["Started (Asia/Tokyo)"] == "2026-12-02 05:51:39"


def test_the_scenarios_sheet_speaks_the_panes_words_and_drops_an_empty_reason_column():
    """Its header in the words of the pane's own Scenarios sheet ("low end (80 %)", not
    expected_profit_low), lifts signed as on the Summary; with no failed scenario, no empty
    "why it failed" column of reading width (it shrank the printed table to a 6-point page)."""
    from engine.plan.scenarios import gather_scenarios

    def planned(name, profit):
        return {"scenario": name, "status": "succeeded", "job": name, "result": {
            "plan": [["page", "slot", "product_id", "discount"], [1, 1, "p0", 0.0]],
            "totals": {"expected_profit": profit, "expected_profit_low": profit * 0.9,
                       "expected_profit_high": profit * 1.1}}}

    asked = [{"name": "Base", "settings": {}, "tables": {}},
             {"name": "Deeper", "settings": {"discount_levels": [0, 0.2, 0.4]}, "tables": {}}]
    result = gather_scenarios([planned("Base", 1000.0), planned("Deeper", 1100.0)], asked=asked, base_settings={})
    ws = load(result_workbook("scenarios", result, {**RUN, "kind": "scenarios"}))["Scenarios"]
    header = [c.value for c in ws[1] if c.value is not None]
    assert header[:6] == ["scenario", "status", "what it changes", "expected profit", "low end (80\u00a0%)",
                          "high end (80\u00a0%)"], header
    assert "why it failed" not in header and "note" not in header
    assert not any("_" in h for h in header if not h.startswith("range")), header
    if "lift in profit" in header:
        assert ws.cell(2, header.index("lift in profit") + 1).number_format.startswith("+")
