"""Share links: a finished plan's read-only page opens without the API token; a wrong, expired or
revoked link is 404; the link reaches no other route; every share route but the page needs the
API token."""

from __future__ import annotations

import re
import secrets
import time
from datetime import timedelta

import pytest

from api_helpers import post_json
from server import create_app

TOKEN = "s3cret-api-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SMALL_PLAN = {"population": 12, "generations": 10, "time_limit_s": 20, "seed": 3}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("data")), "WORKERS": 2,
                      "PROGRESS_DB_INTERVAL_S": 0.1, "TOKEN": TOKEN})
    yield app
    app.extensions["folio.runner"].stop()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def _finish(client, job_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}", headers=AUTH).get_json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.fixture(scope="module")
def jobs(client, demo_raw):
    """Two finished plans (different seeds) and an explore of the same dataset."""
    ds = post_json(client, "/api/datasets", {"name": "demo", "tables": demo_raw}, headers=AUTH).get_json()["id"]
    out = {}
    # a champion first (the pooled family alone), so the plans plan rather than train every family
    for name, body in (("explore", {"kind": "explore", "dataset": ds, "table": "history"}),
                       ("train", {"kind": "train", "dataset": ds, "candidates": ["pooled"]}),
                       ("plan", {"kind": "plan", "dataset": ds, "settings": SMALL_PLAN}),
                       ("other", {"kind": "plan", "dataset": ds, "settings": {**SMALL_PLAN, "seed": 9}})):
        response = post_json(client, "/api/jobs", body, headers=AUTH)
        assert response.status_code == 201, response.get_json()
        out[name] = _finish(client, response.get_json()["id"])
        assert out[name]["status"] == "succeeded", out[name].get("error")
    return out


def _share(client, job_id: str, body=None) -> dict:
    response = post_json(client, f"/api/jobs/{job_id}/shares", body or {}, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _path(share: dict) -> str:
    return "/s/" + share["url"].rsplit("/s/", 1)[1]


def test_the_link_shows_the_plan_without_the_api_token(client, jobs):
    plan = jobs["plan"]
    share = _share(client, plan["id"], {"expires_in_days": 2})
    assert share["active"] and share["job"] == plan["id"] and "token" not in share
    assert re.fullmatch(r"http://[^/]+/s/[A-Za-z0-9_-]{43}", share["url"])
    page = client.get(_path(share))  # no Authorization header at all
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for row in plan["result"]["plan"][1:]:
        assert f">{row[2]}<" in html  # every product of the plan
    assert "Business case" in html and "Last catalogue" in html
    assert "How the search converged" in html and "What the history shows" in html  # explore charts
    csp = page.headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'") and "script" not in csp
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    other = client.get(_path(_share(client, jobs["other"]["id"]))).get_data(as_text=True)
    assert other != html  # each link opens its own plan


def test_the_page_says_its_times_on_the_sharers_clock(client, jobs):
    """The pane shares with its time zone: the page gives the link's expiry and the plan's finish
    on that clock, named (the pane said "until 8 Dec, 11:00" where the page said "10:00 UTC");
    without one, UTC; a zone that is not one is refused at its field."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    plan = jobs["plan"]
    share = _share(client, plan["id"], {"expires_in_days": 1, "tz": "America/New_York"})
    html = " ".join(client.get(_path(share)).get_data(as_text=True).split())
    expires = datetime.fromisoformat(share["expires_at"].replace("Z", "+00:00"))
    local = expires.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M")
    assert f"this link works until {local} (America/New_York)" in html, html[:600]
    assert "UTC" not in html.split("Plan finished", 1)[0].rsplit("<p", 1)[-1]
    plain = " ".join(client.get(_path(_share(client, plan["id"], {"expires_in_days": 1}))).get_data(as_text=True).split())
    assert f"until {expires.strftime('%Y-%m-%d')}" in plain and "(UTC)" in plain
    refused = post_json(client, f"/api/jobs/{plan['id']}/shares", {"tz": "Mars/Olympus"}, headers=AUTH)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["column"] == "tz"


def test_making_listing_and_revoking_links_need_the_api_token(client, jobs):
    job_id = jobs["plan"]["id"]
    assert post_json(client, f"/api/jobs/{job_id}/shares", {}).status_code == 401
    assert client.get(f"/api/jobs/{job_id}/shares").status_code == 401
    share = _share(client, job_id)
    assert client.delete(f"/api/jobs/{job_id}/shares/{share['id']}").status_code == 401
    listed = client.get(f"/api/jobs/{job_id}/shares", headers=AUTH).get_json()["shares"]
    assert share["id"] in [s["id"] for s in listed]
    assert not any("url" in s or "token" in s for s in listed)  # the token is shown once only


def test_a_wrong_expired_or_revoked_link_is_not_found(client, jobs, monkeypatch):
    import server.shares as shares

    job_id = jobs["plan"]["id"]
    share = _share(client, job_id, {"expires_in_days": 1})
    path = _path(share)
    assert client.get(path).status_code == 200
    for wrong in ("/s/" + secrets.token_urlsafe(32), "/s/short", path[:-1] + ("A" if path[-1] != "A" else "B")):
        response = client.get(wrong, headers={"Accept": "text/html"})
        assert response.status_code == 404, wrong
        assert "does not exist, has expired or was revoked" in response.get_data(as_text=True)
    assert client.get("/s/%2e%2e%2fapi%2fjobs").status_code == 404
    assert client.get("/s/" + secrets.token_urlsafe(32)).get_json()["code"] == "not_found"

    later = shares.now() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(shares, "now", lambda: later)
    assert client.get(path).status_code == 404  # expired
    monkeypatch.undo()
    assert client.get(path).status_code == 200

    revoked = client.delete(f"/api/jobs/{job_id}/shares/{share['id']}", headers=AUTH)
    assert revoked.status_code == 200 and revoked.get_json()["active"] is False
    assert client.get(path).status_code == 404  # revoked
    assert client.delete(f"/api/jobs/{job_id}/shares/sh_0000000000000000", headers=AUTH).status_code == 404
    other = jobs["other"]["id"]  # a share id revokes only under its own job
    assert client.delete(f"/api/jobs/{other}/shares/{share['id']}", headers=AUTH).status_code == 404


def test_the_link_reaches_no_other_route(client, app, jobs):
    job_id = jobs["plan"]["id"]
    token = _path(_share(client, job_id)).rsplit("/", 1)[1]
    as_bearer = {"Authorization": f"Bearer {token}"}
    for method, path in (("get", f"/api/jobs/{job_id}"), ("get", f"/api/jobs/{job_id}/result.xlsx"),
                         ("delete", f"/api/jobs/{job_id}"), ("get", f"/api/jobs/{job_id}/shares"),
                         ("get", "/api/models"), ("get", f"/ws?token={token}")):
        assert getattr(client, method)(path, headers=as_bearer).status_code == 401, path
    started = post_json(client, "/api/jobs", {"kind": "plan", "dataset": jobs["plan"]["result"]["run"]["dataset"],
                                               "settings": SMALL_PLAN}, headers=as_bearer)
    assert started.status_code == 401
    for path in (f"/s/{token}/result.xlsx", f"/s/{token}/../api/jobs/{job_id}", f"/s/{token}/x"):
        response = client.get(path)
        assert response.status_code == 404 and b"forecast_units" not in response.data, path
    share_rules = [r.rule for r in app.url_map.iter_rules() if not r.rule.startswith("/api/")
                   and "token" in r.arguments]
    assert share_rules == ["/s/<token>"]  # the only route a link can open, and it only reads


def test_only_a_finished_plan_can_be_shared(client, jobs):
    response = post_json(client, f"/api/jobs/{jobs['explore']['id']}/shares", {}, headers=AUTH)
    assert response.status_code == 409 and response.get_json()["code"] == "conflict"
    for bad in ({"expires_in_days": 0}, {"expires_in_days": 91}, {"expires_in_days": "7"}, [1]):
        response = post_json(client, f"/api/jobs/{jobs['plan']['id']}/shares", bad, headers=AUTH)
        assert response.status_code == 422 and response.get_json()["code"] == "invalid_share", bad
    assert post_json(client, "/api/jobs/job_0000000000000000/shares", {}, headers=AUTH).status_code == 404


def test_a_link_works_the_same_on_the_celery_runner(celery_cluster, demo_raw):
    """Web nodes share nothing but Redis and the data folder: the link's record lives in the
    data folder, so any web node opens it."""
    config = {"DATA_DIR": str(celery_cluster["data"]), "RUNNER": "celery", "TOKEN": TOKEN,
              "REDIS_URL": celery_cluster["redis"].url, "LEASE_S": 3, "PROGRESS_DB_INTERVAL_S": 0.1}
    first, second = create_app(config), create_app(config)  # two web nodes
    try:
        one, other = first.test_client(), second.test_client()
        ds = post_json(one, "/api/datasets", {"name": "demo", "tables": demo_raw}, headers=AUTH).get_json()["id"]
        trained = post_json(one, "/api/jobs", {"kind": "train", "dataset": ds, "candidates": ["pooled"]},
                            headers=AUTH)  # the champion the plan uses, without training every family
        assert _finish(one, trained.get_json()["id"])["status"] == "succeeded"
        started = post_json(one, "/api/jobs", {"kind": "plan", "dataset": ds, "settings": SMALL_PLAN},
                            headers=AUTH)
        job = _finish(one, started.get_json()["id"])
        assert job["status"] == "succeeded", job.get("error")
        share = _share(one, job["id"])
        page = other.get(_path(share))
        assert page.status_code == 200 and "Business case" in page.get_data(as_text=True)
        assert other.delete(f"/api/jobs/{job['id']}/shares/{share['id']}", headers=AUTH).status_code == 200
        assert one.get(_path(share)).status_code == 404
    finally:
        first.extensions["folio.runner"].stop()
        second.extensions["folio.runner"].stop()
