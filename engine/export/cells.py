"""Cell-level helpers every result sheet shares: text written safely, number formats, header
rows, tables of values, key/value blocks, column widths.

Safety: every string goes through :func:`put`, which writes it as text even when it looks like a
formula (``=``, ``+``, ``-``, ``@``), strips control characters and cuts at Excel's 32,767
characters with a visible note. Product names come from users; a workbook that runs them as
formulas would be a spreadsheet-injection hole.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Iterable

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
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
TEXT_IN_TABLE = Alignment(indent=1)


# --- printing ----------------------------------------------------------------------------------

def print_setup(ws: Worksheet, *, title_rows: str | None = None, landscape: bool = True) -> None:
    """Print like a report: landscape, every column on one page width (as many pages down as the
    rows need), ``title_rows`` (e.g. "1:1", the table's header) repeated on every page, the sheet
    name in the header and "Page n of m" in the footer. Paper size is left to the printer."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0 = as many pages down as needed
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.25)
    ws.print_options.horizontalCentered = False
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.left.text = "Folio: &A"
    ws.oddFooter.right.text = "Page &P of &N"


LINE_HEIGHT = 15  # points: one line of the default 11 pt font


def fit_row(ws: Worksheet, row: int, texts: Iterable[tuple[Any, float]]) -> None:
    """Make ``row`` tall enough for wrapped text: ``texts`` holds (value, column width) pairs.
    Neither LibreOffice nor Excel grows a row for wrapped text written by openpyxl on its own,
    so the row would print its second line over the next row."""
    lines = 1
    for value, width in texts:
        if isinstance(value, str) and value:
            per_line = max(1, int(width * 1.15) - 1)  # text is narrower than the width unit "0"
            lines = max(lines, sum(math.ceil(max(len(part), 1) / per_line) for part in value.split("\n")))
    if lines > 1:
        current = ws.row_dimensions[row].height or LINE_HEIGHT
        ws.row_dimensions[row].height = max(current, LINE_HEIGHT * lines)


# --- cells --------------------------------------------------------------------------------------

def clean_text(text: str) -> str:
    """Text Excel accepts: no control characters, at most 32,767 characters (with a note)."""
    text = _CONTROL.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        note = _CUT_NOTE.format(n=len(text))
        text = text[: MAX_CELL_TEXT - len(note)] + note
    return text


def put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None = None):
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
                return put(ws, row, col, value.item(), number_format)
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


def header_row(ws: Worksheet, row: int, names: Iterable[Any], col: int = 1) -> None:
    for j, name in enumerate(names):
        cell = put(ws, row, col + j, "" if name is None else str(name))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)


def fit_widths(ws: Worksheet, minimum: int = 8, maximum: int = 48) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows(max_row=min(ws.max_row, 300)):
        for cell in row:
            if cell.value is None:
                continue
            text = f"{cell.value:,.2f}" if isinstance(cell.value, float) else str(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), len(text.split("\n")[0]))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width + 2))


def format_for(column: str) -> str | None:
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


def table_rows(ws: Worksheet, values: list[list], top: int = 1, left: int = 1) -> tuple[int, int]:
    """A 2-D array (header first) at (top, left); returns (last row, number of columns)."""
    header = [str(h) if h is not None else f"column_{j + 1}" for j, h in enumerate(values[0])]
    header_row(ws, top, header, left)
    formats = [format_for(h) for h in header]
    for i, row in enumerate(values[1:], start=top + 1):
        for j, value in enumerate(row[: len(header)]):
            cell = put(ws, i, left + j, value, formats[j] if j < len(formats) else None)
            if isinstance(cell.value, str):
                cell.alignment = TEXT_IN_TABLE  # off the right-aligned number beside it
    return top + len(values) - 1, len(header)


def unique_names(header: list[Any]) -> list[str]:
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


def key_values(ws: Worksheet, row: int, title: str, data: dict | None) -> int:
    """A titled two-column section of a dict (nested dicts as dotted keys); returns next row."""
    put(ws, row, 1, title).font = SECTION_FONT
    row += 1
    for key, value in flatten(data or {}):
        put(ws, row, 1, key).font = Font(bold=True)
        put(ws, row, 2, value, format_for(key.split(".")[-1]))
        row += 1
    return row + 1


def flatten(data: dict, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.extend(flatten(value, name + "."))
        elif isinstance(value, (list, tuple)):
            out.append((name, json.dumps(value, default=str, ensure_ascii=False)))
        else:
            out.append((name, value))
    return out


def records(ws: Worksheet, row: int, title: str, records: list[dict] | None) -> int:
    """A titled table of a list of dicts (columns = union of keys, nested dicts flattened)."""
    put(ws, row, 1, title).font = SECTION_FONT
    row += 1
    flat = [dict(flatten(r)) if isinstance(r, dict) else {"value": r} for r in records or []]
    if not flat:
        put(ws, row, 1, "(none)")
        return row + 2
    columns: list[str] = []
    for r in flat:
        columns.extend(k for k in r if k not in columns)
    last, _ = table_rows(ws, [columns] + [[r.get(c) for c in columns] for r in flat], top=row)
    return last + 2


# --- sheets -------------------------------------------------------------------------------------

