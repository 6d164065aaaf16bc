"""The ``Business case`` sheet: the plan beside the last catalogue on one printed page.

Reads ``result["business_case"]`` (engine.plan.business_case): one column per option (this plan,
the planner's own plan when scored, the last catalogue), a row per figure, the lift in %, how
the last catalogue was mapped onto this layout, and a bar chart of the headline figure. A
multi-country plan adds one line per country.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .cells import HEADER_FILL, HEADER_FONT, SECTION_FONT, TITLE_FONT, fit_row, print_setup, put
from .words import MONEY, WHOLE, is_number

FIGURE_ROWS = [  # result key, label, format
    ("expected_profit", "Expected profit", MONEY),
    ("expected_profit_low", "   low end of the range", MONEY),
    ("expected_profit_high", "   high end of the range", MONEY),
    ("profit", "Profit (forecast)", MONEY),
    ("expected_revenue", "Expected revenue", MONEY),
    ("revenue", "Revenue (forecast)", MONEY),
    ("expected_units", "Expected units", WHOLE),
    ("units", "Units (forecast)", WHOLE),
    ("products", "Products placed", WHOLE),
]
LIFT_OF = {"expected_profit": "profit", "profit": "profit", "expected_revenue": "revenue",
           "revenue": "revenue", "expected_units": "units", "units": "units"}
LABEL_WIDTH, OPTION_WIDTH, LIFT_WIDTH = 34, 24, 12
BOLD = Font(bold=True)


def write_business_case(wb: Workbook, case: dict | None, *, index: int) -> None:
    if not case:
        return
    ws = wb.create_sheet("Business case", index)
    print_setup(ws)
    options = case.get("options") or []
    ws.column_dimensions["A"].width = LABEL_WIDTH
    for j in range(len(options)):
        ws.column_dimensions[get_column_letter(2 + j)].width = OPTION_WIDTH
    lift_col = 2 + len(options)
    ws.column_dimensions[get_column_letter(lift_col)].width = LIFT_WIDTH
    put(ws, 1, 1, "Business case: this plan against the last catalogue").font = TITLE_FONT
    row = _basis(ws, 2, case, lift_col)
    header = [""] + [o.get("label") or o.get("name") for o in options] + ["Lift"]
    for j, name in enumerate(header, start=1):
        cell = put(ws, row, j, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    first_figure = row + 1
    plan = next((o for o in options if o.get("name") == "plan"), {})
    for key, label, fmt in FIGURE_ROWS:
        if not any(is_number(o.get(key)) for o in options):
            continue
        row += 1
        put(ws, row, 1, label)
        for j, option in enumerate(options, start=2):
            put(ws, row, j, option.get(key), fmt)
        change = (case.get("lift") or {}).get(LIFT_OF.get(key, ""))
        if key in LIFT_OF and _lift_row(key, plan) and is_number(change):
            put(ws, row, lift_col, change, "+0.0%;-0.0%;0.0%").font = BOLD
    row = _mapping(ws, row + 2, case)
    _countries(ws, row, case)
    _chart(ws, options, first_figure, f"{get_column_letter(lift_col + 2)}{first_figure - 1}")


def _lift_row(key: str, plan: dict) -> bool:
    """The lift stands beside the figure it was taken on: expected when the plan has it."""
    figure = LIFT_OF[key]
    return key == f"expected_{figure}" or not is_number(plan.get(f"expected_{figure}"))


def _basis(ws, row: int, case: dict, width: int) -> int:
    text = ("Each option is scored by the same forecast model on this catalogue's layout and "
            "with the same cannibalisation factor, so the lift is the plan's own doing. The last "
            "catalogue's products, in its page order, fill the new slots in order and keep their "
            "discounts.")
    if case.get("options") and any(is_number(o.get("expected_profit")) for o in case["options"]):
        text += " Expected figures are corrected for the optimizer's curse, with their range."
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = put(ws, row, 1, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    fit_row(ws, row, [(text, LABEL_WIDTH + OPTION_WIDTH * (width - 2) + LIFT_WIDTH)])
    return row + 2


def _mapping(ws, row: int, case: dict) -> int:
    """How the last catalogue met this layout, in sentences (counts from the engine)."""
    last = case.get("last_catalogue") or {}
    notes = []
    if last.get("reason"):
        notes.append(f"No last catalogue to compare with: {last['reason']}.")
    if last.get("left_out"):
        n = last["left_out"]
        notes.append(f"{n} of its {last.get('shown')} products "
                     f"{_are(n, 'is no longer a candidate', 'are no longer candidates')} "
                     "(not in the products table): left out.")
    if last.get("empty_slots"):
        n = last["empty_slots"]
        notes.append(f"{n} {_are(n, 'slot', 'slots')} of this layout {_are(n, 'stays', 'stay')} "
                     "empty: it had fewer products.")
    if last.get("dropped"):
        notes.append(f"{last['dropped']} of its products found no slot: this layout is smaller.")
    if last.get("discounts_changed"):
        n = last["discounts_changed"]
        notes.append(f"{n} of its discounts {_are(n, 'is', 'are')} not allowed now: moved to the "
                     "nearest allowed level.")
    for country in case.get("countries") or []:
        reason = (country.get("last_catalogue") or {}).get("reason")
        if reason:
            notes.append(f"{country['country']}: no last catalogue ({reason}).")
    if not notes:
        return row
    put(ws, row, 1, "How the last catalogue was placed").font = SECTION_FONT
    for note in notes:
        row += 1
        put(ws, row, 1, note)
    return row + 2


def _are(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _countries(ws, row: int, case: dict) -> int:
    countries = case.get("countries") or []
    if not countries:
        return row
    put(ws, row, 1, "By country").font = SECTION_FONT
    row += 1
    for j, name in enumerate(["Country", "This plan: profit", "Last catalogue: profit", "Lift"], start=1):
        cell = put(ws, row, j, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for country in countries:
        row += 1
        options = {o["name"]: o for o in country.get("options") or []}
        key = "expected_profit" if is_number(options.get("plan", {}).get("expected_profit")) else "profit"
        put(ws, row, 1, country.get("country"))
        put(ws, row, 2, options.get("plan", {}).get(key), MONEY)
        put(ws, row, 3, options.get("last_catalogue", {}).get(key), MONEY)
        put(ws, row, 4, (country.get("lift") or {}).get("profit"), "+0.0%;-0.0%;0.0%")
    return row + 2


def _chart(ws, options: list[dict], first: int, anchor: str) -> None:
    """Bars of the headline figure (expected profit, else profit, else revenue) per option, beside
    the table so the page holds it whatever follows below."""
    for row in range(first, first + len(FIGURE_ROWS)):
        label = ws.cell(row=row, column=1).value
        if label in ("Expected profit", "Profit (forecast)", "Revenue (forecast)"):
            break
    else:
        return
    if not any(is_number(ws.cell(row=row, column=j).value) for j in range(2, 2 + len(options))):
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = label
    chart.legend = None
    chart.height, chart.width = 6.5, 11
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(options), min_row=row), from_rows=True,
                   titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, max_col=1 + len(options), min_row=first - 1))
    ws.add_chart(chart, anchor)

