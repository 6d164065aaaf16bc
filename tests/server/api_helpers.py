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


def champion_of(client, dataset_id: str) -> str:
    """The id of the dataset's champion, trained now (the pooled family alone) if it has none, so
    a test of something else can name a model and skip the training a plan would start."""
    models = client.get(f"/api/models?dataset={dataset_id}").get_json()["models"]
    found = next((m["id"] for m in models if m["champion"]), None)
    if found is None:
        response = post_json(client, "/api/jobs", {"kind": "train", "dataset": dataset_id,
                                                   "candidates": ["pooled"]})
        job = finish(client, response.get_json()["id"], timeout=300)
        assert job["status"] == "succeeded", job.get("error")
        found = job["result"]["champion"]
    return found
