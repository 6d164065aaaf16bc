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

LIFT = "+0.0%;-0.0%;0.0%"  # as the Summary's lift: +119.0%
FORMATS = {"expected_profit": MONEY, "expected_profit_low": MONEY, "expected_profit_high": MONEY,
           "expected_revenue": MONEY, "expected_units": WHOLE, "discounted_share": PERCENT, "anomaly_score": SCORE, "lift_profit": LIFT,
           "lift_revenue": LIFT, "bound_gap": "0.00%"}
# the comparison's columns in the words the pane's own Scenarios sheet uses (results/scenarios/sheets.ts)
WORDS = {"changes": "what it changes", "expected_profit": "expected profit",
         "expected_profit_low": "low end (80\u00a0%)", "expected_profit_high": "high end (80\u00a0%)",
         "expected_revenue": "revenue", "expected_units": "units", "discounted_share": "discounted share",
         "anomaly_score": "anomaly score", "rules_kept": "rules kept", "lift_profit": "lift in profit",
         "lift_revenue": "lift in revenue", "bound_gap": "gap to bound", "note": "why it failed"}


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
    values = _shown(result.get("comparison") or [])
    if len(values) < 2:
        put(ws, 1, 1, "No scenario was planned.")
        return
    header = [str(h) for h in values[0]]  # the code names, for formats and the chart
    last, width = table_rows(ws, [[WORDS.get(h, h) for h in header], *values[1:]])
    for j, name in enumerate(header, start=1):
        if name in FORMATS:
            fmt = _whole_when_large(FORMATS[name], [row[j - 1] for row in values[1:]])
            for i in range(2, last + 1):
                ws.cell(i, j).number_format = fmt
    ws.freeze_panes = "B2"
    fit_widths(ws)
    _fit_figures(ws, header, last)
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


def _shown(values: list[list]) -> list[list]:
    """The comparison as printed: without its "why it failed" column when no scenario failed (an
    empty column of reading width shrank the whole table to fit the page's width)."""
    if not values or "note" not in values[0]:
        return values
    at = list(values[0]).index("note")
    if any(row[at] not in (None, "") for row in values[1:]):
        return values
    return [row[:at] + row[at + 1:] for row in values]


RANGE_LEGEND = "Bar: expected profit. The line on each bar: 8 in 10 outcomes fall in this range."
CHART_ROWS = 17  # rows the chart covers (8 cm tall)
WORDS_WIDTH = 36  # the columns of words (what a scenario changes, why it failed) wrap at this width


def _whole_when_large(fmt: str, column: list) -> str:
    """Money in whole units once a column reaches 10,000 (1,302,937, not 1,302,937.05), as the
    pane and the Summary's sentences write totals: the cents widened every money column."""
    big = any(isinstance(v, (int, float)) and abs(v) >= 10_000 for v in column)
    return WHOLE if fmt == MONEY and big else fmt


def _fit_figures(ws, header: list[str], last: int) -> None:
    """A column of figures as wide as its figures, its header wrapped onto two lines above them
    (the headers, not the numbers, set the widths: 15 columns printed at about half size)."""
    words = [str(ws.cell(1, j).value or "") for j in range(1, len(header) + 1)]
    for j, name in enumerate(header, start=1):
        if name in ("scenario", "changes", "note"):
            continue
        shown = [_as_printed(ws.cell(i, j).value, ws.cell(i, j).number_format) for i in range(2, last + 1)]
        longest_word = max((len(w) for w in words[j - 1].split()), default=0)
        width = max([len(t) for t in shown] + [longest_word, (len(words[j - 1]) + 1) // 2]) + 2
        ws.column_dimensions[get_column_letter(j)].width = max(8, width)
    for j in range(1, len(header) + 1):
        ws.cell(1, j).alignment = Alignment(wrap_text=True, vertical="bottom")
    fit_row(ws, 1, [(words[j - 1], ws.column_dimensions[get_column_letter(j)].width) for j in range(1, len(header) + 1)])


def _as_printed(value, fmt: str) -> str:
    """About what a cell prints, for its width."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return "" if value is None else str(value)
    if "%" in fmt:
        return f"{value * 100:+.2f}%"
    return f"{value:,.0f}" if fmt in (WHOLE, "0") else f"{value:,.2f}"


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
