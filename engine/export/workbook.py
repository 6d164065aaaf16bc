"""A finished job's result as a workbook a planner opens in Excel (contract section 6).

- ``plan``: ``Plan`` (an Excel table with number formats and a colour scale on profit),
  ``Summary`` (totals, bound, settings, rules, run record), ``Convergence`` (rows + line chart).
- ``train``: ``Models`` (candidates, baselines and registered models on the same holdout rows)
  and ``Summary``.
- ``explore``: ``Explore`` (column statistics, findings, histogram charts), ``Correlations``,
  ``Clusters``, ``SOM`` and ``Summary``.

Safety: every string goes through ``_put``, which writes it as text even when it looks like a
formula (``=``, ``+``, ``-``, ``@``), strips control characters and cuts at Excel's 32,767
characters with a visible note. Product names come from users; a workbook that runs them as
formulas would be a spreadsheet-injection hole.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .cells import (
    TITLE_FONT,
    fit_widths,
    key_values,
    put,
    records,
    table_rows,
    unique_names,
)


def _plan_sheet(wb: Workbook, plan: list[list] | None) -> None:
    ws = wb.create_sheet("Plan")
    if not plan:
        put(ws, 1, 1, "The job returned no plan.")
        return
    values = [unique_names(plan[0])] + [list(r) for r in plan[1:]]
    last, width = table_rows(ws, values)
    ws.freeze_panes = "A2"
    fit_widths(ws)
    if last >= 2:
        ref = f"A1:{get_column_letter(width)}{last}"
        table = Table(displayName="FolioPlan", ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
        ws.add_table(table)
        header = [h.lower() for h in values[0]]
        if "forecast_profit" in header:
            col = get_column_letter(header.index("forecast_profit") + 1)
            ws.conditional_formatting.add(
                f"{col}2:{col}{last}",
                ColorScaleRule(start_type="min", start_color="F8696B", mid_type="percentile",
                               mid_value=50, mid_color="FFEB84", end_type="max",
                               end_color="63BE7B"))


def _convergence_sheet(wb: Workbook, convergence: list[list] | None) -> None:
    ws = wb.create_sheet("Convergence")
    if not convergence or len(convergence) < 2:
        put(ws, 1, 1, "No convergence history was recorded.")
        return
    last, width = table_rows(ws, convergence)
    ws.freeze_panes = "A2"
    fit_widths(ws)
    header = [str(h).lower() for h in convergence[0]]
    chart = LineChart()
    chart.title = "Objective per generation"
    chart.x_axis.title = "generation"
    chart.y_axis.title = "objective"
    chart.height, chart.width = 9, 18
    for name in ("best", "mean"):
        if name in header:
            j = header.index(name) + 1
            chart.add_data(Reference(ws, min_col=j, min_row=1, max_row=last), titles_from_data=True)
    if "generation" in header:
        j = header.index("generation") + 1
        chart.set_categories(Reference(ws, min_col=j, min_row=2, max_row=last))
    if chart.series:
        ws.add_chart(chart, f"{get_column_letter(width + 2)}2")


def _summary_sheet(wb: Workbook, kind: str, result: dict, run: dict) -> Worksheet:
    ws = wb.create_sheet("Summary", 0)
    put(ws, 1, 1, f"Folio {kind} result").font = TITLE_FONT
    row = 3
    if kind == "plan":
        totals = dict(result.get("totals") or {})
        # Scalars next to the tables (bound, anomaly_score, cancelled, generations_run, ...).
        skip = {"plan", "convergence", "rules", "settings", "totals", "run"}
        for key, value in result.items():
            if key not in skip and not isinstance(value, (list, dict)):
                totals[key] = value
        row = key_values(ws, row, "Totals", totals)
        if result.get("countries"):  # a plan for several countries: one line each
            row = records(ws, row, "By country", result["countries"])
        row = records(ws, row, "Rules", result.get("rules"))
        row = key_values(ws, row, "Settings", result.get("settings"))
    elif kind == "train":
        overview = {"champion": result.get("champion"), "models": result.get("models"),
                    **{f"holdout.{k}": v for k, v in (result.get("holdout") or {}).items()}}
        row = key_values(ws, row, "Training", overview)
    elif kind == "explore":
        row = key_values(ws, row, "Table", {k: result.get(k) for k in ("rows", "sampled")
                                             if k in result})
    key_values(ws, row, "Run record", run or result.get("run"))
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40
    return ws


def _models_sheet(wb: Workbook, result: dict) -> None:
    ws = wb.create_sheet("Models")
    header = ["kind", "name", "family", "id", "wape", "mape", "bias", "chosen", "champion",
              "n_train", "n_holdout", "note"]
    rows: list[list] = [header]

    def add(kind: str, entry: dict) -> None:
        metrics = entry.get("metrics") or {}
        rows.append([kind, entry.get("name"), entry.get("family"), entry.get("id"),
                     metrics.get("wape"), metrics.get("mape"), metrics.get("bias"),
                     entry.get("chosen"), entry.get("champion"), entry.get("n_train"),
                     entry.get("n_holdout"), entry.get("note")])

    for entry in result.get("candidates") or []:
        add("candidate", entry)
    for entry in result.get("baselines") or []:
        add("baseline", entry)
    for entry in result.get("registered") or []:
        add("registered", entry)
    last, width = table_rows(ws, rows)
    ws.freeze_panes = "A2"
    fit_widths(ws)
    if last >= 2:
        table = Table(displayName="FolioModels", ref=f"A1:{get_column_letter(width)}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)


def _explore_sheets(wb: Workbook, result: dict) -> None:
    from .explore_sheets import write_explore

    write_explore(wb, result)


def result_workbook(kind: str, result: dict, run: dict | None = None) -> bytes:
    """The result of a ``plan``, ``train`` or ``explore`` job as xlsx bytes."""
    result = result or {}
    run = run if run is not None else (result.get("run") or {})
    wb = Workbook()
    wb.remove(wb.active)
    if kind == "plan":
        _plan_sheet(wb, result.get("plan"))
        _convergence_sheet(wb, result.get("convergence"))
    elif kind == "train":
        _models_sheet(wb, result)
    elif kind == "explore":
        _explore_sheets(wb, result)
    else:
        ws = wb.create_sheet("Result")
        key_values(ws, 1, f"{kind} result", {k: v for k, v in result.items() if k != "run"})
    _summary_sheet(wb, kind, result, run)
    if kind == "plan":
        wb.active = wb.sheetnames.index("Plan")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
