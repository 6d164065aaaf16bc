"""Job kinds: one module each in this package, found here; nothing else lists them.

Each module defines ``KIND = JobKind(...)`` (``server/kinds/base.py``): its request check, what
a worker runs, its ``result.xlsx`` and its part of the OpenAPI document. A new kind is a new
module here (plus the engine function it calls and an add-in view): see docs/architecture.md,
"Adding a job kind". Modules without a ``KIND`` (``base``, ``plan_fanout``) are helpers.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..wire import job_record as _record
from .base import JobKind, bad, unknown


def _discover() -> dict[str, JobKind]:
    found: dict[str, JobKind] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        kind = getattr(importlib.import_module(f"{__name__}.{info.name}"), "KIND", None)
        if isinstance(kind, JobKind):
            if kind.name in found:
                raise RuntimeError(f"two modules define the job kind {kind.name!r}")
            found[kind.name] = kind
    return found


KINDS: dict[str, JobKind] = _discover()
NAMES: tuple[str, ...] = tuple(KINDS)


def get(name: str) -> JobKind:
    return KINDS[name]


def check_request(body, store) -> dict:
    """Validate a ``POST /api/jobs`` body before accepting it; returns the normalised body.

    The parts every kind shares (the body is an object, a known ``kind``, an existing
    ``dataset`` and ``model``) are checked here; the kind checks the rest, so a bad option is a
    4xx at once rather than a job that fails later.
    """
    if not isinstance(body, dict):
        raise bad("the body must be a JSON object", "body")
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise bad(f"'kind' must be one of {', '.join(NAMES)}; got {kind!r}", "kind")
    dataset = body.get("dataset")
    if not (isinstance(dataset, str) and dataset.startswith("ds_")
            and store.get_dataset(dataset) is not None):
        raise unknown("dataset", dataset, "dataset")
    model = body.get("model", "champion")
    if model is None:
        model = "champion"
    if model != "champion" and not (isinstance(model, str) and model.startswith("model_")
                                    and store.get_model(model) is not None):
        raise unknown("model", model, "model")
    base = {"kind": kind, "dataset": dataset, "model": model}
    return {**base, **KINDS[kind].check(body, base, store)}


def job_record(job: dict, result: dict | None = None) -> dict:
    """The job as ``GET /api/jobs/{id}`` shows it (``server.wire.job_record``, with the body
    fields its kind shows)."""
    kind = KINDS.get(job["kind"])
    return _record(job, result, kind.record_fields if kind else ())
