"""The sheets of an ``explore`` result: Explore (stats, findings), Histograms (one chart per
numeric column, their bins beside them), Correlations, Clusters and SOM. Split from
``engine.export`` to keep each module about one thing; it reuses that module's safe cell writer,
so user text stays text here too.

Each sheet prints like the plan workbook's (landscape, one page wide, its header repeated) and,
for the demo, on one page each: the histograms' charts are laid out to fill one page (their bins,
the numbers behind them, stay beside them on screen, outside the printed area), the SOM's maps sit
three to a row. The whole demo exploration prints in 6 pages (was 14).
"""

from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from .cells import (DECIMAL, SECTION_FONT, WHOLE, fit_row, fit_widths, header_row, print_setup,
                    put, table_rows)

MAX_HISTOGRAMS = 8
QUANTILE_KEYS = ("5", "25", "50", "75", "95")

# The histograms' page: a grid of charts, each spanning (two-cell anchor) CHART_COLUMNS sheet
# columns of CHART_COLUMN_WIDTH and CHART_GRID_ROWS rows of the default height; three across and
# three down (8 charts) is about as wide as tall as a landscape page (A4 or Letter), which the
# printed area is fitted to, so the charts fill the page whatever the paper.
CHARTS_ACROSS = 3
CHART_COLUMNS = 4
CHART_COLUMN_WIDTH = 11.0
CHART_GRID_ROWS = 14
CHART_GRID_ROWS_TALL = 19  # two rows of charts or fewer: taller charts fill the same page
EMU_PER_CM = 360_000
SOM_ACROSS = 3  # maps side by side on the SOM sheet
ONE_PAGE_ROWS = 70  # a sheet up to this tall is shrunk onto one page (as the Summary is)


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
    print_setup(ws, title_rows="1:1")
    header = ["column", "kind", "count", "missing", "mean", "median", "std", "min", "max"] + \
        [f"q{q}" for q in QUANTILE_KEYS] + ["distinct", "top values"]
    rows = [header]
    for c in columns:
        q = c.get("quantiles") or {}
        dated = c.get("kind") == "date"  # a date column's span in min/max, as ISO text
        rows.append([c.get("column"), c.get("kind"), c.get("count"), c.get("missing"),
                     c.get("mean"), c.get("median"), c.get("std"),
                     c.get("first") if dated else c.get("min"), c.get("last") if dated else c.get("max")]
                    + [q.get(k) for k in QUANTILE_KEYS] + [c.get("distinct"),
                                                           _top_text(c.get("top"))])
    last, _ = table_rows(ws, rows)
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=5, max_col=14):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = DECIMAL
    for row in ws.iter_rows(min_row=2, max_row=last):  # a wrapped 'top values' row: all on its first line
        for cell in row:
            cell.alignment = Alignment(horizontal=cell.alignment.horizontal, indent=cell.alignment.indent,
                                       vertical="top")
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
    if ws.max_row <= ONE_PAGE_ROWS:
        ws.page_setup.fitToHeight = 1
    _histograms(wb, columns)


def _histograms(wb: Workbook, columns: list[dict]) -> None:
    """One native bar chart per numeric column (up to MAX_HISTOGRAMS), in a grid that prints on
    one page; the bins behind them in one readable table to the right (column, bin, from, to,
    rows: one block of rows per column), on screen but outside the printed area."""
    ws = wb.create_sheet("Histograms")
    print_setup(ws)
    drawn = [c for c in columns if (c.get("histogram") or {}).get("counts")][:MAX_HISTOGRAMS]
    if not drawn:
        put(ws, 1, 1, "No numeric columns.")
        return
    put(ws, 1, 1, "Rows per bin of each numeric column (the bins' numbers are to the right of the "
                  "charts)").font = SECTION_FONT
    per_row = min(CHARTS_ACROSS, max(1, math.ceil(math.sqrt(len(drawn)))))  # 8 -> 3 x 3, 4 -> 2 x 2
    grid_cols = per_row * CHART_COLUMNS
    chart_rows = -(-len(drawn) // per_row)
    tall = CHART_GRID_ROWS if chart_rows > 2 else CHART_GRID_ROWS_TALL
    for j in range(1, grid_cols + 1):
        ws.column_dimensions[get_column_letter(j)].width = CHART_COLUMN_WIDTH
    left = grid_cols + 2  # one empty column between the charts and the bins
    header_row(ws, 1, ["column", "bin", "from", "to", "rows"], col=left)
    row = 2
    for k, c in enumerate(drawn):
        hist = c["histogram"]
        first = row
        for label, low, high, n in _bins(hist):
            put(ws, row, left, str(c.get("column"))).alignment = Alignment(indent=1)
            put(ws, row, left + 1, label).alignment = Alignment(indent=1)
            put(ws, row, left + 2, low, DECIMAL)
            put(ws, row, left + 3, high, DECIMAL)
            put(ws, row, left + 4, n, WHOLE)
            row += 1
        chart = BarChart()
        chart.type = "col"
        chart.gapWidth = 10
        chart.title = f"{c.get('column')}"
        chart.y_axis.title = "rows"
        chart.legend = None
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.x_axis.tickLblSkip = max(1, len(hist["counts"]) // 5)  # about five readable labels
        chart.add_data(Reference(ws, min_col=left + 4, min_row=first, max_row=row - 1))
        chart.set_categories(Reference(ws, min_col=left + 1, min_row=first, max_row=row - 1))
        across, down = k % per_row, k // per_row
        ws.add_chart(chart, _cells_anchor(across * CHART_COLUMNS, 2 + down * tall, tall))
    for j, width in zip(range(left, left + 5), (14, 18, 11, 11, 9)):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.print_area = f"A1:{get_column_letter(grid_cols)}{2 + chart_rows * tall}"
    ws.page_setup.fitToHeight = 1  # the grid is made for one page; never a chart across two


def _bins(hist: dict) -> list[tuple[str, float, float, int]]:
    """Each bar of a histogram as (label, from, to, rows). A column counted per value (a 0/1 flag,
    a page number: ``values``) labels each bar with its number, from and to both that number;
    other columns with their bin, "12.5 to 15"."""
    edges, counts, values = hist.get("edges") or [], hist["counts"], hist.get("values")
    if values and len(values) == len(counts):
        return [(_edge(v), v, v, n) for v, n in zip(values, counts)]
    return [(f"{_edge(edges[i])} to {_edge(edges[i + 1])}", edges[i], edges[i + 1], n) for i, n in enumerate(counts)]


def _cells_anchor(col: int, row: int, rows: int) -> TwoCellAnchor:
    """A chart spanning one cell of the grid (0-based sheet column and row of its top left),
    a little in from its edges so neighbours do not touch: it grows with the printed page."""
    gap = int(0.15 * EMU_PER_CM)
    return TwoCellAnchor(_from=AnchorMarker(col=col, colOff=gap, row=row, rowOff=gap),
                         to=AnchorMarker(col=col + CHART_COLUMNS, colOff=0,
                                         row=row + rows - 1, rowOff=0))


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
    for r in range(4, last + 1):  # scores to two places, inertia in whole units
        ws.cell(r, 2).number_format, ws.cell(r, 3).number_format = "0.00", WHOLE
    features = clusters.get("features") or []
    rows = [["cluster", "size", "share"] + [f"mean {f}" for f in features]]
    for p in clusters.get("profiles", []):
        means = p.get("means") or {}
        rows.append([p.get("cluster"), p.get("size"), p.get("share")] +
                    [means.get(f) for f in features])
    top = last + 3
    end, width = table_rows(ws, rows, top=top)
    for r in range(top + 1, end + 1):
        for j in range(4, width + 1):
            cell = ws.cell(r, j)
            if isinstance(cell.value, float) and cell.number_format == "General":
                cell.number_format = DECIMAL
    fit_widths(ws)
    ws.column_dimensions["A"].width = 10  # the title in A1 runs across; the column holds k and cluster


def _som_sheet(wb: Workbook, som: dict | None) -> None:
    ws = wb.create_sheet("SOM")
    print_setup(ws)
    if not som:
        put(ws, 1, 1, "Too few numeric columns or rows for a self-organising map.")
        return
    rows, cols = som.get("rows", 0), som.get("cols", 0)
    put(ws, 1, 1, f"Self-organising map {rows} x {cols}: U-matrix (distance to neighbours; "
                   "high = border between groups) and one map per column (its mean in each "
                   "cell)").font = SECTION_FONT
    grids = [("U-matrix", som.get("u_matrix") or [])] + [
        (f"plane: {name}", plane) for name, plane in (som.get("planes") or {}).items()]
    width = max([len(line) for _, grid in grids for line in grid] + [cols, 1])
    height = max([len(grid) for _, grid in grids] + [rows, 1])
    for g, (title, grid) in enumerate(grids):  # SOM_ACROSS maps side by side, a column between
        top = 3 + (g // SOM_ACROSS) * (height + 3)
        left = 1 + (g % SOM_ACROSS) * (width + 1)
        put(ws, top, left, title).font = SECTION_FONT
        fmt = _grid_format(grid)
        for r, line in enumerate(grid):
            for c, value in enumerate(line):
                put(ws, top + 1 + r, left + c, value, fmt)
        if grid:
            first = f"{get_column_letter(left)}{top + 1}"
            end = f"{get_column_letter(left + max(1, len(grid[0])) - 1)}{top + len(grid)}"
            ws.conditional_formatting.add(
                f"{first}:{end}",
                ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max",
                               end_color="5B2C6F"))
    for c in range(1, SOM_ACROSS * (width + 1) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 6.5
    if ws.max_row <= ONE_PAGE_ROWS:
        ws.page_setup.fitToHeight = 1


def _grid_format(grid: list[list]) -> str:
    """As many decimals as the map's size needs to fit a narrow cell: 1586 / 26.2 / 0.33."""
    values = [abs(v) for line in grid for v in line if isinstance(v, (int, float))]
    most = max(values, default=0)
    return "0" if most >= 100 else "0.0" if most >= 10 else "0.00"
