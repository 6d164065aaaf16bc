"""Jobs: start, poll, cancel, download the result workbook (contract section 3).

Views parse, call and serialise: the request is checked by its kind (``server.kinds``), the job's
life is ``server.lifecycle.JobLife`` (``life()``), its record is built by ``kinds.job_record``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, send_file, url_for

from engine.errors import FolioError

from .. import kinds
from ..blobs import write_atomic
from ..bodies import json_body
from ..responses import json_response
from .common import checked_id, life, not_found, store, time_zone

bp = Blueprint("jobs", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def accept_job(body: dict, idempotency_key: str | None = None) -> tuple[dict, str]:
    """Accept a checked job body; returns (its record, its Location)."""
    job = life().accept(body, idempotency_key, current_app.config["MAX_QUEUED_JOBS"])
    return kinds.job_record(job), url_for("jobs.get_job", job_id=job["id"])


def _load_job(job_id: str) -> dict:
    checked_id(job_id, "job", "job")
    job = store().get_job(job_id)
    if job is None:
        raise not_found("job", job_id)
    return job


@bp.post("/api/jobs")
def create_job():
    body = kinds.check_request(json_body(), store())
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 200:
        raise FolioError(code="invalid_request", status=422,
                         detail="Idempotency-Key must be 1 to 200 characters")
    job, location = accept_job(body, key)
    return json_response(job, 201, {"Location": location, "Retry-After": "1"})


@bp.get("/api/jobs")
def list_jobs():
    jobs = store().jobs_with_status("queued", "running", "succeeded", "failed", "cancelled")
    return json_response({"jobs": [kinds.job_record(j) for j in jobs[-100:]]})


@bp.get("/api/jobs/<job_id>")
def get_job(job_id: str):
    job = _load_job(job_id)
    result = store().load_result(job_id) if job["has_result"] else None
    return json_response(kinds.job_record(job, result))


@bp.delete("/api/jobs/<job_id>")
def cancel_job(job_id: str):
    return json_response(kinds.job_record(life().cancel(_load_job(job_id))))


@bp.get("/api/jobs/<job_id>/result.xlsx")
def result_workbook(job_id: str):
    tz = time_zone(request.args.get("tz"))
    job = _load_job(job_id)
    if not job["has_result"]:
        raise FolioError(code="conflict", status=409,
                         detail=f"job {job_id} has no result yet (status {job['status']})")
    # one file per clock asked for (most planners ask for one)
    path = store().result_path(job_id, f"{tz.replace('/', '~')}.xlsx" if tz else "xlsx")
    if not path.exists():
        result = store().load_result(job_id)
        write_atomic(path, kinds.get(job["kind"]).export(result, result.get("run", {}), tz=tz))
    return send_file(path, mimetype=XLSX, as_attachment=True,
                     download_name=f"folio-{job['kind']}-{job_id}.xlsx")
