"""Small helpers for calling the app from tests."""

from __future__ import annotations

import gzip
import time

import orjson


def post_json(client, path: str, body, *, gzip_body: bool = False, headers: dict | None = None):
    data = orjson.dumps(body)
    headers = dict(headers or {})
    if gzip_body:
        data = gzip.compress(data)
        headers["Content-Encoding"] = "gzip"
    return client.post(path, data=data, content_type="application/json", headers=headers)


def finish(client, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").get_json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job}")
