"""Job vocabulary shared by the web process and the workers: statuses, kinds, request checks.

Following rq: a ``JobStatus(str, Enum)``, progress as a small record on the job, and the public
shape of a job built in one place.
"""

from __future__ import annotations

from enum import Enum

from engine.errors import FolioError, Problem


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


FINISHED = {s.value for s in JobStatus if s.finished}
KINDS = ("explore", "train", "forecast", "plan")
TABLES = ("history", "products", "slots", "category_limits")


def public_job(job: dict, result: dict | None = None) -> dict:
    """The job as ``GET /api/jobs/{id}`` shows it."""
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
    for key in ("countries", "country", "parent"):  # multi-country plans (server/fanout.py)
        if job["body"].get(key) is not None:
            out[key] = job["body"][key]
    if result is not None:
        out["result"] = result
    if job["error"]:
        out["error"] = job["error"]
    return out


def _bad(message: str, column: str) -> FolioError:
    return FolioError(code="invalid_job", status=422, title="Invalid job request", detail=message,
                      problems=[Problem(message=message, column=column)])


def check_job_request(body, dataset_exists, model_exists, countries_of=None) -> dict:
    """Validate a ``POST /api/jobs`` body before accepting it; returns the normalised body.

    Settings are validated by the engine too (``PlanSettings.from_dict``), so a bad setting is a
    422 at once rather than a job that fails later. ``countries_of(dataset, countries)`` checks a
    multi-country plan's ``countries`` against the dataset's history and returns them as a list.
    """
    if not isinstance(body, dict):
        raise _bad("the body must be a JSON object", "body")
    kind = body.get("kind")
    if kind not in KINDS:
        raise _bad(f"'kind' must be one of {', '.join(KINDS)}; got {kind!r}", "kind")
    dataset = body.get("dataset")
    if not isinstance(dataset, str) or not dataset_exists(dataset):
        raise FolioError(code="not_found", status=404, title="Not found",
                         detail=f"dataset {dataset!r} does not exist",
                         problems=[Problem(message="unknown dataset", column="dataset")])
    model = body.get("model", "champion")
    if model is None:
        model = "champion"
    if model != "champion" and (not isinstance(model, str) or not model_exists(model)):
        raise FolioError(code="not_found", status=404, title="Not found",
                         detail=f"model {model!r} does not exist",
                         problems=[Problem(message="unknown model", column="model")])
    clean = {"kind": kind, "dataset": dataset, "model": model}
    if kind == "explore":
        table = body.get("table", "history")
        if table not in TABLES:
            raise _bad(f"'table' must be one of {', '.join(TABLES)}; got {table!r}", "table")
        clean["table"] = table
    elif kind == "train":
        clean.update(_train_options(body))
    elif kind == "forecast":
        rows = body.get("rows")
        if not isinstance(rows, list) or len(rows) < 2 or not all(isinstance(r, list) for r in rows):
            raise _bad("'rows' must be a table: a header row and at least one data row", "rows")
        clean["rows"] = rows
    elif kind == "plan":
        from engine.plan.planner import PlanSettings  # heavy import only where needed

        settings = body.get("settings") or {}
        if not isinstance(settings, dict):
            raise _bad("'settings' must be an object", "settings")
        PlanSettings.from_dict(settings)  # raises invalid_settings naming the setting
        clean["settings"] = settings
        if body.get("countries") is not None:
            if countries_of is None:
                raise _bad("multi-country plans are not accepted here", "countries")
            clean["countries"] = countries_of(dataset, body["countries"])
    return clean


def _train_options(body: dict) -> dict:
    family = body.get("family", "auto")
    if family not in ("auto", "linear", "gbm"):
        raise _bad(f"'family' must be auto, linear or gbm; got {family!r}", "family")
    holdout = body.get("holdout_campaigns", 2)
    if not isinstance(holdout, int) or isinstance(holdout, bool) or not 1 <= holdout <= 52:
        raise _bad(f"'holdout_campaigns' must be an integer from 1 to 52; got {holdout!r}",
                   "holdout_campaigns")
    options = {"family": family, "holdout_campaigns": holdout}
    for name, low, high in (("folds", 1, 20), ("gap", 0, 52), ("season", 1, 104)):
        if name in body:
            value = body[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise _bad(f"'{name}' must be an integer from {low} to {high}; got {value!r}", name)
            options[name] = value
    if "select_by" in body:
        if body["select_by"] not in ("wape", "mape"):
            raise _bad(f"'select_by' must be wape or mape; got {body['select_by']!r}", "select_by")
        options["select_by"] = body["select_by"]
    if "candidates" in body:
        names = body["candidates"]
        from engine.forecast import PRESETS

        if (not isinstance(names, list) or not names
                or not all(isinstance(n, str) and n in PRESETS for n in names)):
            raise _bad(f"'candidates' must be a non-empty list of {', '.join(PRESETS)}",
                       "candidates")
        options["candidates"] = names
    return options
