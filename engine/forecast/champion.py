"""Champion/challenger: is a newly trained model better than the registered ones, honestly?

Pure functions over model records (the dicts a registry keeps: ``id``, ``name``, ``champion``,
``metrics``, ``holdout_campaigns``, ``trained_through``, ``data_hash``) and metrics. Loading a
registered model is the caller's (a ``load(model_id)`` callback), so a notebook or the server
decides where models live.

A registered model is compared with the challenger only on rows neither was trained on: the
holdout campaigns the registered model never saw ("score", both predicted now on those rows), or
exactly the holdout it was evaluated on when it was trained, on exactly these data ("recorded").
A model that has seen every holdout campaign has no honest score, and a champion without one is
never replaced automatically.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from engine.errors import FolioError

from .backtest import metrics
from .registry import challenger_wins


def comparable(model: dict, holdout: list, data_hash: str | None) -> tuple[str | None, list]:
    """How a registered model can be scored honestly on this holdout, and on which campaigns.

    'score': it was trained only on campaigns before (some of) the holdout campaigns: it is scored
    now on those campaigns (all of them, or the newest ones appended since it was trained).
    'recorded': it was evaluated on exactly this holdout of exactly these data when it was trained.
    None: it has seen every holdout campaign, so no honest score exists.
    """
    trained_through = model.get("trained_through")
    try:
        later = [c for c in holdout if trained_through is not None and trained_through < c]
    except TypeError:  # campaign ids of another type: not comparable
        later = []
    if later:
        return "score", later
    if model.get("holdout_campaigns") == holdout and model.get("data_hash") == data_hash:
        return "recorded", list(holdout)
    return None, []


def score_on_rows(load: Callable[[str], object], model_id: str, history, rows: np.ndarray,
                  y: np.ndarray, challenger: np.ndarray) -> dict:
    """A registered model and the challenger on the same rows (the registered one never saw them);
    a model that cannot be loaded gets no score and the reason."""
    try:
        loaded = load(model_id)
    except FolioError as exc:
        return {"metrics": None, "note": exc.detail}
    return {"metrics": metrics(y[rows], loaded.predict(history[rows])),
            "challenger_metrics": metrics(y[rows], challenger[rows]), "rows": int(rows.sum())}


def compare_registered(models: list[dict], outcome, history, data_hash: str | None,
                       load: Callable[[str], object]) -> list[dict]:
    """Each registered model next to the challenger of ``outcome`` (a ``train`` outcome whose
    chosen candidate is the challenger), on rows neither was trained on where such rows exist."""
    holdout = outcome.report["holdout"]["campaigns"]
    chosen = next(c for c in outcome.report["candidates"] if c.get("chosen"))
    y = history["units"].to_numpy(dtype=float)
    challenger = np.full(len(history), np.nan)
    challenger[outcome.holdout_rows] = outcome.holdout_forecast
    registered = []
    for model in models:
        how, campaigns = comparable(model, holdout, data_hash)
        entry = {"id": model["id"], "name": model["name"], "champion": model["champion"], "how": how,
                 "campaigns": campaigns}
        if how == "score":
            rows = outcome.holdout_rows & history["campaign"].isin(campaigns).to_numpy()
            entry.update(score_on_rows(load, model["id"], history, rows, y, challenger))
        elif how == "recorded":
            entry["metrics"] = model["metrics"]
            entry["challenger_metrics"] = chosen["holdout_metrics"]
        else:
            entry["metrics"] = None
            entry["note"] = "trained on every campaign of this holdout: no honest score"
        registered.append(entry)
    return registered


def decide(champion_id: str | None, registered: list[dict]) -> dict:
    """Should the challenger become the champion? ``{"promoted": bool, "reason": str}``.

    Yes when there is no champion, or when it beats the champion on the same rows
    (:func:`engine.forecast.registry.challenger_wins` on WAPE).
    """
    if champion_id is None:
        return {"promoted": True, "reason": "no champion yet"}
    entry = next((r for r in registered if r["id"] == champion_id), None)
    if entry is None or entry.get("metrics") is None:
        return {"promoted": False, "reason": (f"champion {champion_id} cannot be scored honestly on "
                                              "this holdout; it stays until promoted by hand")}
    new, old = entry["challenger_metrics"], entry["metrics"]
    if challenger_wins(new, old):
        return {"promoted": True, "reason": f"WAPE {new['wape']:.4f} < champion's {old['wape']:.4f} "
                                            f"on campaigns {entry['campaigns']}"}
    return {"promoted": False, "reason": f"WAPE {_fmt(new)} is not below champion's {_fmt(old)} "
                                         f"on campaigns {entry['campaigns']}"}


def _fmt(metrics_: dict | None) -> str:
    value = (metrics_ or {}).get("wape")
    return "n/a" if value is None else f"{value:.4f}"
