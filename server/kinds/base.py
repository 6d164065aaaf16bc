"""What a job kind is to the server, and the helpers every kind's ``check`` and ``run`` share.

A kind module in ``server/kinds/`` defines ``KIND = JobKind(...)``; the registry
(``server/kinds/__init__.py``) finds it. See docs/architecture.md, "Adding a job kind".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from engine.errors import FolioError, Problem
from engine.runinfo import library_versions

Publish = Callable[[dict], None]


class Life(Protocol):
    """The part of :class:`server.lifecycle.JobLife` a coordinating kind uses (plan's fan-out)."""

    store: object

    def submit(self, job_id: str) -> None: ...

    def finish(self, job_id: str, status: str, *, error: dict | None = None,
               has_result: bool = False, only_if: tuple[str, ...] = ("queued", "running")) -> bool: ...


@dataclass(frozen=True)
class Coordinator:
    """For a kind whose job may coordinate child jobs instead of running in a worker.

    ``is_parent(job)``: this job is advanced, never run by a worker; ``advance(life, job_id)``
    takes it one step further (idempotent, from any process) and returns its final status once it
    has one; ``cancel(life, job)`` cancels its children; ``queued_jobs(body)`` is how many queue
    places a request takes.
    """

    is_parent: Callable[[dict], bool]
    advance: Callable[[Life, str], str | None]
    cancel: Callable[[Life, dict], None]
    queued_jobs: Callable[[dict], int]


@dataclass(frozen=True)
class JobKind:
    """One job kind: how a request is checked, how a worker runs it, its workbook, its API part.

    - ``check(body, base, store) -> dict``: the kind's own fields of a ``POST /api/jobs`` body,
      checked and normalised (``base`` holds the checked ``kind``, ``dataset`` and ``model``);
      raise a ``FolioError`` (e.g. :func:`bad`) so the client gets a 4xx at once;
    - ``run(ctx, body) -> dict``: the job's result (``ctx``: store, job, progress, should_stop);
    - ``export(result, run, tz=None) -> bytes``: its ``result.xlsx`` (``tz``: the run record's clock);
    - ``openapi() -> dict``: ``request`` (properties of JobCreate), ``result`` (schema of its
      result), optionally ``record`` (properties it adds to the Job record) and ``components``
      (named schemas it refers to);
    - ``record_fields``: body fields its job record shows; ``coordinator``: see above.
    """

    name: str
    check: Callable[[dict, dict, object], dict]
    run: Callable[[object, dict], dict]
    export: Callable[..., bytes]
    openapi: Callable[[], dict]
    record_fields: tuple[str, ...] = ()
    coordinator: Coordinator | None = None

    def is_parent(self, job: dict | None) -> bool:
        return bool(job) and self.coordinator is not None and self.coordinator.is_parent(job)

    def queued_jobs(self, body: dict) -> int:
        return self.coordinator.queued_jobs(body) if self.coordinator else 1


# ------------------------------------------------------------------ checks
def bad(message: str, column: str) -> FolioError:
    """A request field that breaks its rule: 422 ``invalid_job`` naming the field."""
    return FolioError(code="invalid_job", status=422, detail=message,
                      problems=[Problem(message=message, column=column)])


def unknown(what: str, value, column: str) -> FolioError:
    return FolioError(code="not_found", status=404,
                      detail=f"{what} {value!r} does not exist",
                      problems=[Problem(message=f"unknown {what}", column=column)])


def integer(body: dict, name: str, low: int, high: int, default=None):
    """``body[name]`` as an integer in [low, high] (``default`` when absent)."""
    value = body.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise bad(f"'{name}' must be an integer from {low} to {high}; got {value!r}", name)
    return value


def one_of(body: dict, name: str, allowed, default=None):
    value = body.get(name, default)
    if value not in allowed:
        names = [str(a) for a in allowed]
        listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        raise bad(f"'{name}' must be {listed}; got {value!r}", name)
    return value


# ------------------------------------------------------------------- runs
def load_model(store, model_id: str):
    """A registered model, after its file passed the registry's checks (version, sha256, class);
    otherwise ``FolioError(code="model_incompatible")`` saying why."""
    from engine.forecast.registry import load_model as checked_load

    return checked_load(store.model_path(model_id), model_id)


def model_for(store, body: dict, train: Callable[[], str | None]) -> str | None:
    """The model a forecast or plan uses: the one the request names, else the dataset's champion,
    else what ``train()`` gives: a model trained now, or None while a child job trains one."""
    if body.get("model") not in (None, "champion"):
        return body["model"]
    champion = store.champion(body["dataset"])
    if champion is not None:
        return champion["id"]
    return train()


def run_record(job: dict, store, **extra) -> dict:
    """The run record of a job's result (contract: seed, settings, dataset hash, model, versions)."""
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


def workbook(kind: str) -> Callable[..., bytes]:
    """The export hook of a kind whose sheets ``engine.export.result_workbook`` builds (``tz``:
    the planner's time zone for the run record's times, else UTC)."""
    def export(result: dict, run: dict, tz: str | None = None) -> bytes:
        from engine.export import result_workbook

        return result_workbook(kind, result, run, tz=tz)
    return export
