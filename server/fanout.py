"""A plan for several countries: one child plan job per country, gathered into one result.

``POST /api/jobs`` with ``{"kind": "plan", "countries": [...] | "all", ...}`` records a *parent*
job. The parent never occupies a worker: :func:`advance` creates its children (one ``plan`` job per
country, each an ordinary job any worker runs, in parallel), and when the last child has finished
it gathers their results into the parent's (:func:`engine.plan.countries.gather_plans`).

Everything here is idempotent and driven by the job store, so it is safe to call :func:`advance`
as often as wanted, from any process: children are created under fixed idempotency keys (never
twice), the gather writes the same result whoever does it, and only the call that moves the parent
to its final status announces it. It is called when the parent is accepted, after each child
finishes (the embedded runner's pool callback; the Celery task), on cancel, and by the recovery
passes (the embedded runner's start, the Celery reaper), which is what makes a parent finish even
if the process that ran its last child died just after.

Gathering is done this way rather than with a Celery chord: a chord needs a result backend, and its
counter only completes when every header task's original message completes, which after the reaper
re-sends a job whose worker machine died would wait for the broker's visibility timeout (hours).
The children themselves go to the workers like any job (``send_task`` per child).
"""

from __future__ import annotations

import logging
from typing import Callable

from engine.runinfo import library_versions

from .jobs import FINISHED
from .store import now_iso

log = logging.getLogger("folio.fanout")

Submit = Callable[[str], None]
Publish = Callable[[dict], None]


def is_parent(job: dict | None) -> bool:
    return bool(job) and job["kind"] == "plan" and "countries" in (job.get("body") or {})


def parent_of(job: dict | None) -> str | None:
    return (job.get("body") or {}).get("parent") if job else None


def _key(parent_id: str, part: str) -> str:
    return f"fanout:{parent_id}:{part}"


def _child(store, parent_id: str, part: str, body: dict) -> tuple[dict, bool]:
    return store.create_job(body["kind"], body, _key(parent_id, part))


def _existing(store, parent_id: str, part: str) -> dict | None:
    job_id = store.job_id_for_key(_key(parent_id, part))
    return store.get_job(job_id) if job_id else None


def _pinned_model(store, parent: dict, submit: Submit, publish: Publish) -> str | None:
    """The model every country's plan uses: the one named, else the champion, else one trained
    now by a child ``train`` job (once, not once per country). None while that job runs."""
    body = parent["body"]
    if body.get("model") not in (None, "champion"):
        return body["model"]
    train = _existing(store, parent["id"], "train")
    champion = store.champion(body["dataset"])
    if champion is not None and (train is None or train["status"] in FINISHED):
        return champion["id"]
    if train is None:
        train, created = _child(store, parent["id"], "train",
                                {"kind": "train", "dataset": body["dataset"], "family": "auto",
                                 "holdout_campaigns": 2, "parent": parent["id"]})
        store.start_parent(parent["id"])
        if created:
            submit(train["id"])
        return None
    if train["status"] not in FINISHED:
        return None
    error = train["error"] or {"code": "internal", "detail": f"training ended {train['status']}"}
    _finish(store, parent, "cancelled" if train["status"] == "cancelled" else "failed", publish,
            error=None if train["status"] == "cancelled" else {
                "title": "Training failed", "status": 422, "code": error.get("code", "internal"),
                "detail": f"no model to plan with: {error.get('detail')}", "errors": error.get("errors", [])})
    return None


def advance(store, parent_id: str, submit: Submit, publish: Publish) -> str | None:
    """Take a parent job one step further; returns its final status once it has one."""
    parent = store.get_job(parent_id)
    if not is_parent(parent):
        return None
    if parent["status"] in FINISHED:
        return parent["status"]
    body = parent["body"]
    if parent["cancel_requested"] and _existing(store, parent_id, body["countries"][0]) is None:
        _finish(store, parent, "cancelled", publish)  # cancelled before any country started
        return "cancelled"
    model = _pinned_model(store, parent, submit, publish)
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
                submit(child["id"])
            child = store.get_job(child["id"]) or child
        children.append(child)
    store.start_parent(parent_id)
    done = [c for c in children if c["status"] in FINISHED]
    store.set_progress(parent_id, {"phase": "countries", "countries": len(children),
                                   "finished": len(done),
                                   "running": sum(c["status"] == "running" for c in children)})
    if len(done) < len(children):
        return None
    return _gather(store, store.get_job(parent_id), children, model, publish)


def _gather(store, parent: dict, children: list[dict], model: str, publish: Publish) -> str:
    from engine.plan.countries import gather_plans

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
        error = {"title": first.get("title", "Plan failed"), "status": first.get("status", 422),
                 "code": first.get("code", "internal"),
                 "detail": "; ".join(f"{o['country']}: {(o['error'] or {}).get('detail', 'failed')}"
                                     for o in failed),
                 "errors": [{**problem, "message": f"{o['country']}: {problem.get('message', '')}"}
                            for o in failed for problem in (o["error"] or {}).get("errors", [])][:100]}
    elif parent["cancel_requested"] or any(o["status"] == "cancelled" for o in outcomes):
        status = "cancelled"
    else:
        status = "succeeded"
    try:
        store.save_result(parent["id"], result)
    except OSError as exc:  # disk full: the parent still ends, with the reason
        log.error("parent %s: result not stored: %s", parent["id"], exc)
        from .work import STORAGE_FULL

        return _finish(store, parent, "failed", publish, error=STORAGE_FULL)
    return _finish(store, parent, status, publish, error=error, has_result=True)


def _finish(store, parent: dict, status: str, publish: Publish, *, error: dict | None = None,
            has_result: bool = False) -> str:
    if store.finish_job(parent["id"], status, error=error, has_result=has_result):
        publish({"type": "finished", "job": parent["id"], "status": status, **({"error": error} if error else {})})
    return (store.get_job(parent["id"]) or {}).get("status", status)


def cancel(store, parent: dict, submit: Submit, publish: Publish) -> None:
    """Cancel every country: queued ones at once, running ones stop within a generation and keep
    their best plan so far (gathered like any other)."""
    for part in [*parent["body"]["countries"], "train"]:
        child = _existing(store, parent["id"], part)
        if child is None or child["status"] in FINISHED:
            continue
        store.request_cancel(child["id"])
        if store.finish_job(child["id"], "cancelled", only_if=("queued",)):
            publish({"type": "finished", "job": child["id"], "status": "cancelled"})
    advance(store, parent["id"], submit, publish)


def check_countries(store, dataset_id: str, countries) -> list[str]:
    """The ``countries`` of a job request, checked against the dataset's history (422 if unknown)."""
    from engine.data.tables import column_texts
    from engine.plan.countries import check_countries as check

    raw = store.load_tables(dataset_id)  # validated when stored: read the one column, not it all
    history = next((table for name, table in raw.items() if str(name).strip().lower() == "history"), None)
    return check(sorted(column_texts(history, "country")), countries)
