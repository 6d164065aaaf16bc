"""The business case of a plan: what it is expected to earn beside what the last catalogue would
earn on the same layout, both scored by the same model, so the lift is the plan's own doing.

The last catalogue is the history's latest campaign, its catalogue rows (those with a page). It
is mapped onto the planned layout like this (documented in docs/engine-api.md):

1. its products are ranked by where it showed them: page ascending, then featured first, then
   the larger slot first, then product id (a stable order);
2. products that are no longer candidates (not in the products table) are left out, since
   there is no price or cost to score them with; the count is reported;
3. the ranked products fill the planned slots in plan order (page, slot): the last catalogue's
   front products get the new front slots; slots beyond its products stay empty; products
   beyond the slots are dropped (both counted);
4. each keeps its discount, snapped to the nearest allowed level when that level is not allowed
   now (counted), because the value table only holds the allowed levels.

A product shown on several pages (one catalogue per market in the history) takes its best
page. A plan for one country (a ``country`` column in the products table) compares with that
country's last catalogue.

Both options are valued by :func:`option_totals` on the planner's own instance: the same
forecast table, layout and cannibalisation factor that produced the plan's ``totals``. When the
planner's totals carry the honest promise (``expected_profit``, ``_low``, ``_high``, issue 14),
``promise`` (a function of instance and chromosome) computes the same figures for the last
catalogue; without it, both options are compared on the forecast.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from engine.data.columns import canonical_columns, numeric_column
from engine.forecast.backtest import campaign_order

from .instance import PlanInstance
from .rules import EMPTY, evaluate

FIGURES = ("profit", "revenue", "units")
Promise = Callable[[PlanInstance, np.ndarray], dict]


def option_totals(inst: PlanInstance, chromosome: np.ndarray) -> dict:
    """Units, revenue, profit (None without unit costs) and products of one plan chromosome, as
    the planner's ``totals`` count them (forecast x cannibalisation factor)."""
    ev = evaluate(inst, chromosome[None, :])
    prod, lev = chromosome[0::2], chromosome[1::2]
    slots = np.flatnonzero(prod >= 0)
    p, d, t = prod[slots], lev[slots], inst.slot_type[slots]
    factor = ev.factor[0][slots]
    profit = inst.profit(p, t, d)
    return {"units": float((inst.units[p, t, d] * factor).sum()),
            "revenue": float((inst.revenue(p, t, d) * factor).sum()),
            "profit": None if profit is None else float((profit * factor).sum()),
            "products": int(len(slots))}


def last_catalogue(history: pd.DataFrame, inst: PlanInstance, country: str | None = None,
                   allowed_levels=None) -> dict:
    """The latest campaign's catalogue mapped onto ``inst``'s layout (module docstring): its
    ``chromosome`` and what the mapping did (``campaign``, ``shown``, ``left_out``, ``dropped``,
    ``discounts_changed``). ``chromosome`` is None when the history shows no catalogue.

    Its discounts move to the nearest of ``allowed_levels`` (default: every level of ``inst``).
    A scored plan's instance also holds the draft's own levels, which the plan does not allow; the
    last catalogue is then held to the allowed ones, so it is the yardstick the plan job had."""
    h = canonical_columns(history)
    if not {"campaign", "product_id", "page"} <= set(h.columns):
        return {"chromosome": None, "reason": "the history has no page column: no catalogue to compare with"}
    if country is not None and "country" in h.columns:
        h = h[h["country"].astype(str).str.strip() == str(country)]
    shown = h[pd.to_numeric(h["page"], errors="coerce").notna()]
    if shown.empty:
        return {"chromosome": None, "reason": "no campaign in the history shows a catalogue page"}
    campaign = campaign_order(shown["campaign"])[-1]
    rows = shown[shown["campaign"] == campaign].copy()
    rows["_page"] = numeric_column(rows, "page")
    rows["_featured"] = numeric_column(rows, "featured", 0.0)
    rows["_size"] = numeric_column(rows, "slot_size", 0.0)
    rows["_discount"] = np.nan_to_num(numeric_column(rows, "discount", 0.0), nan=0.0)
    rows["_id"] = rows["product_id"].astype(str).str.strip()
    rows = rows.sort_values(["_page", "_featured", "_size", "_id"], ascending=[True, False, False, True])
    rows = rows.drop_duplicates("_id")  # a product shown in several markets: its best page
    index = {pid: i for i, pid in enumerate(inst.product_ids)}
    known = rows[rows["_id"].isin(index)]
    placed = known.iloc[: inst.n_slots]
    chromosome = np.full(2 * inst.n_slots, EMPTY, dtype=np.int64)
    chromosome[1::2] = 0
    levels = np.asarray(inst.levels, dtype=float)
    usable = np.ones(len(levels), dtype=bool) if allowed_levels is None else \
        np.isclose(levels[:, None], np.asarray(list(allowed_levels), dtype=float)[None, :]).any(axis=1)
    if not usable.any():
        usable[:] = True
    distance = np.abs(levels[None, :] - placed["_discount"].to_numpy()[:, None])
    level = np.where(usable[None, :], distance, np.inf).argmin(axis=1)
    chromosome[0:2 * len(placed):2] = [index[pid] for pid in placed["_id"]]
    chromosome[1:2 * len(placed):2] = level
    changed = int((~np.isclose(levels[level], placed["_discount"].to_numpy())).sum())
    return {"chromosome": chromosome, "campaign": campaign, "shown": int(len(rows)),
            "left_out": int(len(rows) - len(known)), "dropped": int(len(known) - len(placed)),
            "empty_slots": int(inst.n_slots - len(placed)), "discounts_changed": changed}


def _figures(inst: PlanInstance, chromosome: np.ndarray, promise: Promise | None) -> dict:
    out = option_totals(inst, chromosome)
    if promise is not None:
        out.update({k: v for k, v in promise(inst, chromosome).items() if k.startswith("expected_")})
    return out


def lift(new: dict, old: dict) -> dict:
    """Relative change of each figure, new over old (None where old is zero or unknown)."""
    out = {}
    for key in FIGURES:
        for name in (f"expected_{key}", key):
            a, b = new.get(name), old.get(name)
            if a is not None and b is not None:
                out[key] = (a - b) / abs(b) if b else None
                break
        else:
            out[key] = None
    return out


def business_case(history: pd.DataFrame, inst: PlanInstance, plan: np.ndarray, plan_totals: dict,
                  *, country: str | None = None, promise: Promise | None = None,
                  own: np.ndarray | None = None, allowed_levels=None) -> dict:
    """The plan beside the last catalogue (and the planner's ``own`` plan when given), JSON-ready:
    ``options`` (``name``, ``label``, figures), ``lift`` of the plan over the last catalogue per
    figure, ``last_catalogue`` (how it was mapped), ``basis`` (one sentence saying how).
    ``allowed_levels``: the discounts the plan allows, when ``inst`` holds more (a scored draft's)."""
    plan_figures = {**option_totals(inst, plan),
                    **{k: v for k, v in plan_totals.items() if k.startswith("expected_")}}
    options = [{"name": "plan", "label": "This plan", **plan_figures}]
    if own is not None:
        options.append({"name": "own", "label": "Your plan", **_figures(inst, own, promise)})
    last = last_catalogue(history, inst, country, allowed_levels)
    chromosome = last.pop("chromosome")
    case = {"options": options, "last_catalogue": last, "lift": None,
            "basis": "the same model, layout and cannibalisation factor value every option"}
    if chromosome is None:
        return case
    old = {"name": "last_catalogue", "label": f"Last catalogue ({last['campaign']})",
           "campaign": last["campaign"], **_figures(inst, chromosome, promise)}
    options.append(old)
    case["lift"] = lift(plan_figures, old)
    if own is not None:
        options[1]["lift"] = lift(options[1], old)
    return _plain(case)


def gather_cases(cases: list[tuple[str, dict]]) -> dict | None:
    """One business case for a multi-country plan: each option's figures summed over the
    countries that have it, the lift recomputed on the sums, each country's case kept."""
    cases = [(c, case) for c, case in cases if case]
    if not cases:
        return None
    options: dict[str, dict] = {}
    for _, case in cases:
        for option in case.get("options") or []:
            total = options.setdefault(option["name"], {"name": option["name"], "countries": 0})
            total["countries"] += 1
            for key, value in option.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "countries":
                    total[key] = (total.get(key) or 0) + value
                elif value is None and key in FIGURES:
                    total[key] = None
    labels = {"plan": "This plan", "own": "Your plan", "last_catalogue": "Last catalogues"}
    for name, total in options.items():
        total["label"] = labels.get(name, name)
        if total["countries"] < len(cases):  # missing in some country: a sum would mislead
            total["partial"] = True
    plan, old = options.get("plan"), options.get("last_catalogue")
    complete = old is not None and not old.get("partial")
    mapped = [case.get("last_catalogue") or {} for _, case in cases]
    last = {key: sum(int(m.get(key) or 0) for m in mapped)
            for key in ("shown", "left_out", "dropped", "empty_slots", "discounts_changed")}
    last["campaigns"] = sorted({str(m["campaign"]) for m in mapped if m.get("campaign") is not None})
    return _plain({"options": list(options.values()), "lift": lift(plan, old) if plan and complete else None,
                   "last_catalogue": last, "countries": [{"country": c, **case} for c, case in cases],
                   "basis": cases[0][1].get("basis")})


def _plain(value):
    """numpy scalars as Python numbers, recursively (the result must be JSON-ready)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
