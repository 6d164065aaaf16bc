"""Where a plan's promise misses what the plan truly earns: its error split into parts that multiply.

    .venv/bin/python bench/bench_plan_quality.py --cases thin4 mid3 --split

The promise (``totals.expected_profit``, engine/plan/promise.py) values the plan's rows with the
pooled valuer, shrinks them to what the history sold (``beyond_history``) and applies the plan's
cannibalisation. On the demo's truth (the same rows, stock caps and margins) its ratio to what the
plan truly earns is the product of:

* ``level``: the valuer over the truth on a plan that chose nothing: the plan's own cells (slots
  and discounts) filled with candidates drawn at random from those the history knows (``draws``
  times, summed). What any plan of this layout would be off by, in two parts: ``catalogue``
  (the same random products without discounts: the next campaign's level and season, the
  placement response of an average product) and ``discounts`` (the plan's discounts on them);
* ``choice``: the valuer over the truth on the plan's own products, beyond ``level``: the
  optimizer's curse left after the pooled valuation (the search picks the products the forecast
  overrates) and the chosen products' own errors (launches included);
* ``beyond``: the valuer's rows shrunk to what the history sold, over not shrunk;
* ``cannibalisation``: the plan's estimated cannibalisation (the demo has none).

Also the search's own figure (``raw``: the champion's forecast, as shrunk and cannibalised in the
search) over the truth, its ``raw_choice`` (the champion's curse: its plan against random products
in the same cells) and what the valuation took off it (``promised / raw``).
"""

from __future__ import annotations

import numpy as np

from engine.plan.instance import PlanInstance, _planned_predict, forecast_markets
from engine.plan.promise import _as_history_pages as as_history_pages
from engine.plan.promise import _rows as plan_rows
from engine.plan.rules import evaluate


def _units(model, inst: PlanInstance, slots, p, d, markets, champion: bool = False) -> np.ndarray:
    """(rows, markets) units of the plan rows (product ``p`` at level ``d`` in ``slots``); the
    champion asked as the search asks it (engine.plan.instance._planned_predict)."""
    rows = plan_rows(inst, inst.products, slots, p, d, markets)
    if not champion:  # the valuer reads pages beyond the history as the promise does
        rows = as_history_pages(model, rows)
    predict = _planned_predict(model, inst.products) if champion else model.predict
    return np.clip(np.nan_to_num(np.asarray(predict(rows), dtype=float)), 0.0, None).reshape(len(p), -1)


def promise_split(inst: PlanInstance, truth, chromosome: np.ndarray, valuer, champion=None,
                  known: np.ndarray | None = None, draws: int = 10, seed: int = 0) -> dict:
    """The factors of the module docstring for the plan ``chromosome`` on the search's instance
    ``inst`` (with its cannibalisation set as the planner set it): their product is the promise
    over what the plan truly earns. ``known``: which candidates the history has (the random
    plans draw from them; default every candidate)."""
    prod, lev = chromosome[0::2], chromosome[1::2]
    slots = np.flatnonzero(prod >= 0)
    p, d, t = prod[slots], lev[slots], inst.slot_type[slots]
    markets = forecast_markets(valuer, inst.products)
    factor = evaluate(inst, np.asarray(chromosome)[None, :]).factor[0][slots]

    def profit(units, products, f=1.0):  # always with the plan's discounts' margins
        margin = inst.price[products] * (1.0 - inst.levels[d]) - inst.unit_cost[products]
        return float((np.minimum(units.sum(axis=1), inst.stock[products]) * f * margin).sum())

    valued = _units(valuer, inst, slots, p, d, markets)
    true = _units(truth, inst, slots, p, d, markets)
    K = valued.shape[1]
    reference = inst.reference[p, t, d, :K] if inst.reference is not None else np.full_like(valued, np.inf)
    pool = np.flatnonzero(known) if known is not None and np.any(known) else np.arange(inst.n_products)
    rng = np.random.default_rng(seed)
    none = np.full_like(d, int(np.argmin(np.abs(inst.levels))))  # the smallest discount the plan may give
    random_valued = random_true = plain_valued = plain_true = 0.0
    for _ in range(draws):
        q = rng.choice(pool, size=len(p), replace=len(pool) < len(p))
        random_valued += profit(_units(valuer, inst, slots, q, d, markets), q)
        random_true += profit(_units(truth, inst, slots, q, d, markets), q)
        plain_valued += profit(_units(valuer, inst, slots, q, none, markets), q)
        plain_true += profit(_units(truth, inst, slots, q, none, markets), q)
    level = random_valued / random_true
    T = profit(true, p)
    uncapped = profit(valued, p)
    capped = profit(np.minimum(valued, reference), p)
    promised = profit(np.minimum(valued, reference), p, factor)
    out = {"catalogue": plain_valued / plain_true, "discounts": level / (plain_valued / plain_true),
           "level": level, "choice": uncapped / T / level, "beyond": capped / uncapped,
           "cannibalisation": promised / capped, "promised_over_true": promised / T}
    if champion is not None:
        markets_c = forecast_markets(champion, inst.products)
        raw = _units(champion, inst, slots, p, d, markets_c, champion=True)
        ref_c = inst.reference[p, t, d, :raw.shape[1]] if inst.reference is not None else np.full_like(raw, np.inf)
        raw_value = profit(np.minimum(raw, ref_c), p, factor)
        rng = np.random.default_rng(seed)
        random_raw = 0.0
        for _ in range(draws):
            q = rng.choice(pool, size=len(p), replace=len(pool) < len(p))
            random_raw += profit(_units(champion, inst, slots, q, d, markets_c, champion=True), q)
        out.update({"raw": raw_value / T, "raw_choice": (profit(raw, p) / T) / (random_raw / random_true),
                    "took_off": promised / raw_value})
    return out


def describe(split: dict) -> str:
    """One line: the factors as ``x1.036``."""
    names = ("catalogue", "discounts", "choice", "beyond", "cannibalisation")
    text = " ".join(f"{n} x{split[n]:.3f}" for n in names) + f" = x{split['promised_over_true']:.3f}"
    if "raw" in split:
        text += (f"; the search's own figure x{split['raw']:.3f} (its choice x{split['raw_choice']:.3f}), "
                 f"the valuation took off x{split['took_off']:.3f}")
    return text
