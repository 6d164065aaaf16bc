"""How training adapts to the history it is given: short, sparse or flat data degrade on purpose.

A new company's history is rarely the demo's three years. Rather than fail (or, worse, fail with
``internal`` deep inside a library), ``train`` asks this module what the history can support and
reports every concession in the result's ``degraded`` list, each ``{"code", "message"}``:

* ``zero_campaigns_left_out``: campaigns whose every row sold 0 units are left out of the forecast
  and the backtest (``train``; engine.data.zero_campaigns: sales not yet loaded, far more often
  than demand);
* ``shorter_holdout``: fewer than 4 campaigns: the backtest tests 1 campaign instead of 2;
* ``short_training``: a backtest fold fits on a single campaign (2 campaigns in all);
* ``fewer_folds``: fewer backtest origins than asked fit in the history;
* ``no_seasonal_features``: the history does not cover more than one season, so the seasonal lag
  and phase are left out (there is nothing a season back to read);
* ``smooth_season``: the history covers part of a year whose length the calendar gives (at least
  ``engine.forecast.pooled.MIN_SMOOTH_SHARE`` of it): the chosen pooled model learnt the season's smooth part only (a yearly curve,
  shrunk per category), not a level per campaign of the year;
* ``features_dropped``: features with no value in any training row (a lag longer than the
  history, an extra column left blank) are left out rather than fed to a model
  (:class:`engine.forecast.features.CatalogueFeatures` ``empty_``);
* ``candidates_skipped``: candidates the data cannot support are not tried (per-country models
  where no country has enough rows; gradient boosting on fewer rows than it needs to split once);
* ``constant_units``: every row sold the same number of units: the model forecasts that number;
* ``baseline_not_beaten``: the chosen candidate's backtest WAPE is no better than a naive
  baseline's (too little history to learn more than an average): the plan will rest on it.

What cannot be helped is refused with ``insufficient_data`` naming the table and column: a single
campaign (nothing to check a forecast against) or no unit sold in any row (nothing to learn a
demand from: a planner would otherwise get a confident plan of zeros).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.errors import Problem, insufficient_data, settings_error

from .backtest import campaign_order
from .cadence import Cadence, infer_cadence
from .model import MIN_COUNTRY_ROWS

DEFAULT_HOLDOUT = 2  # campaigns tested per backtest fold when the history allows it
MIN_CAMPAIGNS = 2  # one to fit on, one to check the forecast against
# Gradient boosting needs 2 x min_samples_leaf rows to make a single split; on fewer it forecasts
# the mean of the training rows, which the mean baseline already reports.
GBM_MIN_ROWS = 40


@dataclass
class TrainingShape:
    """What the backtest and the candidates will be, given this history."""

    holdout_campaigns: int
    folds: int
    min_train_campaigns: int
    season: int  # the seasonal features' period (0 = none)
    cadence: Cadence
    campaigns: int
    notes: list[dict] = field(default_factory=list)
    learnt: dict = field(default_factory=lambda: {"form": "none", "learnt": None})

    def note(self, code: str, message: str) -> None:
        self.notes.append({"code": code, "message": message})

    def season_report(self) -> dict:
        """The ``season`` entry of the train result: the cadence, how it was found, whether the
        seasonal features were used, and what season the chosen model learnt (``form``: ``full``,
        ``smooth`` or ``none``; ``learnt``: in words)."""
        return {**self.cadence.to_dict(), "used": bool(self.season), **self.learnt}


def shape_training(history: pd.DataFrame, *, holdout_campaigns: int | None, folds: int, gap: int,
                   season: int | None) -> TrainingShape:
    """The backtest and seasonal settings this history supports (see the module docstring).

    ``holdout_campaigns`` / ``season`` None mean "choose from the data"; a value the user set is
    kept, and a history too short for it fails with ``invalid_settings`` saying what would fit.
    """
    order = campaign_order(history["campaign"])
    n = len(order)
    if n < MIN_CAMPAIGNS:
        raise insufficient_data([Problem(
            table="history", column="campaign",
            message=(f"the history has {n} campaign{'' if n == 1 else 's'}"
                     f"{f' ({order[0]})' if n == 1 else ''}; a forecast needs at least {MIN_CAMPAIGNS}: "
                     "one to fit on and one to check it on"))])
    if n < MIN_CAMPAIGNS + gap:
        raise settings_error([Problem(
            column="gap", message=(f"gap={gap} needs at least {MIN_CAMPAIGNS + gap} campaigns in the history "
                                   f"(one to fit on, {gap} skipped, one to check on), but it has {n}"))])
    _check_units(history)
    user_holdout = holdout_campaigns is not None
    horizon = holdout_campaigns if user_holdout else (DEFAULT_HOLDOUT if n - gap >= 2 + DEFAULT_HOLDOUT else 1)
    room = n - gap - horizon  # campaigns left to fit the newest fold on
    if room < 1:
        raise settings_error([Problem(
            column="holdout_campaigns",
            message=(f"holdout_campaigns={horizon} with gap={gap} needs at least {horizon + gap + 1} "
                     f"campaigns in the history, but it has {n}; leave holdout_campaigns unset to let "
                     "Folio choose"))])
    min_train = min(2, room)
    possible = max(1, (n - gap - min_train) // horizon)
    cadence = _cadence(history, season)
    use_season = cadence.season if cadence.season and n > cadence.season else 0
    shape = TrainingShape(holdout_campaigns=int(horizon), folds=int(min(folds, possible)),
                          min_train_campaigns=int(min_train), season=int(use_season), cadence=cadence,
                          campaigns=n)
    if not user_holdout and horizon < DEFAULT_HOLDOUT:
        shape.note("shorter_holdout", f"{n} campaigns: each backtest fold tests {horizon} campaign, not "
                                      f"{DEFAULT_HOLDOUT} (that needs {2 + DEFAULT_HOLDOUT + gap})")
    if min_train < 2:
        shape.note("short_training", "the backtest fits on a single campaign: the model is checked on "
                                     "cross-sectional effects only (placement, price), no sales lags")
    if possible < folds:
        shape.note("fewer_folds", f"{possible} backtest fold{'s' * (possible != 1)} instead of {folds}: "
                                  f"that is what fits in {n} campaigns")
    if cadence.season and not use_season:
        shape.note("no_seasonal_features", f"the history covers {n} campaigns, not more than one season "
                                           f"({cadence.season}): no seasonal lag or phase")
    return shape


def _check_units(history: pd.DataFrame) -> None:
    units = pd.to_numeric(history["units"], errors="coerce").to_numpy(dtype=float)
    if not np.nansum(units) > 0:
        raise insufficient_data([Problem(
            table="history", column="units",
            message=(f"units are 0 in all {len(units)} history rows: there is no demand to learn from "
                     "(a template or a market that has not sold yet?); add campaigns with sales"))])


def _cadence(history: pd.DataFrame, season: int | None) -> Cadence:
    if season is None:
        return infer_cadence(history)
    if season == 0:
        return Cadence(0, "user", "season 0 set by the user: no seasonal features")
    return Cadence(int(season), "user", f"{season} campaigns per season, set by the user")


def applicable_candidates(candidates: list, history: pd.DataFrame, first_train_rows: int,
                          shape: TrainingShape, *, chosen_by_user: bool) -> list:
    """The candidates worth comparing on this history; the others are noted as skipped.

    Candidates the user named are all kept (their choice, at their risk: they still run).
    Per-country candidates need one country with ``MIN_COUNTRY_ROWS`` rows (else they are the
    global model under another name); gradient boosting needs ``GBM_MIN_ROWS`` rows in the
    smallest backtest fold. At least one candidate always remains (the linear ones are kept).
    """
    if chosen_by_user:
        return list(candidates)
    skipped, kept = [], []
    per_country_ok = "country" in history.columns and \
        int(history["country"].value_counts().max()) >= MIN_COUNTRY_ROWS
    for cand in candidates:
        family = cand.params.get("family", "gbm")
        if cand.params.get("per_country") and not per_country_ok:
            skipped.append((cand.name, f"no country has {MIN_COUNTRY_ROWS} rows"))
        elif family == "gbm" and first_train_rows < GBM_MIN_ROWS:
            skipped.append((cand.name, f"the first backtest fold fits on {first_train_rows} rows; "
                                       f"gradient boosting needs {GBM_MIN_ROWS} to split at all"))
        else:
            kept.append(cand)
    if not kept:
        return list(candidates)
    for name, why in skipped:
        shape.note("candidates_skipped", f"{name} not tried: {why}")
    return kept


def empty_features(model) -> list[str]:
    """The features ``model`` left out for having no value in its training rows (families with
    their own design, like ``pooled``, report none)."""
    return list(getattr(getattr(model, "features_", None), "empty_", []))


def season_learnt(best, season: int, campaigns: int) -> dict:
    """What season the refit model ``best`` learnt, for the train result: ``form`` and a sentence."""
    form = getattr(getattr(best, "model_", None), "season_form_", None)
    if form is None:  # the families that read CatalogueFeatures: the seasonal features or nothing
        form = "full" if season else "none"
    period = int(getattr(best.model_, "season", 0)) if form == "smooth" else int(season)
    if form == "none":
        return {"form": "none", "learnt": None}
    if form == "smooth":
        months = 12.0 * campaigns / period
        return {"form": "smooth", "learnt": (
            f"season learnt from {campaigns} campaigns, about {months:.0f} months of a {period}-campaign "
            "year: a smooth yearly curve per category (shrunk toward none where the data say little); "
            "no level per campaign of the year and no product's own swing, which need a whole year")}
    return {"form": "full", "learnt": f"season learnt from {campaigns} campaigns (more than a {period}-campaign year)"}


def note_model(shape: TrainingShape, best, units: np.ndarray, fold_empty: set) -> None:
    """Notes about the refit model and the backtest's: features left out, a flat target, the
    season it learnt (kept in ``shape.learnt`` for the result's ``season``)."""
    shape.learnt = season_learnt(best, shape.season, shape.campaigns)
    if shape.learnt["form"] == "smooth":
        shape.note("smooth_season", shape.learnt["learnt"])
    empty = sorted(empty_features(best))
    only_folds = sorted(set(fold_empty) - set(empty))
    if empty:
        shape.note("features_dropped", f"no value in any row of the {shape.campaigns} campaigns, left out of "
                                       "the model: " + ", ".join(empty))
    if only_folds:
        shape.note("features_dropped", "the model uses them, but some backtest folds had too little history "
                                       "for them and were fitted without: " + ", ".join(only_folds))
    if units.size and np.all(units == units[0]):
        shape.note("constant_units", f"every history row sold {units[0]:g} units: the model forecasts "
                                     "that for every product and placement (no effect can be learned)")


def note_baselines(shape: TrainingShape, name: str, chosen: dict, baselines: dict) -> None:
    """Say so when the chosen candidate does not beat every baseline on the backtest rows: a
    planner should know the forecast is no better than, say, each product's average."""
    wape = chosen.get("wape")
    beaten_by = [b for b, m in baselines.items()
                 if wape is not None and m.get("wape") is not None and m["wape"] <= wape]
    if beaten_by:
        best = min(beaten_by, key=lambda b: baselines[b]["wape"])
        shape.note("baseline_not_beaten", f"{name} (backtest WAPE {wape:.1%}) is no better than the {best} "
                                          f"baseline ({baselines[best]['wape']:.1%}): more history would help")
