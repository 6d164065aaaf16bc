"""The sheets of a ``scenarios`` result: ``Scenarios`` (one row per scenario: expected profit with
its range, revenue, units, discounted share, anomaly score, rules kept, lift over the last
catalogue, and why a scenario failed) with a native bar chart of the expected profit (the range
as error bars where the plans give one), then one ``Plan <scenario>`` sheet per planned scenario.
"""

from __future__ import annotations

import re

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.error_bar import ErrorBars
from openpyxl.chart.data_source import NumDataSource, NumRef
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .cells import fit_row, fit_widths, print_setup, put, table_rows
from .plan_sheets import write_plan
from .words import MONEY, PERCENT, SCORE, WHOLE

FORMATS = {"expected_profit": MONEY, "expected_profit_low": MONEY, "expected_profit_high": MONEY,
           "expected_revenue": MONEY, "expected_units": WHOLE, "discounted_share": PERCENT, "anomaly_score": SCORE, "lift_profit": PERCENT,
           "lift_revenue": PERCENT, "bound_gap": "0.00%"}


def _sheet_name(wb: Workbook, name: str) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", f"Plan {name}")[:31].strip() or "Plan"
    title, k = base, 1
    while title in wb.sheetnames:
        k += 1
        title = f"{base[:28]} {k}"
    return title


def write_scenarios(wb: Workbook, result: dict) -> None:
    ws = wb.create_sheet("Scenarios")
    print_setup(ws, title_rows="1:1")
    values = result.get("comparison") or []
    if len(values) < 2:
        put(ws, 1, 1, "No scenario was planned.")
        return
    last, width = table_rows(ws, values)
    header = [str(h) for h in values[0]]
    for j, name in enumerate(header, start=1):
        if name in FORMATS:
            for i in range(2, last + 1):
                ws.cell(i, j).number_format = FORMATS[name]
    ws.freeze_panes = "B2"
    fit_widths(ws)
    _wrap_words(ws, header, last)
    table = Table(displayName="FolioScenarios", ref=f"A1:{get_column_letter(width)}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    chart = _chart(ws, header, last, values)
    if chart.series[0].errBars is not None:  # the chart's legend in words, above it
        put(ws, last + 2, 1, RANGE_LEGEND)
    ws.add_chart(chart, f"A{last + 3}")
    # the page is the table and the chart: the chart's helper columns to the right stay off it
    ws.print_area = f"A1:{get_column_letter(width)}{last + 3 + CHART_ROWS}"
    for i, scenario in enumerate(result.get("scenarios") or [], start=1):
        if scenario.get("plan"):
            write_plan(wb, scenario["plan"], title=_sheet_name(wb, scenario["scenario"]),
                       table_name=f"FolioScenarioPlan{i}")


RANGE_LEGEND = "Bar: expected profit. The line on each bar: 8 in 10 outcomes fall in this range."
CHART_ROWS = 17  # rows the chart covers (8 cm tall)
WORDS_WIDTH = 36  # the columns of words (what a scenario changes, why it failed) wrap at this width


def _wrap_words(ws, header: list[str], last: int) -> None:
    """The columns of words wrap in a column of readable width, each row as tall as its text (a
    long reason widened its column and shrank the printed table to fit the page's width)."""
    columns = [header.index(name) + 1 for name in ("changes", "note") if name in header]
    for j in columns:
        ws.column_dimensions[get_column_letter(j)].width = WORDS_WIDTH
    for i in range(2, last + 1):  # a row's figures at the top, beside its first line of words
        for j in range(1, len(header) + 1):
            ws.cell(i, j).alignment = Alignment(wrap_text=j in columns, vertical="top")
    for i in range(2, last + 1):
        fit_row(ws, i, [(ws.cell(i, j).value, WORDS_WIDTH) for j in columns])


def _chart(ws, header: list[str], last: int, values: list[list]) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = "Expected profit by scenario"
    chart.y_axis.title = "expected profit"
    chart.y_axis.numFmt = "#,##0"
    chart.legend = None
    col = header.index("expected_profit") + 1
    chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    low, high = header.index("expected_profit_low"), header.index("expected_profit_high")
    if all(row[low] is not None and row[high] is not None for row in values[1:] if row[col - 1] is not None):
        # the range as error bars: plus = high - expected, minus = expected - low, in helper columns
        helper = len(header) + 2
        put(ws, 1, helper, "range above expected (for the chart)")
        put(ws, 1, helper + 1, "range below expected (for the chart)")
        for i, row in enumerate(values[1:], start=2):
            if row[col - 1] is not None:
                put(ws, i, helper, row[high] - row[col - 1])
                put(ws, i, helper + 1, row[col - 1] - row[low])
        letter = get_column_letter
        plus = NumDataSource(numRef=NumRef(f=f"'{ws.title}'!${letter(helper)}$2:${letter(helper)}${last}"))
        minus = NumDataSource(numRef=NumRef(f=f"'{ws.title}'!${letter(helper + 1)}$2:${letter(helper + 1)}${last}"))
        chart.series[0].errBars = ErrorBars(errDir="y", errBarType="both", errValType="cust", plus=plus,
                                            minus=minus, noEndCap=False)
    # from zero, and high enough for the ranges' tops: a reader compares the bars' heights, and
    # an axis scaled to the bars alone (LibreOffice's) makes a 9 % difference look like 3x
    tops = [row[high] if row[high] is not None else row[col - 1] for row in values[1:] if row[col - 1] is not None]
    chart.y_axis.scaling.min = 0
    if tops and max(tops) > 0:
        chart.y_axis.scaling.max = _round_up(max(tops) * 1.05)
    chart.height, chart.width = 8, 16
    return chart


def _round_up(x: float) -> float:
    """``x`` rounded up to 1, 2 or 5 times a power of ten (an axis end a reader reads at once)."""
    import math

    power = 10.0 ** math.floor(math.log10(x))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= x)
