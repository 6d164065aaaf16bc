"""``train``: backtest the candidates, register the winner, keep the better champion.

The families and presets a request may name are the engine's (``engine.forecast.FAMILIES``,
``PRESETS``, ``SELECT_BY``): a new family or preset there is accepted and documented here
without a change. The champion/challenger policy is the engine's too
(``engine.forecast.champion``); this module only reads and writes the registry.
"""

from __future__ import annotations

from ..blobs import new_id
from .base import JobKind, bad, integer, load_model, model_for, one_of, run_record, workbook

# Optional integer options with their ranges, passed to ``engine.forecast.train``. Left out,
# holdout_campaigns and season are chosen from the data (engine.forecast.adapt, .cadence).
INTEGER_OPTIONS = (("holdout_campaigns", 1, 52), ("folds", 1, 20), ("gap", 0, 52), ("season", 0, 104))
# What each option means, for the OpenAPI document (and the pane that shows the choices).
DESCRIPTIONS = {
    "holdout_campaigns": "campaigns each backtest fold tests; unset = 2, or 1 on fewer than 4 campaigns",
    "folds": "forecast origins of the backtest (default 3)",
    "gap": ("campaigns between the last sales in the history and the first campaign to forecast "
            "(default 0); the backtest skips as many"),
    "season": ("campaigns per year for the seasonal features, e.g. 52 for weekly sales (0 = none); unset = "
               "read from the data (dates in campaign ids or a date column), reported in the result's `season`; "
               "on a history shorter than a year (at least 55 % of one) the pooled model learns a smooth "
               "yearly curve per category from it"),
}
TRAIN_SETTINGS = ("folds", "gap", "candidates", "season", "select_by")


def _families() -> tuple[str, ...]:
    from engine.forecast import FAMILIES

    return ("auto", *FAMILIES)


def check(body: dict, base: dict, store) -> dict:
    from engine.forecast import PRESETS, SELECT_BY

    options = {"family": one_of(body, "family", _families(), "auto")}
    for name, low, high in INTEGER_OPTIONS:
        if name in body:
            options[name] = integer(body, name, low, high)
    if "select_by" in body:
        options["select_by"] = one_of(body, "select_by", SELECT_BY)
    if "candidates" in body:
        names = body["candidates"]
        if (not isinstance(names, list) or not names
                or not all(isinstance(n, str) and n in PRESETS for n in names)):
            raise bad(f"'candidates' must be a non-empty list of {', '.join(PRESETS)}", "candidates")
        options["candidates"] = names
    return options


def run(ctx, body: dict) -> dict:
    from ..validated import load_validated

    dataset = load_validated(ctx.store, body["dataset"])
    settings = {k: body[k] for k in TRAIN_SETTINGS if k in body}
    result = train_and_register(ctx, body["dataset"], dataset, family=body.get("family", "auto"),
                                holdout_campaigns=body.get("holdout_campaigns"), **settings)
    result["run"] = run_record(ctx.job, ctx.store, seed=0, family=body.get("family", "auto"),
                               holdout_campaigns=result["backtest"]["horizon"], **settings)
    return result


def train_and_register(ctx, dataset_id: str, dataset, *, family: str = "auto",
                       holdout_campaigns: int | None = None, **train_settings) -> dict:
    """Backtest the candidates, register the refit winner, and let it replace the champion only if
    it beats it on rows neither was trained on (``engine.forecast.champion``)."""
    from engine import forecast
    from engine.forecast import champion as policy
    from engine.forecast import registry

    store = ctx.store
    history = forecast.check_history(dataset.history)
    outcome = forecast.train(history, family=family, holdout_campaigns=holdout_campaigns, seed=0,
                             progress=ctx.progress, should_stop=ctx.should_stop, **train_settings)
    report = outcome.report
    data_hash = (store.get_dataset(dataset_id) or {}).get("hash")
    chosen = next(c for c in report["candidates"] if c.get("chosen"))
    registered = policy.compare_registered(store.list_models(dataset_id), outcome, history,
                                           data_hash, lambda model_id: load_model(store, model_id))

    model_id = new_id("model")
    file_meta = registry.save_model(outcome.best, store.model_path(model_id), model_id=model_id,
                                    data_hash=data_hash)
    store.register_model(
        model_id, dataset_id=dataset_id, name=chosen["name"], family=chosen["family"],
        metrics=chosen["holdout_metrics"],
        info={"holdout_campaigns": report["holdout"]["campaigns"],
              "trained_through": _plain(history["campaign"].max()),
              "data_hash": data_hash, "job": ctx.job["id"], "versions": file_meta["versions"],
              "sha256": file_meta["sha256"], "backtest_metrics": chosen["metrics"],
              "backtest": report["backtest"], "features": report["features"],
              "interval": report["interval"], "params": chosen["params"]},
    )

    current = store.champion(dataset_id)
    decision = policy.decide(current["id"] if current else None, registered)
    if decision["promoted"]:
        store.promote(model_id)
    champion = store.champion(dataset_id)
    return {**report, "registered": registered, "models": [model_id], "decision": decision,
            "champion": champion["id"] if champion else model_id}


def resolve_model(ctx, body: dict, dataset) -> tuple[object, str]:
    """The model a forecast or plan job uses (:func:`model_for`), trained in this job when the
    dataset has none yet."""
    model_id = model_for(ctx.store, body,
                         lambda: train_and_register(ctx, body["dataset"], dataset)["champion"])
    return load_model(ctx.store, model_id), model_id


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def openapi() -> dict:
    from engine.forecast import PRESET_NOTES, PRESETS, SELECT_BY

    return {
        "request": {
            "family": {"enum": list(_families())},
            **{name: {"type": "integer", "minimum": low, "maximum": high, "description": DESCRIPTIONS[name]}
               for name, low, high in INTEGER_OPTIONS},
            "select_by": {"enum": list(SELECT_BY),
                          "description": ("what the backtest picks the model by: decision (the default: "
                                          "how well it predicts the differences placements and discounts "
                                          "make), wape, or mape (which also fits a factor on the forecasts "
                                          "that lowers MAPE)")},
            "candidates": {"type": "array", "minItems": 1, "items": {"enum": list(PRESETS)},
                           "description": "the presets to compare in the backtest (default: every "
                                          "family; judged by MAPE also gbm_log and gbm_mape)",
                           "x-presets": {name: PRESET_NOTES.get(name, "") for name in PRESETS}},
        },
        "result": {"type": "object", "description": "train: candidates compared on held-out campaigns",
                   "properties": {
                       "candidates": {"type": "array", "description": "each with its holdout "
                                      "metrics (wape, mape, bias) and decision_metrics; a preset "
                                      "backtested in several versions (pooled with and without each "
                                      "product's own trend) has the chosen one's params and all of "
                                      "them in variants: [{params, metrics, decision_metrics, chosen}]"},
                       "baselines": {"type": "array", "description": "naive, seasonal naive on "
                                     "the same rows"},
                       "registered": {"type": "array", "description": "the models already "
                                      "registered, scored on the same rows where that is honest"},
                       "models": {"type": "array", "items": {"type": "string"}},
                       "champion": {"type": "string"}, "decision": {"type": "object"},
                       "season": {"type": "object", "description": "campaigns per year: `value`, "
                                  "`source` (user, campaign ids, date column, none), `detail`, "
                                  "`used` (seasonal features need more than one season of history), "
                                  "`form` (the season the chosen model learnt: full, smooth or none; "
                                  "smooth: the pooled model's yearly curve per category from part of a "
                                  "year) and `learnt` (that in words, or null)"},
                       "degraded": {"type": "array", "description": "how a short or flat history "
                                    "was handled: {code, message} (engine/forecast/adapt.py)"}}},
    }


KIND = JobKind(name="train", check=check, run=run, export=workbook("train"), openapi=openapi)
