"""A Folio app on either runner for the runner benchmarks: embedded, or Celery with a private
``redis-server`` on a free loopback port and one real ``python -m server worker`` process."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.cluster import CeleryWorker, RedisServer  # noqa: E402


@contextlib.contextmanager
def folio_app(runner: str, workers: int, data: Path):
    """Yields ``(app, client, store)`` with ``workers`` worker processes; stops everything after."""
    from server import create_app

    data.mkdir(parents=True)
    config = {"DATA_DIR": str(data), "WORKERS": workers, "PROGRESS_DB_INTERVAL_S": 0.5}
    procs, redis_server, app = [], None, None
    try:
        if runner == "celery":
            redis_server = RedisServer(data.parent / "redis").start()
            procs = [CeleryWorker(redis_server.url, data, concurrency=workers, name="bench").start()]
            for proc in procs:
                proc.wait_ready()
            config.update(RUNNER="celery", REDIS_URL=redis_server.url)
        app = create_app(config)
        app.extensions["bench.worker_groups"] = [proc.proc.pid for proc in procs]  # Celery: own sessions
        yield app, app.test_client(), app.extensions["folio.store"]
    finally:
        if app is not None:
            app.extensions["folio.runner"].stop()
        for proc in procs:
            proc.stop()
        if redis_server:
            redis_server.stop()


def finished_result(client, store, body: dict) -> dict:
    """Post one job through the API, wait for it, and return its result; a job that does not
    succeed stops the bench (its error shown): a bench figure is only worth a finished job."""
    import time

    import orjson

    response = client.post("/api/jobs", data=orjson.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.get_json()
    job_id = response.get_json()["id"]
    while store.get_job(job_id)["status"] not in ("succeeded", "failed", "cancelled"):
        time.sleep(0.01)
    job = store.get_job(job_id)
    assert job["status"] == "succeeded", job["error"]
    return store.load_result(job_id)


def upload_dataset(client, tables: dict, name: str = "bench") -> str:
    """Send ``tables`` (Excel-style arrays) as a dataset through the API; its id."""
    import orjson

    response = client.post("/api/datasets", data=orjson.dumps({"name": name, "tables": tables}),
                           content_type="application/json")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]
