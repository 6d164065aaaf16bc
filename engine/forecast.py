"""Unit forecasts: the :class:`Forecaster` estimator and the ``train`` / ``score`` jobs.

A ``Forecaster`` follows scikit-learn's estimator contract (parameters stored by the
constructor, validated at ``fit``, learned state ending in ``_``), so it clones, pickles with
joblib and fits anywhere. Features come from :class:`engine.features.CatalogueFeatures` (placement,
price, lags of the product's and its country's sales from history only, seasonality,
target-ordered categories). Two families, each as one global model or one model per country:

* ``"linear"``: one-hot categories + imputed, scaled numeric features, Ridge on ``log1p(units)``.
* ``"gbm"``: ``HistGradientBoostingRegressor``, Poisson loss on units (``loss="poisson"``) or
  squared error on ``log1p(units)`` (``loss="log"``: a median-like forecast, lower MAPE);
  ``n_models > 1`` averages that many fits (own seeds, each on a ``subsample`` of the rows and a
  ``max_features`` share of the features per split): bagging, a steadier forecast.

``train`` compares candidates in a rolling-origin backtest (:mod:`engine.backtest`): several
forecast origins over the latest campaigns, a configurable gap, WAPE/MAPE/bias pooled over every
fold next to naive, seasonal-naive and mean baselines on the same rows. The winner is refit on
every row and its prediction band comes from its backtest residuals (split conformal, log scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from . import backtest
from .errors import FolioError, Problem, settings_error, table_error
from .features import CatalogueFeatures, _text, canonical_columns

FAMILIES = ("linear", "gbm")
LOSSES = ("poisson", "log")
MAX_COUNTRY_MODELS = 20  # more markets than this: per-country candidates are not tried
MIN_COUNTRY_ROWS = 50  # a country with fewer training rows is forecast by the global model


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
    :mod:`engine.lags`). ``predict_interval`` adds an ``interval`` (default 80 %) band from
    quantiles of log errors (``interval_``), by default from the training rows; ``train``
    replaces them with the backtest's out-of-sample errors, which are honest.

    ``per_country=True`` fits one model per country (plus the global one for countries with too
    few rows or unseen ones). ``min_lag``, ``windows``, ``season`` and ``gap`` go to the features.
    ``threads`` caps the native threads of fit and predict: 1 by default, because jobs already run
    in parallel worker processes and oversubscribed OpenMP made one fit 10x slower (measured).
    """

    def __init__(self, family: str = "gbm", per_country: bool = False, alpha: float = 1.0,
                 max_iter: int = 200, learning_rate: float = 0.1, max_leaf_nodes: int = 31,
                 min_samples_leaf: int = 20, l2_regularization: float = 0.0, loss: str = "poisson",
                 front_pages: int = 2, min_lag: int = 1, windows: tuple = (3, 8), season: int = 0,
                 gap: int = 0, interval: float = 0.8, threads: int = 1, random_state: int = 0,
                 n_models: int = 1, subsample: float = 1.0, max_features: float = 1.0):
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
        _check("random_state", self.random_state,
               _is_int(self.random_state) and 0 <= self.random_state < 2**32, "an integer in [0, 2**32)")

    def _log_target(self) -> bool:
        return self.family == "linear" or self.loss == "log"

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
        model = HistGradientBoostingRegressor(
            loss="poisson" if self.loss == "poisson" else "squared_error",
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
            return model.fit(frame, y), 1.0
        model.fit(frame, np.log1p(y))
        if self.family != "linear":
            return model, 1.0  # "log" gbm: a median-like forecast on purpose (MAPE)
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
        X = canonical_columns(X)
        if y is None:
            if "units" not in X.columns:
                raise ValueError("fit needs y or a 'units' column in X")
            y = X["units"]
        y = np.asarray(pd.to_numeric(pd.Series(np.asarray(y)), errors="coerce"), dtype=float)
        _check("y", "non-finite or negative values", bool(np.all(np.isfinite(y)) and np.all(y >= 0)),
               "finite numbers >= 0")
        if len(y) < 2:
            raise ValueError(f"fit needs at least 2 rows, got {len(y)}")
        self.features_ = CatalogueFeatures(
            front_pages=self.front_pages, min_lag=self.min_lag, windows=tuple(self.windows),
            season=self.season, gap=self.gap, random_state=self.random_state)
        frame = self.features_.fit_transform(X, y)
        self.model_, self.level_ = self._fit_one(frame, y)
        self.country_models_ = {}
        if self.per_country and "country" in X.columns:
            countries = _text(X, "country")
            for country in sorted(set(countries.tolist())):
                rows = countries == country
                if rows.sum() >= MIN_COUNTRY_ROWS:
                    self.country_models_[country] = self._fit_one(frame[rows], y[rows])
        self.n_features_in_ = X.shape[1]
        # Markets the model knows: a catalogue planned without a country is forecast for all of them.
        self.countries_ = (sorted(str(c) for c in pd.unique(X["country"].dropna()))
                           if "country" in X.columns else [])
        self.feature_names_ = list(self.features_.numeric_) + list(self.features_.categorical_)
        self.scale_ = 1.0  # set by train() when candidates are chosen by MAPE (see calibrate_scale)
        self.n_train_ = int(len(y))
        self.set_interval(y, self._predict_frame(frame), source="training rows")
        return self

    def _units(self, model: Pipeline, level: float, frame: pd.DataFrame) -> np.ndarray:
        raw = np.asarray(model.predict(frame), dtype=float)
        return np.expm1(raw) * level if self._log_target() else raw

    def _predict_frame(self, frame: pd.DataFrame) -> np.ndarray:
        units = self._units(self.model_, self.level_, frame) * getattr(self, "scale_", 1.0)
        if self.country_models_ and "country" in frame.columns:
            countries = frame["country"].to_numpy(dtype=object)
            for country, (model, level) in self.country_models_.items():
                rows = countries == country
                if rows.any():
                    units[rows] = self._units(model, level, frame[rows])
        return np.clip(units, 0.0, None)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Units (>= 0) for each row of ``X``; missing optional columns are handled like unseen values."""
        check_is_fitted(self, "model_")
        with threadpool_limits(limits=int(getattr(self, "threads", 1))):
            return self._predict_frame(self.features_.transform(canonical_columns(X)))

    def set_interval(self, y_true, y_pred, *, source: str) -> None:
        """Store the band's log-error quantiles from actuals and forecasts the model did not fit on
        (split conformal on the log scale: the band is relative, wider for big sellers)."""
        errors = np.log1p(np.asarray(y_true, dtype=float)) - np.log1p(np.asarray(y_pred, dtype=float))
        tail = (1.0 - float(self.interval)) / 2.0
        low, high = (np.quantile(errors, [tail, 1.0 - tail]) if errors.size else (0.0, 0.0))
        self.interval_ = (float(min(low, 0.0)), float(max(high, 0.0)))
        self.interval_source_ = source
        self.interval_n_ = int(errors.size)

    def predict_interval(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(forecast, low, high): the band around the forecast in log space, back in units."""
        units = self.predict(X)
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
        for model in self.models:
            rows = np.arange(len(y))
            if self.subsample < 1:
                rows = np.sort(rng.choice(len(y), size=max(2, int(round(self.subsample * len(y)))),
                                          replace=False))
            model.fit(frame.iloc[rows], y[rows])
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.mean([model.predict(frame) for model in self.models], axis=0)


# -- candidates ---------------------------------------------------------------------------------
PRESETS = {
    "linear": {"family": "linear"},
    "linear_by_country": {"family": "linear", "per_country": True},
    "gbm": {"family": "gbm"},
    "gbm_by_country": {"family": "gbm", "per_country": True},
    "gbm_log": {"family": "gbm", "loss": "log"},
    "gbm_log_by_country": {"family": "gbm", "loss": "log", "per_country": True},
    # Bagging: 5 fits on 70 % of the rows each, 80 % of the features per split, averaged in log
    # space. About 3.5x the fitting time of "gbm_log" for a steadier forecast (see README).
    "gbm_log_bag": {"family": "gbm", "loss": "log", "n_models": 5, "subsample": 0.7, "max_features": 0.8},
}
SELECT_BY = ("wape", "mape")


@dataclass
class Candidate:
    """A named Forecaster configuration competing in the backtest."""

    name: str
    params: dict = field(default_factory=dict)

    def estimator(self, **shared) -> Forecaster:
        return Forecaster(**{**shared, **self.params})


def _candidates(family: str, candidates, n_countries: int) -> list[Candidate]:
    """The candidates to compare: named presets or ``{"name", ...Forecaster params}`` dicts;
    by default both families, global and (for 2..MAX_COUNTRY_MODELS markets) per country."""
    if family not in (*FAMILIES, "auto"):
        raise settings_error([Problem(message=f"family must be one of {['auto', *FAMILIES]}, got {family!r}",
                                      column="family")])
    if candidates is None:
        families = FAMILIES if family == "auto" else (family,)
        names = []
        for f in families:
            names.append(f)
            if 2 <= n_countries <= MAX_COUNTRY_MODELS:
                names.append(f"{f}_by_country")
        return [Candidate(n, dict(PRESETS[n])) for n in names]
    if not isinstance(candidates, (list, tuple)) or not candidates:
        raise settings_error([Problem(message="candidates must be a non-empty list", column="candidates")])
    out = []
    allowed = set(Forecaster().get_params()) - {"random_state"}
    for item in candidates:
        if isinstance(item, str) and item in PRESETS:
            out.append(Candidate(item, dict(PRESETS[item])))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) \
                and set(item) - {"name"} <= allowed:
            out.append(Candidate(item["name"], {k: v for k, v in item.items() if k != "name"}))
        else:
            raise settings_error([Problem(
                message=(f"each candidate must be one of {sorted(PRESETS)} or an object with a 'name' and "
                         f"Forecaster parameters {sorted(allowed)}, got {item!r}"), column="candidates")])
    return out


# -- jobs ---------------------------------------------------------------------------------------
@dataclass
class TrainOutcome:
    """What ``train`` gives back: the refit winner, the JSON-ready report and, for the registry,
    the chosen candidate's forecasts of the newest holdout rows (``holdout_rows`` mask)."""

    best: Forecaster
    report: dict
    holdout_rows: np.ndarray | None = None
    holdout_forecast: np.ndarray | None = None


Progress = Callable[[dict], None] | None
ShouldStop = Callable[[], bool] | None


def cancelled_error() -> FolioError:
    """The error a cancelled training raises (the job ends as cancelled, not failed)."""
    return FolioError(code="cancelled", status=409, title="Cancelled", detail="the training was cancelled")


def _check_history(history: pd.DataFrame) -> pd.DataFrame:
    history = canonical_columns(history)
    missing = [c for c in ("campaign", "product_id", "units") if c not in history.columns]
    if missing:
        raise table_error([Problem(message=f"history has no column '{c}'", table="history", column=c)
                           for c in missing])
    return history.reset_index(drop=True)


def _check_settings(seed, season, select_by) -> None:
    problems = []
    if not _is_int(seed) or not 0 <= seed < 2**32:
        problems.append(Problem(message=f"seed must be an integer in [0, 2**32), got {seed!r}", column="seed"))
    if not _is_int(season) or season < 0:
        problems.append(Problem(message=f"season must be an integer >= 0, got {season!r}", column="season"))
    if select_by not in SELECT_BY:
        problems.append(Problem(message=f"select_by must be one of {list(SELECT_BY)}, got {select_by!r}",
                                column="select_by"))
    if problems:
        raise settings_error(problems)


def _rank_value(metrics: dict, key: str) -> float:
    value = metrics.get(key)
    return math.inf if value is None else float(value)


def train(history: pd.DataFrame, *, family: str = "auto", holdout_campaigns: int = 2, folds: int = 3,
          gap: int = 0, season: int = backtest.DEFAULT_SEASON, candidates=None, select_by: str = "wape",
          seed: int = 0, progress: Progress = None, should_stop: ShouldStop = None) -> TrainOutcome:
    """Rolling-origin backtest of the candidates, then the winner refit on every row.

    ``folds`` forecast origins over the latest campaigns; each fold fits on the campaigns up to
    its origin and forecasts the ``holdout_campaigns`` campaigns that follow ``gap`` skipped ones
    (lags are read at least ``gap + holdout_campaigns`` campaigns back, as they would be in
    use). Metrics are pooled over the rows of every fold; the candidate with the lowest
    ``select_by`` wins. ``holdout`` in the report is the newest fold (what the registry uses).
    """
    history = _check_history(history)
    _check_settings(seed, season, select_by)
    n_countries = int(history["country"].nunique()) if "country" in history.columns else 0
    cands = _candidates(family, candidates, n_countries)
    splits = backtest.rolling_origins(history, folds, holdout_campaigns, gap)
    shared = {"min_lag": int(gap) + int(holdout_campaigns), "season": int(season), "gap": int(gap),
              "random_state": int(seed)}
    y = history["units"].to_numpy(dtype=float)
    steps = len(splits) + 1

    def step(number: int, message: str) -> None:
        if should_stop is not None and should_stop():
            raise cancelled_error()
        if progress is not None:
            progress({"phase": "train", "generation": number, "of": steps, "message": message})

    forecasts = {c.name: np.full(len(history), np.nan) for c in cands}
    base = {name: np.full(len(history), np.nan) for name in backtest.BASELINES}
    fold_rows = []
    for fold in splits:
        split = fold.split
        step(fold.number, f"fold {fold.number + 1} of {len(splits)}: fitting {len(cands)} candidates on "
                          f"campaigns up to {fold.origin}, forecasting {split.holdout_campaigns}")
        train_rows, test_rows = history[split.train], history[split.holdout]
        for cand in cands:
            if should_stop is not None and should_stop():
                raise cancelled_error()
            model = cand.estimator(**shared).fit(train_rows)
            forecasts[cand.name][split.holdout] = model.predict(test_rows)
        for name, pred in backtest.baseline_forecasts(history, split, season or backtest.DEFAULT_SEASON).items():
            base[name][split.holdout] = pred
        fold_rows.append(_fold_entry(fold, y, forecasts, base))

    tested = np.zeros(len(history), dtype=bool)
    for fold in splits:
        tested |= fold.split.holdout
    newest = splits[-1].split
    pooled = {name: backtest.metrics(y[tested], pred[tested]) for name, pred in forecasts.items()}
    # Judged by MAPE, each candidate is judged WITH its own MAPE scale (the one it ships with), so a
    # fit that needs a strong scale is not beaten by one that merely needs less of it.
    scales = {name: (calibrate_scale(y[tested], pred[tested]) if select_by == "mape" else 1.0)
              for name, pred in forecasts.items()}
    ranked = {name: (backtest.metrics(y[tested], pred[tested] * scales[name]) if select_by == "mape"
                     else pooled[name]) for name, pred in forecasts.items()}
    chosen = int(np.argmin([_rank_value(ranked[c.name], select_by) for c in cands]))
    winner = cands[chosen]
    step(len(splits), f"refitting {winner.name} on all campaigns")
    best = winner.estimator(**shared).fit(history)
    if select_by == "mape":
        best.scale_ = scales[winner.name]
    best.set_interval(y[tested], forecasts[winner.name][tested] * best.scale_, source="backtest")
    best.candidate_name_ = winner.name
    if progress is not None:
        progress({"phase": "train", "generation": steps, "of": steps, "message": "done"})

    n_train = int(newest.train.sum())
    report = {
        "candidates": [
            {"name": c.name, "family": c.params.get("family", "gbm"),
             "per_country": bool(c.params.get("per_country", False)), "params": _json_params(c.params),
             "metrics": pooled[c.name], "scale": scales[c.name], "scaled_metrics": ranked[c.name],
             "holdout_metrics": backtest.metrics(y[newest.holdout], forecasts[c.name][newest.holdout]),
             "n_train": n_train, "n_holdout": int(newest.holdout.sum()), "n_backtest": int(tested.sum()),
             "chosen": i == chosen}
            for i, c in enumerate(cands)
        ],
        "baselines": [
            {"name": name, **({"season": season or backtest.DEFAULT_SEASON} if name == "seasonal_naive" else {}),
             "metrics": backtest.metrics(y[tested], pred[tested]),
             "holdout_metrics": backtest.metrics(y[newest.holdout], pred[newest.holdout])}
            for name, pred in base.items()
        ],
        "holdout": {"campaigns": [_json_scalar(c) for c in newest.holdout_campaigns],
                    "rows": int(newest.holdout.sum())},
        "folds": fold_rows,
        "backtest": {"folds": len(splits), "horizon": int(holdout_campaigns), "gap": int(gap),
                     "min_lag": shared["min_lag"], "season": int(season), "select_by": select_by,
                     "scale": best.scale_,
                     "rows": int(tested.sum()), "metrics": "pooled over the rows of every fold"},
        "interval": {"level": best.interval, "log_errors": list(best.interval_), "source": "backtest",
                     "n": best.interval_n_},
        "features": list(best.feature_names_),
    }
    return TrainOutcome(best=best, report=report, holdout_rows=newest.holdout.copy(),
                        holdout_forecast=forecasts[winner.name][newest.holdout].copy())


SCALES = np.round(np.arange(0.5, 1.201, 0.01), 2)


def calibrate_scale(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The factor on forecasts that minimises MAPE on out-of-sample rows (backtest folds only).

    MAPE punishes over-forecasts without limit but an under-forecast by at most 100 %, so its
    optimum lies below the median. When the user asks to be judged by MAPE (``select_by``), the
    refit winner's forecasts are multiplied by this factor; judged by WAPE they are not.
    """
    positive = y_true > 0
    if not positive.any():
        return 1.0
    y, p = y_true[positive], y_pred[positive]
    losses = [np.mean(np.abs(y - s * p) / y) for s in SCALES]
    return float(SCALES[int(np.argmin(losses))])


def _fold_entry(fold: backtest.Fold, y: np.ndarray, forecasts: dict, base: dict) -> dict:
    rows = fold.split.holdout
    return {
        "fold": fold.number, "origin": _json_scalar(fold.origin),
        "campaigns": [_json_scalar(c) for c in fold.split.holdout_campaigns],
        "n_train": int(fold.split.train.sum()), "rows": int(rows.sum()),
        "candidates": {name: backtest.metrics(y[rows], pred[rows]) for name, pred in forecasts.items()},
        "baselines": {name: backtest.metrics(y[rows], pred[rows]) for name, pred in base.items()},
    }


def _json_params(params: dict) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else _json_scalar(v)) for k, v in params.items()}


def _json_scalar(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


def holdout_rows(history: pd.DataFrame, holdout_campaigns: int = 2, campaigns=None) -> np.ndarray:
    """Mask of the rows a registered model is scored on: the latest ``holdout_campaigns``
    campaigns, or exactly ``campaigns`` when given."""
    history = _check_history(history)
    if campaigns is None:
        split = backtest.split_holdout(history, holdout_campaigns, min_train_campaigns=0)
        return split.holdout
    return history["campaign"].isin(list(campaigns)).to_numpy()


def score(model, history: pd.DataFrame, holdout_campaigns: int = 2, *, campaigns=None) -> dict:
    """``wape``, ``mape``, ``bias`` of a fitted model on the latest ``holdout_campaigns`` campaigns
    (or on the rows of ``campaigns``).

    The model is not refit: a model trained on those rows will look better than it is, which is
    why the registry only scores models on campaigns after the end of their training.
    """
    history = _check_history(history)
    rows = holdout_rows(history, holdout_campaigns, campaigns)
    held = history[rows]
    return backtest.metrics(held["units"].to_numpy(dtype=float), model.predict(held))


def forecast_rows(model, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (same order, same columns) plus ``forecast_units``, ``forecast_low``, ``forecast_high``."""
    out = rows.copy()
    if hasattr(model, "predict_interval"):
        units, low, high = model.predict_interval(rows)
    else:
        units = model.predict(rows)
        low = high = units
    out["forecast_units"] = units
    out["forecast_low"] = low
    out["forecast_high"] = high
    return out
