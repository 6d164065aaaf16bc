"""Score a planner's own plan: the rules it breaks (with cells), what it is expected to earn,
and what Folio's plan earns on top of it, change by change.

``score_plan(dataset, model, settings, plan)`` takes the planner's plan as a table (``page``,
``slot``, ``product_id``, ``discount``; the way Excel sends a range, or Folio's own Plan sheet
edited by hand) and:

1. reads it like every table (every problem at once with its cell: engine.data.tables);
2. forecasts it with the same model and the same instance Folio plans on (forecast table,
   cannibalisation, stock caps), the planner's discounts added to the levels if they are not
   among ``discount_levels`` (so they can be forecast; the rule is then reported broken);
3. checks every rule unit on it (engine.plan.rules) and points each break at the rows that
   make it (their product_id cell; discount rules: the discount cell), plus rows that cannot be
   placed at all (a product that is no candidate, a slot outside the layout, a slot used twice);
4. plans with Folio (or takes a plan already made, ``folio=``) and compares: totals, the lift,
   the business case (Folio's plan, the planner's and the last catalogue on the same layout,
   engine.plan.business_case), a slot-by-slot table, and the path of single-slot changes that turns the planner's plan into
   Folio's, best change first, each gain measured on the whole plan (so the gains add up to the
   total lift exactly, cannibalisation included).

What each plan can be expected to earn is the honest promise of every plan (engine.plan.promise):
its cells valued by the pooled model's posterior mean, shrunk to history and stock-capped like
the search's, with an 80 % range (``totals.expected_profit`` with ``_low``/``_high``). The lift,
the slot-by-slot comparison and the changes are valued the same way, on
:func:`~engine.plan.promise.valued_instance`: Folio's plan was chosen where the search's forecast
is highest, so under that forecast its gain over the planner's plan would be overstated
(``lift.forecast_profit`` gives it, for reference).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np
import pandas as pd

from engine.data.dataset import Dataset
from engine.data.tables import read_input_table
from engine.errors import a1_cell

from .business_case import business_case
from .instance import PlanInstance, build_instance
from .planner import _result, plan_catalogue
from .promise import plan_promise, valued_instance, valuer_for
from .rules import EMPTY, evaluate
from .rules.levels import level_words
from .rules.unique import slot_words
from .rules.words import times
from .settings import PlanSettings

MAX_CHANGES = 40  # changes listed one by one; the rest of the path is summed in one line
COMPARISON_HEADER = ["page", "slot", "your_product", "your_discount", "your_profit", "folio_product",
                     "folio_discount", "folio_profit", "difference"]
CHANGES_HEADER = ["step", "page", "slot", "change", "product_before", "discount_before", "product_after",
                  "discount_after", "gain", "profit_gain", "cumulative_gain", "share_of_lift"]


def score_plan(dataset: Dataset, model, settings: PlanSettings | dict, plan, *, folio: dict | None = None,
               progress: Callable[[dict], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> dict:
    """The planner's plan scored against the rules and against Folio's plan (see the module)."""
    if not isinstance(settings, PlanSettings):
        settings = PlanSettings.from_dict(settings)
    table, header = plan if isinstance(plan, tuple) else read_input_table("plan", plan)
    if folio is None:
        folio = plan_catalogue(dataset, model, settings, progress=progress, should_stop=should_stop)
    allowed = tuple(settings.discount_levels)
    levels = tuple(sorted(set(allowed) | {float(d) for d in table["discount"]}))
    inst = build_instance(dataset, model, replace(settings, discount_levels=levels))
    inst.cannibalisation = float(folio.get("cannibalisation_factor", 1.0) or 1.0)
    valuer = valuer_for(model, dataset.history)
    valued = valued_instance(inst, valuer)  # what each cell can be expected to earn

    mine, placed_row, unplaceable = _chromosome(inst, table)
    theirs = _chromosome(inst, _plan_frame(folio["plan"]))[0]
    rules = _rules(inst, mine, placed_row, unplaceable, table, header, allowed)
    ev = evaluate(inst, np.vstack([mine, theirs]))
    expected = evaluate(valued, np.vstack([mine, theirs])).objective
    yours, folios = _result(inst, mine, ev.factor[0]), _result(inst, theirs, ev.factor[1])

    def promise(instance: PlanInstance, chromosome: np.ndarray) -> dict:
        factor = evaluate(instance, chromosome[None, :]).factor[0]
        return plan_promise(instance, dataset, instance.products, chromosome, factor, model, valuer)

    for result, chromosome in ((yours, mine), (folios, theirs)):
        honest = promise(inst, chromosome)
        result["totals"].update(honest["totals"])
        result["promise"] = honest["promise"]
    yours["plan"] = _with_rows(yours["plan"], inst, mine, placed_row)
    return {
        "plan": yours["plan"],
        "totals": yours["totals"],
        "promise": yours["promise"],
        "objective": float(ev.objective[0]),
        "expected_objective": float(expected[0]),
        "rules": rules,
        "broken": sum(not r["kept"] for r in rules),
        "folio": {"plan": folio["plan"], "totals": folios["totals"], "objective": float(ev.objective[1]),
                  "expected_objective": float(expected[1]), "bound": folio.get("bound"),
                  "rules": folio.get("rules"), "cancelled": folio.get("cancelled")},
        "lift": _lift(yours["totals"], folios["totals"]),
        "comparison": _comparison(valued, mine, theirs),
        # Folio's plan, the planner's ("own") and the last catalogue on the same layout and model
        "business_case": business_case(dataset.history, inst, theirs, folios["totals"], own=mine,
                                       promise=lambda i, c: promise(i, c)["totals"], allowed_levels=allowed),
        "changes": _changes(valued, mine, theirs),
        "settings": settings.to_dict(),
        "objective_name": settings.objective,
    }


def _lift(yours: dict, folios: dict) -> dict:
    """What Folio's plan earns on top: expected figures (the honest promise of each plan, the
    basis of the changes too); ``forecast_*``: the same under the forecast the search used."""
    lift: dict = {}
    for key in ("profit", "revenue", "units"):
        lift[key] = _minus(folios.get(f"expected_{key}"), yours.get(f"expected_{key}"))
        lift[f"forecast_{key}"] = _minus(folios.get(key), yours.get(key))
    base = yours.get("expected_profit")
    lift["profit_share"] = lift["profit"] / abs(base) if lift["profit"] is not None and base else None
    lift["basis"] = "expected"
    return lift


# -- the planner's table as a chromosome ----------------------------------------------------------

def _plan_frame(rows: list[list]) -> pd.DataFrame:
    head, *body = rows
    frame = pd.DataFrame(body, columns=[str(h).strip().lower() for h in head])
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


def _chromosome(inst: PlanInstance, table: pd.DataFrame):
    """The plan as a chromosome; the sheet row placed in each slot; rows that fit no slot."""
    index = {pid: i for i, pid in enumerate(inst.product_ids)}
    slot_at = {(int(p), int(s)): i for i, (p, s) in enumerate(zip(inst.slots["page"], inst.slots["slot"]))}
    chromosome = np.zeros(2 * inst.n_slots, dtype=np.int64)
    chromosome[0::2] = EMPTY
    placed_row = np.zeros(inst.n_slots, dtype=int)  # sheet row of the line placed in each slot, 0 = none
    unplaceable: dict[str, list[int]] = {"known_products": [], "layout": [], "one_product_per_slot": []}
    for row, line in table.iterrows():
        pid = str(line["product_id"]).strip()
        s = slot_at.get((int(line["page"]), int(line["slot"])))
        if pid not in index:
            unplaceable["known_products"].append(int(row))
        elif s is None:
            unplaceable["layout"].append(int(row))
        elif placed_row[s]:
            unplaceable["one_product_per_slot"].append(int(row))
        else:
            d = int(np.flatnonzero(np.isclose(inst.levels, float(line.get("discount", 0.0) or 0.0)))[0])
            chromosome[2 * s], chromosome[2 * s + 1] = index[pid], d
            placed_row[s] = int(row)
    return chromosome, placed_row, unplaceable


# -- rules with cells -------------------------------------------------------------------------------

def _cells(rows, header: list, column: str) -> list[dict]:
    j = header.index(column if column in header else "product_id")  # no discount column sent: the row's product
    return [{"row": int(r), "cell": a1_cell(int(r), j)} for r in rows]


def _rules(inst, chromosome, placed_row, unplaceable, table, header, allowed) -> list[dict]:
    """Every rule's report on the planner's plan, each break pointed at its rows' cells."""
    out = []
    for entry in inst.rules.report(inst, chromosome[0::2], chromosome[1::2], where=True):
        slots = entry.pop("slots", None) or []
        if entry["rule"] == "discount_levels":  # against the levels the planner may use
            used = sorted({float(x) for x in table["discount"]})
            outside = [int(r) for r, d in table["discount"].items() if not np.isclose(allowed, float(d)).any()]
            entry.update({"limit": [float(x) for x in allowed], "value": used, "kept": not outside,
                          **level_words(allowed, used, len(outside))})
            rows = outside
        else:
            rows = sorted({int(placed_row[s]) for s in slots if placed_row[s]})
        column = entry.pop("column", "product_id")
        if rows and not entry["kept"]:
            entry["cells"] = _cells(rows, header, column)
        out.append(entry)
    texts = {"known_products": "products that are not among the candidates",
             "layout": "a page and slot outside the catalogue's layout",
             "one_product_per_slot": "a slot already used by an earlier row"}
    labels = {"known_products": "Rows with a known product", "layout": "Rows inside the catalogue's layout"}
    for rule, rows in unplaceable.items():
        if rule == "one_product_per_slot":
            entry = next(e for e in out if e["rule"] == rule)
            if rows:
                entry.update({"kept": False, "value": 2, "cells": _cells(rows, header, "slot"),
                              **slot_words(len(rows))})
            continue
        said = "every row" if not rows else f"{times(len(rows), 'row')} with {texts[rule]}"
        out.append({"rule": rule, "limit": 0, "value": len(rows), "kept": not rows, "text": texts[rule],
                    "label": labels[rule], "limit_text": "every row", "value_text": said,
                    **({"cells": _cells(rows, header, "product_id" if rule == "known_products" else "page")}
                       if rows else {})})
    return out


# -- what the plans earn ------------------------------------------------------------------------------

def _minus(a, b):
    return None if a is None or b is None else float(a) - float(b)


def _with_rows(rows: list[list], inst, chromosome, placed_row) -> list[list]:
    """The scored plan with the sheet row each line came from (``row``), in the planner's order."""
    slots = np.flatnonzero(chromosome[0::2] >= 0)
    header, *body = rows
    lines = sorted(zip(placed_row[slots].tolist(), body))
    return [[*header, "row"]] + [[*line, int(r)] for r, line in lines]


def _slot_profit(inst, chromosome, factor) -> np.ndarray:
    prod, lev = chromosome[0::2], chromosome[1::2]
    p = np.maximum(prod, 0)
    value = inst.profit(p, inst.slot_type, lev)
    value = inst.revenue(p, inst.slot_type, lev) if value is None else value
    return np.where(prod >= 0, value * factor, 0.0)


def _comparison(inst, mine, theirs) -> list[list]:
    """One row per slot either plan uses: the planner's and Folio's product, discount and profit
    (``inst``: the valued instance, so the differences add up to the lift in expected profit)."""
    ev = evaluate(inst, np.vstack([mine, theirs]))
    a, b = _slot_profit(inst, mine, ev.factor[0]), _slot_profit(inst, theirs, ev.factor[1])
    rows = [COMPARISON_HEADER]
    for s in np.flatnonzero((mine[0::2] >= 0) | (theirs[0::2] >= 0)):
        line = [int(inst.slots["page"].iat[s]), int(inst.slots["slot"].iat[s])]
        for chromosome, profit in ((mine, a), (theirs, b)):
            p, d = chromosome[2 * s], chromosome[2 * s + 1]
            line += [str(inst.product_ids[p]) if p >= 0 else None, float(inst.levels[d]) if p >= 0 else None,
                     float(profit[s])]
        rows.append(line + [float(b[s] - a[s])])
    return rows


def _changes(inst, mine, theirs) -> list[list]:
    """The single-slot changes that turn the planner's plan into Folio's, best first.

    Each step gives one slot Folio's content (a product that sat elsewhere in the planner's plan
    moves, leaving its old slot empty for a later step, or, when Folio puts the product it
    replaces in that old slot, the two swap in one step); the best remaining step is chosen on
    the whole plan's objective, cannibalisation included, so the gains add up to the lift. Plans
    along the way may break a rule; the ends do not (Folio's) or are what the planner sent."""
    current = mine.copy()
    value = float(evaluate(inst, current[None, :]).objective[0])
    total = float(evaluate(inst, theirs[None, :]).objective[0]) - value
    rows, cumulative, step = [CHANGES_HEADER], 0.0, 0
    while True:
        todo = np.flatnonzero((current[0::2] != theirs[0::2]) | ((theirs[0::2] >= 0) & (current[1::2] != theirs[1::2])))
        if todo.size == 0:
            break
        batch = np.repeat(current[None, :], todo.size, axis=0)
        for i, s in enumerate(todo):
            p = theirs[2 * s]
            if p >= 0:
                elsewhere = np.flatnonzero(current[0::2] == p)
                batch[i, 2 * elsewhere] = EMPTY
                q = current[2 * s]
                for m in elsewhere:
                    if q >= 0 and theirs[2 * m] == q:  # a swap: what s held goes where Folio puts it
                        batch[i, 2 * m], batch[i, 2 * m + 1] = theirs[2 * m], theirs[2 * m + 1]
            batch[i, 2 * s], batch[i, 2 * s + 1] = theirs[2 * s], theirs[2 * s + 1]
        values = evaluate(inst, batch).objective
        if step >= MAX_CHANGES:  # the rest of the path at once
            gain = total - cumulative
            rows.append([step + 1, None, None, f"{todo.size} other changes", None, None, None, None, gain, None,
                         total, _share(total, total)])
            break
        best = int(np.argmax(values))
        s = int(todo[best])
        before, after = current.copy(), batch[best]
        gain = float(values[best]) - value
        profit_gain = _profit(inst, after) - _profit(inst, before)
        cumulative += gain
        step += 1
        rows.append([step, int(inst.slots["page"].iat[s]), int(inst.slots["slot"].iat[s]), _kind(inst, before, after, s),
                     _name(inst, before, s), _level(inst, before, s), _name(inst, after, s), _level(inst, after, s),
                     gain, profit_gain, cumulative, _share(cumulative, total)])
        current, value = after.copy(), float(values[best])
    return rows


def _profit(inst, chromosome) -> float:
    ev = evaluate(inst, chromosome[None, :])
    return float(_slot_profit(inst, chromosome, ev.factor[0]).sum())


def _share(part: float, total: float):
    return float(part / total) if abs(total) > 1e-9 else None


def _name(inst, chromosome, s):
    p = chromosome[2 * s]
    return str(inst.product_ids[p]) if p >= 0 else None


def _level(inst, chromosome, s):
    return float(inst.levels[chromosome[2 * s + 1]]) if chromosome[2 * s] >= 0 else None


def _kind(inst, before, after, s) -> str:
    """What a step does, in a planner's words."""
    was, now = before[2 * s], after[2 * s]
    if now < 0:
        return "leave empty"
    moved = np.flatnonzero((before[0::2] == now) & (np.arange(inst.n_slots) != s))
    if moved.size:
        m = int(moved[0])
        if was >= 0 and after[2 * m] == was:
            return f"swap with page {int(inst.slots['page'].iat[m])} slot {int(inst.slots['slot'].iat[m])}"
        return f"move from page {int(inst.slots['page'].iat[m])} slot {int(inst.slots['slot'].iat[m])}"
    if was < 0:
        return "add"
    if was == now:
        return "change discount"
    return "replace"
