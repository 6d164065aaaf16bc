"""A finished plan as one self-contained, read-only HTML page: what a shared link shows.

The page holds the plan's figures, its business case, the convergence chart, the plan table,
the rules and (when given) the explore findings and histograms of the same history. It needs
nothing else from the server: the style is one inline block (its CSP hash is
:data:`STYLE_CSP_SOURCE`), the charts are inline SVG drawn here, there is no script at all. A
link that shows it can therefore be served with ``default-src 'none'``.

Jinja2 (Flask's own template engine) renders it with autoescaping on: product ids, names and
categories come from users and are always escaped. The wording is :mod:`engine.export.words`'s,
the same sentences as the workbook.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from .plan_sheets import plan_layout
from .words import (FINE_PERCENT, MONEY, PERCENT, SCORE, WHOLE, clock_text, headline, is_number, plan_figures,
                    rule_lines, total_text)

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header,main{max-width:1100px;margin:0 auto;padding:0 16px}
header{padding-top:18px}h1{font-size:1.6em;margin:.2em 0;color:#5b2c6f}
h2{font-size:1.2em;color:#5b2c6f;margin:1.6em 0 .5em}
.note{color:#555;font-size:.92em}
.headline{font-weight:600;font-size:1.08em}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:0}
.figures div{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 10px}
.figures dt{font-size:.85em;color:#555}.figures dd{margin:0;font-size:1.2em;font-weight:600;overflow-wrap:break-word}
table{border-collapse:collapse;background:#fff;font-size:.93em}
th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#5b2c6f;color:#fff;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}.lift{font-weight:700}
.broken{color:#c00000;font-weight:700}.scroll{overflow-x:auto}
.charts{display:flex;flex-wrap:wrap;gap:12px}
svg{background:#fff;border:1px solid #ddd;border-radius:6px;max-width:100%;height:auto}
svg text{font:12px system-ui,sans-serif;fill:#333}
""".strip()
STYLE_CSP_SOURCE = "'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode() + "'"

_env = Environment(loader=PackageLoader("engine.export", "templates"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True)
MAX_HISTOGRAMS = 8


def shown(value: Any, fmt: str | None = None) -> str:
    """A figure as text the way the workbook's number format shows it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not is_number(value):
        return "" if value is None else str(value)
    if fmt == MONEY:
        return f"{value:,.2f}"
    if fmt == WHOLE:
        return f"{value:,.0f}"
    if fmt == PERCENT:
        return f"{value * 100:.1f}\u00a0%"
    if fmt == FINE_PERCENT:
        return f"{value * 100:.2f}\u00a0%"
    if fmt == SCORE:
        return f"{value:.2f}"
    if fmt and fmt.startswith("+"):
        return f"{value * 100:+.1f}\u00a0%"
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


PLAN_FORMATS = {"discount": PERCENT, "forecast_units": WHOLE, "forecast_low": WHOLE,
                "forecast_high": WHOLE, "forecast_revenue": MONEY, "forecast_profit": MONEY,
                "slot_size": SCORE}


def _plan(plan: list[list] | None) -> dict:
    if not plan:
        return {"header": [], "rows": [], "constant": ""}
    keep, constant = plan_layout(plan)
    header = [str(plan[0][j]) for j in keep]
    rows = [[{"text": shown(r[j], PLAN_FORMATS.get(header[i])), "num": is_number(r[j])}
             for i, j in enumerate(keep)] for r in plan[1:]]
    said = "; ".join(f"{name} {shown(value, PLAN_FORMATS.get(name, SCORE))}"
                     for name, value in constant.items())
    return {"header": header, "rows": rows, "constant": said}


CASE_ROWS = [("expected_profit", "Expected profit", MONEY, "profit"),
             ("expected_profit_low", "low end of the range", MONEY, None),
             ("expected_profit_high", "high end of the range", MONEY, None),
             ("profit", "Profit (forecast)", MONEY, "profit"),
             ("revenue", "Revenue (forecast)", MONEY, "revenue"),
             ("units", "Units (forecast)", WHOLE, "units"),
             ("products", "Products placed", WHOLE, None)]


def _case(case: dict | None) -> dict | None:
    if not case or not case.get("options"):
        return None
    options = case["options"]
    plan = options[0]
    rows = []
    for key, label, fmt, lift_key in CASE_ROWS:
        if not any(is_number(o.get(key)) for o in options):
            continue
        lift = (case.get("lift") or {}).get(lift_key) if lift_key else None
        if key == lift_key and is_number(plan.get(f"expected_{key}")):
            lift = None  # the lift stands beside the expected figure it was taken on
        rows.append({"label": label, "values": [shown(o.get(key), fmt) for o in options],
                     "lift": shown(lift, "+0.0%") if is_number(lift) else ""})
    last = case.get("last_catalogue") or {}
    notes = []
    if last.get("reason"):
        notes.append(f"No last catalogue to compare with: {last['reason']}.")
    for key, text in (("left_out", "of its products are no longer candidates (not in the products table): left out"),
                      ("empty_slots", "of this layout's slots stay empty for it: it had fewer products"),
                      ("dropped", "of its products found no slot: this layout is smaller"),
                      ("discounts_changed", "of its discounts moved to the nearest allowed level")):
        if last.get(key):
            notes.append(f"Last catalogue: {last[key]} {text}.")
    basis = ("Each option is scored by the same forecast model on this catalogue's layout; the "
             "last catalogue's products, in its page order, fill the new slots in order and keep "
             "their discounts.")
    return {"options": [o.get("label") or o.get("name") for o in options], "rows": rows,
            "notes": notes, "basis": basis}


def line_chart(table: list[list] | None, columns: dict[str, str], title: str,
               width: int = 720, height: int = 260) -> Markup | None:
    """An inline SVG line chart of ``columns`` (header name -> legend text) over the first column."""
    if not table or len(table) < 3:
        return None
    header = [str(h) for h in table[0]]
    series = {label: [r[header.index(name)] for r in table[1:]] for name, label in columns.items()
              if name in header}
    values = [v for points in series.values() for v in points if is_number(v)]
    if not values:
        return None
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    left, right, top, bottom = 80, 16, 48, 36
    n = len(table) - 1

    def xy(i: int, v: float) -> str:
        x = left + (width - left - right) * i / max(n - 1, 1)
        y = top + (height - top - bottom) * (1 - (v - low) / span)
        return f"{x:.1f},{y:.1f}"

    colours = ["#4472c4", "#c0504d", "#9bbb59", "#8064a2"]
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
             f'<text x="{left}" y="18">{escape(title)}</text>',
             f'<text x="4" y="{top + 4}">{shown(high, WHOLE)}</text>',
             f'<text x="4" y="{height - bottom}">{shown(low, WHOLE)}</text>',
             f'<text x="{left}" y="{height - 8}">generation {escape(table[1][0])}</text>',
             f'<text x="{width - right - 110}" y="{height - 8}">generation {escape(table[-1][0])}</text>']
    for k, (label, points) in enumerate(series.items()):
        path = " ".join(xy(i, v) for i, v in enumerate(points) if is_number(v))
        colour = colours[k % len(colours)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        parts.append(f'<text x="{left + 150 * k}" y="38" fill="{colour}">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title: str, counts: list, width: int = 340, height: int = 180) -> Markup | None:
    values = [c for c in counts if is_number(c)]
    if not values or max(values) <= 0:
        return None
    top, bottom = 24, 10
    step = (width - 20) / len(counts)
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
             f'<text x="10" y="16">{escape(title)}</text>']
    for i, c in enumerate(counts):
        h = (height - top - bottom) * (c if is_number(c) else 0) / max(values)
        parts.append(f'<rect x="{10 + i * step:.1f}" y="{height - bottom - h:.1f}" '
                     f'width="{max(step - 1, 1):.1f}" height="{h:.1f}" fill="#4472c4"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _explore(explore: dict | None) -> dict | None:
    if not explore:
        return None
    findings = [f.get("text") if isinstance(f, dict) else str(f) for f in explore.get("findings") or []]
    charts = []
    for column in explore.get("columns") or []:
        hist = column.get("histogram") or {}
        chart = bar_chart(f"{column.get('column')}: rows per bin", hist.get("counts") or [])
        if chart is not None and len(charts) < MAX_HISTOGRAMS:
            charts.append(chart)
    return {"findings": [f for f in findings if f], "charts": charts} if findings or charts else None


def plan_page(result: dict, *, explore: dict | None = None, expires_at: str | None = None,
              title: str = "Folio catalogue plan", tz: str | None = None) -> str:
    """The read-only page of one plan result (and the explore result of its history, if any).
    Its times (the link's expiry, when the plan finished) on the clock of ``tz``, the sharer's
    IANA time zone, named beside them (the one the pane showed them on), else UTC."""
    # a tile's figure as the pane writes a total (whole from 10,000: "1,302,937"), never broken
    # inside the number (its tile broke "1,302,937.0" over "5")
    figures = [(label, total_text(value) if fmt == MONEY else shown(value, fmt))
               for label, value, fmt in plan_figures(result)]
    rules = [{**r, "limit": shown(r.get("limit"), WHOLE if is_number(r.get("limit")) else None),
              "plan": shown(r.get("plan"), r.get("format"))} for r in rule_lines(result.get("rules"))]
    finished = (result.get("run") or {}).get("finished_at")
    finished = clock_text(finished, tz)[:16] if isinstance(finished, str) and finished else ""
    expires_at = clock_text(expires_at, tz)[:16] if expires_at else expires_at
    return _env.get_template("shared_plan.html").render(
        title=title, style=Markup(STYLE), expires_at=expires_at, finished_at=finished, clock=tz or "UTC",
        headline=headline(result), figures=figures, case=_case(result.get("business_case")),
        plan=_plan(result.get("plan")),
        convergence=line_chart(result.get("convergence"),
                               {"best": "best plan", "mean": "population mean"},
                               "Objective of the plans per generation"),
        rules=rules, rules_by_country=any(r.get("country") for r in rules),
        explore=_explore(explore))
