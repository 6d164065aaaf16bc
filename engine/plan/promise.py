"""What a plan can be expected to earn: its forecast corrected for the optimizer's curse, with an
80 % range.

Why the plan's own forecast overstates: the search picks, among thousands of cells, exactly the
ones the forecast overrates (its errors are not shrunk, and the best-looking cells are where they
are largest). The honest value of a plan is the POSTERIOR MEAN of what it earns: every cell
shrunk toward its pooled estimate (engine.forecast.pooled), under which choosing cells does not
bias the value (a Bayesian posterior mean stays a posterior mean whatever the choice; measured
on the demo truth: promised / true 0.99-1.03 over six seeds). So the plan is valued with the
pooled model: the model itself when the champion is pooled, else a pooled fit on the same
history (choose with one model, value with the shrunk one). The valuation keeps the search's
rules: stock caps, forecasts beyond history shrunk (engine.plan.history_bounds), cannibalisation.

The 80 % range is about what the plan will earn, in log terms around the expected value:

* the catalogue error of the backtest (``catalogue_error_``: how far held-out catalogues' totals
  were from their forecast, RMS of the log ratio), shared by every row;
* each product's own uncertainty (the posterior variance of its log mean: large for launches),
  products independent;
* the demand noise of the rows (negative binomial, the valuer's shape).

``low = E exp(-s^2/2 - 1.28 s)``, ``high = E exp(-s^2/2 + 1.28 s)``: a log-normal with mean E.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from engine.data.dataset import Dataset
from engine.forecast import Forecaster

from .instance import PLAN_ONLY, PlanInstance, forecast_markets, forecast_table, objective_values

Z80 = 1.2816  # the 90 % quantile of the normal: 80 % of outcomes lie within +- Z80 sigma


def valuer_for(model, history: pd.DataFrame):
    """The pooled model that values plans: ``model`` itself when it is one, else a pooled fit of
    the same history with the model's season and gap."""
    if getattr(model, "family", None) == "pooled" and hasattr(getattr(model, "model_", None), "log_variance"):
        return model
    return Forecaster(family="pooled", season=int(getattr(model, "season", 0) or 0),
                      gap=int(getattr(model, "gap", 0) or 0)).fit(history)


def valued_instance(inst: PlanInstance, valuer) -> PlanInstance:
    """``inst`` with the valuer's forecast in place of the search's, kept the same way (shrunk to
    what the product ever sold moved to the cell, stock-capped): a plan's figures on it are the
    expected figures :func:`plan_promise` sums, so plans and single changes to a plan can be
    compared one by one on what they can be expected to earn (engine.plan.score), not on the
    forecast the search chose its cells by (which overrates exactly those cells)."""
    first = np.unique(inst.slot_type, return_index=True)[1]  # one slot of each type, in type order
    types = inst.slots.iloc[first][["page", "slot_size", "featured"]].reset_index(drop=True)
    per_market = forecast_table(valuer, inst.products, types, inst.levels, per_market=True)
    if inst.reference is not None:
        per_market = np.minimum(per_market, inst.reference[..., :per_market.shape[3]])
    units = per_market.sum(axis=3)
    if inst.stock is not None:
        units = np.minimum(units, inst.stock[:, None, None])
    valued = replace(inst, units=units, beyond=None)
    valued.value = objective_values(valued)
    return valued


def _rows(inst: PlanInstance, products: pd.DataFrame, slots: np.ndarray, p: np.ndarray, d: np.ndarray,
          markets: list[str]) -> pd.DataFrame:
    """The plan's rows as the model sees them, once per market (market-major within a row)."""
    K = max(len(markets), 1)
    attrs = products.drop(columns=[c for c in PLAN_ONLY if c in products.columns]).reset_index(drop=True)
    rows = attrs.iloc[np.repeat(p, K)].reset_index(drop=True)
    for name in ("page", "slot_size", "featured"):
        rows[name] = np.repeat(inst.slots[name].to_numpy()[slots], K)
    rows["discount"] = np.repeat(inst.levels[d], K)
    if markets:
        rows["country"] = np.tile(np.asarray(markets, dtype=object), len(p))
    return rows


def plan_promise(inst: PlanInstance, dataset: Dataset, products: pd.DataFrame, chromosome: np.ndarray,
                 factor: np.ndarray, model, valuer) -> dict:
    """``totals`` additions (``expected_units/revenue/profit`` with ``_low``/``_high``) and a
    ``promise`` record saying how they were made. ``factor``: the plan's cannibalisation per slot."""
    prod, lev = chromosome[0::2], chromosome[1::2]
    slots = np.flatnonzero(prod >= 0)
    p, d, t = prod[slots], lev[slots], inst.slot_type[slots]
    markets = forecast_markets(valuer, products)
    K = max(len(markets), 1)
    rows = _rows(inst, products, slots, p, d, markets)
    per_market = np.clip(np.nan_to_num(np.asarray(valuer.predict(rows), dtype=float)), 0.0, None).reshape(-1, K)
    if inst.reference is not None:
        per_market = np.minimum(per_market, inst.reference[p, t, d, :per_market.shape[1]])
    units = np.minimum(per_market.sum(axis=1), inst.stock[p]) * factor[slots]
    net = inst.price[p] * (1.0 - inst.levels[d])
    margin = net - inst.unit_cost[p] if inst.unit_cost is not None else None
    sigma = _log_sigma(valuer, model, rows, per_market, units, net if margin is None else margin, p, K)
    out = {}
    for key, value in (("units", units), ("revenue", units * net),
                       ("profit", None if margin is None else units * margin)):
        if value is None:
            out.update({f"expected_{key}": None, f"expected_{key}_low": None, f"expected_{key}_high": None})
            continue
        expected = float(value.sum())
        out[f"expected_{key}"] = expected
        out[f"expected_{key}_low"] = expected * float(np.exp(-0.5 * sigma ** 2 - Z80 * sigma))
        out[f"expected_{key}_high"] = expected * float(np.exp(-0.5 * sigma ** 2 + Z80 * sigma))
    record = {"valued_by": "the champion (pooled)" if valuer is model else "a pooled model of the same history",
              "log_sigma": float(sigma), "level": 0.8,
              "catalogue_log_error": _catalogue_error(model, valuer)}
    return {"totals": out, "promise": record}


def _catalogue_error(model, valuer) -> float | None:
    errors = getattr(model, "catalogue_errors_", None) or {}
    own = errors.get("pooled") if valuer is not model else getattr(model, "catalogue_error_", None)
    return own if own is not None else getattr(model, "catalogue_error_", None)


def _log_sigma(valuer, model, rows, per_market, units, margin, p, K) -> float:
    """The log-scale spread of the plan's total (see the module docstring)."""
    value = units * margin
    total = float(value.sum())
    if total <= 0:
        return 0.0
    catalogue = _catalogue_error(model, valuer) or 0.0
    pooled = valuer.model_
    row_var = pooled.log_variance(rows).reshape(-1, K)
    weights = per_market / np.maximum(per_market.sum(axis=1, keepdims=True), 1e-12)
    product_var = (row_var * weights).sum(axis=1)  # one product's markets share its coefficients
    share = pd.Series(value / total).groupby(p).sum()
    var = pd.Series(product_var).groupby(p).mean()
    own = float((share ** 2 * var.reindex(share.index)).sum())
    theta = float(getattr(pooled, "theta_", np.inf))
    noise = float(((margin ** 2) * (units + units ** 2 / theta)).sum()) / total ** 2
    return float(np.sqrt(catalogue ** 2 + own + noise))
