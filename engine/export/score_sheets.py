"""The sheets of a ``score`` result (a planner's own plan scored): ``Your plan`` (forecast like
Folio's, with the row each line came from), ``Rules`` (each rule kept or broken, the cells of
the rows that break it), ``Changes`` (the single-slot changes to Folio's plan, best first, with
what each earns) and ``Comparison`` (slot by slot: yours, Folio's, the difference).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .cells import SECTION_FONT, fit_widths, print_setup, put, table_rows
from .words import MONEY, PERCENT, WHOLE, rule_lines


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


LIFT_LINES = (  # what Folio's plan earns on top, in words (result["lift"]'s keys)
    ("profit", "Expected profit on top", MONEY), ("revenue", "Expected revenue on top", MONEY),
    ("units", "Expected units on top", WHOLE),
    ("profit_share", "As a share of your plan's expected profit", PERCENT),
    ("forecast_profit", "Profit on top under the forecast the search used", MONEY),
)


def rules_table(rules: list[dict] | None) -> list[list]:
    """The rules in the words the pane and the plan's Summary use (engine.export.words.rule_lines:
    a category's min and max on one line), each with the cells of the rows that break it; was
    each rule's code with its raw limit and value ('max_discounted_share', 0.4, 1)."""
    cells: dict[str, list[str]] = {}
    for r in rules or []:
        label = r.get("label") or r.get("rule")
        for c in r.get("cells") or []:
            if c.get("cell") and c["cell"] not in cells.setdefault(label, []):
                cells[label].append(c["cell"])
    table = [["rule", "limit", "your plan", "kept", "cells"]]
    for line in rule_lines(rules):
        limit, plan = line.get("limit"), line.get("plan")
        table.append([line["rule"], ", ".join(map(str, limit)) if isinstance(limit, list) else limit,
                      ", ".join(map(str, plan)) if isinstance(plan, list) else plan,
                      "kept" if line.get("kept") else "BROKEN", ", ".join(cells.get(line["rule"], [])) or None])
    return table


def write_score(wb: Workbook, result: dict) -> None:
    _table(wb, "Your plan", "FolioYourPlan", result.get("plan"))
    _table(wb, "Rules", "FolioRules", rules_table(result.get("rules")))
    _table(wb, "Changes", "FolioChanges", result.get("changes"))
    _table(wb, "Comparison", "FolioComparison", result.get("comparison"))
    ws = wb["Rules"]
    row = ws.max_row + 3
    put(ws, row, 1, "What Folio's plan earns on top").font = SECTION_FONT
    lift = result.get("lift") or {}
    for key, label, fmt in LIFT_LINES:
        if isinstance(lift.get(key), (int, float)):
            row += 1
            put(ws, row, 1, label)
            put(ws, row, 2, lift[key], fmt)
