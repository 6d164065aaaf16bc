"""The sheets of a ``score`` result (a planner's own plan scored): ``Your plan`` (forecast like
Folio's, with the row each line came from), ``Rules`` (each rule kept or broken, the cells of
the rows that break it), ``Changes`` (the single-slot changes to Folio's plan, best first, with
what each earns) and ``Comparison`` (slot by slot: yours, Folio's, the difference).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .cells import fit_widths, key_values, print_setup, put, table_rows
from .words import MONEY, PERCENT


def _format(name: str) -> str | None:
    name = str(name).lower()
    if "discount" in name or "share" in name or name == "min_margin":
        return PERCENT
    if "profit" in name or "revenue" in name or "gain" in name or name == "difference":
        return MONEY
    return None


def _table(wb: Workbook, title: str, name: str, values: list[list] | None) -> None:
    ws = wb.create_sheet(title)
    print_setup(ws, title_rows="1:1")
    if not values or len(values) < 2:
        put(ws, 1, 1, "(none)")
        return
    last, width = table_rows(ws, values)
    for j, name in enumerate(values[0], start=1):
        fmt = _format(name)
        if fmt:
            for i in range(2, last + 1):
                ws.cell(i, j).number_format = fmt
    ws.freeze_panes = "A2"
    fit_widths(ws)
    table = Table(displayName=name, ref=f"A1:{get_column_letter(width)}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)


def write_score(wb: Workbook, result: dict) -> None:
    _table(wb, "Your plan", "FolioYourPlan", result.get("plan"))
    rules = [["rule", "subject", "limit", "value", "kept", "cells"]]
    for r in result.get("rules") or []:
        subject = r.get("category") or r.get("brand") or r.get("text")
        cells = ", ".join(c["cell"] for c in r.get("cells") or [])
        limit, value = r.get("limit"), r.get("value")
        rules.append([r["rule"], subject, limit if not isinstance(limit, list) else ", ".join(map(str, limit)),
                      value if not isinstance(value, list) else ", ".join(map(str, value)),
                      "kept" if r.get("kept") else "BROKEN", cells or None])
    _table(wb, "Rules", "FolioRules", rules)
    _table(wb, "Changes", "FolioChanges", result.get("changes"))
    _table(wb, "Comparison", "FolioComparison", result.get("comparison"))
    ws = wb["Rules"]
    row = ws.max_row + 3
    key_values(ws, row, "What Folio's plan earns on top", result.get("lift"))
