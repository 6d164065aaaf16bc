"""The sheets of an ``explore`` result: Explore (stats, findings, histograms), Correlations,
Clusters and SOM. Split from ``engine.export`` to keep each module about one thing; it reuses
that module's safe cell writer, so user text stays text here too.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from .cells import (DECIMAL, SECTION_FONT, WHOLE, fit_row, fit_widths, header_row, print_setup,
                    put, table_rows)

MAX_HISTOGRAMS = 8
CHART_ROWS = 14  # rows one histogram chart and its gap take
PAIRS_PER_PAGE = 2  # rows of two charts per printed page (fits at any scale the stats allow)
QUANTILE_KEYS = ("5", "25", "50", "75", "95")


def write_explore(wb: Workbook, result: dict) -> None:
    columns = result.get("columns") or []
    _stats_sheet(wb, columns, result.get("findings") or [])
    _correlation_sheet(wb, result.get("correlations") or {})
    _cluster_sheet(wb, result.get("clusters"))
    _som_sheet(wb, result.get("som"))


def _top_text(top: list) -> str | None:
    if not top:
        return None
    return "; ".join(f"{t.get('value')} ({t.get('count')})" if isinstance(t, dict) else str(t)
                     for t in top[:5])


def _stats_sheet(wb: Workbook, columns: list[dict], findings: list) -> None:
    ws = wb.create_sheet("Explore")
    print_setup(ws)  # no repeated header: the pages after the first hold charts
    header = ["column", "kind", "count", "missing", "mean", "median", "std", "min", "max"] + \
        [f"q{q}" for q in QUANTILE_KEYS] + ["distinct", "top values"]
    rows = [header]
    for c in columns:
        q = c.get("quantiles") or {}
        rows.append([c.get("column"), c.get("kind"), c.get("count"), c.get("missing"),
                     c.get("mean"), c.get("median"), c.get("std"), c.get("min"), c.get("max")]
                    + [q.get(k) for k in QUANTILE_KEYS] + [c.get("distinct"),
                                                           _top_text(c.get("top"))])
    last, _ = table_rows(ws, rows)
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=5, max_col=14):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = DECIMAL
    ws.freeze_panes = "B2"
    row = last + 2
    put(ws, row, 1, "Findings").font = SECTION_FONT
    for f in findings:  # the sentence holds its figures; alone in its row it prints in full
        row += 1
        put(ws, row, 1, (f.get("text") or f.get("message")) if isinstance(f, dict) else f)
    fit_widths(ws, maximum=40)
    ws.column_dimensions["A"].width = 24
    top_values = get_column_letter(len(header))
    for cell in ws[top_values][1:last]:
        cell.alignment = Alignment(wrap_text=True, vertical="top", indent=1)
        fit_row(ws, cell.row, [(cell.value, ws.column_dimensions[top_values].width)])
    _histograms(wb, ws, columns, anchor_row=row + 2)


def _histograms(wb: Workbook, ws, columns: list[dict], anchor_row: int) -> None:
    """Bins in one readable table on a helper sheet (column, bin, from, to, rows: one block of
    rows per column, so it prints narrow), one native bar chart per numeric column on Explore."""
    data = wb.create_sheet("Histograms")
    print_setup(data, title_rows="1:1")
    header_row(data, 1, ["column", "bin", "from", "to", "rows"])
    row, drawn = 2, 0
    for c in columns:
        hist = c.get("histogram") or {}
        edges, counts = hist.get("edges") or [], hist.get("counts") or []
        if not counts or drawn >= MAX_HISTOGRAMS:
            continue
        first = row
        for i, n in enumerate(counts):
            put(data, row, 1, str(c.get("column"))).alignment = Alignment(indent=1)
            put(data, row, 2, f"{_edge(edges[i])} to {_edge(edges[i + 1])}").alignment = Alignment(indent=1)
            put(data, row, 3, edges[i], DECIMAL)
            put(data, row, 4, edges[i + 1], DECIMAL)
            put(data, row, 5, n, WHOLE)
            row += 1
        chart = BarChart()
        chart.type = "col"
        chart.gapWidth = 10
        chart.title = f"{c.get('column')}"
        chart.y_axis.title = "rows"
        chart.legend = None
        chart.height, chart.width = 6.5, 11
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.x_axis.tickLblSkip = max(1, len(counts) // 5)  # about five readable labels
        chart.add_data(Reference(data, min_col=5, min_row=first, max_row=row - 1))
        chart.set_categories(Reference(data, min_col=2, min_row=first, max_row=row - 1))
        pair = drawn // 2
        top = anchor_row + pair * CHART_ROWS
        if drawn % 2 == 0 and pair % PAIRS_PER_PAGE == 0:
            ws.row_breaks.append(Break(id=top - 1))  # a chart never prints across two pages
        ws.add_chart(chart, f"{'A' if drawn % 2 == 0 else 'H'}{top}")
        drawn += 1
    if drawn == 0:
        put(data, 2, 1, "No numeric columns.")
    fit_widths(data)


def _edge(value) -> str:
    """A bin edge short enough for an axis label: 21,808 / 13.9 / 0.125."""
    if not isinstance(value, (int, float)):
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _correlation_sheet(wb: Workbook, corr: dict) -> None:
    ws = wb.create_sheet("Correlations")
    print_setup(ws, title_rows="1:1")
    names = corr.get("columns") or []
    matrix = corr.get("matrix") or []
    if not names:
        put(ws, 1, 1, "No numeric columns.")
        return
    header_row(ws, 1, [""] + names)
    for i, name in enumerate(names):
        put(ws, i + 2, 1, name)
        for j, value in enumerate(matrix[i] if i < len(matrix) else []):
            put(ws, i + 2, j + 2, value, "0.00")
    end = f"{get_column_letter(len(names) + 1)}{len(names) + 1}"
    ws.conditional_formatting.add(
        f"B2:{end}", ColorScaleRule(start_type="num", start_value=-1, start_color="5A8AC6",
                                    mid_type="num", mid_value=0, mid_color="FFFFFF",
                                    end_type="num", end_value=1, end_color="F8696B"))
    ws.freeze_panes = "B2"
    fit_widths(ws)


def _cluster_sheet(wb: Workbook, clusters: dict | None) -> None:
    ws = wb.create_sheet("Clusters")
    print_setup(ws)
    if not clusters:
        put(ws, 1, 1, "Too few numeric columns or rows to cluster.")
        return
    put(ws, 1, 1, f"KMeans on standardised columns; k = {clusters.get('k')} chosen by the "
                   f"silhouette score ({clusters.get('rows')} rows)").font = SECTION_FONT
    scores = [["k", "silhouette", "inertia"]] + [
        [s.get("k"), s.get("silhouette"), s.get("inertia")] for s in clusters.get("scores", [])]
    last, _ = table_rows(ws, scores, top=3)
    features = clusters.get("features") or []
    rows = [["cluster", "size", "share"] + [f"mean {f}" for f in features]]
    for p in clusters.get("profiles", []):
        means = p.get("means") or {}
        rows.append([p.get("cluster"), p.get("size"), p.get("share")] +
                    [means.get(f) for f in features])
    table_rows(ws, rows, top=last + 3)
    fit_widths(ws)


def _som_sheet(wb: Workbook, som: dict | None) -> None:
    ws = wb.create_sheet("SOM")
    print_setup(ws)
    if not som:
        put(ws, 1, 1, "Too few numeric columns or rows for a self-organising map.")
        return
    rows, cols = som.get("rows", 0), som.get("cols", 0)
    put(ws, 1, 1, f"Self-organising map {rows} x {cols}: U-matrix (distance to neighbours; "
                   "high = border between groups)").font = SECTION_FONT
    top = 3
    grids = [("U-matrix", som.get("u_matrix") or [])] + [
        (f"plane: {name}", plane) for name, plane in (som.get("planes") or {}).items()]
    for title, grid in grids:
        put(ws, top, 1, title).font = SECTION_FONT
        for r, line in enumerate(grid):
            for c, value in enumerate(line):
                put(ws, top + 1 + r, c + 1, value, "0.00")
        if grid:
            end = f"{get_column_letter(max(1, len(grid[0])))}{top + len(grid)}"
            ws.conditional_formatting.add(
                f"A{top + 1}:{end}",
                ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max",
                               end_color="5B2C6F"))
        top += len(grid) + 3
    for c in range(1, cols + 1):
        ws.column_dimensions[get_column_letter(c)].width = 8
