"""The shapes a client sees on the wire, each built here and nowhere else.

- a **problem** (contract section 3): ``{"title", "status", "detail", "code", "errors"}``, the
  body of every error: HTTP answers add ``type`` and ``instance`` (``server.problems``), a failed
  job stores it as its ``error``, a ``finished`` event carries it;
- the **job record** of ``GET /api/jobs/{id}``;
- the websocket's events (contract section 4): ``state``, ``progress``, ``finished`` and
  ``error``.

Nothing here knows a job kind, a store or Flask: callers pass what the shape needs.
"""

from __future__ import annotations

import time

from engine.errors import FolioError, title_for

# Body fields of a job shown on its record: a child job names the job it is part of.
CHILD_FIELDS = ("parent",)


# ------------------------------------------------------------------ problems
def problem(code: str, detail: str, *, status: int, title: str | None = None,
            errors: list | tuple = ()) -> dict:
    """One error in the contract's problem shape (without ``type``/``instance``)."""
    return {"title": title or title_for(code), "status": status,
            "detail": detail, "code": code, "errors": list(errors)}


def problem_of(exc: FolioError) -> dict:
    """The problem of an error the engine or a check raised on purpose."""
    return exc.to_problem()


def internal(exc: BaseException) -> dict:
    """A job that failed unexpectedly: the type of the error only, the traceback stays in the log."""
    return problem("internal", f"the job failed unexpectedly ({type(exc).__name__})", status=500)


def worker_lost(detail: str) -> dict:
    """A job whose worker process or machine died more often than it is retried."""
    return problem("worker_lost", detail, status=500)


STORAGE_FULL = problem(
    "storage_full", "the server's disk is full: the job's result could not be stored and nothing "
                    "else was changed. Free some space and run the job again.",
    status=507)


# ---------------------------------------------------------------- job record
def job_record(job: dict, result: dict | None = None, fields: tuple[str, ...] = ()) -> dict:
    """The job as ``GET /api/jobs/{id}`` shows it; ``fields`` are body fields its kind shows
    (e.g. a multi-country plan's ``countries``), copied when present."""
    out = {
        "id": job["id"],
        "kind": job["kind"],
        "status": job["status"],
        "progress": job["progress"],
        "created_at": job["created_at"],
        "started_at": job["started_at"],
        "finished_at": job["finished_at"],
        "dataset": job["body"].get("dataset"),
    }
    for key in (*fields, *CHILD_FIELDS):
        if job["body"].get(key) is not None:
            out[key] = job["body"][key]
    if result is not None:
        out["result"] = result
    if job["error"]:
        out["error"] = job["error"]
    return out


# ------------------------------------------------------------------- events
def progress_event(job_id: str, progress: dict, **extra) -> dict:
    """One progress step; ``sent_at`` (epoch seconds) lets a client measure delivery time."""
    return {"type": "progress", "job": job_id, **progress, "sent_at": time.time(), **extra}


def finished_event(job_id: str, status: str, error: dict | None = None) -> dict:
    """The last event of a job: its final status, and its problem when it failed."""
    return {"type": "finished", "job": job_id, "status": status, **({"error": error} if error else {})}


def state_event(record: dict) -> dict:
    """What a subscriber gets at once: the job record as polling shows it."""
    return {"type": "state", "job": record["id"], "record": record}


def socket_error(code: str, detail: str, job: str | None = None) -> dict:
    """A websocket message the socket could not act on."""
    return {"type": "error", "code": code, "detail": detail, **({"job": job} if job else {})}
