"""What-if scenarios: 2 to 8 variants of the same catalogue planned side by side.

A scenario is the base plan settings with some changed (deeper discounts, another share) and/or
some rule tables replaced (category limits, locks, brand limits, page conflicts). Each is planned
as an ordinary plan (in parallel, on the job runner); ``gather_scenarios`` then puts them side by
side: one comparison row per scenario (what it can be expected to earn, the honest promise of
every plan (engine.plan.promise): expected profit with its 80 % range, expected revenue and units;
discounted share, anomaly score, rules kept, lift over the last catalogue) and
each scenario's own plan. A scenario that cannot be planned (its rules are infeasible) shows
its reason in its row; the others are compared all the same.

The lift over the last catalogue is measured against ONE yardstick for every scenario: the
latest campaign's catalogue mapped onto the same layout and scored by the same model
(engine.plan.business_case), as replayed by the scenario whose discount levels kept most of its
discounts (each scenario replays it at its own levels: with 0/20/40 % a 10 % discount moves, and
two scenarios planning the same catalogue would show different lifts). What that campaign
actually sold is given beside it.

Pure functions: ``check_scenarios`` (the request, normalised, every problem named by scenario),
``scenario_dataset`` (the dataset one scenario plans on), ``last_catalogue_sold`` (what the latest
campaign of the history sold and earned) and ``gather_scenarios``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from engine.data.columns import canonical_columns
from engine.data.dataset import RULE_TABLES, Dataset
from engine.data.tables import read_rule_tables
from engine.errors import FolioError, Problem

from .business_case import lift as case_lift
from .rules.words import PERCENT_SPACE, rules_kept
from .settings import PlanSettings

MIN_SCENARIOS, MAX_SCENARIOS = 2, 8
TABLES = ("category_limits", *RULE_TABLES)  # what a scenario (or one plan) may replace: every rule table
COMPARISON_HEADER = ["scenario", "status", "changes", "expected_profit", "expected_profit_low", "expected_profit_high",
                     "expected_revenue", "expected_units", "discounted_share", "anomaly_score", "rules_kept", "rules", "lift_profit", "lift_revenue",
                     "bound_gap", "note"]


def _bad(message: str, column: str, scenario: str | int | None = None) -> FolioError:
    return FolioError(code="invalid_job", status=422, detail=message,
                      problems=[Problem(message=message, column=column, scenario=scenario)])


def check_scenarios(scenarios, base_settings: dict | None) -> list[dict]:
    """The scenarios of a request as ``[{"name", "settings", "tables"}]``: names unique (default
    "Scenario 1", ...), settings the base's with the scenario's on top, validated like any plan's
    (``invalid_settings`` naming ``scenarios[i].<setting>``), tables among :data:`TABLES` (a
    table given as null removes it for that scenario). The tables' cells are read by
    :func:`scenario_dataset` (and by the server when it accepts the request)."""
    if not isinstance(scenarios, list) or not MIN_SCENARIOS <= len(scenarios) <= MAX_SCENARIOS:
        raise _bad(f"'scenarios' must be a list of {MIN_SCENARIOS} to {MAX_SCENARIOS} scenarios", "scenarios")
    base = dict(base_settings or {})
    out, names = [], set()
    for i, scenario in enumerate(scenarios):
        where = f"scenarios[{i}]"
        if not isinstance(scenario, dict):
            raise _bad(f"{where} must be an object with 'name', 'settings' and/or 'tables'", where, i)
        unknown = sorted(set(scenario) - {"name", "settings", "tables"})
        if unknown:
            raise _bad(f"{where} has unknown keys {unknown}; allowed: name, settings, tables", f"{where}.{unknown[0]}", i)
        name = scenario.get("name", f"Scenario {i + 1}")
        if not isinstance(name, str) or not name.strip() or len(name) > 60:
            raise _bad(f"{where}.name must be a text of 1 to 60 characters", f"{where}.name", i)
        name = name.strip()
        if name in names:
            raise _bad(f"two scenarios are named {name!r}", f"{where}.name", i)
        names.add(name)
        settings = scenario.get("settings") or {}
        if not isinstance(settings, dict):
            raise _bad(f"{where}.settings must be an object", f"{where}.settings", name)
        try:
            merged = PlanSettings.from_dict({**base, **settings}).to_dict()
        except FolioError as error:
            error.problems = [replace(p, column=f"{where}.{p.column}", scenario=name) for p in error.problems]
            error.detail = f"{name}: {error.detail}"
            raise
        tables = scenario.get("tables") or {}
        if not isinstance(tables, dict) or set(tables) - set(TABLES):
            raise _bad(f"{where}.tables may replace {', '.join(TABLES)}", f"{where}.tables", name)
        out.append({"name": name, "settings": merged, "tables": tables})
    return out


def scenario_dataset(dataset: Dataset, tables: dict | None, name: str | None = None) -> Dataset:
    """The dataset one scenario plans on: ``tables`` (raw 2-D arrays) read like every table (every
    problem at once with its cell, cross-checked against the dataset's products and slots) and put
    in place of the dataset's; a table given as None is removed."""
    if not tables:
        return dataset
    given = {k: v for k, v in tables.items() if v is not None}
    try:
        read, headers = read_rule_tables(given, dataset.products, dataset.slots)
    except FolioError as error:
        if name:
            error.detail = f"scenario {name!r}: {error.detail}"
            error.problems = [replace(p, message=f"scenario {name!r}: {p.message}", scenario=name)
                              for p in error.problems]
        raise
    removed = {k: None for k, v in tables.items() if v is None}
    return replace(dataset, **read, **removed, headers={**getattr(dataset, "headers", {}), **headers})


def last_catalogue_sold(dataset: Dataset) -> dict | None:
    """What the latest campaign of the history actually sold and earned (every market together):
    units, revenue at the price and discount sold, and profit with the products' unit costs (``cost_share``: the share of that revenue whose cost is known; profit
    is extrapolated from those rows' margin when some costs are missing, None when none is known)."""
    h = canonical_columns(dataset.history)
    if not {"campaign", "units", "price"} <= set(h.columns):
        return None
    if "page" in h.columns:
        h = h[pd.to_numeric(h["page"], errors="coerce").notna()]
    if h.empty:
        return None
    last = h["campaign"].max()
    rows = h[h["campaign"] == last]
    units = pd.to_numeric(rows["units"], errors="coerce").fillna(0.0).to_numpy()
    price = pd.to_numeric(rows["price"], errors="coerce").to_numpy(float)
    discount = pd.to_numeric(rows["discount"], errors="coerce").fillna(0.0).to_numpy() if "discount" in rows else 0.0
    revenue = units * np.nan_to_num(price) * (1.0 - discount)
    cost = np.full(len(rows), np.nan)
    if "unit_cost" in rows.columns:
        cost = pd.to_numeric(rows["unit_cost"], errors="coerce").to_numpy(float)
    if dataset.products is not None and "unit_cost" in canonical_columns(dataset.products).columns:
        products = canonical_columns(dataset.products)
        known = pd.to_numeric(products["unit_cost"], errors="coerce")
        by_id = pd.Series(known.to_numpy(), index=products["product_id"].astype(str)).groupby(level=0).first()
        cost = np.where(np.isfinite(cost), cost, rows["product_id"].astype(str).map(by_id).to_numpy(float))
    has = np.isfinite(cost)
    known_revenue = float(revenue[has].sum())
    profit = None
    if has.any() and known_revenue > 0:
        known_profit = float((revenue - units * np.where(has, cost, 0.0))[has].sum())
        profit = known_profit * float(revenue.sum()) / known_revenue
    return {"campaign": last.item() if hasattr(last, "item") else last, "units": float(units.sum()),
            "revenue": float(revenue.sum()), "profit": profit,
            "cost_share": known_revenue / float(revenue.sum()) if revenue.sum() > 0 else None}


def _expected(totals: dict, key: str = "profit") -> tuple[float | None, float | None, float | None]:
    """The plan's expected ``key`` (profit, revenue, units) and its 80 % range: the honest promise
    every plan carries (``expected_<key>`` with ``_low``/``_high``, engine.plan.promise); a result
    without one (made before it existed) gives the forecast's figure and no range."""
    if f"expected_{key}" in totals:
        return (totals[f"expected_{key}"], totals.get(f"expected_{key}_low"), totals.get(f"expected_{key}_high"))
    return totals.get(key), None, None


def _lift(value, base):
    return (float(value) / float(base) - 1.0) if value is not None and base else None


def _case_lift(result: dict, key: str, last_sold: dict | None, value, yardstick: dict | None):
    """The scenario's lift over the last catalogue: its plan's figures (its business case's, else
    its expected totals) over the common ``yardstick`` (:func:`_last_scored`); with no scenario
    scored against the last catalogue, its expected figure over what that catalogue sold."""
    if value is None:
        return None
    if yardstick:
        case = result.get("business_case") or {}
        plan = next((o for o in case.get("options") or [] if o.get("name") == "plan"), None)
        return case_lift(plan or {f"expected_{key}": value}, yardstick).get(key)
    return _lift(value, (last_sold or {}).get(key))


def _last_scored(outcomes: list[dict]) -> dict | None:
    """The last catalogue as scored by the planned scenario that replayed it most faithfully (the
    fewest of its discounts moved to another level; the first such in the order asked): the one
    yardstick every scenario's lift is measured against."""
    best, moved = None, None
    for outcome in outcomes:
        case = (outcome.get("result") or {}).get("business_case") or {}
        option = next((o for o in case.get("options") or [] if o.get("name") == "last_catalogue"), None)
        if not option:
            continue
        mapping = case.get("last_catalogue") or {}
        changed = mapping.get("discounts_changed")
        changed = float("inf") if changed is None else changed
        if best is None or changed < moved:
            best = {**{k: v for k, v in option.items() if k not in ("name", "label")},
                    "campaign": mapping.get("campaign"), "scenario": outcome.get("scenario"),
                    "discounts_changed": mapping.get("discounts_changed")}
            moved = changed
    return best


def scenario_changes(scenario: dict, base_settings: dict | None) -> list[str]:
    """What one scenario of a request (:func:`check_scenarios`: ``settings`` merged, ``tables``)
    changes from the base plan, in a planner's words: each setting whose value is not the base's
    ("discounts 0, 20, 40 %"), each rule table it brings ("own locks") or leaves out
    ("no brand_limits"). Empty: the plan as set. Said for every scenario, so one that could not
    be planned still says what it was."""
    try:
        base = PlanSettings.from_dict(base_settings or {}).to_dict()
    except FolioError:  # checked when the request came in; a stored request of another version
        base = {}
    settings = scenario.get("settings") or {}
    words = [_setting_words(k, v) for k, v in settings.items() if k in base and v != base[k]]
    for table, value in (scenario.get("tables") or {}).items():
        none = value is None or (isinstance(value, list) and len(value) <= 1)  # a header alone: none either
        words.append(f"{'no' if none else 'own'} {table.replace('_', ' ')}")
    return words


def _percent(x) -> str:
    return f"{float(x) * 100:g}{PERCENT_SPACE}%"


def _setting_words(key: str, value) -> str:
    """One setting in the words the pane's scenario editor uses for it."""
    if key == "discount_levels":
        return "discounts " + ", ".join(f"{float(x) * 100:g}" for x in value) + f"{PERCENT_SPACE}%"
    if key == "max_discounted_share":
        return f"max discounted {_percent(value)}"
    if key == "min_margin":
        return "no min margin" if value is None else f"min margin {_percent(value)}"
    if key == "max_same_category_per_page":
        return "no per-page limit" if value is None else f"at most {value} of a category per page"
    shown = ", ".join(map(str, value)) if isinstance(value, list) else "none" if value is None else str(value)
    return f"{key.replace('_', ' ')} {shown}"


def gather_scenarios(outcomes: list[dict], last: dict | None = None, asked: list[dict] | None = None,
                     base_settings: dict | None = None) -> dict:
    """The scenarios side by side. ``outcomes``: one ``{"scenario", "status", "job"?, "result"?,
    "error"?}`` per scenario, in the order asked; ``last``: :func:`last_catalogue_sold` (the lift
    where a plan has no business case); ``asked``: the request's scenarios (:func:`check_scenarios`)
    and ``base_settings`` its base settings, so every scenario, planned or not, carries its
    ``settings`` and ``changes`` (:func:`scenario_changes`; the comparison's ``changes`` column)."""
    table = [COMPARISON_HEADER]
    scenarios = []
    yardstick = _last_scored(outcomes)
    requests = {s["name"]: s for s in asked or []}
    for outcome in outcomes:
        name, result = outcome["scenario"], outcome.get("result") or {}
        entry = {"scenario": name, "status": outcome["status"], "job": outcome.get("job")}
        request = requests.get(name)
        changes = scenario_changes(request, base_settings) if request else None
        if request:
            entry.update({"settings": request.get("settings"), "changes": changes})
        if outcome.get("error"):
            entry["error"] = {k: outcome["error"].get(k) for k in ("code", "detail")}
        totals = result.get("totals") or {}
        profit, low, high = _expected(totals)
        rules = result.get("rules") or []
        share = _discounted_share(result.get("plan"))
        if result.get("plan"):
            entry.update({"plan": result["plan"], "totals": totals, "rules": rules,
                          "settings": result.get("settings") or entry.get("settings"),
                          "objective": result.get("objective"), "bound": result.get("bound"),
                          "bound_gap": result.get("bound_gap"), "anomaly_score": result.get("anomaly_score"),
                          "discounted_share": share, "stopped_by": result.get("stopped_by"),
                          "elapsed_s": result.get("elapsed_s"), "generations_run": result.get("generations_run"),
                          "cancelled": result.get("cancelled")})
        note = (entry.get("error") or {}).get("detail") or ("stopped early: best plan so far" if result.get("cancelled") else None)
        revenue, units = _expected(totals, "revenue")[0], _expected(totals, "units")[0]
        said = None if changes is None else "; ".join(changes) or "nothing: the settings as you set them"
        kept, counted = rules_kept(rules)
        table.append([name, outcome["status"], said, profit, low, high, revenue, units, share,
                      result.get("anomaly_score"), kept if rules else None, counted if rules else None, _case_lift(result, "profit", last, profit, yardstick),
                      _case_lift(result, "revenue", last, revenue, yardstick), result.get("bound_gap"), note])
        scenarios.append(entry)
    planned = [s for s in scenarios if "totals" in s]
    ranked = sorted(planned, key=lambda s: _expected(s["totals"])[0] or -np.inf, reverse=True)
    best = ranked[0] if ranked else None
    return {"comparison": table, "scenarios": scenarios, "last_catalogue": yardstick,
            "last_catalogue_sold": last,
            "best": best["scenario"] if best else None,
            "runner_up": ranked[1]["scenario"] if len(ranked) > 1 else None,
            "best_clear": _clear(ranked) if best else None,
            "cancelled": any(o["status"] == "cancelled" for o in outcomes) or any(s.get("cancelled") for s in planned)}


def _clear(ranked: list[dict]) -> bool:
    """Is the best scenario a clear winner: its 80 % range above the runner-up's? When the two
    ranges overlap the forecast cannot tell which will earn more, and no scenario is crowned
    (without ranges, from results made before the promise, the higher figure stands)."""
    if len(ranked) < 2:
        return True
    low = _expected(ranked[0]["totals"])[1]
    high = _expected(ranked[1]["totals"])[2]
    return low is None or high is None or low > high


def _discounted_share(plan: list[list] | None) -> float | None:
    if not plan or len(plan) < 2:
        return None
    j = [str(h) for h in plan[0]].index("discount")
    return float(np.mean([float(row[j] or 0.0) > 0 for row in plan[1:]]))
