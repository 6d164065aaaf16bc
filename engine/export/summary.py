"""The ``Summary`` sheet: a job's result in words, laid out to print on one landscape page.

A plan's Summary has the headline figures on the left (columns A-B) and the rules on the right
(D onwards), then the settings that were used and the run record across the page. Every figure
carries its format (percentages, scores to two places, money, whole units); lists are text.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .cells import HEADER_FILL, HEADER_FONT, SECTION_FONT, TITLE_FONT, fit_row, print_setup, put
from .plan_sheets import plan_layout
from .words import (PERCENT, WHOLE, Line, as_text, headline, is_number, percent, plan_figures, readable,
                    rule_lines, run_lines, settings_lines)

LABEL_WIDTH, VALUE_WIDTH, GAP_WIDTH = 44, 18, 2
RULE_WIDTHS = {"Country": 9, "Rule": 34, "Limit": 21, "Plan": 21, "Kept": 7}
COUNTRY_WIDTH = 12
BROKEN_FONT = Font(bold=True, color="C00000")


def write_summary(wb, kind: str, result: dict, run: dict, tz: str | None = None) -> Worksheet:
    ws = wb.create_sheet("Summary", 0)
    print_setup(ws)
    ws.column_dimensions["A"].width = LABEL_WIDTH
    ws.column_dimensions["B"].width = VALUE_WIDTH
    ws.column_dimensions["C"].width = GAP_WIDTH
    put(ws, 1, 1, TITLES.get(kind, f"Folio {kind} result")).font = TITLE_FONT
    row = 3
    if kind == "plan":
        row = _plan(ws, result, row)
    elif kind == "train":
        row = lines(ws, row, "Training", train_lines(result))
    elif kind == "explore":
        row = lines(ws, row, "Table", [(label, result.get(key), WHOLE) for key, label in
                                       (("rows", "Rows"), ("sampled", "Rows analysed")) if key in result])
    elif kind == "score":
        row = lines(ws, row, "Your plan against Folio's", score_lines(result))
    elif kind == "scenarios":
        row = lines(ws, row, "Scenarios (see the Scenarios sheet)", scenario_lines(result))
    else:
        row = lines(ws, row, "Result", [(readable(k), as_text(v), None) for k, v in result.items()
                                        if k != "run" and not isinstance(v, dict)])
    lines(ws, row, "Run record", run_lines(run or result.get("run"), tz=tz))
    if ws.max_row <= ONE_PAGE_ROWS:
        ws.page_setup.fitToHeight = 1  # a few lines over one page: shrink them onto it
    return ws


# A Summary up to this many rows is shrunk onto one page (at least ~70 % of its size on A4
# landscape); a longer one (many countries' rules) prints on as many pages as it needs.
ONE_PAGE_ROWS = 70


TITLES = {"plan": "Folio catalogue plan", "train": "Folio model training",
          "explore": "Folio data exploration", "score": "Your plan, scored by Folio",
          "scenarios": "Folio what-if scenarios"}


def scenario_lines(result: dict) -> list[Line]:
    """One line per scenario: its expected profit, or why it could not be planned."""
    header, *rows = result.get("comparison") or [[]]
    if not header:
        return []
    col = {name: i for i, name in enumerate(header)}
    out: list[Line] = []
    for row in rows:
        if row[col["expected_profit"]] is not None:
            out.append((f"{row[col['scenario']]}: expected profit", row[col["expected_profit"]], "#,##0"))
            low, high = row[col["expected_profit_low"]], row[col["expected_profit_high"]]
            if low is not None and high is not None:
                out.append(("   80 % range", f"{low:,.0f} to {high:,.0f}", None))
        else:
            out.append((f"{row[col['scenario']]}: {row[col['status']]}", row[col["note"]], None))
            changes = row[col["changes"]] if "changes" in col else None
            if changes:  # what it was, though it has no plan
                out.append(("   what it changes", changes, None))
    last = result.get("last_catalogue") or {}
    if last.get("profit") is not None:
        out.append((f"Last catalogue ({last.get('campaign')}) on this layout: expected profit", last["profit"], "#,##0"))
    sold = result.get("last_catalogue_sold") or {}
    if sold.get("profit") is not None:
        out.append((f"Last catalogue ({sold.get('campaign')}): profit it earned", sold["profit"], "#,##0"))
    if result.get("best") and result.get("best_clear") is False:  # not crowned: the forecast cannot tell
        out.append(("No clear winner: ranges overlap", f"{result['best']} has the highest expected profit, but "
                    f"its 80 % range overlaps that of {result.get('runner_up')}: either may earn more", None))
    elif result.get("best"):
        out.append(("Highest expected profit, its 80 % range above the runner-up's" if result.get("best_clear")
                    else "Highest expected profit (see the ranges: close ones may swap)", result["best"], None))
    return out


def score_lines(result: dict) -> list[Line]:
    """A scored plan in a few lines: what it can be expected to earn (with its 80 % range),
    Folio's, what Folio's earns on top, the rules it breaks."""
    yours, folio = result.get("totals") or {}, (result.get("folio") or {}).get("totals") or {}
    lift = result.get("lift") or {}
    money = "#,##0"

    def span(totals: dict) -> str | None:
        low, high = totals.get("expected_profit_low"), totals.get("expected_profit_high")
        return None if low is None or high is None else f"{low:,.0f} to {high:,.0f}"

    out: list[Line] = [
        ("Your plan: expected profit", yours.get("expected_profit"), money),
        ("   80 % range", span(yours), None),
        ("Folio's plan: expected profit", folio.get("expected_profit"), money),
        ("   80 % range", span(folio), None),
        ("Folio earns on top (expected)", lift.get("profit"), money),
        ("   as a share of your plan's expected profit", lift.get("profit_share"), PERCENT),
        ("   under the forecast the search used", lift.get("forecast_profit"), money),
        ("Rules your plan breaks (see Rules)", result.get("broken"), WHOLE),
    ]
    return [line for line in out if line[1] is not None]


HEADLINE_FONT = Font(bold=True, size=12)


def _headline(ws: Worksheet, result: dict, row: int) -> int:
    """The plan's sentences (engine.export.words.headline) across the page, the first in bold;
    nothing stands to their right, so each runs on over the empty columns instead of wrapping."""
    sentences = headline(result)
    for i, sentence in enumerate(sentences):
        cell = put(ws, row + i, 1, sentence)
        if i == 0:
            cell.font = HEADLINE_FONT
    return row + len(sentences) + (1 if sentences else 0)


def _plan(ws: Worksheet, result: dict, row: int) -> int:
    row = _headline(ws, result, row)
    figures = plan_figures(result)
    countries = result.get("countries") or []
    if countries:
        done = [c["country"] for c in countries if c.get("status") == "succeeded"]
        figures.insert(0, ("Countries (one catalogue each; see Countries)",
                           f"{len(done)} of {len(countries)} planned: {', '.join(map(str, done))}", None))
    _, constant = plan_layout(result.get("plan"))
    if constant:
        said = "; ".join(f"{name} {_constant_text(name, value)}" for name, value in constant.items())
        figures.append(("Same in every plan row (not repeated there)", said, None))
    left_end = lines(ws, row, "Result", figures, beside=True)
    right_end = _rules(ws, row, rule_lines(result.get("rules")))
    return lines(ws, max(left_end, right_end), "Settings used", settings_lines(result))


def _constant_text(name: str, value) -> str:
    if name == "discount" or name.endswith("_share"):
        return percent(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(as_text(value))


def lines(ws: Worksheet, row: int, title: str, items: list[Line], *, beside: bool = False) -> int:
    """A titled block of label/value lines in columns A-B; returns the row after it.

    ``beside``: another block stands to the right, so text wraps within column B and figures
    align right like a column of numbers; else text runs on across the empty columns and every
    value reads from the left."""
    if not items:
        return row
    put(ws, row, 1, title).font = SECTION_FONT
    for label, value, fmt in items:
        row += 1
        put(ws, row, 1, label).alignment = Alignment(vertical="top", wrap_text=True)
        cell = put(ws, row, 2, value, fmt)
        text = isinstance(value, str)
        cell.alignment = Alignment(horizontal="right" if beside and not text else "left",
                                   wrap_text=beside and text, vertical="top")
        fit_row(ws, row, [(label, LABEL_WIDTH)] + ([(value, VALUE_WIDTH)] if beside else []))
    return row + 2


MAX_COUNTRY_COLUMNS = 6  # more countries than this: one rule line per country instead


def _rules(ws: Worksheet, row: int, rules: list[dict]) -> int:
    """The rule report as a small table from column D; returns the row after it. A multi-country
    plan's rules are one line per rule with the plan's value in each country's column."""
    if not rules:
        return row
    countries = list(dict.fromkeys(r["country"] for r in rules if r.get("country")))
    if countries and len(countries) <= MAX_COUNTRY_COLUMNS:
        columns, table = ["Rule", "Limit", *countries, "Kept"], _by_country(rules, countries)
    else:
        columns = (["Country"] if countries else []) + ["Rule", "Limit", "Plan", "Kept"]
        table = [{"Country": r.get("country"), "Rule": r["rule"], "Limit": r.get("limit"),
                  "Plan": r.get("plan"), "Kept": r["kept"], "format": r.get("format")} for r in rules]
    widths = {name: RULE_WIDTHS.get(name, COUNTRY_WIDTH) for name in columns}
    first = 4
    put(ws, row, first, "Rules").font = SECTION_FONT
    for j, name in enumerate(columns):
        cell = put(ws, row + 1, first + j, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        ws.column_dimensions[get_column_letter(first + j)].width = widths[name]
    for i, line in enumerate(table, start=row + 2):
        for j, name in enumerate(columns):
            value = line.get(name)
            if name == "Kept":
                value = "yes" if line["Kept"] else "NO"
            fmt = WHOLE if name == "Limit" else None if name in ("Rule", "Country", "Kept") else line.get("format")
            cell = put(ws, i, first + j, value, fmt)
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
            if name == "Kept" and not line["Kept"]:
                cell.font = BROKEN_FONT
        fit_row(ws, i, [(line.get(name), widths[name]) for name in columns])
    return row + len(table) + 3


def _by_country(rules: list[dict], countries: list) -> list[dict]:
    """One line per rule: the limit when every country has the same, each country's value (with
    its own limit when they differ), kept when kept everywhere."""
    grouped: dict[str, list[dict]] = {}
    for r in rules:
        grouped.setdefault(r["rule"], []).append(r)
    table = []
    for label, group in grouped.items():
        limits = {str(r.get("limit")) for r in group}
        line = {"Rule": label, "Limit": group[0].get("limit") if len(limits) == 1 else "per country",
                "Kept": all(r["kept"] for r in group), "format": group[0].get("format")}
        for r in group:
            value = r.get("plan")
            if len(limits) > 1:
                shown = f"{value:.1%}" if r.get("format") == PERCENT and is_number(value) else as_text(value)
                value = f"{shown} (limit {r.get('limit')})"
            line[r["country"]] = value if r["kept"] else f"{as_text(value)} BROKEN"
        table.append(line)
    return table


def train_lines(result: dict) -> list[Line]:
    """A training job in words: which model won, on which held-out campaigns, how it was chosen."""
    out: list[Line] = []
    chosen = next((c for c in result.get("candidates") or [] if c.get("chosen")), None)
    if chosen:
        out.append(("Best candidate", chosen.get("name"), None))
        for key, label in (("wape", "its WAPE (weighted error)"), ("mape", "its MAPE"),
                           ("bias", "its bias (over- or under-forecast)")):
            value = (chosen.get("metrics") or {}).get(key)
            if is_number(value):
                out.append((f"   {label}", value, PERCENT))
    naive = next((b for b in result.get("baselines") or [] if b.get("name") == "naive"), None)
    if naive and is_number((naive.get("metrics") or {}).get("wape")):
        out.append(("WAPE of the naive forecast (last campaign again)", naive["metrics"]["wape"], PERCENT))
    decision = result.get("decision") or {}
    if result.get("champion"):
        out.append(("Champion after this job", result["champion"], None))
    if decision:
        verdict = "promoted" if decision.get("promoted") else "not promoted"
        reason = f": {decision['reason']}" if decision.get("reason") else ""
        out.append(("New model", f"{verdict}{reason}", None))
    if result.get("models"):
        out.append(("Models registered", as_text(result["models"]), None))
    holdout = result.get("holdout") or {}
    if holdout.get("campaigns"):
        out.append(("Held-out campaigns (newest fold)", as_text(holdout["campaigns"]), None))
    if is_number(holdout.get("rows")):
        out.append(("Held-out rows", holdout["rows"], WHOLE))
    backtest = result.get("backtest") or {}
    if backtest.get("folds"):
        out.append(("Backtest", f"{backtest['folds']} folds of {backtest.get('horizon')} campaigns, "
                                f"chosen by {str(backtest.get('select_by', 'wape')).upper()}", None))
    interval = result.get("interval") or {}
    if is_number(interval.get("level")):
        out.append(("Forecast range", f"{percent(interval['level'])} of outcomes, from "
                                      f"{interval.get('source', 'backtest')} errors", None))
    return out
