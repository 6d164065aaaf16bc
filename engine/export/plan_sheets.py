"""The sheets of a ``plan`` result besides its Summary: ``Plan`` (the plan as an Excel table),
``Countries`` (a multi-country plan's outcome per country) and ``Convergence`` (the search's
history with a line chart). Each prints landscape, one page wide, its header row on every page.

A plan column whose value is the same in every row (an all-1 ``cannibalisation``, one slot size
for the whole catalogue) says nothing row by row: it is left off the Plan sheet and said once on
the Summary (:func:`plan_layout` returns both). The contract's columns always stay.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .cells import fit_widths, header_row, print_setup, put, table_rows, unique_names
from .words import MONEY, PERCENT, SCORE, WHOLE, as_text, readable, seconds, stopped_text

CONTRACT_COLUMNS = ("page", "slot", "product_id", "discount", "forecast_units",
                    "forecast_revenue", "forecast_profit")
# Always shown even when every row has the same value: a flag the planner checks per row
# (all 0 is news too: no forecast went beyond history).
FLAG_COLUMNS = ("beyond_history",)


def plan_layout(plan: list[list] | None) -> tuple[list[int], dict[str, object]]:
    """Which plan columns to show (indexes) and the constant ones left off (name -> value)."""
    if not plan:
        return [], {}
    header = [str(h) for h in plan[0]]
    rows = plan[1:]
    keep, constant = [], {}
    for j, name in enumerate(header):
        values = {_key(r[j] if j < len(r) else None) for r in rows}
        if name.lower() in CONTRACT_COLUMNS + FLAG_COLUMNS or len(rows) < 2 or len(values) > 1:
            keep.append(j)
        else:
            constant[name] = rows[0][j] if j < len(rows[0]) else None
    return keep, constant


def _key(value):
    return round(value, 9) if isinstance(value, float) else value


def write_plan(wb: Workbook, plan: list[list] | None, title: str = "Plan", table_name: str = "FolioPlan") -> None:
    ws = wb.create_sheet(title)
    print_setup(ws, title_rows="1:1")
    if not plan:
        put(ws, 1, 1, "The job returned no plan.")
        return
    keep, _ = plan_layout(plan)
    header = unique_names([plan[0][j] for j in keep])
    values = [header] + [[r[j] if j < len(r) else None for j in keep] for r in plan[1:]]
    last, width = table_rows(ws, values)
    ws.freeze_panes = "A2"
    fit_widths(ws)
    if last < 2:
        return
    table = Table(displayName=table_name, ref=f"A1:{get_column_letter(width)}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    ws.add_table(table)
    lower = [h.lower() for h in header]
    if "forecast_profit" in lower:
        col = get_column_letter(lower.index("forecast_profit") + 1)
        ws.conditional_formatting.add(
            f"{col}2:{col}{last}",
            ColorScaleRule(start_type="min", start_color="F8696B", mid_type="percentile",
                           mid_value=50, mid_color="FFEB84", end_type="max", end_color="63BE7B"))


COUNTRY_COLUMNS = [  # header, how to read it from a country's entry, number format
    ("Country", lambda c: c.get("country"), None),
    ("Status", lambda c: c.get("status"), None),
    ("Profit", lambda c: (c.get("totals") or {}).get("profit"), MONEY),
    ("Revenue", lambda c: (c.get("totals") or {}).get("revenue"), MONEY),
    ("Units", lambda c: (c.get("totals") or {}).get("units"), WHOLE),
    ("Products", lambda c: (c.get("totals") or {}).get("products"), WHOLE),
    ("Gap to bound", lambda c: c.get("bound_gap"), "0.00%"),
    ("Anomaly score", lambda c: c.get("anomaly_score"), SCORE),
    ("Stopped because", lambda c: stopped_text(c), None),
    ("Generations", lambda c: c.get("generations_run"), WHOLE),
    ("Run time", lambda c: seconds(c.get("elapsed_s")), None),
    ("Error", lambda c: as_text((c.get("error") or {}).get("detail")), None),
]


def write_countries(wb: Workbook, countries: list[dict]) -> None:
    """One row per country of a multi-country plan; columns with nothing in them are left out."""
    ws = wb.create_sheet("Countries")
    print_setup(ws, title_rows="1:1")
    columns = [c for c in COUNTRY_COLUMNS if any(c[1](entry) not in (None, "") for entry in countries)]
    header_row(ws, 1, [c[0] for c in columns])
    for i, entry in enumerate(countries, start=2):
        for j, (_, read, fmt) in enumerate(columns, start=1):
            cell = put(ws, i, j, read(entry), fmt)
            if columns[j - 1][0] in ("Stopped because", "Error"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    fit_widths(ws, minimum=9, maximum=36)
    ws.freeze_panes = "B2"
    if countries:
        table = Table(displayName="FolioCountries",
                      ref=f"A1:{get_column_letter(len(columns))}{len(countries) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
        ws.add_table(table)


def write_convergence(wb: Workbook, convergence: list[list] | None, objective: str = "profit") -> None:
    ws = wb.create_sheet("Convergence")
    print_setup(ws, title_rows="1:1")
    if not convergence or len(convergence) < 2:
        put(ws, 1, 1, "No convergence history was recorded.")
        return
    header = [str(h) for h in convergence[0]]
    last, width = table_rows(ws, convergence)
    amount = WHOLE  # plan values per generation: cents would be false precision
    for j, name in enumerate(header, start=1):
        fmt = PERCENT if name == "feasible_share" else WHOLE if name == "generation" else amount
        for row in ws.iter_rows(min_row=2, max_row=last, min_col=j, max_col=j):
            if isinstance(row[0].value, (int, float)):
                row[0].number_format = fmt
    ws.freeze_panes = "A2"
    fit_widths(ws)
    chart = _convergence_chart(ws, header, last, objective)
    if chart.series:
        ws.add_chart(chart, f"{get_column_letter(width + 2)}2")


def _convergence_chart(ws, header: list[str], last: int, objective: str) -> LineChart:
    """Best and mean plan per generation, series named in words (LibreOffice shows a title taken
    from a cell reference as its first letter only). A multi-country plan draws its totals: the
    countries' own curves sit far below them and would flatten the lines that matter."""
    chart = LineChart()
    chart.title = f"{readable(objective)} of the plans per generation"
    chart.x_axis.title = "generation"
    chart.y_axis.title = objective
    chart.height, chart.width = 10, 20
    chart.legend.position = "b"
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides both axes by default
    names = {"best": "best plan", "mean": "population mean"}
    for name, title in names.items():
        if name in header:
            j = header.index(name) + 1
            values = Reference(ws, min_col=j, min_row=2, max_row=last)
            chart.series.append(Series(values, title=title))
    if "generation" in header:
        j = header.index("generation") + 1
        chart.set_categories(Reference(ws, min_col=j, min_row=2, max_row=last))
    for series in chart.series:
        series.smooth = False
        series.marker.symbol = "none"
    return chart
