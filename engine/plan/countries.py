"""One catalogue per country: split a dataset into country views, gather per-country plans.

A planner at a company printing the same catalogue in many markets plans each market's edition
separately: the same candidates and layout, but forecasts for that market (its level, its price
sensitivity). ``for_country`` gives the dataset one country's plan job sees; the plan jobs run
independently (in parallel on the job runner); ``gather_plans`` turns their results into one
plan-shaped result: the plan rows with a ``country`` column, totals summed, and a per-country
breakdown. Pure functions: a notebook can call them around :func:`engine.plan.planner.plan_catalogue`.

A ``country`` column is optional in ``products``, ``slots``, ``category_limits`` and the plan-rule
tables (``locks``, ``brand_limits``, ``page_conflicts``): where present,
a row applies to the country it names, and a row with an empty country applies to every country.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from engine.data.dataset import RULE_TABLES, Dataset
from engine.errors import FolioError, Problem

from .business_case import gather_cases

MAX_COUNTRIES = 200
SUMMED = ("units", "revenue", "profit", "products", "slots_used", "beyond_history")
# Expected figures and their ranges: summed too (the ends of the ranges as if the countries' errors
# moved together: wider than the truth when they do not, never narrower).
EXPECTED = tuple(f"expected_{k}{end}" for k in ("units", "revenue", "profit") for end in ("", "_low", "_high"))


def _names(column: pd.Series) -> pd.Series:
    return column.astype("string").str.strip().fillna("")


def countries_of(dataset: Dataset) -> list[str]:
    """The countries a plan can be made for: those with sales history, in sorted order."""
    if "country" not in dataset.history.columns:
        return []
    names = _names(dataset.history["country"])
    return sorted(set(names[names != ""].tolist()))


def check_countries(known: list[str], countries) -> list[str]:
    """``countries`` as asked (a list of names, or ``"all"``), checked against ``known``, the
    countries with sales history (:func:`countries_of`).

    Raises ``FolioError(code="invalid_job")`` naming the unknown countries: a plan for a market
    without history would be a forecast from nothing.
    """
    known = sorted(known)
    if countries == "all":
        if not known:
            raise _bad("the history has no 'country' column: there is only one market to plan")
        return known
    if (not isinstance(countries, list) or not countries or len(countries) > MAX_COUNTRIES
            or not all(isinstance(c, str) and c.strip() for c in countries)):
        raise _bad(f"'countries' must be \"all\" or a list of 1 to {MAX_COUNTRIES} country names")
    asked = [c.strip() for c in countries]
    if len(set(asked)) != len(asked):
        raise _bad("'countries' names a country twice")
    unknown = [c for c in asked if c not in known]
    if unknown:
        raise _bad(f"no sales history for {', '.join(map(repr, unknown[:10]))}; "
                   f"known countries: {', '.join(known[:20]) or 'none'}")
    return asked


def _bad(message: str) -> FolioError:
    return FolioError(code="invalid_job", status=422, detail=message,
                      problems=[Problem(message=message, column="countries")])


def _rows_for(table: pd.DataFrame | None, country: str, add_column: bool,
              keep_index: bool = False) -> pd.DataFrame | None:
    if table is None:
        return None
    if "country" not in table.columns:
        return table.assign(country=country) if add_column else table
    names = _names(table["country"])
    picked = table[(names == country) | (names == "")].copy()
    picked["country"] = country
    return picked if keep_index else picked.reset_index(drop=True)


def for_country(dataset: Dataset, country: str) -> Dataset:
    """The dataset one country's plan sees: its products (forecast for that country), its slots
    and category limits where those tables name countries, and the whole history (the model and
    the anomaly detector learn from every market)."""
    products = _rows_for(dataset.products, country, add_column=True)
    if products is not None and products.empty:
        raise FolioError(code="infeasible", status=422,
                         detail=f"the products table has no candidate for {country!r}",
                         problems=[Problem(message="no products for this country", table="products",
                                           column="country")])
    if products is not None and products["product_id"].duplicated().any():
        twice = products.loc[products["product_id"].duplicated(), "product_id"].iloc[0]
        raise FolioError(code="invalid_table", status=422,
                         detail=f"product {twice!r} is listed twice for {country!r} (once for it and "
                                "once for every country?)",
                         problems=[Problem(message="duplicate product for one country", table="products",
                                           column="product_id")])
    rules = {name: _rows_for(getattr(dataset, name), country, add_column=False, keep_index=True)
             for name in RULE_TABLES}  # sheet rows kept: plan-time problems name their cells
    return replace(dataset, products=products,
                   slots=_rows_for(dataset.slots, country, add_column=False),
                   category_limits=_rows_for(dataset.category_limits, country, add_column=False), **rules)


def gather_plans(outcomes: list[dict]) -> dict:
    """One plan-shaped result from the per-country ones.

    ``outcomes``: one ``{"country", "status", "result"?, "error"?}`` per country, in the order
    asked. The plan table gets a ``country`` column (after the contract's columns); totals are
    sums over the countries that produced a plan; ``countries`` holds each one's status, totals,
    bound and stopping reason; ``convergence`` and ``rules`` carry a ``country`` column too.
    """
    plan: list[list] = []
    curves: dict[str, list[list]] = {}
    rules: list[dict] = []
    breakdown: list[dict] = []
    totals = {key: 0.0 for key in SUMMED}
    expected: dict[str, float | None] = {key: 0.0 for key in EXPECTED}
    profit_known = True
    bounds: list[float | None] = []
    for outcome in outcomes:
        country, result = outcome["country"], outcome.get("result")
        entry = {"country": country, "status": outcome["status"], "job": outcome.get("job")}
        if outcome.get("error"):
            entry["error"] = {k: outcome["error"].get(k) for k in ("code", "detail")}
        if result and result.get("plan"):
            header, *rows = result["plan"]
            if not plan:
                plan.append([*header, "country"])
            plan.extend([*row, country] for row in rows)
            part = result.get("totals") or {}
            for key in SUMMED:
                if key == "profit" and part.get(key) is None:
                    profit_known = False
                    continue
                totals[key] += float(part.get(key) or 0.0)
            for key in EXPECTED:
                value = part.get(key)
                expected[key] = None if value is None or expected[key] is None else expected[key] + float(value)
            if result.get("convergence") and len(result["convergence"]) > 1:
                curves[country] = result["convergence"]
            rules.extend({**rule, "country": country} for rule in result.get("rules") or [])
            bounds.append(result.get("bound"))
            entry.update({key: result.get(key) for key in (
                "totals", "objective", "bound", "bound_gap", "anomaly_score", "stopped_by",
                "generations_run", "elapsed_s", "cancelled", "layout")})
        else:
            bounds.append(None)
        breakdown.append(entry)
    totals["profit"] = totals["profit"] if profit_known else None
    for key in ("products", "slots_used", "beyond_history"):
        totals[key] = int(totals[key])
    if any(b.get("totals") for b in breakdown):
        totals.update(expected)
    planned = [b for b in breakdown if "totals" in b]
    objective = float(sum(b["objective"] or 0.0 for b in planned))
    bound = float(sum(bounds)) if bounds and all(b is not None for b in bounds) else None
    scores = [b["anomaly_score"] for b in planned if b.get("anomaly_score") is not None]
    first = next((o["result"] for o in outcomes if o.get("result")), {}) or {}
    return {
        "plan": plan,
        "totals": totals,
        "countries": breakdown,
        "rules": rules,
        "convergence": combined_convergence(curves),
        "objective": objective,
        "bound": bound,
        "bound_gap": (max(bound - objective, 0.0) / bound) if bound and bound > 0 else None,
        "anomaly_score": float(np.max(scores)) if scores else None,
        "cancelled": any(bool(b.get("cancelled")) for b in planned) or any(
            o["status"] == "cancelled" for o in outcomes),
        "settings": first.get("settings"),
        "layout": first.get("layout"),
        "business_case": gather_cases([(o["country"], (o.get("result") or {}).get("business_case"))
                                       for o in outcomes]),
        "bound_note": first.get("bound_note"),
        "elapsed_s": max((b.get("elapsed_s") or 0.0 for b in planned), default=0.0),
    }


def combined_convergence(curves: dict[str, list[list]]) -> list[list]:
    """The convergence table of the whole multi-country plan, one row per generation.

    ``best`` and ``mean`` are sums over the countries (a country that stopped earlier counts with
    its last value, so the total never drops when one finishes), ``feasible_share`` the lowest
    share, then one ``best <country>`` column per country. The contract's columns come first, so
    the chart and any reader of a single-country table work unchanged.
    """
    if not curves:
        return []
    header = [str(h) for h in next(iter(curves.values()))[0]]
    g, b, m = header.index("generation"), header.index("best"), header.index("mean")
    f = header.index("feasible_share") if "feasible_share" in header else None
    steps = {c: sorted(rows[1:], key=lambda r: r[g]) for c, rows in curves.items()}
    generations = sorted({row[g] for rows in steps.values() for row in rows})
    table: list[list] = [["generation", "best", "mean", "feasible_share",
                          *[f"best {c}" for c in steps]]]
    position = {c: 0 for c in steps}
    for generation in generations:
        current = {}
        for country, rows in steps.items():
            while position[country] + 1 < len(rows) and rows[position[country] + 1][g] <= generation:
                position[country] += 1
            current[country] = rows[position[country]]
        best = [float(r[b]) for r in current.values()]
        mean = [float(r[m]) for r in current.values()]
        feasible = [float(r[f]) for r in current.values() if f is not None and r[f] is not None]
        table.append([generation, sum(best), sum(mean), min(feasible) if feasible else None,
                      *[float(current[c][b]) for c in steps]])
    return table
