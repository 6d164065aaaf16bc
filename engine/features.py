"""Model features built from the contract's history columns.

One transformer, :class:`CatalogueFeatures`, turns rows of ``history`` (or candidate plan rows:
product attributes + slot layout + discount) into a flat frame of numeric and categorical
columns. It learns at ``fit`` which optional columns the history carries, so the same columns
come out at training time, at forecast time and inside the planner, whatever the caller sends.

Why a separate module: the planner builds thousands of candidate rows per run and must produce
exactly what the model saw; keeping the derivation here (and only here) makes that guaranteed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

MISSING = "(missing)"

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


def canonical_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with trimmed, lower-case column names (the contract matches names that way)."""
    renamed = {c: str(c).strip().lower() for c in frame.columns}
    if all(k == v for k, v in renamed.items()):
        return frame
    return frame.rename(columns=renamed)


def _numeric(frame: pd.DataFrame, name: str, default: float = np.nan) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _text(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as Python strings with one token for missing values (encoders need that)."""
    if name not in frame.columns:
        return np.full(len(frame), MISSING, dtype=object)
    column = frame[name]
    values = column.astype(object).to_numpy(dtype=object)
    missing = column.isna().to_numpy()
    out = np.array([str(v).strip() for v in values], dtype=object)
    out[missing] = MISSING
    out[out == ""] = MISSING
    return out


class CatalogueFeatures(BaseEstimator, TransformerMixin):
    """Derive model features from history-like rows.

    Numeric outputs (those whose source column the history had):
    ``in_catalogue`` (the row had a page), ``page``, ``log_page``, ``front`` (page <=
    ``front_pages``), ``slot_size``, ``featured``, ``discount``, ``price``, ``log_price``,
    ``effective_price`` (= price * (1 - discount)), ``log_effective_price``, then extra numeric
    columns. Categorical outputs (strings): ``product_id``, ``category``, ``brand``, ``country``
    and extra text columns with few levels.

    Rows off the catalogue (empty ``page``) get ``in_catalogue = 0``, a page one past the last
    page seen, size and featured 0: "not shown" reads as "shown very late and small".
    """

    def __init__(self, front_pages: int = 2):
        self.front_pages = front_pages

    def fit(self, X: pd.DataFrame, y=None):
        if not isinstance(self.front_pages, (int, np.integer)) or isinstance(self.front_pages, bool) \
                or self.front_pages < 1:
            raise ValueError(f"front_pages must be an integer >= 1, got {self.front_pages!r}")
        X = canonical_columns(X)
        cols = set(X.columns)
        self.has_ = {name: name in cols for name in ("page", "slot_size", "featured", "discount", "price")}
        page = _numeric(X, "page")
        finite = page[np.isfinite(page)]
        self.last_page_ = float(finite.max()) if finite.size else 1.0
        self.extra_numeric_ = sorted(
            c for c in X.columns
            if c not in RESERVED and pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])
        )
        self.extra_categorical_ = sorted(
            c for c in X.columns
            if c not in RESERVED and c not in self.extra_numeric_ and X[c].nunique(dropna=True) <= MAX_EXTRA_LEVELS
        )
        self.categorical_ = [c for c in CATEGORICAL if c in cols] + self.extra_categorical_
        self.numeric_ = self._numeric_names()
        return self

    def _numeric_names(self) -> list[str]:
        names: list[str] = []
        if self.has_["page"]:
            names += ["in_catalogue", "page", "log_page", "front"]
        if self.has_["slot_size"]:
            names.append("slot_size")
        if self.has_["featured"]:
            names.append("featured")
        if self.has_["discount"]:
            names.append("discount")
        if self.has_["price"]:
            names += ["price", "log_price", "effective_price", "log_effective_price"]
        return names + list(self.extra_numeric_)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "numeric_")
        X = canonical_columns(X)
        out: dict[str, np.ndarray] = {}
        page = _numeric(X, "page")
        shown = np.isfinite(page)
        if self.has_["page"]:
            out["in_catalogue"] = shown.astype(float)
            filled = np.where(shown, page, self.last_page_ + 1.0)
            out["page"] = filled
            out["log_page"] = np.log(np.maximum(filled, 1.0))
            out["front"] = (shown & (page <= self.front_pages)).astype(float)
        if self.has_["slot_size"]:
            size = _numeric(X, "slot_size")
            out["slot_size"] = np.where(np.isfinite(size), size, 0.0)
        if self.has_["featured"]:
            featured = _numeric(X, "featured")
            out["featured"] = np.where(np.isfinite(featured), featured, 0.0)
        discount = np.nan_to_num(_numeric(X, "discount"), nan=0.0)
        if self.has_["discount"]:
            out["discount"] = discount
        if self.has_["price"]:
            price = _numeric(X, "price")
            effective = price * (1.0 - discount)
            out["price"] = price
            with np.errstate(divide="ignore", invalid="ignore"):  # price <= 0 -> NaN, imputed later
                out["log_price"] = np.where(price > 0, np.log(np.where(price > 0, price, 1.0)), np.nan)
                out["log_effective_price"] = np.where(
                    effective > 0, np.log(np.where(effective > 0, effective, 1.0)), np.nan)
            out["effective_price"] = effective
        for name in self.extra_numeric_:
            out[name] = _numeric(X, name)
        frame = pd.DataFrame(out, index=X.index)
        for name in self.categorical_:
            frame[name] = pd.Series(_text(X, name), index=X.index, dtype=object)
        return frame

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "numeric_")
        return np.array(self.numeric_ + self.categorical_, dtype=object)
