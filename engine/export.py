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
import json
import math
import re
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

MAX_CELL_TEXT = 32_767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CUT_NOTE = " [... cut: {n:,} characters in all]"

MONEY = "#,##0.00"
PERCENT = "0.0%"
WHOLE = "#,##0"
DECIMAL = "#,##0.00"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="5B2C6F")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12, color="5B2C6F")


# --- cells --------------------------------------------------------------------------------------

def clean_text(text: str) -> str:
    """Text Excel accepts: no control characters, at most 32,767 characters (with a note)."""
    text = _CONTROL.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        note = _CUT_NOTE.format(n=len(text))
        text = text[: MAX_CELL_TEXT - len(note)] + note
    return text


def _put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None = None):
    """Write one value; strings always stay strings, never formulas."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            cell.value = None
        else:
            cell.value = value
            if number_format:
                cell.number_format = number_format
    elif value is None:
        cell.value = None
    else:
        if not isinstance(value, str):
            if hasattr(value, "item"):  # numpy scalar
                return _put(ws, row, col, value.item(), number_format)
            if hasattr(value, "isoformat"):  # dates and times as ISO text
                value = value.isoformat()
            else:
                value = json.dumps(value, default=str, ensure_ascii=False)
        text = clean_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if text[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    return cell


def _header(ws: Worksheet, row: int, names: Iterable[Any], col: int = 1) -> None:
    for j, name in enumerate(names):
        cell = _put(ws, row, col + j, "" if name is None else str(name))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)


def _fit_widths(ws: Worksheet, minimum: int = 8, maximum: int = 48) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows(max_row=min(ws.max_row, 300)):
        for cell in row:
            if cell.value is None:
                continue
            text = f"{cell.value:,.2f}" if isinstance(cell.value, float) else str(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), len(text.split("\n")[0]))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width + 2))


def _format_for(column: str) -> str | None:
    """Number format by column name: money, percent, whole units or plain decimals."""
    name = column.lower()
    if any(k in name for k in ("revenue", "profit", "price", "cost", "margin", "bound")):
        return MONEY
    if name in ("discount", "max_discounted_share", "feasible_share", "share", "wape", "mape",
                "bias") or name.endswith("_share") or name.endswith("_pct"):
        return PERCENT
    if "units" in name or name in ("page", "slot", "generation", "count", "missing", "n", "size",
                                   "products", "slots_used", "rows", "n_train", "n_holdout"):
        return WHOLE
    return None


def _table_rows(ws: Worksheet, values: list[list], top: int = 1, left: int = 1) -> tuple[int, int]:
    """A 2-D array (header first) at (top, left); returns (last row, number of columns)."""
    header = [str(h) if h is not None else f"column_{j + 1}" for j, h in enumerate(values[0])]
    _header(ws, top, header, left)
    formats = [_format_for(h) for h in header]
    for i, row in enumerate(values[1:], start=top + 1):
        for j, value in enumerate(row[: len(header)]):
            _put(ws, i, left + j, value, formats[j] if j < len(formats) else None)
    return top + len(values) - 1, len(header)


def _unique_names(header: list[Any]) -> list[str]:
    """Excel table headers must be unique non-empty strings."""
    seen: dict[str, int] = {}
    out = []
    for j, raw in enumerate(header):
        name = clean_text(str(raw)) if raw not in (None, "") else f"column_{j + 1}"
        base, k = name, 1
        while name.lower() in seen:
            k += 1
            name = f"{base}_{k}"
        seen[name.lower()] = j
        out.append(name)
    return out


def _key_values(ws: Worksheet, row: int, title: str, data: dict | None) -> int:
    """A titled two-column section of a dict (nested dicts as dotted keys); returns next row."""
    _put(ws, row, 1, title).font = SECTION_FONT
    row += 1
    for key, value in _flatten(data or {}):
        _put(ws, row, 1, key).font = Font(bold=True)
        _put(ws, row, 2, value, _format_for(key.split(".")[-1]))
        row += 1
    return row + 1


def _flatten(data: dict, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.extend(_flatten(value, name + "."))
        elif isinstance(value, (list, tuple)):
            out.append((name, json.dumps(value, default=str, ensure_ascii=False)))
        else:
            out.append((name, value))
    return out


def _records(ws: Worksheet, row: int, title: str, records: list[dict] | None) -> int:
    """A titled table of a list of dicts (columns = union of keys, nested dicts flattened)."""
    _put(ws, row, 1, title).font = SECTION_FONT
    row += 1
    flat = [dict(_flatten(r)) if isinstance(r, dict) else {"value": r} for r in records or []]
    if not flat:
        _put(ws, row, 1, "(none)")
        return row + 2
    columns: list[str] = []
    for r in flat:
        columns.extend(k for k in r if k not in columns)
    last, _ = _table_rows(ws, [columns] + [[r.get(c) for c in columns] for r in flat], top=row)
    return last + 2


# --- sheets -------------------------------------------------------------------------------------

def _plan_sheet(wb: Workbook, plan: list[list] | None) -> None:
    ws = wb.create_sheet("Plan")
    if not plan:
        _put(ws, 1, 1, "The job returned no plan.")
        return
    values = [_unique_names(plan[0])] + [list(r) for r in plan[1:]]
    last, width = _table_rows(ws, values)
    ws.freeze_panes = "A2"
    _fit_widths(ws)
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
        _put(ws, 1, 1, "No convergence history was recorded.")
        return
    last, width = _table_rows(ws, convergence)
    ws.freeze_panes = "A2"
    _fit_widths(ws)
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
    _put(ws, 1, 1, f"Folio {kind} result").font = TITLE_FONT
    row = 3
    if kind == "plan":
        totals = dict(result.get("totals") or {})
        # Scalars next to the tables (bound, anomaly_score, cancelled, generations_run, ...).
        skip = {"plan", "convergence", "rules", "settings", "totals", "run"}
        for key, value in result.items():
            if key not in skip and not isinstance(value, (list, dict)):
                totals[key] = value
        row = _key_values(ws, row, "Totals", totals)
        if result.get("countries"):  # a plan for several countries: one line each
            row = _records(ws, row, "By country", result["countries"])
        row = _records(ws, row, "Rules", result.get("rules"))
        row = _key_values(ws, row, "Settings", result.get("settings"))
    elif kind == "train":
        overview = {"champion": result.get("champion"), "models": result.get("models"),
                    **{f"holdout.{k}": v for k, v in (result.get("holdout") or {}).items()}}
        row = _key_values(ws, row, "Training", overview)
    elif kind == "explore":
        row = _key_values(ws, row, "Table", {k: result.get(k) for k in ("rows", "sampled")
                                             if k in result})
    _key_values(ws, row, "Run record", run or result.get("run"))
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
    last, width = _table_rows(ws, rows)
    ws.freeze_panes = "A2"
    _fit_widths(ws)
    if last >= 2:
        table = Table(displayName="FolioModels", ref=f"A1:{get_column_letter(width)}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)


def _explore_sheets(wb: Workbook, result: dict) -> None:
    from .export_explore import write_explore  # imports this module's cell helpers

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
        _key_values(ws, 1, f"{kind} result", {k: v for k, v in result.items() if k != "run"})
    _summary_sheet(wb, kind, result, run)
    if kind == "plan":
        wb.active = wb.sheetnames.index("Plan")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
