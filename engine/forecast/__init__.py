"""Forecasting: units per product and placement, measured honestly on campaigns held out.

The parts, each a module: ``features`` (what the model sees, derived in one place), ``lags``
(history read only before the forecast window), ``model`` (the :class:`Forecaster` estimator),
``backtest`` (rolling origins, metrics, naive baselines), ``train`` (candidates compared, the
winner refit, scoring), ``registry`` (model files checked before they are trusted).
"""

from .model import FAMILIES, Forecaster, _Bag  # noqa: F401  (_Bag: model files before 2026-12 name it here)
from .train import (PRESET_NOTES, PRESETS, SELECT_BY, Candidate, TrainOutcome, calibrate_scale, check_history,
                    forecast_rows, score, train)

__all__ = ["FAMILIES", "PRESET_NOTES", "PRESETS", "SELECT_BY", "Candidate", "Forecaster", "TrainOutcome",
           "calibrate_scale", "check_history", "forecast_rows", "score", "train"]
