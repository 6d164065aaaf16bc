"""Sales lags "as of" a campaign, computed from the fitted history only.

Why a module of its own: a lag is where leakage hides. Everything here is learned at ``fit``
from the history the model is trained on, and a row is only ever given values from campaigns at
least ``min_lag`` positions before its own. A row the history does not know (a future campaign,
a catalogue being planned) gets the state as of the end of the history: what a planner knows
when the catalogue is printed. The units column of the rows being transformed is never read.

Positions: campaigns are ordered (contract: time order = sort order) and numbered 0..T-1.
``CampaignClock`` maps campaign labels (known or not) to positions.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .backtest import campaign_order


class CampaignClock:
    """Campaign label -> time position, extrapolating beyond the history it was built from.

    Numeric campaigns (e.g. weeks) beyond the last one are placed by the median step between
    campaigns; text campaigns beyond the last are placed after ``gap`` campaigns, in sort order.
    Rows without a campaign are "the next catalogue after the gap".
    """

    def __init__(self, campaigns: pd.Series, gap: int = 0):
        self.order = campaign_order(campaigns)
        self.gap = int(gap)
        self.index = {c: i for i, c in enumerate(self.order)}
        self.numeric = all(isinstance(c, (int, float, np.integer, np.floating)) and not isinstance(c, bool)
                           for c in self.order)
        if self.numeric and len(self.order) > 1:
            steps = np.diff(np.asarray(self.order, dtype=float))
            self.step = float(np.median(steps)) or 1.0
        else:
            self.step = 1.0

    @property
    def last(self) -> int:
        return len(self.order) - 1

    def positions(self, campaigns: pd.Series | None, n: int) -> np.ndarray:
        """Float positions of ``campaigns`` (length ``n``; None = no campaign column)."""
        nxt = float(self.last + self.gap + 1)
        if campaigns is None:
            return np.full(n, nxt)
        values = campaigns.tolist()
        out = np.empty(n, dtype=float)
        unknown = {}
        for i, value in enumerate(values):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                out[i] = nxt
            elif value in self.index:
                out[i] = self.index[value]
            else:
                unknown.setdefault(value, []).append(i)
        if unknown:
            self._place_unknown(unknown, out)
        return out

    def _place_unknown(self, unknown: dict, out: np.ndarray) -> None:
        keys = list(unknown)
        if self.numeric and all(isinstance(k, (int, float, np.integer, np.floating)) for k in keys):
            known = np.asarray(self.order, dtype=float)
            for key in keys:
                k = float(key)
                if k > known[-1]:
                    pos = self.last + max(1.0, round((k - known[-1]) / self.step))
                else:  # between known campaigns (or before): the latest known one at or before it
                    pos = max(float(np.searchsorted(known, k, side="right") - 1), 0.0)
                out[unknown[key]] = pos
            return
        try:
            later = sorted(k for k in keys if not self.order or str(k) > str(self.order[-1]))
        except TypeError:
            later = []
        rank = {k: i for i, k in enumerate(later)}
        for key in keys:
            if key in rank:
                out[unknown[key]] = self.last + self.gap + 1 + rank[key]
            else:
                known = [str(c) for c in self.order]
                out[unknown[key]] = max(float(np.searchsorted(known, str(key), side="right") - 1), 0.0)


def _as_of(matrix: np.ndarray, window: int) -> np.ndarray:
    """For each column p: mean of the non-missing values in columns (p-window, p]."""
    present = np.isfinite(matrix)
    values = np.where(present, matrix, 0.0)
    csum = np.cumsum(values, axis=1)
    ccount = np.cumsum(present, axis=1)
    if window < matrix.shape[1]:
        csum[:, window:] = csum[:, window:] - csum[:, :-window].copy()
        ccount[:, window:] = ccount[:, window:] - ccount[:, :-window].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ccount > 0, csum / np.maximum(ccount, 1), np.nan)


def _last_seen(matrix: np.ndarray) -> np.ndarray:
    """For each column p: the latest non-missing value in columns <= p (forward fill)."""
    frame = pd.DataFrame(matrix.T)
    return frame.ffill().to_numpy().T


class LagTable:
    """Per-key (e.g. product x country) lag features of a log target, by campaign position.

    ``values[name]`` is a (keys, T) array: the feature as known at the END of each position.
    A row at position t reads column ``min(t - min_lag, T - 1)``; before the history: NaN.
    """

    def __init__(self, keys: pd.DataFrame, positions: np.ndarray, target: np.ndarray, n_positions: int,
                 windows: tuple[int, ...], season: int | None):
        frame = keys.copy()
        frame["_t"] = positions.astype(int)
        frame["_y"] = target
        grouped = frame.groupby(list(keys.columns) + ["_t"], dropna=False, sort=False)["_y"].mean()
        key_index = grouped.index.droplevel("_t").unique()
        self.columns = list(keys.columns)
        self.lookup = pd.Series(np.arange(len(key_index)), index=key_index)
        matrix = np.full((len(key_index), n_positions), np.nan)
        rows = self.lookup.reindex(grouped.index.droplevel("_t")).to_numpy()
        matrix[rows, grouped.index.get_level_values("_t").to_numpy()] = grouped.to_numpy()
        present = np.isfinite(matrix)
        self.values: dict[str, np.ndarray] = {"last": _last_seen(matrix)}
        for window in windows:
            self.values[f"mean{window}"] = _as_of(matrix, window)
        self.values["count"] = np.cumsum(present, axis=1).astype(float)
        self.matrix = matrix
        self.season = season

    def rows(self, keys: pd.DataFrame, positions: np.ndarray, min_lag: int) -> dict[str, np.ndarray]:
        """The features for each row; NaN where the key is unknown or the history too short."""
        n_positions = self.matrix.shape[1]
        idx = self._key_rows(keys)
        known = idx >= 0
        col = np.minimum(positions - min_lag, n_positions - 1).astype(int)
        ok = known & (col >= 0)
        out = {}
        for name, table in self.values.items():
            value = np.full(len(keys), np.nan)
            value[ok] = table[idx[ok], col[ok]]
            if name == "count":
                value[~ok] = 0.0
            out[name] = value
        if self.season:
            # The same key one season before the row, only if that is already history for it.
            scol = (positions - self.season).astype(int)
            sok = known & (scol >= 0) & (scol <= col) & (scol < n_positions)
            value = np.full(len(keys), np.nan)
            value[sok] = self.matrix[idx[sok], scol[sok]]
            out["season"] = value
        return out

    def _key_rows(self, keys: pd.DataFrame) -> np.ndarray:
        if len(self.columns) == 1:
            index = pd.Index(keys[self.columns[0]])
        else:
            index = pd.MultiIndex.from_frame(keys[self.columns])
        return self.lookup.reindex(index).fillna(-1).to_numpy(dtype=int)
