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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .business_sheet import write_business_case
from .cells import fit_widths, key_values, print_setup, table_rows
from .plan_sheets import write_convergence, write_countries, write_plan
from .summary import write_summary
from .words import objective_of


def _models_sheet(wb: Workbook, result: dict) -> None:
    ws = wb.create_sheet("Models")
    header = ["kind", "name", "family", "id", "wape", "mape", "bias", "chosen", "champion",
              "n_train", "n_holdout", "note"]
    rows: list[list] = [header]

    def add(kind: str, entry: dict) -> None:
        metrics = entry.get("metrics") or {}
        rows.append([kind, entry.get("name"), entry.get("family"), entry.get("id"),
                     metrics.get("wape"), metrics.get("mape"), metrics.get("bias"),
                     "yes" if entry.get("chosen") else None,
                     "yes" if entry.get("champion") else None, entry.get("n_train"),
                     entry.get("n_holdout"), entry.get("note")])

    for entry in result.get("candidates") or []:
        add("candidate", entry)
    for entry in result.get("baselines") or []:
        add("baseline", entry)
    for entry in result.get("registered") or []:
        add("registered", entry)
    used = [j for j in range(len(header)) if any(r[j] not in (None, "") for r in rows[1:])] or [0]
    rows = [[r[j] for j in used] for r in rows]
    print_setup(ws, title_rows="1:1")
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


def result_workbook(kind: str, result: dict, run: dict | None = None, tz: str | None = None) -> bytes:
    """The result of a ``plan``, ``train`` or ``explore`` job as xlsx bytes. ``tz`` (an IANA time
    zone, the planner's) puts the run record's times on the clock the pane shows; else UTC."""
    result = result or {}
    run = run if run is not None else (result.get("run") or {})
    wb = Workbook()
    wb.remove(wb.active)
    if kind == "plan":
        write_plan(wb, result.get("plan"))
        if result.get("countries"):
            write_countries(wb, result["countries"])
        write_convergence(wb, result.get("convergence"), objective_of(result))
    elif kind == "train":
        _models_sheet(wb, result)
    elif kind == "explore":
        _explore_sheets(wb, result)
    elif kind == "score":
        from .score_sheets import write_score

        write_score(wb, result)
    elif kind == "scenarios":
        from .scenario_sheets import write_scenarios

        write_scenarios(wb, result)
    else:
        ws = wb.create_sheet("Result")
        print_setup(ws)
        key_values(ws, 1, f"{kind} result", {k: v for k, v in result.items() if k != "run"})
    write_summary(wb, kind, result, run, tz=tz)
    if kind == "plan":
        write_business_case(wb, result.get("business_case"), index=1)
    if kind == "plan":
        wb.active = wb.sheetnames.index("Plan")
    elif kind == "scenarios" and "Scenarios" in wb.sheetnames:
        wb.active = wb.sheetnames.index("Scenarios")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
