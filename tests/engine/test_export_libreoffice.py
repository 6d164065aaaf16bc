"""A real spreadsheet program opens every exported workbook: LibreOffice (headless) re-saves each
one and every sheet, with its values, comes back. Catches files that openpyxl writes but Excel or
Calc would 'repair'. And it prints them: the PDF LibreOffice makes of a plan's workbook has few
pages, no "###" cell, and the Summary's labels beside their values."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from engine.demo import make_demo
from engine.explore import explore_table
from engine.export import result_workbook
from test_export import RUN, countries_result, engine_plan_result, planner_result


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail("LibreOffice is required for this test: apt-get install libreoffice-calc "
                    "(.ci/run installs it)")
    return path


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is required for this test: apt-get install poppler-utils (.ci/run installs it)")
    return path


def printed(data: bytes, tmp_path: Path, name: str) -> tuple[int, list[str]]:
    """The workbook printed by LibreOffice: its page count and the text of each page."""
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(data)
    out = tmp_path / "pdf"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180)
    pdf = out / f"{name}.pdf"
    assert pdf.exists(), f"LibreOffice could not print {name}: {result.stdout} {result.stderr}"
    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
    text = subprocess.run([poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return pages, text.split("\f")[:pages]


def test_a_percent_in_a_narrow_rule_cell_wraps_whole(tmp_path):
    """The Summary's Rules columns are narrow: a long rule text wraps there. The rule units' words
    hold a percent's number and sign together (a no-break space), so LibreOffice wraps before
    "30 %", never between "30" and "%" (was: a lone "%" on the cell's second line)."""
    from engine.plan.rules.words import percent_list
    result = planner_result(slots=32, generations=10)
    levels = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3]
    rule = next(r for r in result["rules"] if r["rule"] == "discount_levels")
    rule.update(limit=levels, value=levels, label="Discounts from the allowed levels",
                limit_text=percent_list(levels), value_text=f"used {percent_list(levels)}")
    _, text = printed(result_workbook("plan", result, RUN), tmp_path, "narrow")
    summary = text[0]
    assert "used 0" in summary and "30" in summary, summary
    assert not re.search(r"(^|\s{2,})%", summary, re.M), summary  # a line of a cell begins "%, 30 %"


def test_a_32_slot_plan_prints_as_a_short_report(tmp_path):
    pages, text = printed(result_workbook("plan", planner_result(slots=32, generations=60), RUN),
                          tmp_path, "plan32")
    assert pages <= 6, pages  # Summary, Business case, Plan, Convergence x 2 (before: 11 pages)
    assert not any("###" in page for page in text)
    summary = text[0]
    for label, value in (("Profit (forecast)", r"[\d,]+\.\d\d"), ("Gap to the bound", r"0\.07%"),
                         ("Anomaly score", r"0\.64"), ("Discount levels", r"0 %, 10 %, 20 %, 30 %")):
        assert re.search(re.escape(label) + r".*?" + value, summary), (label, summary)
    case = [page for page in text if "Business case" in page]
    assert len(case) == 1 and re.search(r"Profit \(forecast\).*\+25\.0%", case[0]), case  # one page
    plan_pages = [page for page in text if "forecast_profit" in page]
    assert plan_pages and all("product_id" in page for page in plan_pages)  # header on each page
    assert "cannibalisation" not in "".join(plan_pages)  # an all-1 column says nothing


def test_a_summary_a_little_over_one_page_prints_on_one(tmp_path):
    """The demo plan's Summary (11 rules, the honest promise's ranges, the settings used) ran three
    lines onto a second page; a Summary of up to ONE_PAGE_ROWS rows is shrunk onto one."""
    from engine.export.summary import ONE_PAGE_ROWS

    result = planner_result(slots=32, generations=60)
    result["rules"] += [{"rule": "category_max", "category": f"line {i:02d}", "limit": 10, "value": 5,
                         "kept": True} for i in range(25)]
    workbook = openpyxl.load_workbook(io.BytesIO(result_workbook("plan", result, RUN)))
    rows = workbook["Summary"].max_row
    assert 50 <= rows <= ONE_PAGE_ROWS, rows
    pages, text = printed(result_workbook("plan", result, RUN), tmp_path, "long-summary")
    summary_pages = [page for page in text if "Folio: Summary" in page]
    assert len(summary_pages) == 1, [page[:200] for page in summary_pages]
    assert "line 24" in summary_pages[0] and "Run record" in summary_pages[0]


def test_a_multi_country_plan_prints_without_hashes(tmp_path):
    pages, text = printed(result_workbook("plan", countries_result(slots=32), RUN), tmp_path, "countries")
    assert pages <= 8, pages  # 3 x 32 plan rows take three pages of their own
    assert not any("###" in page for page in text)
    assert any("Gap to bound" in page and "PL" in page for page in text)  # Countries sheet
    plan_pages = [page for page in text if "forecast_profit" in page]
    assert len(plan_pages) >= 2 and all("country" in page for page in plan_pages)


def test_the_demo_exploration_prints_one_page_per_sheet(tmp_path):
    """The demo's explore workbook (an explore job on its history) printed in 14 pages: two of
    small charts under the stats, five of the histograms' bin table, three of SOM maps one under
    another. Now each sheet prints on one page: the charts fill the Histograms page (their bins
    beside them on screen, outside the printed area), the SOM maps sit three to a row."""
    result = explore_table(make_demo()["history"])
    pages, text = printed(result_workbook("explore", result, {"job": "job_e", "kind": "explore"}),
                          tmp_path, "explore")
    assert pages <= 6, pages
    assert not any("###" in page for page in text)
    sheets = [re.search(r"Folio: (\w+)", page).group(1) for page in text]
    assert sheets == ["Summary", "Explore", "Histograms", "Correlations", "Clusters", "SOM"], sheets
    histograms = text[sheets.index("Histograms")]
    numeric = [c["column"] for c in result["columns"] if (c.get("histogram") or {}).get("counts")]
    assert all(name in histograms for name in numeric)  # every chart's title on the page
    assert "from" not in histograms.split()  # the bin table is not printed
    clusters = text[sheets.index("Clusters")]
    assert not re.search(r"\d\.\d{5,}", clusters), clusters  # scores and means formatted
    assert "plane: units" in text[sheets.index("SOM")]


def round_trip(data: bytes, tmp_path: Path, name: str) -> openpyxl.Workbook:
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180)
    converted = out / f"{name}.xlsx"
    assert converted.exists(), f"LibreOffice could not read {name}: {result.stdout} {result.stderr}"
    return openpyxl.load_workbook(io.BytesIO(converted.read_bytes()))


def _values(ws) -> list[tuple]:
    return [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]


def test_every_result_workbook_opens_in_libreoffice(tmp_path):
    explore = explore_table(make_demo(seed=3, campaigns=8, products=40)["history"])
    train = {"candidates": [{"name": "linear (global)", "family": "linear", "chosen": True,
                             "metrics": {"wape": 0.41, "mape": 0.55, "bias": -0.1}}],
             "baselines": [{"name": "naive", "metrics": {"wape": 0.88, "mape": 2.4, "bias": 0.0}}],
             "holdout": {"campaigns": ["2024-16", "2024-17"], "rows": 1515}}
    books = {"plan": ("plan", engine_plan_result()), "train": ("train", train),
             "explore": ("explore", explore)}
    for name, (kind, result) in books.items():
        original = openpyxl.load_workbook(io.BytesIO(result_workbook(kind, result, RUN)))
        reread = round_trip(result_workbook(kind, result, RUN), tmp_path, name)
        assert reread.sheetnames == original.sheetnames, name
        if kind == "plan":
            plan = reread["Plan"]
            # the same cells (numbers to the 15 significant digits a spreadsheet keeps)
            for got, sent in zip(_values(plan)[:3], _values(original["Plan"])[:3]):
                assert list(got) == [v if isinstance(v, (str, bool)) or v is None
                                     else pytest.approx(v, rel=1e-13) for v in sent]
            # formula-looking user text (a category here) comes back as text, never as a formula
            category = plan.cell(row=2, column=[c.value for c in plan[1]].index("category") + 1)
            assert category.value.startswith("=HYPERLINK") and category.data_type == "s"
        for sheet in original.sheetnames:
            assert reread[sheet].max_row >= 1


def test_the_scenarios_sheet_prints_its_table_and_a_bar_per_scenario(tmp_path):
    """The Scenarios sheet: one bar series (expected profit) with the 80 % range as custom error
    bars, not the range's two ends as bars of their own; the chart's helper columns stay off the
    printed page, and a failed scenario's changes and reason wrap inside it."""
    from engine.plan.scenarios import gather_scenarios

    def planned(name, profit, low, high):
        return {"scenario": name, "status": "succeeded", "job": name, "result": {
            "plan": [["page", "slot", "product_id", "discount"], [1, 1, "p0", 0.0]],
            "totals": {"expected_profit": profit, "expected_profit_low": low, "expected_profit_high": high}}}

    asked = [{"name": "Base", "settings": {}, "tables": {}},
             {"name": "Deeper", "settings": {"discount_levels": [0, 0.2, 0.4]}, "tables": {}},
             {"name": "Impossible", "settings": {}, "tables": {"locks": [["page", "product_id"], [2, "p0"]]}}]
    reason = "7 products are locked on page 2, which has 6 slots; unlock one or give the page more slots"
    result = gather_scenarios([planned("Base", 1_183_535.0, 1_051_700.0, 1_321_375.0),
                               planned("Deeper", 1_191_532.0, 1_058_247.0, 1_330_914.0),
                               {"scenario": "Impossible", "status": "failed", "job": "j3",
                                "error": {"code": "infeasible", "detail": reason}}], asked=asked, base_settings={})
    data = result_workbook("scenarios", result, {**RUN, "kind": "scenarios"})
    ws = openpyxl.load_workbook(io.BytesIO(data))["Scenarios"]
    chart, = ws._charts
    series, = chart.series  # expected profit only
    assert series.tx.strRef.f.replace("$", "") == "'Scenarios'!D1"  # the expected_profit column's header
    bars = series.errBars
    assert ws.cell(6, 1).value == "Bar: expected profit. The line on each bar: 8 in 10 outcomes fall in this range."
    assert bars.errValType == "cust" and bars.plus.numRef.f.endswith("$2:$R$4") and bars.minus.numRef.f.endswith("$2:$S$4")
    width = len(result["comparison"][0])
    assert ws.print_area.endswith(f"$A$1:${openpyxl.utils.get_column_letter(width)}$24")
    pages, text = printed(data, tmp_path, "scenarios")
    sheet = next(page for page in text if "Folio: Scenarios" in page)
    assert "range_plus" not in sheet and "for the chart" not in sheet  # the helper columns do not print
    assert "8 in 10 outcomes fall in this range" in " ".join(sheet.split())  # the chart's legend, printed
    assert "own locks" in sheet and "unlock one or give the page more slots" in " ".join(sheet.split())
