"""The :class:`Forecaster` estimator: units per product from placement, price and history.

A ``Forecaster`` follows scikit-learn's estimator contract (parameters stored by the
constructor, validated at ``fit``, learned state ending in ``_``), so it clones, pickles with
joblib and fits anywhere. Features come from :class:`engine.forecast.features.CatalogueFeatures`
(placement, price, lags of the product's and its country's sales from history only,
seasonality, target-ordered categories). Two families, each as one global model or one model per
country:

* ``"linear"``: one-hot categories + imputed, scaled numeric features, Ridge on ``log1p(units)``.
* ``"pooled"``: partial pooling (:mod:`engine.forecast.pooled`): each product's own level,
  discount slope, trend, season and level per market, shrunk toward category/brand and global
  effects by variances estimated from the data (empirical Bayes); it reads the history's
  columns itself (no lags: the product's own level is a coefficient) and has its own market
  terms, so ``per_country`` does not apply. ``product_trend=False`` leaves out each product's
  own trend (``train`` tries the preset both ways, ``PRESET_VARIANTS``); ``product_factor=False``
  leaves out the products' shared movement (learned only where the season is not).
* ``"gbm"``: ``HistGradientBoostingRegressor``, Poisson loss on units (``loss="poisson"``) or
  squared error on ``log1p(units)`` (``loss="log"``: a median-like forecast, lower MAPE) or the
  ``quantile`` of ``log1p(units)`` (``loss="log_quantile"``: a low quantile is what MAPE wants,
  see below);
  ``n_models > 1`` averages that many fits (own seeds, each on a ``subsample`` of the rows and a
  ``max_features`` share of the features per split): bagging, a steadier forecast.

Why a low quantile serves MAPE: the forecast with the lowest expected absolute percentage error
is the median of the units weighted by 1/units. With log-normal errors of spread ``s`` that is
``exp(mu - s**2)``, the ``Phi(-s)`` quantile: the more uncertain a row, the lower its forecast
should sit. A quantile fitted per row learns that; a global factor (``train``'s MAPE scale)
moves every row alike. On Dominick's orange juice (TSPerf rounds 1, 4 and 8, one fit each, the
best global factor for both) the 0.25 quantile scored 35.1 % MAPE against 37.9 % for the mean of
log units.
"""

from __future__ import annotations

import math
import threading
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from engine.data.columns import canonical_columns, text_column

from .features import CatalogueFeatures
from .pooled import PooledRegressor

FAMILIES = ("linear", "gbm", "pooled")
LOSSES = ("poisson", "log", "log_quantile")
MAX_COUNTRY_MODELS = 20  # more markets than this: per-country candidates are not tried
MIN_COUNTRY_ROWS = 50  # a country with fewer training rows is forecast by the global model


_SHARED = threading.local()  # see shared_features


@contextmanager
def shared_features():
    """Within this block, Forecasters fitted on the SAME frame object (``fit(X)``, units from ``X``)
    with the same feature settings share one fitted :class:`CatalogueFeatures` and its training
    frame instead of deriving them each: train's backtest fits gbm, gbm_by_country, linear and
    linear_by_country on each fold's rows (the demo: 9 of 12 derivations, ~0.17 s each, saved).
    The frame must not change inside the block; outside it nothing is shared."""
    _SHARED.cache = {}
    try:
        yield
    finally:
        _SHARED.cache = None


def _check(name: str, value, ok: bool, rule: str) -> None:
    if not ok:
        raise ValueError(f"{name} must be {rule}, got {value!r}")


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class Forecaster(RegressorMixin, BaseEstimator):
    """Forecast units sold for history-like rows (product, campaign layout, price, discount...).

    ``fit(history)`` takes the contract's ``history`` table (target column ``units``); a separate
    ``y`` may be given instead. ``predict(rows)`` returns units >= 0 for rows with or without a
    ``campaign`` and never reads their ``units``: lag features come from the fitted history (see
    :mod:`engine.forecast.lags`). ``predict_interval`` adds an ``interval`` (default 80 %) band from
    quantiles of log errors (``interval_``), by default from the training rows; ``train``
    replaces them with the backtest's out-of-sample errors, which are honest.

    ``per_country=True`` fits one model per country (plus the global one for countries with too
    few rows or unseen ones). ``min_lag``, ``windows``, ``season`` and ``gap`` go to the features.
    ``cadence`` (campaigns per year from the calendar, 0 = unknown) reaches the pooled family when
    ``season`` is 0 because the history covers less than a year: it learns the season's smooth
    part from part of one (:class:`engine.forecast.pooled.PooledRegressor`).
    ``threads`` caps the native threads of fit and predict: 1 by default, because jobs already run
    in parallel worker processes and oversubscribed OpenMP made one fit 10x slower (measured).
    """

    def __init__(self, family: str = "gbm", per_country: bool = False, alpha: float = 1.0,
                 max_iter: int = 200, learning_rate: float = 0.1, max_leaf_nodes: int = 31,
                 min_samples_leaf: int = 20, l2_regularization: float = 0.0, loss: str = "poisson",
                 front_pages: int = 2, min_lag: int = 1, windows: tuple = (3, 8), season: int = 0,
                 gap: int = 0, interval: float = 0.8, threads: int = 1, random_state: int = 0,
                 n_models: int = 1, subsample: float = 1.0, max_features: float = 1.0,
                 quantile: float = 0.5, product_trend: bool = True, cadence: int = 0,
                 product_factor: bool = True):
        self.family = family
        self.per_country = per_country
        self.alpha = alpha
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.loss = loss
        self.front_pages = front_pages
        self.min_lag = min_lag
        self.windows = windows
        self.season = season
        self.gap = gap
        self.interval = interval
        self.threads = threads
        self.random_state = random_state
        self.n_models = n_models
        self.subsample = subsample
        self.max_features = max_features
        self.quantile = quantile
        self.product_trend = product_trend
        self.product_factor = product_factor
        self.cadence = cadence

    # -- parameters -------------------------------------------------------------------------
    def _validate_params(self) -> None:
        _check("family", self.family, self.family in FAMILIES, f"one of {list(FAMILIES)}")
        _check("per_country", self.per_country, isinstance(self.per_country, (bool, np.bool_)), "true or false")
        _check("alpha", self.alpha, _is_number(self.alpha) and self.alpha > 0, "a number > 0")
        _check("max_iter", self.max_iter, _is_int(self.max_iter) and self.max_iter >= 1, "an integer >= 1")
        _check("learning_rate", self.learning_rate,
               _is_number(self.learning_rate) and 0 < self.learning_rate <= 1, "a number in (0, 1]")
        _check("max_leaf_nodes", self.max_leaf_nodes,
               _is_int(self.max_leaf_nodes) and self.max_leaf_nodes >= 2, "an integer >= 2")
        _check("min_samples_leaf", self.min_samples_leaf,
               _is_int(self.min_samples_leaf) and self.min_samples_leaf >= 1, "an integer >= 1")
        _check("l2_regularization", self.l2_regularization,
               _is_number(self.l2_regularization) and self.l2_regularization >= 0, "a number >= 0")
        _check("loss", self.loss, self.loss in LOSSES, f"one of {list(LOSSES)}")
        _check("interval", self.interval, _is_number(self.interval) and 0 < self.interval < 1,
               "a number in (0, 1)")
        _check("threads", self.threads, _is_int(self.threads) and self.threads >= 1, "an integer >= 1")
        _check("n_models", self.n_models, _is_int(self.n_models) and 1 <= self.n_models <= 50,
               "an integer in [1, 50]")
        _check("subsample", self.subsample, _is_number(self.subsample) and 0 < self.subsample <= 1,
               "a number in (0, 1]")
        _check("max_features", self.max_features,
               _is_number(self.max_features) and 0 < self.max_features <= 1, "a number in (0, 1]")
        _check("quantile", self.quantile, _is_number(self.quantile) and 0 < self.quantile < 1,
               "a number in (0, 1)")
        _check("product_trend", self.product_trend, isinstance(self.product_trend, (bool, np.bool_)),
               "true or false")
        _check("product_factor", getattr(self, "product_factor", True),
               isinstance(getattr(self, "product_factor", True), (bool, np.bool_)), "true or false")
        _check("cadence", self.cadence, _is_int(self.cadence) and self.cadence >= 0,
               "an integer >= 0 (campaigns per year)")
        _check("random_state", self.random_state,
               _is_int(self.random_state) and 0 <= self.random_state < 2**32, "an integer in [0, 2**32)")

    def _log_target(self) -> bool:
        return self.family == "linear" or self.loss in ("log", "log_quantile")

    # -- model ------------------------------------------------------------------------------
    def _build_linear(self, numeric: list[str], categorical: list[str]) -> Pipeline:
        parts = [("numeric", Pipeline([
            ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
            ("scale", StandardScaler())]), numeric)]
        if categorical:
            parts.append(("categorical", OneHotEncoder(handle_unknown="ignore", min_frequency=2), categorical))
        return Pipeline([("columns", ColumnTransformer(parts, sparse_threshold=0.3)),
                         ("ridge", Ridge(alpha=float(self.alpha)))])

    def _build_gbm(self, numeric: list[str], categorical: list[str], seed: int | None = None) -> Pipeline:
        parts = [("numeric", "passthrough", numeric)]
        if categorical:
            parts.append(("categorical", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                                        max_categories=250, dtype=float), categorical))
        mask = [False] * len(numeric) + [True] * len(categorical)
        loss = {"poisson": "poisson", "log": "squared_error", "log_quantile": "quantile"}[self.loss]
        model = HistGradientBoostingRegressor(
            loss=loss, **({"quantile": float(self.quantile)} if loss == "quantile" else {}),
            max_features=float(self.max_features),
            max_iter=int(self.max_iter), learning_rate=float(self.learning_rate),
            max_leaf_nodes=int(self.max_leaf_nodes), min_samples_leaf=int(self.min_samples_leaf),
            l2_regularization=float(self.l2_regularization),
            categorical_features=mask if any(mask) else None, early_stopping=False,
            random_state=self.random_state if seed is None else seed,
        )
        return Pipeline([("columns", ColumnTransformer(parts, sparse_threshold=0.0)), ("gbm", model)])

    def _fit_one(self, frame: pd.DataFrame, y: np.ndarray) -> tuple[Pipeline, float]:
        """One fitted pipeline and its level factor (log-scale fits are rescaled to the total)."""
        numeric, categorical = self.features_.numeric_, self.features_.categorical_
        if self.family == "linear":
            model = self._build_linear(numeric, categorical)
        elif self.n_models > 1 or self.subsample < 1:
            model = _Bag([self._build_gbm(numeric, categorical, seed=int(self.random_state) + k)
                          for k in range(int(self.n_models))], float(self.subsample), int(self.random_state))
        else:
            model = self._build_gbm(numeric, categorical)
        if not self._log_target():
            return _fit_or_constant(model, frame, y), 1.0
        model = _fit_or_constant(model, frame, np.log1p(y))
        if self.family != "linear":
            return model, 1.0  # "log" gbm: a median-like (or lower quantile) forecast on purpose (MAPE)
        # A log-scale linear fit forecasts a median: scale back to the training rows' total units
        # (measured on the demo holdout: bias -0.21 -> -0.11 and a slightly lower WAPE).
        fitted = np.expm1(model.predict(frame)).clip(0).sum()
        return model, float(y.sum() / fitted) if fitted > 0 else 1.0

    def fit(self, X: pd.DataFrame, y=None):
        """Fit on history rows; ``y`` defaults to the ``units`` column. Returns ``self``."""
        self._validate_params()
        with threadpool_limits(limits=int(self.threads)):
            return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y):
        sent, from_units = X, y is None
        X = canonical_columns(X)
        if y is None:
            if "units" not in X.columns:
                raise ValueError("fit needs y or a 'units' column in X")
            y = X["units"]
        y = np.asarray(pd.to_numeric(pd.Series(np.asarray(y)), errors="coerce"), dtype=float)
        _check("y", "non-finite or negative values", bool(np.all(np.isfinite(y)) and np.all(y >= 0)),
               "finite numbers >= 0")
        if len(y) < 1:
            raise ValueError("fit needs at least 1 row, got 0")
        if self.family == "pooled":
            return self._fit_pooled(X, y)
        settings = dict(front_pages=self.front_pages, min_lag=self.min_lag, windows=tuple(self.windows),
                        season=self.season, gap=self.gap, random_state=self.random_state)
        cache = getattr(_SHARED, "cache", None) if from_units else None
        key = (id(sent), tuple(sorted(settings.items())))
        if cache is not None and key in cache and cache[key][0] is sent:
            _, self.features_, frame = cache[key]
        else:
            self.features_ = CatalogueFeatures(**settings)
            frame = self.features_.fit_transform(X, y)
            if cache is not None:
                cache[key] = (sent, self.features_, frame)
        self.country_models_ = {}
        if self.per_country and "country" in X.columns:
            countries = text_column(X, "country")
            for country in sorted(set(countries.tolist())):
                rows = countries == country
                if rows.sum() >= MIN_COUNTRY_ROWS:
                    self.country_models_[country] = self._fit_one(frame[rows], y[rows])
        if self.country_models_:
            # The global model serves only rows of a market without its own model (unseen, or too
            # few rows): fitted when first needed (or when the model is pickled, __getstate__). A
            # backtest fold forecasts the markets it was fitted on and never needs it: the demo's
            # train job fitted it in every fold of gbm_by_country and linear_by_country (a gbm
            # fit each, ~7 s of ~30 s at one thread). The same fit, so the same figures.
            self.model_, self.level_ = None, 1.0
            self._pending_global = (frame, y)
        else:
            self.model_, self.level_ = self._fit_one(frame, y)
        self.n_features_in_ = X.shape[1]
        # Markets the model knows: a catalogue planned without a country is forecast for all of them.
        self.countries_ = (sorted(str(c) for c in pd.unique(X["country"].dropna()))
                           if "country" in X.columns else [])
        self.feature_names_ = list(self.features_.numeric_) + list(self.features_.categorical_)
        self.scale_ = 1.0  # set by train() when candidates are chosen by MAPE (see calibrate_scale)
        self.n_train_ = int(len(y))
        self.set_interval(y, self._predict_frame(frame), source="training rows")
        return self

    def _fit_pooled(self, X: pd.DataFrame, y: np.ndarray):
        _check("per_country", self.per_country, not self.per_country,
               "false for family 'pooled' (it has its own product x country terms)")
        # The calendar's campaigns per year even where the history is too short for the seasonal
        # features (season 0): the pooled model then learns the season's smooth part from it.
        period = int(self.season) or int(getattr(self, "cadence", 0) or 0)
        self.model_ = PooledRegressor(season=period, gap=int(self.gap),
                                      product_trend=bool(self.product_trend),
                                      product_factor=bool(getattr(self, "product_factor", True))).fit(X, y)
        self.level_, self.country_models_ = 1.0, {}
        self.n_features_in_ = X.shape[1]
        self.countries_ = (sorted(str(c) for c in pd.unique(X["country"].dropna()))
                           if "country" in X.columns else [])
        self.feature_names_ = list(self.model_.feature_names_)
        self.scale_ = 1.0
        self.n_train_ = int(len(y))
        self.set_interval(y, self.model_.predict(X), source="training rows")
        return self

    def _units(self, model: Pipeline, level: float, frame: pd.DataFrame) -> np.ndarray:
        raw = np.asarray(model.predict(frame), dtype=float)
        return np.expm1(raw) * level if self._log_target() else raw

    def _global_model(self) -> None:
        """Fit the deferred global model of a per-country fit (see ``_fit``), if still pending."""
        pending = self.__dict__.pop("_pending_global", None)
        if pending is not None:
            with threadpool_limits(limits=int(self.threads)):
                self.model_, self.level_ = self._fit_one(*pending)

    def __getstate__(self):
        self._global_model()  # a saved model forecasts any market
        return super().__getstate__()

    def _predict_frame(self, frame: pd.DataFrame) -> np.ndarray:
        countries = (frame["country"].to_numpy(dtype=object) if self.country_models_ and "country" in frame.columns
                     else None)
        own = [(countries == country, model, level) for country, (model, level) in self.country_models_.items()] \
            if countries is not None else []
        covered = np.zeros(len(frame), dtype=bool)
        for rows, _, _ in own:
            covered |= rows
        if covered.all():  # every row has its market's own model: the global one is not asked
            units = np.zeros(len(frame))
        else:
            self._global_model()
            units = self._units(self.model_, self.level_, frame) * getattr(self, "scale_", 1.0)
        for rows, model, level in own:
            if rows.any():
                units[rows] = self._units(model, level, frame[rows])
        return np.clip(units, 0.0, None)

    def predict(self, X: pd.DataFrame, reference: pd.DataFrame | None = None) -> np.ndarray:
        """Units (>= 0) for each row of ``X``; missing optional columns are handled like unseen values.

        The rows of one campaign and market are read as one catalogue (each row's context is the
        others); ``reference``, a products table, makes every row a planned row judged against
        that catalogue instead (:mod:`engine.forecast.context`)."""
        check_is_fitted(self, "model_")
        with threadpool_limits(limits=int(getattr(self, "threads", 1))):
            if self.family == "pooled":
                return np.clip(self.model_.predict(canonical_columns(X)) * getattr(self, "scale_", 1.0), 0.0, None)
            frame = self.features_.transform(canonical_columns(X), reference=reference)
            return self._predict_frame(frame)

    def set_interval(self, y_true, y_pred, *, source: str) -> None:
        """Store the band's log-error quantiles from actuals and forecasts the model did not fit on
        (split conformal on the log scale: the band is relative, wider for big sellers)."""
        errors = np.log1p(np.asarray(y_true, dtype=float)) - np.log1p(np.asarray(y_pred, dtype=float))
        tail = (1.0 - float(self.interval)) / 2.0
        low, high = (np.quantile(errors, [tail, 1.0 - tail]) if errors.size else (0.0, 0.0))
        self.interval_ = (float(min(low, 0.0)), float(max(high, 0.0)))
        self.interval_source_ = source
        self.interval_n_ = int(errors.size)

    def predict_interval(self, X: pd.DataFrame, reference: pd.DataFrame | None = None
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(forecast, low, high): the band around the forecast in log space, back in units."""
        units = self.predict(X, reference=reference)
        base = np.log1p(units)
        low = np.clip(np.expm1(base + self.interval_[0]), 0.0, None)
        high = np.expm1(base + self.interval_[1])
        return units, low, high


class _Bag:
    """Several gradient-boosting pipelines (own seeds; each on a random ``subsample`` of the rows
    when < 1) whose predictions are averaged on the fitted scale (log units for ``loss="log"``)."""

    def __init__(self, models: list, subsample: float, seed: int):
        self.models = models
        self.subsample = subsample
        self.seed = seed

    def fit(self, frame: pd.DataFrame, y: np.ndarray):
        rng = np.random.default_rng(self.seed)
        for k, model in enumerate(self.models):
            rows = np.arange(len(y))
            if self.subsample < 1:
                size = min(len(y), max(2, int(round(self.subsample * len(y)))))
                rows = np.sort(rng.choice(len(y), size=size, replace=False))
            self.models[k] = _fit_or_constant(model, frame.iloc[rows], y[rows])
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.mean([model.predict(frame) for model in self.models], axis=0)


class _Constant:
    """The model for a target with one value in every training row (all zero, or all 5): it
    forecasts that value. Nothing else can be learned from it, and Poisson boosting refuses an
    all-zero target outright (``sum(y) > 0``)."""

    def __init__(self, value: float):
        self.value = float(value)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.full(len(frame), self.value)


def _fit_or_constant(model, frame: pd.DataFrame, y: np.ndarray):
    """``model`` fitted on ``(frame, y)``, or a :class:`_Constant` when ``y`` has one value only."""
    if len(y) == 0 or np.all(y == y[0]):
        return _Constant(y[0] if len(y) else 0.0)
    return model.fit(frame, y)
