"""Jobs: start, poll, cancel, download the result workbook (contract section 3)."""

from __future__ import annotations

from flask import Blueprint, current_app, request, send_file, url_for

from engine.errors import FolioError

from .. import fanout
from ..bodies import json_body
from ..jobs import FINISHED, check_job_request, public_job
from ..responses import json_response
from ..store import write_atomic
from .common import checked_id, not_found, runner, store

bp = Blueprint("jobs", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def accept_job(body: dict, idempotency_key: str | None = None) -> tuple[dict, str]:
    """Record a checked job body as queued and hand it to the runner; returns (job, Location)."""
    limit = current_app.config.get("MAX_QUEUED_JOBS", 500)
    adds = len(body.get("countries") or ()) or 1  # a multi-country plan queues one job per country
    if len(store().jobs_with_status("queued")) + adds > limit:
        raise FolioError(code="queue_full", status=503, title="Queue full",
                         detail=f"{limit} jobs are already waiting; retry in a little while")
    job, created = store().create_job(body["kind"], body, idempotency_key)
    if created and fanout.is_parent(job):  # one plan job per country, gathered (server/fanout.py)
        fanout.advance(store(), job["id"], runner().submit, runner().hub.publish)
        job = store().get_job(job["id"])
    elif created:
        runner().submit(job["id"])
    return public_job(job), url_for("jobs.get_job", job_id=job["id"])


def _load_job(job_id: str) -> dict:
    checked_id(job_id, "job", "job")
    job = store().get_job(job_id)
    if job is None:
        raise not_found("job", job_id)
    return job


@bp.post("/api/jobs")
def create_job():
    body = check_job_request(json_body(), lambda d: store().get_dataset(d) is not None
                             if isinstance(d, str) and d.startswith("ds_") else False,
                             lambda m: store().get_model(m) is not None
                             if m.startswith("model_") else False,
                             lambda d, countries: fanout.check_countries(store(), d, countries))
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 200:
        raise FolioError(code="invalid_request", status=422, title="Invalid request",
                         detail="Idempotency-Key must be 1 to 200 characters")
    job, location = accept_job(body, key)
    return json_response(job, 201, {"Location": location, "Retry-After": "1"})


@bp.get("/api/jobs")
def list_jobs():
    jobs = store().jobs_with_status("queued", "running", "succeeded", "failed", "cancelled")
    return json_response({"jobs": [public_job(j) for j in jobs[-100:]]})


@bp.get("/api/jobs/<job_id>")
def get_job(job_id: str):
    job = _load_job(job_id)
    result = store().load_result(job_id) if job["has_result"] else None
    return json_response(public_job(job, result))


@bp.delete("/api/jobs/<job_id>")
def cancel_job(job_id: str):
    job = _load_job(job_id)
    if job["status"] in FINISHED and job["status"] != "cancelled":
        raise FolioError(code="conflict", status=409, title="Conflict",
                         detail=f"job {job_id} has already finished as {job['status']}")
    store().request_cancel(job_id)
    if fanout.is_parent(job):
        fanout.cancel(store(), job, runner().submit, runner().hub.publish)
    elif store().finish_job(job_id, "cancelled", only_if=("queued",)):
        runner().hub.publish({"type": "finished", "job": job_id, "status": "cancelled"})
    return json_response(public_job(store().get_job(job_id)))


@bp.get("/api/jobs/<job_id>/result.xlsx")
def result_workbook(job_id: str):
    job = _load_job(job_id)
    if not job["has_result"]:
        raise FolioError(code="conflict", status=409, title="Conflict",
                         detail=f"job {job_id} has no result yet (status {job['status']})")
    path = store().result_path(job_id, "xlsx")
    if not path.exists():
        from engine.export import result_workbook as build

        result = store().load_result(job_id)
        write_atomic(path, build(job["kind"], result, result.get("run", {})))
    return send_file(path, mimetype=XLSX, as_attachment=True,
                     download_name=f"folio-{job['kind']}-{job_id}.xlsx")
