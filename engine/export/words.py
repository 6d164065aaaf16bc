"""A result's figures in a planner's words: labels, reasons, rules, settings and the run record.

Pure functions from result keys to ``(label, value, number format)`` lines; the sheets only lay
them out. The wording follows the add-in's (addin/src/results/plan/rules.ts and words.ts) so a
planner reads the same sentence in the pane, in Excel and on paper. Keys this module does not
know yet (a new rule, a new run-record field) still print, with their code name made readable.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from ..plan.rules.words import PERCENT_SPACE

UNIT_SPACE = PERCENT_SPACE  # a no-break space between any number and its unit (%, s, min)

MONEY = "#,##0.00"
WHOLE = "#,##0"
PERCENT = "0.0%"
FINE_PERCENT = "0.00%"
SCORE = "0.00"

Line = tuple[str, Any, str | None]  # label, value, number format

STOPPED_BY = {
    "bound": "at the bound: no better plan exists",
    "generations": "every generation ran",
    "stagnation": "no better plan for {n} generations",
    "time_limit": "time limit reached",
    "cancelled": "cancelled: the best plan so far",
}
OBJECTIVES = {"profit": "profit", "revenue": "revenue", "units": "units"}
STRATEGIES = {"ga": "genetic algorithm", "coevolution": "co-evolution by page groups"}
RUN_LABELS = {
    "job": "Job", "kind": "Job kind", "dataset": "Dataset", "dataset_hash": "Dataset fingerprint",
    "model": "Model", "seed": "Seed", "started_at": "Started (UTC)", "finished_at": "Finished (UTC)",
    "versions": "Library versions", "countries": "Countries", "children": "Country jobs",
    "country": "Country", "parent": "Part of job", "family": "Model family asked for",
    "holdout_campaigns": "Held-out campaigns", "table": "Table explored",
}


def readable(key: str) -> str:
    """A code name as words: ``slots_used`` -> "Slots used"."""
    text = str(key).replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def percent(value: Any, places: int = 0) -> str:
    """0.1 -> "10 %" (text, for lists and sentences; single figures keep a number format), a
    no-break space between the number and "%" as in the rule units' words (a narrow cell wraps
    the whole figure)."""
    if not is_number(value):
        return "" if value is None else str(value)
    return f"{value * 100:.{places}f}{PERCENT_SPACE}%"


def percent_list(values: Any) -> str:
    """[0.0, 0.1, 0.2] -> "0 %, 10 %, 20 %"."""
    if not isinstance(values, (list, tuple)):
        return percent(values)
    return ", ".join(percent(v, 0 if is_number(v) and float(round(v * 100, 6)).is_integer() else 1)
                     for v in values)


def as_text(value: Any) -> Any:
    """Lists as comma-separated text, booleans as yes/no, dicts as "key value" pairs."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(as_text(v)) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {as_text(v)}" for k, v in value.items())
    return value


def seconds(value: Any) -> str | None:
    """12.34 -> "12.3 s", 125 -> "2 min 05 s", each number held to its unit by a no-break space
    (as a percent is to its sign): a narrow cell never wraps "12.3" over "s"."""
    if not is_number(value):
        return None
    if value < 60:
        return f"{value:.1f}{UNIT_SPACE}s"
    minutes, rest = divmod(int(round(value)), 60)
    return f"{minutes}{UNIT_SPACE}min {rest:02d}{UNIT_SPACE}s"


def stopped_text(result: dict) -> str | None:
    reason = result.get("stopped_by")
    if not reason:
        return None
    n = (result.get("settings") or {}).get("stagnation_generations")
    return STOPPED_BY.get(reason, readable(reason)).format(n=n)


# --- a plan's result ---------------------------------------------------------------------------

def objective_of(result: dict) -> str:
    settings = result.get("settings") or (result.get("run") or {}).get("settings") or {}
    return str(settings.get("objective") or "profit")


def total_text(value: Any) -> str:
    """A total in a sentence, as the pane writes it: cents while they matter, whole from 10,000."""
    if not is_number(value):
        return "" if value is None else str(value)
    return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:,.2f}"


def gap_sentence(gap: Any) -> str | None:
    """The gap to the bound as the pane says it (addin/src/results/plan/words.ts gapSentence)."""
    if not is_number(gap):
        return None
    if gap < 0.00005:
        return "As good as the best plan possible under this forecast"
    return f"Within {gap * 100:.{2 if gap < 0.01 else 1}f}{PERCENT_SPACE}% of the best plan possible under this forecast"


BOUND_WORDS = ("The bound is the most any plan could earn if this forecast were exact: it says how close "
               "the search came under the forecast, not what the future will bring.")


def headline(result: dict) -> list[str]:
    """A plan's result in four sentences a planner reads first (the Summary's top lines): what it
    can be expected to earn and its 80 % range, how close it is to the best plan under the forecast,
    what that bound is about, and how many rows went beyond history."""
    totals = result.get("totals") or {}
    objective = objective_of(result)
    key = objective if objective in ("profit", "revenue", "units") else "profit"
    out = []
    expected = totals.get(f"expected_{key}")
    fmt = (lambda v: f"{v:,.0f}") if key == "units" else total_text
    if is_number(expected):
        low, high = totals.get(f"expected_{key}_low"), totals.get(f"expected_{key}_high")
        span = f" (80{PERCENT_SPACE}% range {fmt(low)} – {fmt(high)})" if is_number(low) and is_number(high) else ""
        out.append(f"Expected {key} {fmt(expected)}{span}: 8 in 10 outcomes of this plan should fall in that range.")
    elif is_number(totals.get(key)):
        out.append(f"{key.capitalize()} as forecast {fmt(totals[key])} (no expected figure: the forecast's own number).")
    gap = gap_sentence(result.get("bound_gap"))
    if gap:
        out.append(f"{gap}" + (f" (bound {fmt(result['bound'])})." if is_number(result.get("bound")) else "."))
        out.append(BOUND_WORDS)
    beyond = totals.get("beyond_history")
    if is_number(beyond):
        n = int(beyond)
        out.append("No plan row is forecast beyond what its product, or products like it, ever sold in a comparable "
                   "placement." if n == 0 else
                   f"{n:,} plan row{'s are' if n != 1 else ' is'} forecast beyond what the product, or products like it, "
                   f"ever sold in a comparable placement: shrunk to that and marked in the Plan's beyond_history column.")
    return out


def plan_figures(result: dict) -> list[Line]:
    """The headline of a plan: forecast totals (with the honest range when the planner gave one),
    the bound and the gap to it, how the search ended."""
    totals = result.get("totals") or {}
    objective = objective_of(result)
    lines: list[Line] = []
    if result.get("cancelled"):
        lines.append(("Status", "cancelled: the best plan found before the stop", None))
    for key, label in (("profit", "Profit"), ("revenue", "Revenue"), ("units", "Units")):
        fmt = WHOLE if key == "units" else MONEY
        expected = totals.get(f"expected_{key}")
        if is_number(expected):
            lines.append((f"Expected {key}", expected, fmt))
            low, high = totals.get(f"expected_{key}_low"), totals.get(f"expected_{key}_high")
            if is_number(low) and is_number(high):
                lines.append((f"Expected {key}: low end of the range", low, fmt))
                lines.append((f"Expected {key}: high end of the range", high, fmt))
            as_forecast = totals.get(key)
            if is_number(as_forecast) and not math.isclose(as_forecast, expected, rel_tol=1e-9):
                lines.append((f"{label} as forecast (before correction)", as_forecast, fmt))
        elif is_number(totals.get(key)):
            lines.append((f"{label} (forecast)", totals[key], fmt))
    if is_number(totals.get("products")):
        lines.append(("Products placed", totals["products"], WHOLE))
    if is_number(totals.get("slots_used")) and totals.get("slots_used") != totals.get("products"):
        lines.append(("Slots used", totals["slots_used"], WHOLE))
    case_lift = ((result.get("business_case") or {}).get("lift") or {}).get(
        objective if objective in ("profit", "revenue", "units") else "profit")
    if is_number(case_lift):
        lines.append((f"Lift in {objective} over the last catalogue (see Business case)", case_lift,
                      "+0.0%;-0.0%;0.0%"))
    if is_number(result.get("bound")):
        fmt = WHOLE if objective == "units" else MONEY
        lines.append((f"Upper bound on {objective} (forecast)", result["bound"], fmt))
    if is_number(result.get("bound_gap")):
        lines.append(("Gap to the bound", result["bound_gap"], FINE_PERCENT))
    if is_number(totals.get("beyond_history")):
        lines.append(("Plan rows forecast beyond history (shrunk)", totals["beyond_history"], WHOLE))
    greedy, objective_value = result.get("greedy_objective"), result.get("objective")
    if is_number(greedy) and is_number(objective_value) and greedy > 0:
        lines.append(("Gain over the greedy start", objective_value / greedy - 1, FINE_PERCENT))
    if is_number(result.get("anomaly_score")):
        label = "Anomaly score (0 = like past catalogues)"
        if result.get("countries"):
            label = "Anomaly score, highest of the countries"
        lines.append((label, result["anomaly_score"], SCORE))
    if stopped_text(result):
        lines.append(("Search stopped because", stopped_text(result), None))
    if is_number(result.get("generations_run")):
        lines.append(("Generations run", result["generations_run"], WHOLE))
    if seconds(result.get("elapsed_s")):
        lines.append(("Run time", seconds(result["elapsed_s"]), None))
    return lines


def settings_lines(result: dict) -> list[Line]:
    """Only the settings that shaped this plan: the layout that was used (the slots table, or
    pages x slots per page), limits that bind, the penalty when it is on, how hard it searched."""
    s = result.get("settings") or {}
    if not s:
        return []
    layout = result.get("layout") or {}
    lines: list[Line] = [("Objective", f"maximise {OBJECTIVES.get(s.get('objective'), s.get('objective'))}", None)]
    if layout.get("source") == "slots":
        lines.append(("Layout", f"slots table: {layout.get('slots')} slots on {layout.get('pages')} pages", None))
    elif layout.get("source") == "pages" or s.get("pages"):
        lines.append(("Layout", f"{s.get('pages')} pages x {s.get('slots_per_page')} slots", None))
    if s.get("discount_levels") is not None:
        lines.append(("Discount levels", percent_list(s["discount_levels"]), None))
    if is_number(s.get("max_discounted_share")) and s["max_discounted_share"] < 1:
        lines.append(("Most products discounted", s["max_discounted_share"], PERCENT))
    if is_number(s.get("min_margin")):
        lines.append(("Margin of every row at least", s["min_margin"], PERCENT))
    if is_number(s.get("max_same_category_per_page")):
        lines.append(("Products of one category on a page at most", s["max_same_category_per_page"], WHOLE))
    if is_number(s.get("anomaly_weight")) and s["anomaly_weight"] > 0:
        lines.append(("Anomaly penalty weight", s["anomaly_weight"], SCORE))
    factor = result.get("cannibalisation_factor")
    if s.get("cannibalisation") is not None:
        lines.append(("Cannibalisation (set)", f"x {s['cannibalisation']:.2f} per same-category product on the page", None))
    elif is_number(factor):
        said = "none found" if factor >= 1 else f"x {factor:.2f} per same-category product on the page"
        lines.append(("Cannibalisation (estimated from history)", said, None))
    search = STRATEGIES.get(s.get("strategy"), s.get("strategy"))
    if search:
        lines.append(("Search", f"{search}, population {s.get('population')}", None))
    if s.get("generations") is not None:
        lines.append(("Generations at most", s["generations"], WHOLE))
    if s.get("stagnation_generations"):
        lines.append(("Stop after generations without a better plan", s["stagnation_generations"], WHOLE))
    if seconds(s.get("time_limit_s")):
        lines.append(("Time limit", seconds(s["time_limit_s"]), None))
    if s.get("local_search") is not None:
        lines.append(("Local search on the best plans", as_text(bool(s["local_search"])), None))
    if s.get("seed") is not None:
        lines.append(("Seed (same seed, same plan)", s["seed"], "0"))
    return lines


def rule_lines(rules: list[dict] | None) -> list[dict]:
    """The rule report in words, one line per rule; a category's min and max become one line.

    A rule that says itself in words (``label``, ``limit_text``, ``value_text``: every rule unit
    of engine.plan.rules does) is shown in those words, as the pane shows it; the wording below
    is for results written before the units said themselves (an old job's result.xlsx).

    Each line: ``rule`` (label), ``limit`` and ``plan`` (number or text), ``format``, ``kept``,
    and ``country`` when the rules came from a multi-country plan.
    """
    lines: list[dict] = []
    categories: dict[tuple, dict] = {}
    for r in rules or []:
        country = r.get("country")
        name = r.get("rule")
        if name in ("category_min", "category_max") and r.get("category") is not None:
            key = (country, r["category"])
            if key not in categories:
                categories[key] = {"rule": r.get("label") or f"Products of category {r['category']}",
                                   "country": country, "plan": r.get("value_text", r.get("value")),
                                   "format": None if "value_text" in r else WHOLE, "kept": True}
                lines.append(categories[key])
            line = categories[key]
            line[name] = r.get("limit")
            line["kept"] = line["kept"] and bool(r.get("kept"))
            low, high = line.get("category_min"), line.get("category_max")
            line["limit"] = r.get("limit_text") or (
                f"{low} to {high}" if low is not None and high is not None
                else f"at least {low}" if low is not None else f"at most {high}")
            continue
        line = {"country": country, "kept": bool(r.get("kept")), "format": None}
        if r.get("label"):  # the rule unit's own words (engine.plan.rules: label, *_text)
            line.update(rule=r["label"], limit=r.get("limit_text", as_text(r.get("limit"))),
                        plan=r.get("value_text", as_text(r.get("value"))))
        elif name == "unique_products":
            line.update(rule="Each product at most once", limit=r.get("limit"),
                        plan=r.get("value"), format=WHOLE)
        elif name == "one_product_per_slot":
            line.update(rule="At most one product per slot", limit=r.get("limit"),
                        plan=r.get("value"), format=WHOLE)
        elif name == "must_include":
            line.update(rule="Must-include products placed", limit=r.get("limit"),
                        plan=r.get("value"), format=WHOLE)
        elif name == "discount_levels":
            line.update(rule="Discounts from the allowed levels", limit=percent_list(r.get("limit")),
                        plan=percent_list(r.get("value")))
        elif name == "max_discounted_share":
            line.update(rule="Share of products discounted", limit=f"at most {percent(r.get('limit'))}",
                        plan=r.get("value"), format=PERCENT)
        else:
            detail = {k: v for k, v in r.items() if k not in ("rule", "limit", "value", "kept", "country")}
            label = readable(name or "rule") + (f" ({as_text(detail)})" if detail else "")
            line.update(rule=label, limit=as_text(r.get("limit")), plan=as_text(r.get("value")))
        lines.append(line)
    for line in lines:
        line.pop("category_min", None)
        line.pop("category_max", None)
    return lines


CLOCK_KEYS = ("started_at", "finished_at")


def clock_text(value: str, tz: str | None = None) -> str:
    """A server time (ISO, UTC) as "2026-12-01 21:51:39" on the planner's clock: in the IANA zone
    ``tz`` the pane names (its own clock, the one its "Plan started 21:51" uses), else in UTC.
    A text that is not an ISO time is shown as it is."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value.replace("T", " ").rstrip("Z")[:19]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(tz) if tz else timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def run_lines(run: dict | None, skip: tuple[str, ...] = ("settings",), tz: str | None = None) -> list[Line]:
    """The run record as labelled lines (settings are shown in their own section). Its times are
    on one clock, said in the label: the zone ``tz`` (an IANA name the page sends: the planner's
    own, as the pane shows times), else UTC; "Finished" right after "Started"."""
    record = dict(run or {})
    keys = list(record)
    ordered = [k for k in keys if k not in CLOCK_KEYS]
    # the run's two times together, where "Started" stands (finished_at is added last, at the end)
    at = keys.index("started_at") if "started_at" in keys else len(ordered)
    ordered[at:at] = [k for k in CLOCK_KEYS if k in record]
    lines: list[Line] = []
    for key in ordered:
        value = record[key]
        if key in skip or value in (None, "", [], {}):
            continue
        label = RUN_LABELS.get(key, readable(key))
        if key in CLOCK_KEYS and isinstance(value, str):
            value = clock_text(value, tz)
            label = label.replace("(UTC)", f"({tz})") if tz else label
        if key == "versions" and isinstance(value, dict):
            value = ", ".join(f"{name} {version}" for name, version in value.items())
        lines.append((label, as_text(value), "0" if is_number(value) else None))
    return lines
