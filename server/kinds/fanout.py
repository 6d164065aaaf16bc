"""A parent job that fans out into ordinary child jobs and gathers their results: the machinery
that a multi-country plan (``plan_fanout``: one plan per country) and a set of what-if scenarios
(``scenarios``: one plan per scenario) share.

A :class:`FanOut` says what differs: the parts of a parent (countries, scenario names), the body
of each part's child job, how the children's outcomes become the parent's result, and how the
parent's progress calls itself. Everything else is here, once:

* the parent never occupies a worker: :func:`advance` creates its children (ordinary jobs any
  worker runs, in parallel, under fixed idempotency keys so never twice), and when the last one
  has finished it gathers their results into the parent's;
* every child plans with the same model, pinned first: the dataset's champion, or one trained
  once by a child ``train`` job when it has none;
* it is idempotent and driven by the job store, so the job lifecycle may call :func:`advance` as
  often as it wants from any process (on accept, after each child, on cancel, in its recovery
  passes): children are found again by their keys, the gather writes the same result whoever
  does it, and only the call that moves the parent to its final status announces it;
* :func:`cancel` cancels the queued children at once and asks the running ones to stop (they
  keep their best plan so far, gathered like any other).

Not a Celery chord: a chord needs a result backend, and its counter only completes when every
header task's original message completes, which after the reaper re-sends a job whose worker
machine died would wait for the broker's visibility timeout (hours).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from engine.runinfo import library_versions

from .. import wire
from ..blobs import now_iso
from ..jobs import FINISHED
from .base import Life, model_for

log = logging.getLogger("folio.fanout")


@dataclass(frozen=True)
class FanOut:
    """What one kind of parent fans out into.

    ``label``: the child body's key naming its part (``country``, ``scenario``); ``phase``: the
    parent's progress phase (and the key counting its parts); ``parts(body) -> [part]``;
    ``child_body(body, part, model) -> dict`` (``parent`` is added here); ``gather(life, parent,
    outcomes, model) -> (result, status, error)`` with ``outcomes`` one ``{label, "status", "job",
    "result", "error"}`` per part, in order (``result``'s ``run`` is filled here)."""

    label: str
    phase: str
    parts: Callable[[dict], list[str]]
    child_body: Callable[[dict, str, str], dict]
    gather: Callable[[Life, dict, list[dict], str], tuple[dict, str, dict | None]]


def _key(parent_id: str, part: str) -> str:
    return f"fanout:{parent_id}:{part}"


def _child(store, parent_id: str, part: str, body: dict) -> tuple[dict, bool]:
    return store.create_job(body["kind"], body, _key(parent_id, part))


def existing(store, parent_id: str, part: str) -> dict | None:
    job_id = store.job_id_for_key(_key(parent_id, part))
    return store.get_job(job_id) if job_id else None


def _pinned_model(life: Life, parent: dict) -> str | None:
    """The model every child uses (:func:`~server.kinds.base.model_for`); when the dataset has
    none, one trained by a child ``train`` job (once, not once per part). None while that job
    runs, or when it ended without a model (the parent is then finished)."""
    store, body = life.store, parent["body"]
    train = existing(store, parent["id"], "train")
    if train is not None and train["status"] not in FINISHED:
        return None  # wait for the model being trained, even if a champion appeared meanwhile
    model = model_for(store, body, lambda: None if train is not None else _start_training(life, parent))
    if model is None and train is not None:  # training ended and left no champion
        error = train["error"] or wire.problem("internal", f"training ended {train['status']}", status=500)
        cancelled = train["status"] == "cancelled"
        life.finish(parent["id"], "cancelled" if cancelled else "failed", error=None if cancelled else
                    wire.problem(error.get("code", "internal"),
                                 f"no model to plan with: {error.get('detail')}", status=422,
                                 errors=error.get("errors", [])))
    return model


def _start_training(life: Life, parent: dict) -> None:
    train, created = _child(life.store, parent["id"], "train",
                            {"kind": "train", "dataset": parent["body"]["dataset"], "family": "auto",
                             "parent": parent["id"]})
    life.store.start_parent(parent["id"])
    if created:
        life.submit(train["id"])
    return None


def advance(spec: FanOut, life: Life, parent_id: str) -> str | None:
    """Take a parent job one step further; returns its final status once it has one."""
    store = life.store
    parent = store.get_job(parent_id)
    if parent is None:
        return None
    if parent["status"] in FINISHED:
        return parent["status"]
    body = parent["body"]
    parts = spec.parts(body)
    if parent["cancel_requested"] and existing(store, parent_id, parts[0]) is None:
        _finish(life, parent_id, "cancelled")  # cancelled before any part started
        return "cancelled"
    model = _pinned_model(life, parent)
    if model is None:
        return None
    children = []
    for part in parts:
        child, created = _child(store, parent_id, part, {**spec.child_body(body, part, model), "parent": parent_id})
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
    store.set_progress(parent_id, {"phase": spec.phase, spec.phase: len(children), "finished": len(done),
                                   "running": sum(c["status"] == "running" for c in children),
                                   "children": [{spec.label: part, "job": c["id"], "status": c["status"]}
                                                for part, c in zip(parts, children)]})
    if len(done) < len(children):
        return None
    parent = store.get_job(parent_id)
    outcomes = [{spec.label: part, "status": c["status"], "job": c["id"],
                 "result": store.load_result(c["id"]) if c["has_result"] else None, "error": c["error"]}
                for part, c in zip(parts, children)]
    result, status, error = spec.gather(life, parent, outcomes, model)
    result["run"] = {"job": parent["id"], "kind": parent["kind"], "dataset": body["dataset"],
                     "dataset_hash": (store.get_dataset(body["dataset"]) or {}).get("hash"), "model": model,
                     spec.phase: parts, "children": [c["id"] for c in children],
                     "started_at": parent["started_at"], "seed": (result.get("settings") or {}).get("seed"),
                     "settings": result.get("settings"), "versions": library_versions(), "finished_at": now_iso(),
                     **(result.pop("run_extra", None) or {})}
    if status == "succeeded" and (parent["cancel_requested"] or any(o["status"] == "cancelled" for o in outcomes)):
        status = "cancelled"
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


def cancel(spec: FanOut, life: Life, parent: dict) -> None:
    """Cancel every part: queued ones at once, running ones stop within a generation and keep
    their best plan so far (gathered like any other)."""
    for part in [*spec.parts(parent["body"]), "train"]:
        child = existing(life.store, parent["id"], part)
        if child is None or child["status"] in FINISHED:
            continue
        life.store.request_cancel(child["id"])
        life.finish(child["id"], "cancelled", only_if=("queued",))
    advance(spec, life, parent["id"])
