"""How well a forecast serves decisions, measured on held-out rows (no truth needed).

WAPE and MAPE ask "how many units, in total, did we miss by"; a plan asks "which product gains
most from this discount, which one deserves the front page". Those are DIFFERENCES, and two
models with the same WAPE can order them very differently. From the backtest's held-out rows
(every candidate forecast the same rows) we measure, in log units (``log1p``, so each row counts
alike, big sellers or not), on the log error taken RELATIVE TO ITS CATALOGUE (each held-out
campaign and market's mean log error removed). A plan chooses within one catalogue: a forecast
that is 20 % high on every row of it picks the same plan as the exact one, so that error is not
a decision error (it is the promise's, ``catalogue_error`` below). Without this, a model that
tracks the season a catalogue falls in wins the choice over one that tells products apart,
whatever each one's plan earns (measured on the demo truth: the gbm chosen on an 18-campaign
history, its plan 87 % of the optimum against the pooled model's 97 %):

* ``lift_error``: within each product (and market) in one fold, the rows differ by page, slot,
  discount and season; the mean absolute error of the forecast's differences from the
  product's own mean against the realised ones (``|e - mean e|`` with ``e = log ŷ - log y``
  relative to its catalogue, over products with two or more held-out rows). This is a paired estimate of the lift each
  decision makes for that product: the noise of the realised units is the same for every
  candidate, so the one with the smaller error predicts the lifts better.
* ``level_error``: the mean absolute value of each product's mean relative log error over its
  held-out rows (which products sell more: the ranking the plan fills slots by);
* ``rank_corr``: Spearman's correlation of forecast and units within each held-out
  campaign and market, averaged (does the forecast order the rows of a catalogue right);
* ``decision``: ``lift_error + level_error``, what ``select_by="decision"`` ranks (lower is better).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from engine.data.columns import text_column


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def decision_metrics(history: pd.DataFrame, y: np.ndarray, forecast: np.ndarray, fold: np.ndarray) -> dict:
    """The metrics of the module docstring for the rows with ``fold >= 0`` (their backtest fold)."""
    rows = np.asarray(fold) >= 0
    empty = {"lift_error": None, "level_error": None, "rank_corr": None, "decision": None}
    if rows.sum() < 2:
        return empty
    product = text_column(history, "product_id")[rows]
    market = text_column(history, "country")[rows]
    campaign = history["campaign"].astype(str).to_numpy()[rows]
    frame = pd.DataFrame({
        "product": product, "market": market, "fold": np.asarray(fold)[rows], "campaign": campaign,
        "actual": np.log1p(np.clip(np.asarray(y, dtype=float)[rows], 0.0, None)),
        "forecast": np.log1p(np.clip(np.nan_to_num(np.asarray(forecast, dtype=float)[rows]), 0.0, None)),
    })
    error = frame["forecast"] - frame["actual"]
    frame["error"] = error - error.groupby([frame["campaign"], frame["market"], frame["fold"]], sort=False).transform("mean")
    groups = frame.groupby(["product", "market", "fold"], sort=False)
    size = groups["error"].transform("size").to_numpy()
    within = frame["error"] - groups["error"].transform("mean")
    lift = float(np.abs(within.to_numpy()[size >= 2]).mean()) if (size >= 2).any() else math.nan
    level = float(np.abs(frame.groupby("product", sort=False)["error"].mean()).mean())
    correlations = []
    for _, part in frame.groupby(["campaign", "market"], sort=False):
        if len(part) >= 3 and part["actual"].nunique() > 1 and part["forecast"].nunique() > 1:
            correlations.append(spearmanr(part["actual"], part["forecast"])[0])
    rank = float(np.mean(correlations)) if correlations else math.nan
    decision = lift + level if math.isfinite(lift) else level
    return {"lift_error": _clean(lift), "level_error": _clean(level), "rank_corr": _clean(rank),
            "decision": _clean(decision)}


def catalogue_error(history: pd.DataFrame, y: np.ndarray, forecast: np.ndarray, fold: np.ndarray) -> float | None:
    """How far a whole held-out catalogue's units were from its forecast: the root mean square
    of ``log(sum units / sum forecast)`` over the held-out campaigns (per market). A plan's
    range starts from it (engine.plan.promise): errors of one catalogue's rows share their
    causes (the season, the level of the campaign), so they do not average out row by row."""
    rows = (np.asarray(fold) >= 0) & np.isfinite(np.asarray(forecast, dtype=float))
    if not rows.any():
        return None
    key = history["campaign"].astype(str).to_numpy()[rows] + "|" + text_column(history, "country")[rows]
    frame = pd.DataFrame({"k": key, "y": np.asarray(y, dtype=float)[rows],
                          "f": np.clip(np.asarray(forecast, dtype=float)[rows], 0.0, None)})
    sums = frame.groupby("k")[["y", "f"]].sum()
    sums = sums[(sums["y"] > 0) & (sums["f"] > 0)]
    if sums.empty:
        return None
    return _clean(float(np.sqrt(np.mean(np.log(sums["y"] / sums["f"]) ** 2))))


def shared_catalogue_variance(history: pd.DataFrame, y: np.ndarray, forecast: np.ndarray,
                              row_variance: np.ndarray, theta: np.ndarray, fold: np.ndarray) -> dict | None:
    """The part of a held-out catalogue's error that its rows SHARE, measured on the newest
    backtest fold, for a forecast that knows its own row-level uncertainty (the pooled model:
    the one that values plans, engine.plan.promise).

    A held-out catalogue's total misses its forecast for three reasons: the demand noise of its
    rows (negative binomial, shape ``theta``), each product's own error (``row_variance``: the
    posterior variance of the row's log mean, without the campaign term), and an error every
    row shares (the campaign's level, the season). The first two are what the model predicts
    for any set of rows, and a plan's range adds them for ITS rows; counted again inside a
    catalogue error they would be counted twice. So, per held-out catalogue (campaign and
    market), ``log(sum units / sum forecast)^2`` minus the variance the model predicts for that
    sum from its rows; averaged over the markets of each campaign (they share the campaign's
    error: one observation, not several), then over the campaigns. Only the newest fold counts:
    its fit is the closest to the final one's information (earlier folds fit on fewer campaigns
    and overstate: on the 18-campaign demo of bench/bench_plan_quality.py, RMS 0.23 in log units
    on the two earlier folds against 0.07 on the newest).

    Returns ``excess`` (the mean; it can be below 0 when the catalogues missed by less than
    their rows' own uncertainty, and is kept so for pooling with other estimates),
    ``variance`` (``excess`` floored at 0), ``campaigns`` (how many it is measured on) and
    ``fold``; ``None`` without a usable held-out catalogue."""
    fold = np.asarray(fold)
    forecast, row_variance = np.asarray(forecast, dtype=float), np.asarray(row_variance, dtype=float)
    theta = np.asarray(theta, dtype=float)
    rows = (fold >= 0) & np.isfinite(forecast) & np.isfinite(row_variance) & np.isfinite(theta)
    if not rows.any():
        return None
    newest = int(fold[rows].max())
    rows &= fold == newest
    frame = pd.DataFrame({
        "campaign": history["campaign"].astype(str).to_numpy()[rows],
        "market": text_column(history, "country")[rows],
        "product": text_column(history, "product_id")[rows],
        "y": np.clip(np.asarray(y, dtype=float)[rows], 0.0, None),
        "f": np.clip(forecast[rows], 0.0, None), "v": np.clip(row_variance[rows], 0.0, None),
        "theta": np.maximum(theta[rows], 1e-9)})
    frame["noise"] = frame["f"] + frame["f"] ** 2 / frame["theta"]
    excess = {}
    for (campaign, _), part in frame.groupby(["campaign", "market"], sort=False):
        total, units = float(part["f"].sum()), float(part["y"].sum())
        if total <= 0 or units <= 0:
            continue
        share = part["f"] / total
        by_product = pd.DataFrame({"s": share, "v": part["v"]}).groupby(part["product"], sort=False)
        products = float((by_product["s"].sum() ** 2 * by_product["v"].mean()).sum())
        noise = float(part["noise"].sum()) / total ** 2
        excess.setdefault(campaign, []).append(math.log(units / total) ** 2 - products - noise)
    if not excess:
        return None
    mean = float(np.mean([np.mean(values) for values in excess.values()]))
    return {"excess": mean, "variance": max(0.0, mean), "campaigns": len(excess), "fold": newest}
