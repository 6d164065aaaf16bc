"""Share links of finished plans: make, list and revoke them (API token required, like every
``/api/`` route), and the read-only page a link opens (``/s/<token>``, no API token).

The page route takes nothing but the token: it renders the one job the token names (its plan,
business case and convergence, and the latest explore charts of the same dataset) and answers
404 for a wrong, expired or revoked token, the same 404 as for a token that never existed.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for

from engine.errors import FolioError, Problem

from ..bodies import json_body
from ..responses import json_response
from ..shares import DEFAULT_DAYS, MAX_DAYS, ShareStore
from .common import checked_id, not_found, store, time_zone

bp = Blueprint("shares", __name__)

SHAREABLE = ("succeeded", "cancelled")  # a cancelled plan keeps its best plan so far


def shares() -> ShareStore:
    return current_app.extensions.setdefault("folio.shares", ShareStore(store().root))


def _plan_job(job_id: str) -> dict:
    checked_id(job_id, "job", "job")
    job = store().get_job(job_id)
    if job is None:
        raise not_found("job", job_id)
    return job


def _asked() -> tuple[float, str | None]:
    """``expires_in_days`` of the request (an empty body or ``{}``: the default) and its ``tz``
    (the sharer's IANA time zone: the page says its times on that clock, as the pane does)."""
    if not request.content_length and not request.headers.get("Transfer-Encoding"):
        return DEFAULT_DAYS, None
    body = json_body()
    days = body.get("expires_in_days", DEFAULT_DAYS) if isinstance(body, dict) else None
    if isinstance(days, bool) or not isinstance(days, (int, float)) or not 0 < days <= MAX_DAYS:
        raise FolioError(code="invalid_share", status=422,
                         detail=f"expires_in_days must be a number > 0 and <= {MAX_DAYS:g}",
                         problems=[Problem(message="expires_in_days out of range",
                                           column="expires_in_days")])
    tz = body.get("tz")
    if tz is not None and not isinstance(tz, str):
        tz = "?"  # refused below, at its field
    return float(days), time_zone(tz)


@bp.post("/api/jobs/<job_id>/shares")
def create_share(job_id: str):
    job = _plan_job(job_id)
    if job["kind"] != "plan" or job["status"] not in SHAREABLE or not job["has_result"]:
        raise FolioError(code="conflict", status=409, title="Conflict",
                         detail=f"only a finished plan can be shared; job {job_id} is a "
                                f"{job['kind']} job with status {job['status']}")
    days, tz = _asked()
    record, token = shares().create(job_id, days, tz=tz)
    url = url_for("shares.shared_page", token=token, _external=True)
    return json_response({**record, "url": url}, status=201, headers={"Location": url})


@bp.get("/api/jobs/<job_id>/shares")
def list_shares(job_id: str):
    _plan_job(job_id)
    return json_response({"shares": shares().for_job(job_id)})


@bp.delete("/api/jobs/<job_id>/shares/<share_id>")
def revoke_share(job_id: str, share_id: str):
    _plan_job(job_id)
    record = shares().revoke(job_id, share_id)
    if record is None:
        raise not_found("share", share_id)
    return json_response(record)


PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def _latest_explore(dataset_id: str | None) -> dict | None:
    """The newest finished explore of the plan's dataset history (its charts on the page)."""
    found = [j for j in store().jobs_with_status("succeeded") if j["kind"] == "explore"
             and (j.get("body") or {}).get("dataset") == dataset_id
             and (j.get("body") or {}).get("table", "history") == "history"]
    if not found:
        return None
    newest = max(found, key=lambda j: j.get("finished_at") or "")
    return store().load_result(newest["id"])


def _gone() -> Response:
    """Wrong, expired and revoked links look alike: nothing tells them apart from outside."""
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "text/html":
        return Response("<!doctype html><title>Link not found</title><p>This Folio link does not "
                        "exist, has expired or was revoked. Ask for a new one.</p>", status=404,
                        mimetype="text/html", headers=PAGE_HEADERS)
    raise FolioError(code="not_found", status=404, title="Not found",
                     detail="this link does not exist, has expired or was revoked")


@bp.get("/s/<token>")
def shared_page(token: str):
    from engine.export.html_report import STYLE_CSP_SOURCE, plan_page

    record = shares().open(token)
    job = store().get_job(record["job"]) if record else None
    result = store().load_result(job["id"]) if job and job["has_result"] else None
    if not result:
        return _gone()
    html = plan_page(result, explore=_latest_explore((job.get("body") or {}).get("dataset")),
                     expires_at=record["expires_at"], tz=record.get("tz"))
    csp = (f"default-src 'none'; style-src {STYLE_CSP_SOURCE}; base-uri 'none'; "
           "form-action 'none'; frame-ancestors 'none'")
    return Response(html, mimetype="text/html",
                    headers={**PAGE_HEADERS, "Content-Security-Policy": csp})
