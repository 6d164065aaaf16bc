"""Model features built from the contract's history columns.

One transformer, :class:`CatalogueFeatures`, turns rows of ``history`` (or candidate plan rows:
product attributes + slot layout + discount, no units) into a flat frame of numeric and
categorical columns. It learns at ``fit`` which optional columns the history carries, so the same
columns come out at training time, at forecast time and inside the planner, whatever the caller
sends.

What it derives, and why (the business lives in these columns, more than in the algorithm):

* placement: in the catalogue or not, page, log page, front pages, position from the front as a
  share of the catalogue, slot size, featured/cover;
* price: price, discount, effective price (and their logs), price relative to the product's own
  usual price (a promotion reads as a low index);
* the market context (:mod:`engine.forecast.context`): the price against the product's usual
  price in that market and against the other products of the same campaign and market (and
  category), its rank there, the share of the others discounted, featured or flagged;
* the product's own recent sales, its sales a season ago, the product's level over all markets,
  its country's level and the whole business's level: LAGS, read from the fitted history only and
  at least ``min_lag`` campaigns before the row (see :mod:`engine.forecast.lags`). Rows of future campaigns
  get the state as of the end of the history;
* campaign seasonality: the phase in the season and the business level one season earlier;
* categorical columns with many values (``product_id``, stores...) as target-ordered numbers
  (smoothed mean log units per value, learned from training rows only and cross-fitted on them);
  the few-valued ones stay categories.

Extra text columns whose every value is a date (``start_date``) are left out (``dates_``): the
campaign's position says when, and the cadence is read from them elsewhere.

Why a separate module: the planner builds thousands of candidate rows per run and must produce
exactly what the model saw; keeping the derivation here (and only here) makes that guaranteed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import KFold
from sklearn.utils.validation import check_is_fitted

from engine.data.columns import TextColumns, canonical_columns, is_date_column, numeric_column, text_column

from .context import MarketContext
from .lags import CampaignClock, LagTable

# Columns with a meaning in the contract; everything numeric outside these is an "extra" feature.
CATEGORICAL = ("product_id", "category", "brand", "country")
RESERVED = frozenset(
    {
        "campaign", "units", "product_id", "category", "brand", "country", "price", "discount",
        "page", "slot", "slot_size", "featured", "unit_cost", "must_include", "max_units",
        "forecast_units", "forecast_low", "forecast_high",
    }
)
MAX_EXTRA_LEVELS = 50  # a text column with more distinct values is an id, not a feature


class CatalogueFeatures(BaseEstimator, TransformerMixin):
    """Derive model features from history-like rows (see the module docstring for the list).

    Parameters: ``front_pages`` (pages counted as "front"), ``min_lag`` (the closest campaign a lag
    may read: 1 = the previous one; a forecast ``gap`` campaigns ahead with a horizon of ``h``
    needs ``gap + h``), ``windows`` (campaigns averaged for the recent-sales means), ``season``
    (campaigns per season, 0 = none), ``gap`` (where rows without a campaign are placed: the next
    campaign after ``gap``), ``max_levels`` (above this many values a text column is target-ordered
    rather than categorical), ``smoothing`` (weight of the global mean in target ordering).

    Rows off the catalogue (empty ``page``) get ``in_catalogue = 0``, a page one past the last
    page seen, size and featured 0: "not shown" reads as "shown very late and small".
    """

    def __init__(self, front_pages: int = 2, min_lag: int = 1, windows: tuple = (3, 8), season: int = 0,
                 gap: int = 0, max_levels: int = 30, smoothing: float = 10.0, random_state: int = 0):
        self.front_pages = front_pages
        self.min_lag = min_lag
        self.windows = windows
        self.season = season
        self.gap = gap
        self.max_levels = max_levels
        self.smoothing = smoothing
        self.random_state = random_state

    # -- fit --------------------------------------------------------------------------------
    def _validate(self) -> None:
        def integer(name, low):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        integer("front_pages", 1)
        integer("min_lag", 1)
        integer("season", 0)
        integer("gap", 0)
        integer("max_levels", 1)
        windows = tuple(self.windows)
        if not windows or any(not isinstance(w, (int, np.integer)) or w < 1 for w in windows):
            raise ValueError(f"windows must be integers >= 1, got {self.windows!r}")

    def fit(self, X: pd.DataFrame, y=None):
        """Learn columns, price levels, lag tables and target orderings from training rows."""
        self._fit(X, y)
        return self

    def _fit(self, X: pd.DataFrame, y) -> pd.DataFrame:
        """``fit``, returning the transformed training rows (so ``fit_transform`` derives them once)."""
        self._validate()
        X = canonical_columns(X)
        cols = set(X.columns)
        self.has_ = {name: name in cols for name in ("page", "slot_size", "featured", "discount", "price")}
        page = numeric_column(X, "page")
        finite = page[np.isfinite(page)]
        self.last_page_ = float(finite.max()) if finite.size else 1.0
        self.extra_numeric_ = sorted(
            c for c in X.columns
            if c not in RESERVED and pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])
        )
        extra_text = [c for c in X.columns
                      if c not in RESERVED and c not in self.extra_numeric_ and c not in CATEGORICAL]
        # A date column (a campaign's start date) says when, which the campaign's position
        # already says; as levels it would be one per campaign of the history and unknown for
        # every catalogue ahead. It is read for the cadence (engine.forecast.cadence), not here.
        self.dates_ = sorted(c for c in extra_text if is_date_column(X[c]))
        text = [c for c in CATEGORICAL if c in cols] + sorted(
            c for c in extra_text
            if c not in self.dates_ and X[c].nunique(dropna=True) <= MAX_EXTRA_LEVELS
        )
        self.extra_categorical_ = [c for c in text if c not in CATEGORICAL]
        self.context_ = MarketContext().fit(X, self.extra_numeric_)
        derived = set(self.context_.numeric_)  # a sent column of the same name gives way
        self.extra_numeric_ = [c for c in self.extra_numeric_ if c not in derived]
        levels = {c: X[c].nunique(dropna=True) for c in text}
        target = self._target(X, y)
        self.has_target_ = target is not None
        self.ordered_ = [c for c in text if self.has_target_ and levels[c] > self.max_levels]
        self.categorical_ = [c for c in text if c not in self.ordered_]
        self._fit_price(X)
        if self.has_target_:
            self._fit_orderings(X, target)
            self._fit_lags(X, target)
        self.numeric_ = self._numeric_names()
        self.empty_ = []
        return self._drop_empty(self.transform(X))

    def _drop_empty(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Drop the numeric features that have no value in any training row (a lag longer than the
        history, a season the history does not cover, an extra column left blank): they carry
        nothing to learn, and gradient boosting cannot even bin a column without values. The
        names are kept in ``empty_`` so a report can say which features the history could not
        support."""
        empty = [c for c in self.numeric_ if not np.isfinite(frame[c].to_numpy(dtype=float)).any()]
        if empty:
            self.empty_ = sorted(set(self.empty_) | set(empty))
            self.numeric_ = [c for c in self.numeric_ if c not in empty]
            frame = frame.drop(columns=empty)
        return frame

    @staticmethod
    def _target(X: pd.DataFrame, y) -> np.ndarray | None:
        if y is None:
            if "units" not in X.columns:
                return None
            y = X["units"]
        units = pd.to_numeric(pd.Series(np.asarray(y)), errors="coerce").to_numpy(dtype=float)
        return np.log1p(np.clip(units, 0.0, None))

    def _fit_price(self, X: pd.DataFrame) -> None:
        self.price_level_ = None
        if self.has_["price"] and "product_id" in X.columns:
            price = pd.Series(numeric_column(X, "price"), index=X.index)
            usual = price[price > 0].groupby(text_column(X, "product_id")[price.to_numpy() > 0]).median()
            self.price_level_ = usual.to_dict()

    def _fit_orderings(self, X: pd.DataFrame, target: np.ndarray) -> None:
        self.global_mean_ = float(np.nanmean(target)) if target.size else 0.0
        self.orderings_ = {c: self._ordering(text_column(X, c), target) for c in self.ordered_}

    def _ordering(self, values: np.ndarray, target: np.ndarray) -> dict:
        stats = pd.DataFrame({"v": values, "y": target}).groupby("v")["y"].agg(["sum", "count"])
        m = float(self.smoothing)
        smoothed = (stats["sum"] + m * self.global_mean_) / (stats["count"] + m)
        return smoothed.to_dict()

    def _keys(self, X: pd.DataFrame, text: TextColumns | None = None) -> dict[str, pd.DataFrame]:
        """Key frames of the lag tables: own (product x country), product, country, all rows.

        Laid out as in the fitted history, whatever ``X`` holds: rows without a ``country``
        column for a model that knows markets read as an unknown market (no own or country lag,
        the product's lag over all markets), rather than as a different table layout."""
        text = text if text is not None else TextColumns(X)
        layout = getattr(self, "key_columns_", None) or {c: c in X.columns for c in ("product_id", "country")}
        keys = {}
        if layout["product_id"]:
            own = {"product_id": text.values("product_id")}
            if layout["country"]:
                own["country"] = text.values("country")
            keys["own"] = pd.DataFrame(own)
            if layout["country"]:
                keys["product"] = pd.DataFrame({"product_id": own["product_id"]})
        if layout["country"]:
            keys["country"] = pd.DataFrame({"country": text.values("country")})
        keys["total"] = pd.DataFrame({"all": np.zeros(len(X), dtype=int)})
        return keys

    def _fit_lags(self, X: pd.DataFrame, target: np.ndarray) -> None:
        self.lags_ = {}
        self.key_columns_ = {c: c in X.columns for c in ("product_id", "country")}
        if "campaign" not in X.columns:
            return
        self.clock_ = CampaignClock(X["campaign"], gap=self.gap)
        positions = self.clock_.positions(X["campaign"], len(X))
        n = len(self.clock_.order)
        windows = tuple(int(w) for w in self.windows)
        season = int(self.season) or None
        for name, keys in self._keys(X).items():
            use = windows if name == "own" else (windows[-1],)
            self.lags_[name] = LagTable(keys, positions, target, n, use, season if name in ("own", "total") else None)

    def _lag_names(self) -> list[str]:
        names = []
        for name, table in self.lags_.items():
            for feature in table.values:
                if name != "own" and feature in ("last", "count"):
                    continue
                names.append(f"lag_{name}_{feature}")
            if table.season:
                names.append(f"lag_{name}_season")
        if self.lags_ and self.season:
            names.append("season_phase")
        return names

    def _numeric_names(self) -> list[str]:
        names: list[str] = []
        if self.has_["page"]:
            names += ["in_catalogue", "page", "log_page", "front", "position"]
        if self.has_["slot_size"]:
            names.append("slot_size")
        if self.has_["featured"]:
            names.append("featured")
        if self.has_["discount"]:
            names.append("discount")
        if self.has_["price"]:
            names += ["price", "log_price", "effective_price", "log_effective_price"]
            if self.price_level_ is not None:
                names.append("price_index")
        names += list(self.extra_numeric_)
        names += self.context_.numeric_
        names += [f"{c}_order" for c in self.ordered_]
        if self.has_target_:
            names += self._lag_names()
        return names

    # -- transform --------------------------------------------------------------------------
    def transform(self, X: pd.DataFrame, reference: pd.DataFrame | None = None) -> pd.DataFrame:
        """The feature frame for ``X``; never reads ``X['units']`` (lags come from fit).

        The rows of one campaign and market are each other's context; with ``reference`` (the
        candidate products of a plan) each row is judged against that catalogue instead
        (:mod:`engine.forecast.context`)."""
        check_is_fitted(self, "numeric_")
        X = canonical_columns(X)
        text = TextColumns(X)  # each text column hashed once for all the features below
        out = self._placement_and_price(X, text)
        for name in self.extra_numeric_:
            out[name] = numeric_column(X, name)
        context = getattr(self, "context_", None)  # None: a model file saved before it existed
        if context is not None:
            out.update(context.features(X, reference, text))
        for c in self.ordered_:
            out[f"{c}_order"] = self._order(X, c, text)
        if self.has_target_:
            out.update(self._lag_features(X, text))
        frame = pd.DataFrame({k: out[k] for k in self.numeric_}, index=X.index)
        for name in self.categorical_:
            frame[name] = pd.Series(text.values(name), index=X.index, dtype=object)
        return frame

    def fit_transform(self, X: pd.DataFrame, y=None, **fit_params) -> pd.DataFrame:
        """Fit, then transform the training rows with CROSS-FITTED target orderings: each row's
        ordering is learned from the other folds, so a model cannot read its own target back."""
        frame = self._fit(X, y)
        if not self.ordered_:
            return frame
        X = canonical_columns(X)
        target = self._target(X, y)
        folds = KFold(n_splits=min(5, max(2, len(X))), shuffle=True, random_state=self.random_state)
        for c in self.ordered_:
            values = text_column(X, c)
            column = np.empty(len(X))
            for fit_idx, out_idx in folds.split(values):
                table = self._ordering(values[fit_idx], target[fit_idx])
                column[out_idx] = pd.Series(values[out_idx]).map(table).fillna(self.global_mean_).to_numpy()
            frame[f"{c}_order"] = column
        return frame

    def _order(self, X: pd.DataFrame, column: str, text: TextColumns) -> np.ndarray:
        return text.map(column, self.orderings_[column], self.global_mean_)

    def _placement_and_price(self, X: pd.DataFrame, text: TextColumns) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        page = numeric_column(X, "page")
        shown = np.isfinite(page)
        if self.has_["page"]:
            out["in_catalogue"] = shown.astype(float)
            filled = np.where(shown, page, self.last_page_ + 1.0)
            out["page"] = filled
            out["log_page"] = np.log(np.maximum(filled, 1.0))
            out["front"] = (shown & (page <= self.front_pages)).astype(float)
            out["position"] = np.clip((filled - 1.0) / max(self.last_page_, 1.0), 0.0, 1.0)
        if self.has_["slot_size"]:
            size = numeric_column(X, "slot_size")
            out["slot_size"] = np.where(np.isfinite(size), size, 0.0)
        if self.has_["featured"]:
            featured = numeric_column(X, "featured")
            out["featured"] = np.where(np.isfinite(featured), featured, 0.0)
        discount = np.nan_to_num(numeric_column(X, "discount"), nan=0.0)
        if self.has_["discount"]:
            out["discount"] = discount
        if self.has_["price"]:
            price = numeric_column(X, "price")
            effective = price * (1.0 - discount)
            out["price"] = price
            with np.errstate(divide="ignore", invalid="ignore"):  # price <= 0 -> NaN, imputed later
                out["log_price"] = np.where(price > 0, np.log(np.where(price > 0, price, 1.0)), np.nan)
                out["log_effective_price"] = np.where(
                    effective > 0, np.log(np.where(effective > 0, effective, 1.0)), np.nan)
            out["effective_price"] = effective
            if self.price_level_ is not None:
                usual = text.map("product_id", self.price_level_)
                with np.errstate(divide="ignore", invalid="ignore"):
                    out["price_index"] = np.where(usual > 0, effective / usual, np.nan)
        return out

    def _lag_features(self, X: pd.DataFrame, text: TextColumns) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        if not self.lags_:
            return out
        campaigns = X["campaign"] if "campaign" in X.columns else None
        positions = self.clock_.positions(campaigns, len(X))
        for name, keys in self._keys(X, text).items():
            if name not in self.lags_:
                continue
            for feature, value in self.lags_[name].rows(keys, positions, int(self.min_lag)).items():
                if name != "own" and feature in ("last", "count"):
                    continue
                out[f"lag_{name}_{feature}"] = value
        if self.season:
            out["season_phase"] = np.mod(positions, int(self.season))
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "numeric_")
        return np.array(self.numeric_ + self.categorical_, dtype=object)
