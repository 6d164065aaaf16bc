"""A plan for several countries: one child plan job per country, gathered into one result.

``POST /api/jobs`` with ``{"kind": "plan", "countries": [...] | "all", ...}`` records a *parent*
job. The parent never occupies a worker: :func:`advance` creates its children (one ``plan`` job per
country, each an ordinary job any worker runs, in parallel), and when the last child has finished
it gathers their results into the parent's (:func:`engine.plan.countries.gather_plans`).

Everything here is idempotent and driven by the job store, so it is safe to call :func:`advance`
as often as wanted, from any process: children are created under fixed idempotency keys (never
twice), the gather writes the same result whoever does it, and only the call that moves the parent
to its final status announces it. The job lifecycle (``server.lifecycle.JobLife``) calls it when
the parent is accepted, after each child finishes, on cancel, and in its recovery passes, which is
what makes a parent finish even if the process that ran its last child died just after.

Gathering is done this way rather than with a Celery chord: a chord needs a result backend, and its
counter only completes when every header task's original message completes, which after the reaper
re-sends a job whose worker machine died would wait for the broker's visibility timeout (hours).
The children themselves go to the workers like any job.
"""

from __future__ import annotations

import logging

from engine.runinfo import library_versions

from .. import wire
from ..blobs import now_iso
from ..jobs import FINISHED
from .base import Life, model_for

log = logging.getLogger("folio.fanout")


def is_parent(job: dict | None) -> bool:
    return bool(job) and job["kind"] == "plan" and "countries" in (job.get("body") or {})


def queued_jobs(body: dict) -> int:
    """Queue places a plan request takes: one per country (a parent itself never queues work)."""
    return len(body.get("countries") or ()) or 1


def check_countries(store, dataset_id: str, countries) -> list[str]:
    """The ``countries`` of a job request, checked against the dataset's history (422 if unknown)."""
    from engine.data.tables import column_texts
    from engine.plan.countries import check_countries as check

    raw = store.load_tables(dataset_id)  # validated when stored: read the one column, not it all
    history = next((table for name, table in raw.items() if str(name).strip().lower() == "history"), None)
    return check(sorted(column_texts(history, "country")), countries)


def _key(parent_id: str, part: str) -> str:
    return f"fanout:{parent_id}:{part}"


def _child(store, parent_id: str, part: str, body: dict) -> tuple[dict, bool]:
    return store.create_job(body["kind"], body, _key(parent_id, part))


def _existing(store, parent_id: str, part: str) -> dict | None:
    job_id = store.job_id_for_key(_key(parent_id, part))
    return store.get_job(job_id) if job_id else None


def _pinned_model(life: Life, parent: dict) -> str | None:
    """The model every country's plan uses (:func:`~server.kinds.base.model_for`); when the
    dataset has none, one trained by a child ``train`` job (once, not once per country). None while
    that job runs, or when it ended without a model (the parent is then finished)."""
    store, body = life.store, parent["body"]
    train = _existing(store, parent["id"], "train")
    if train is not None and train["status"] not in FINISHED:
        return None  # wait for the model being trained, even if a champion appeared meanwhile
    model = model_for(store, body, lambda: None if train is not None else _start_training(life, parent))
    if model is None and train is not None:  # training ended and left no champion
        error = train["error"] or wire.problem("internal", f"training ended {train['status']}", status=500)
        cancelled = train["status"] == "cancelled"
        life.finish(parent["id"], "cancelled" if cancelled else "failed", error=None if cancelled else
                    wire.problem(error.get("code", "internal"),
                                 f"no model to plan with: {error.get('detail')}", status=422, errors=error.get("errors", [])))
    return model


def _start_training(life: Life, parent: dict) -> None:
    train, created = _child(life.store, parent["id"], "train",
                            {"kind": "train", "dataset": parent["body"]["dataset"], "family": "auto",
                             "parent": parent["id"]})
    life.store.start_parent(parent["id"])
    if created:
        life.submit(train["id"])
    return None


def advance(life: Life, parent_id: str) -> str | None:
    """Take a parent job one step further; returns its final status once it has one."""
    store = life.store
    parent = store.get_job(parent_id)
    if not is_parent(parent):
        return None
    if parent["status"] in FINISHED:
        return parent["status"]
    body = parent["body"]
    if parent["cancel_requested"] and _existing(store, parent_id, body["countries"][0]) is None:
        _finish(life, parent_id, "cancelled")  # cancelled before any country started
        return "cancelled"
    model = _pinned_model(life, parent)
    if model is None:
        return None
    children = []
    for country in body["countries"]:
        child_body = {"kind": "plan", "dataset": body["dataset"], "model": model,
                      "settings": body.get("settings") or {}, "country": country, "parent": parent_id}
        child, created = _child(store, parent_id, country, child_body)
        if created:
            if parent["cancel_requested"]:
                store.request_cancel(child["id"])
                store.finish_job(child["id"], "cancelled", only_if=("queued",))
            else:
                life.submit(child["id"])
            child = store.get_job(child["id"]) or child
        children.append(child)
    store.start_parent(parent_id)
    done = [c for c in children if c["status"] in FINISHED]
    store.set_progress(parent_id, {"phase": "countries", "countries": len(children),
                                   "finished": len(done),
                                   "running": sum(c["status"] == "running" for c in children)})
    if len(done) < len(children):
        return None
    return _gather(life, store.get_job(parent_id), children, model)


def _gather(life: Life, parent: dict, children: list[dict], model: str) -> str:
    from engine.plan.countries import gather_plans

    store = life.store
    outcomes = [{"country": c["body"]["country"], "status": c["status"], "job": c["id"],
                 "result": store.load_result(c["id"]) if c["has_result"] else None,
                 "error": c["error"]} for c in children]
    result = gather_plans(outcomes)
    result["run"] = {"job": parent["id"], "kind": "plan", "dataset": parent["body"]["dataset"],
                     "dataset_hash": (store.get_dataset(parent["body"]["dataset"]) or {}).get("hash"),
                     "model": model, "countries": parent["body"]["countries"],
                     "children": [c["id"] for c in children], "started_at": parent["started_at"],
                     "seed": (result.get("settings") or {}).get("seed"), "settings": result.get("settings"),
                     "versions": library_versions(), "finished_at": now_iso()}
    failed = [o for o in outcomes if o["status"] == "failed"]
    error = None
    if failed:
        status = "failed"
        first = failed[0]["error"] or {}
        error = wire.problem(
            first.get("code", "internal"),
            "; ".join(f"{o['country']}: {(o['error'] or {}).get('detail', 'failed')}" for o in failed),
            status=first.get("status", 422), title=first.get("title", "Plan failed"),
            errors=[{**problem, "message": f"{o['country']}: {problem.get('message', '')}"}
                    for o in failed for problem in (o["error"] or {}).get("errors", [])][:100])
    elif parent["cancel_requested"] or any(o["status"] == "cancelled" for o in outcomes):
        status = "cancelled"
    else:
        status = "succeeded"
    try:
        store.save_result(parent["id"], result)
    except OSError as exc:  # disk full: the parent still ends, with the reason
        log.error("parent %s: result not stored: %s", parent["id"], exc)
        return _finish(life, parent["id"], "failed", error=wire.STORAGE_FULL)
    return _finish(life, parent["id"], status, error=error, has_result=True)


def _finish(life: Life, parent_id: str, status: str, *, error: dict | None = None,
            has_result: bool = False) -> str:
    life.finish(parent_id, status, error=error, has_result=has_result)
    return (life.store.get_job(parent_id) or {}).get("status", status)


def cancel(life: Life, parent: dict) -> None:
    """Cancel every country: queued ones at once, running ones stop within a generation and keep
    their best plan so far (gathered like any other)."""
    for part in [*parent["body"]["countries"], "train"]:
        child = _existing(life.store, parent["id"], part)
        if child is None or child["status"] in FINISHED:
            continue
        life.store.request_cancel(child["id"])
        life.finish(child["id"], "cancelled", only_if=("queued",))
    advance(life, parent["id"])
