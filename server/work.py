"""What a worker does with one job: load its inputs, call the engine, store the outcome.

Runner-agnostic: the embedded runner calls :func:`execute_job` in a local worker process, a Celery
task would call it the same way. ``publish`` delivers progress events to whoever relays them (the
in-process hub, or Redis); the job record in the store stays the truth for pollers.
"""

from __future__ import annotations

import errno
import logging
import time
import traceback
from typing import Callable

from engine.errors import FolioError
from engine.runinfo import library_versions

from .jobs import JobStatus
from .store import Store, new_id, now_iso

log = logging.getLogger("folio.work")

Publish = Callable[[dict], None]


class JobContext:
    """Progress and cancellation for one running job, throttled so the store is not hammered."""

    def __init__(self, store: Store, job: dict, publish: Publish, progress_interval_s: float = 0.5):
        self.store = store
        self.job = job
        self.publish = publish
        self.progress_interval_s = progress_interval_s
        self.started = time.monotonic()
        self._last_saved = 0.0
        self._last_cancel_check = 0.0
        self.cancelled = False
        self.last_progress: dict | None = None

    def progress(self, event: dict) -> None:
        event = {k: v for k, v in event.items()}
        event.setdefault("elapsed_s", round(time.monotonic() - self.started, 3))
        # ``sent_at`` (epoch seconds) lets a client measure how long delivery took
        message = {"type": "progress", "job": self.job["id"], **event, "sent_at": time.time()}
        self.publish(message)
        parent = self.job["body"].get("parent")
        if parent:  # a country of a multi-country plan: its parent's subscribers follow it too
            self.publish({**message, "job": parent, "child": self.job["id"],
                          "country": self.job["body"].get("country")})
        self.last_progress = event
        now = time.monotonic()
        if now - self._last_saved >= self.progress_interval_s or event.get("generation") == 0:
            self._last_saved = now
            self.store.set_progress(self.job["id"], event)

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self.cancelled and now - self._last_cancel_check >= 0.1:
            self._last_cancel_check = now
            self.cancelled = self.store.cancel_requested(self.job["id"])
        return self.cancelled


def load_dataset(store: Store, dataset_id: str):
    from engine.data.tables import read_tables

    return read_tables(store.load_tables(dataset_id))


def load_model(store: Store, model_id: str):
    """A registered model, after its file passed the registry's checks (version, sha256, class);
    otherwise ``FolioError(code="model_incompatible")`` saying why."""
    from engine.forecast.registry import load_model as checked_load

    return checked_load(store.model_path(model_id), model_id)


def run_record(job: dict, store: Store, **extra) -> dict:
    dataset = store.get_dataset(job["body"]["dataset"]) or {}
    return {
        "job": job["id"],
        "kind": job["kind"],
        "dataset": job["body"]["dataset"],
        "dataset_hash": dataset.get("hash"),
        "started_at": job["started_at"],
        "versions": library_versions(),
        **extra,
    }


# ------------------------------------------------------------------ kinds
def run_explore(ctx: JobContext, body: dict) -> dict:
    from engine.explore import explore_table

    dataset = load_dataset(ctx.store, body["dataset"])
    table = getattr(dataset, body.get("table", "history"))
    if table is None:
        raise FolioError(code="invalid_job", status=422, title="Invalid job request",
                         detail=f"the dataset has no {body['table']!r} table")
    result = explore_table(table, progress=ctx.progress)
    result["run"] = run_record(ctx.job, ctx.store, table=body.get("table", "history"))
    return result


def _comparable(model: dict, holdout: list, data_hash: str) -> tuple[str | None, list]:
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


def _score_registered(store: Store, model: dict, history, rows, y, challenger) -> dict:
    """A registered model and the challenger on the same rows (the registered one never saw them)."""
    from engine.forecast.backtest import metrics

    try:
        loaded = load_model(store, model["id"])
    except FolioError as exc:
        return {"metrics": None, "note": exc.detail}
    return {"metrics": metrics(y[rows], loaded.predict(history[rows])),
            "challenger_metrics": metrics(y[rows], challenger[rows]), "rows": int(rows.sum())}


def train_and_register(ctx: JobContext, dataset_id: str, dataset, *, family: str = "auto",
                       holdout_campaigns: int = 2, **train_settings) -> dict:
    """Backtest the candidates, register the refit winner, and let it replace the champion only if
    it beats it on rows neither was trained on (champion/challenger)."""
    import numpy as np

    from engine import forecast
    from engine.forecast import registry

    store = ctx.store
    history = forecast.check_history(dataset.history)
    outcome = forecast.train(history, family=family, holdout_campaigns=holdout_campaigns, seed=0,
                             progress=ctx.progress, should_stop=ctx.should_stop, **train_settings)
    report = outcome.report
    holdout = report["holdout"]["campaigns"]
    data_hash = (store.get_dataset(dataset_id) or {}).get("hash")
    chosen = next(c for c in report["candidates"] if c.get("chosen"))
    y = history["units"].to_numpy(dtype=float)
    challenger = np.full(len(history), np.nan)
    challenger[outcome.holdout_rows] = outcome.holdout_forecast

    registered = []
    for model in store.list_models(dataset_id):
        how, campaigns = _comparable(model, holdout, data_hash)
        entry = {"id": model["id"], "name": model["name"], "champion": model["champion"], "how": how,
                 "campaigns": campaigns}
        if how == "score":
            rows = outcome.holdout_rows & history["campaign"].isin(campaigns).to_numpy()
            entry.update(_score_registered(store, model, history, rows, y, challenger))
        elif how == "recorded":
            entry["metrics"] = model["metrics"]
            entry["challenger_metrics"] = chosen["holdout_metrics"]
        else:
            entry["metrics"] = None
            entry["note"] = "trained on every campaign of this holdout: no honest score"
        registered.append(entry)

    model_id = new_id("model")
    path = store.model_path(model_id)
    file_meta = registry.save_model(outcome.best, path, model_id=model_id, data_hash=data_hash)
    campaigns = history["campaign"]
    store.register_model(
        model_id, dataset_id=dataset_id, name=chosen["name"], family=chosen["family"],
        metrics=chosen["holdout_metrics"],
        info={"holdout_campaigns": holdout, "trained_through": _plain(campaigns.max()),
              "data_hash": data_hash, "job": ctx.job["id"], "versions": file_meta["versions"],
              "sha256": file_meta["sha256"], "backtest_metrics": chosen["metrics"],
              "backtest": report["backtest"], "features": report["features"],
              "interval": report["interval"], "params": chosen["params"]},
    )

    decision = _decide(store, dataset_id, model_id, registered)
    champion = store.champion(dataset_id)
    return {**report, "registered": registered, "models": [model_id], "decision": decision,
            "champion": champion["id"] if champion else model_id}


def _decide(store: Store, dataset_id: str, model_id: str, registered: list) -> dict:
    """Promote the new model if there is no champion or it beats the champion on the same rows."""
    from engine.forecast.registry import challenger_wins

    current = store.champion(dataset_id)
    if current is None:
        store.promote(model_id)
        return {"promoted": True, "reason": "no champion yet"}
    entry = next((r for r in registered if r["id"] == current["id"]), None)
    if entry is None or entry.get("metrics") is None:
        return {"promoted": False, "reason": (f"champion {current['id']} cannot be scored honestly on this "
                                              "holdout; it stays until promoted by hand")}
    new, old = entry["challenger_metrics"], entry["metrics"]
    if challenger_wins(new, old):
        store.promote(model_id)
        return {"promoted": True, "reason": f"WAPE {new['wape']:.4f} < champion's {old['wape']:.4f} "
                                            f"on campaigns {entry['campaigns']}"}
    return {"promoted": False, "reason": f"WAPE {_fmt(new)} is not below champion's {_fmt(old)} "
                                         f"on campaigns {entry['campaigns']}"}


def _fmt(metrics: dict | None) -> str:
    value = (metrics or {}).get("wape")
    return "n/a" if value is None else f"{value:.4f}"


def _plain(value):
    return value.item() if hasattr(value, "item") else value


TRAIN_SETTINGS = ("folds", "gap", "candidates", "season", "select_by")


def run_train(ctx: JobContext, body: dict) -> dict:
    dataset = load_dataset(ctx.store, body["dataset"])
    settings = {k: body[k] for k in TRAIN_SETTINGS if k in body}
    result = train_and_register(ctx, body["dataset"], dataset, family=body.get("family", "auto"),
                                holdout_campaigns=body.get("holdout_campaigns", 2), **settings)
    result["run"] = run_record(ctx.job, ctx.store, seed=0, family=body.get("family", "auto"),
                               holdout_campaigns=body.get("holdout_campaigns", 2), **settings)
    return result


def resolve_model(ctx: JobContext, body: dict, dataset) -> tuple[object, str]:
    """The model a forecast or plan uses: the one named, else the champion, else one trained now."""
    store = ctx.store
    if body.get("model") not in (None, "champion"):
        return load_model(store, body["model"]), body["model"]
    champion = store.champion(body["dataset"])
    if champion is None:
        train_and_register(ctx, body["dataset"], dataset)
        champion = store.champion(body["dataset"])
    return load_model(store, champion["id"]), champion["id"]


def run_forecast(ctx: JobContext, body: dict) -> dict:
    import pandas as pd

    from engine.data.tables import to_values
    from engine.forecast import forecast_rows

    dataset = load_dataset(ctx.store, body["dataset"])
    model, model_id = resolve_model(ctx, body, dataset)
    header = [str(h).strip().lower() for h in body["rows"][0]]
    rows = pd.DataFrame(body["rows"][1:], columns=header)
    out = forecast_rows(model, rows)
    return {"rows": to_values(out), "run": run_record(ctx.job, ctx.store, model=model_id)}


def run_plan(ctx: JobContext, body: dict) -> dict:
    from engine.plan.planner import PlanSettings, plan_catalogue

    dataset = load_dataset(ctx.store, body["dataset"])
    if dataset.products is None:
        raise FolioError(code="invalid_table", status=422, title="The tables do not match the contract",
                         detail="a plan needs a 'products' table in the dataset")
    settings = PlanSettings.from_dict(body.get("settings") or {})
    model, model_id = resolve_model(ctx, body, dataset)
    country = {}
    if body.get("country") is not None:  # one country of a multi-country plan (server/fanout.py)
        from engine.plan.countries import for_country

        dataset = for_country(dataset, body["country"])
        country = {"country": body["country"], "parent": body.get("parent")}
    result = plan_catalogue(dataset, model, settings, progress=ctx.progress,
                            should_stop=ctx.should_stop)
    result["run"] = run_record(ctx.job, ctx.store, model=model_id,
                               seed=result.get("settings", {}).get("seed"),
                               settings=result.get("settings"), **country)
    return result


STORAGE_FULL = {"title": "Storage full", "status": 507, "code": "storage_full", "errors": [],
                "detail": "the server's disk is full: the job's result could not be stored and "
                          "nothing else was changed. Free some space and run the job again."}

RUNNERS = {"explore": run_explore, "train": run_train, "forecast": run_forecast, "plan": run_plan}


def execute_job(store: Store, job_id: str, publish: Publish, progress_interval_s: float = 0.5) -> str | None:
    """Run one queued job to its end; returns its final status (None if it was not ours to run)."""
    from .fanout import is_parent

    if is_parent(store.get_job(job_id)):  # a multi-country plan is advanced, never run by a worker
        return None
    job = store.claim_job(job_id)
    if job is None:
        return None
    ctx = JobContext(store, job, publish, progress_interval_s)
    status, error, has_result = JobStatus.SUCCEEDED, None, False
    try:
        result = RUNNERS[job["kind"]](ctx, job["body"])
        if result.get("cancelled") or ctx.cancelled:
            status = JobStatus.CANCELLED
        result.setdefault("run", {})["finished_at"] = now_iso()
        store.save_result(job_id, result)
        has_result = True
    except FolioError as exc:
        if exc.code == "cancelled":  # e.g. training stopped on request: nothing to keep
            status = JobStatus.CANCELLED
        else:
            status, error = JobStatus.FAILED, exc.to_problem()
    except Exception as exc:  # the job fails with a reason; the traceback stays in the log
        status = JobStatus.FAILED
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            log.error("job %s: no space left to store its result: %s", job_id, exc)
            error = STORAGE_FULL
        else:
            log.error("job %s failed:\n%s", job_id, traceback.format_exc())
            error = {"title": "Internal error", "status": 500, "code": "internal",
                     "detail": f"the job failed unexpectedly ({type(exc).__name__})", "errors": []}
    if ctx.last_progress is not None:  # the record ends on the last event, not a throttled one
        store.set_progress(job_id, ctx.last_progress)
    store.finish_job(job_id, status.value, error=error, has_result=has_result,
                     only_if=("running",))
    final = store.get_job(job_id)
    publish({"type": "finished", "job": job_id, "status": final["status"],
             **({"error": final["error"]} if final["error"] else {})})
    return final["status"]
