"""Holdout split by campaign, rolling forecast origins, metrics and the baselines a model must beat.

Kept apart from the model code so that every candidate, every baseline and every registered
model is scored on exactly the same rows with exactly the same formulas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import Problem, settings_error

DEFAULT_SEASON = 17  # 3-week catalogues: 17 campaigns ~ one year


def campaign_order(campaigns: pd.Series) -> list:
    """Distinct campaigns in time order (= sort order; numbers numerically, text as text)."""
    values = pd.unique(campaigns.dropna())
    try:
        return sorted(values.tolist())
    except TypeError:  # mixed numbers and text: compare as text
        return sorted(values.tolist(), key=str)


@dataclass(frozen=True)
class HoldoutSplit:
    """Boolean masks over history rows, plus the campaigns in each part (in time order)."""

    train: np.ndarray
    holdout: np.ndarray
    train_campaigns: list
    holdout_campaigns: list
    order: dict  # campaign -> position in time


def split_holdout(history: pd.DataFrame, holdout_campaigns: int, *, min_train_campaigns: int = 2) -> HoldoutSplit:
    """The latest ``holdout_campaigns`` campaigns form the holdout; the rest is for fitting."""
    if isinstance(holdout_campaigns, bool) or not isinstance(holdout_campaigns, (int, np.integer)) \
            or holdout_campaigns < 1:
        raise settings_error([Problem(
            message=f"holdout_campaigns must be an integer >= 1, got {holdout_campaigns!r}",
            column="holdout_campaigns")])
    order = campaign_order(history["campaign"])
    if len(order) < holdout_campaigns + min_train_campaigns:
        raise settings_error([Problem(
            message=(f"holdout_campaigns={holdout_campaigns} needs at least "
                     f"{holdout_campaigns + min_train_campaigns} campaigns in the history "
                     f"({min_train_campaigns} to fit on), but it has {len(order)}"),
            column="holdout_campaigns")])
    held = order[-holdout_campaigns:]
    holdout = history["campaign"].isin(held).to_numpy()
    return HoldoutSplit(
        train=~holdout,
        holdout=holdout,
        train_campaigns=order[:-holdout_campaigns],
        holdout_campaigns=held,
        order={c: i for i, c in enumerate(order)},
    )


@dataclass(frozen=True)
class Fold:
    """One forecast origin of a rolling-origin backtest: fit on ``split.train`` (campaigns up to
    ``origin``), forecast ``split.holdout`` (``horizon`` campaigns, ``gap`` campaigns later)."""

    number: int
    origin: object
    split: HoldoutSplit


def rolling_origins(history: pd.DataFrame, folds: int = 3, horizon: int = 2, gap: int = 0, *,
                    min_train_campaigns: int = 2) -> list[Fold]:
    """Forecast origins over the latest campaigns, oldest first; the last fold tests the newest
    ``horizon`` campaigns. Each fold tests ``horizon`` campaigns after ``gap`` campaigns that are
    neither trained on nor tested; consecutive folds move back by ``horizon`` campaigns.
    Origins that would leave fewer than ``min_train_campaigns`` to fit on are dropped (at least
    one fold must remain)."""
    for name, value, low in (("folds", folds, 1), ("holdout_campaigns", horizon, 1), ("gap", gap, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise settings_error([Problem(message=f"{name} must be an integer >= {low}, got {value!r}",
                                          column=name)])
    order = campaign_order(history["campaign"])
    position = {c: i for i, c in enumerate(order)}
    t = history["campaign"].map(position).to_numpy(dtype=float)
    out = []
    for k in range(int(folds)):
        test_end = len(order) - 1 - k * horizon
        test_start = test_end - horizon + 1
        train_end = test_start - gap - 1
        if train_end + 1 < min_train_campaigns:
            break
        test = (t >= test_start) & (t <= test_end)
        train = t <= train_end
        out.append(HoldoutSplit(train=train, holdout=test, train_campaigns=order[:train_end + 1],
                                holdout_campaigns=order[test_start:test_end + 1], order=position))
    if not out:
        raise settings_error([Problem(
            message=(f"holdout_campaigns={horizon} with gap={gap} needs at least "
                     f"{horizon + gap + min_train_campaigns} campaigns in the history "
                     f"({min_train_campaigns} to fit on), but it has {len(order)}"),
            column="holdout_campaigns")])
    out.reverse()
    return [Fold(number=i, origin=s.train_campaigns[-1], split=s) for i, s in enumerate(out)]


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def metrics(y_true, y_pred) -> dict:
    """WAPE = sum|y-ŷ|/sum y; MAPE = mean over y>0 of |y-ŷ|/y; bias = (sum ŷ - sum y)/sum y.

    Undefined values (no units sold at all) are ``None``, never NaN, so the dict is JSON-ready.
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    total = y.sum()
    positive = y > 0
    wape = np.abs(y - p).sum() / total if total > 0 else math.nan
    mape = float(np.mean(np.abs(y[positive] - p[positive]) / y[positive])) if positive.any() else math.nan
    bias = (p.sum() - total) / total if total > 0 else math.nan
    return {"wape": _clean(wape), "mape": _clean(mape), "bias": _clean(bias)}


def _keys(history: pd.DataFrame) -> list[str]:
    return ["product_id", "country"] if "country" in history.columns else ["product_id"]


def naive_forecast(history: pd.DataFrame, split: HoldoutSplit) -> np.ndarray:
    """Each product/country's units in its last training campaign; else product mean; else global mean."""
    keys = _keys(history)
    train = history.loc[split.train, keys + ["campaign", "units"]].copy()
    train["_t"] = train["campaign"].map(split.order)
    last_t = train.groupby(keys, dropna=False)["_t"].transform("max")
    last = train[train["_t"] == last_t].groupby(keys, dropna=False)["units"].mean()
    product_mean = train.groupby("product_id", dropna=False)["units"].mean()
    global_mean = float(train["units"].mean()) if len(train) else 0.0
    held = history.loc[split.holdout, keys]
    pred = _lookup(held, keys, last)
    fallback = held["product_id"].map(product_mean).to_numpy(dtype=float, na_value=np.nan)
    pred = np.where(np.isfinite(pred), pred, fallback)
    return np.where(np.isfinite(pred), pred, global_mean)


def seasonal_naive_forecast(history: pd.DataFrame, split: HoldoutSplit, season: int = DEFAULT_SEASON) -> np.ndarray:
    """Same product/country ``season`` campaigns earlier (that row must be a training row); else naive."""
    keys = _keys(history)
    naive = naive_forecast(history, split)
    train = history.loc[split.train, keys + ["campaign", "units"]].copy()
    train["_t"] = train["campaign"].map(split.order)
    past = train.groupby(keys + ["_t"], dropna=False)["units"].mean()
    held = history.loc[split.holdout, keys + ["campaign"]].copy()
    held["_t"] = held["campaign"].map(split.order) - season
    pred = _lookup(held, keys + ["_t"], past)
    return np.where(np.isfinite(pred), pred, naive)


def _lookup(frame: pd.DataFrame, keys: list[str], table: pd.Series) -> np.ndarray:
    """Values of ``table`` (indexed by ``keys``) for each row of ``frame``; NaN where absent."""
    if len(frame) == 0:
        return np.zeros(0)
    joined = frame[keys].merge(table.rename("_v").reset_index(), on=keys, how="left")
    return joined["_v"].to_numpy(dtype=float, na_value=np.nan)


def mean_forecast(history: pd.DataFrame, split: HoldoutSplit) -> np.ndarray:
    """Each product/country's mean units over the training campaigns; else product; else global."""
    keys = _keys(history)
    train = history.loc[split.train, keys + ["units"]]
    table = train.groupby(keys, dropna=False)["units"].mean()
    held = history.loc[split.holdout, keys]
    pred = _lookup(held, keys, table)
    fallback = held["product_id"].map(train.groupby("product_id", dropna=False)["units"].mean())
    pred = np.where(np.isfinite(pred), pred, fallback.to_numpy(dtype=float, na_value=np.nan))
    return np.where(np.isfinite(pred), pred, float(train["units"].mean()) if len(train) else 0.0)


BASELINES = ("naive", "seasonal_naive", "mean")


def baseline_forecasts(history: pd.DataFrame, split: HoldoutSplit, season: int = DEFAULT_SEASON) -> dict:
    """Each baseline's forecast for the holdout rows of ``split`` (name -> array)."""
    return {"naive": naive_forecast(history, split),
            "seasonal_naive": seasonal_naive_forecast(history, split, season),
            "mean": mean_forecast(history, split)}


def baselines(history: pd.DataFrame, split: HoldoutSplit, season: int = DEFAULT_SEASON) -> list[dict]:
    """The baselines' metrics on the holdout rows, in the report's shape."""
    y = history.loc[split.holdout, "units"].to_numpy(dtype=float)
    return [{"name": name, **({"season": season} if name == "seasonal_naive" else {}),
             "metrics": metrics(y, pred)}
            for name, pred in baseline_forecasts(history, split, season).items()]
