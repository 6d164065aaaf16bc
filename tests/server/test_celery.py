"""The Celery runner with real parts: a private redis-server, real worker processes, SIGKILL.

Each test module gets its own Redis and workers (loopback, free ports), so killing a worker here
never disturbs the API tests that run against the shared cluster.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import time

import orjson
import pytest
import requests

from api_helpers import finish, post_json
from tests.support.cluster import CeleryWorker, RedisServer, redis_available
from tests.support.live import LiveServer, wait_job

if not redis_available():  # fail loudly, as the browser and LibreOffice suites do: never skip
    raise RuntimeError("the Celery runner tests need redis-server (apt-get install redis-server; "
                       ".ci/run installs it) and celery/redis-py (requirements.txt)")

LEASE_S = 2
ENV = {"FOLIO_LEASE_S": str(LEASE_S), "FOLIO_PROGRESS_DB_INTERVAL_S": "0.1"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("celery")
    redis_server = RedisServer(base / "redis").start()
    data = base / "data"
    data.mkdir()
    workers = [CeleryWorker(redis_server.url, data, name=f"k{i}", env=ENV).start() for i in range(2)]
    for worker in workers:
        worker.wait_ready()
    yield {"redis": redis_server, "data": data, "workers": workers, "base": base}
    for worker in workers:
        worker.stop()
    redis_server.stop()


@pytest.fixture(scope="module")
def app(cluster):
    from server import create_app

    app = create_app({"DATA_DIR": str(cluster["data"]), "RUNNER": "celery",
                      "REDIS_URL": cluster["redis"].url, "LEASE_S": LEASE_S,
                      "PROGRESS_DB_INTERVAL_S": 0.1})
    yield app
    app.extensions["folio.runner"].stop()


@pytest.fixture(scope="module")
def dataset_id(dataset_id, client):
    """The shared demo dataset (conftest, on this module's app) with a model trained: the plans
    below need no training."""
    job = finish(client, post_json(client, "/api/jobs", {"kind": "train", "dataset": dataset_id,
                                                         "family": "linear"}).get_json()["id"])
    assert job["status"] == "succeeded", job.get("error")
    return dataset_id


def _worker_of(store, job_id: str, workers: list[CeleryWorker], timeout: float = 60):
    """The CeleryWorker whose pool process runs the job (its pid's process group)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = store.get_job(job_id)
        progress = job["progress"] or {}
        if job["status"] == "running" and job["worker"] and progress.get("generation", 0) >= 2:
            pgid = os.getpgid(int(job["worker"].rsplit(":", 1)[1]))
            return next(w for w in workers if w.proc.pid == pgid), job
        time.sleep(0.05)
    raise AssertionError(f"job never ran: {store.get_job(job_id)}")


def test_health_reports_the_celery_runner(client, app):
    body = client.get("/api/health").get_json()
    assert body["runner"] == "celery"
    assert app.extensions["folio.runner"].worker_count() == 2


def test_sigkill_of_a_worker_mid_plan_finishes_on_the_other(client, app, cluster, dataset_id):
    store = app.extensions["folio.store"]
    # long enough to be killed mid-run: no stagnation stop, ended by its time limit
    settings = {"population": 16, "generations": 100000, "time_limit_s": 10, "seed": 4,
                "stagnation_generations": 0}
    job_id = post_json(client, "/api/jobs", {"kind": "plan", "dataset": dataset_id,
                                             "settings": settings}).get_json()["id"]
    victim, running = _worker_of(store, job_id, cluster["workers"])
    victim.kill()  # the whole worker machine vanishes: no ack, no goodbye
    done = finish(client, job_id, timeout=120)
    assert done["status"] == "succeeded", done.get("error")
    record = store.get_job(job_id)
    assert record["attempts"] == 2 and record["worker"] != running["worker"]
    assert len(done["result"]["plan"]) > 1
    # the worker machine comes back: the late redelivery of the old message must not rerun it
    cluster["workers"][cluster["workers"].index(victim)] = CeleryWorker(
        cluster["redis"].url, cluster["data"], name="k-again", env=ENV).start().wait_ready()
    app.extensions["folio.runner"].submit(job_id)  # a duplicate delivery, on purpose
    time.sleep(1.0)
    again = store.get_job(job_id)
    assert (again["status"], again["finished_at"], again["attempts"]) == \
        ("succeeded", record["finished_at"], 2)


def test_a_multi_country_plan_survives_the_sigkill_of_a_worker_running_one_country(
        client, app, cluster, dataset_id):
    store = app.extensions["folio.store"]
    settings = {"population": 16, "generations": 100000, "time_limit_s": 6, "seed": 4,
                "stagnation_generations": 0}
    parent = post_json(client, "/api/jobs", {"kind": "plan", "dataset": dataset_id,
                                             "countries": ["DE", "FR"], "settings": settings}).get_json()
    children = {}
    deadline = time.monotonic() + 30
    while len(children) < 2 and time.monotonic() < deadline:  # the fan-out is recorded at once
        children = {j["body"]["country"]: j["id"] for j in store.jobs_with_status("queued", "running")
                    if j["body"].get("parent") == parent["id"]}
        time.sleep(0.05)
    victim, running = _worker_of(store, children["DE"], cluster["workers"])
    victim.kill()
    done = finish(client, parent["id"], timeout=120)
    assert done["status"] == "succeeded", done.get("error")
    assert {r[-1] for r in done["result"]["plan"][1:]} == {"DE", "FR"}
    assert store.get_job(children["DE"])["attempts"] == 2  # DE ran again on the other worker
    cluster["workers"][cluster["workers"].index(victim)] = CeleryWorker(
        cluster["redis"].url, cluster["data"], name="k-back", env=ENV).start().wait_ready()


def test_a_job_that_keeps_losing_its_worker_fails_with_a_reason(app):
    store = app.extensions["folio.store"]
    job, _ = store.create_job("plan", {"kind": "plan", "dataset": "ds_0000000000000000"})
    for attempt in range(1, store.max_attempts + 1):
        claimed = store.claim_job(job["id"])  # as a worker would, then it "dies": no heartbeat
        assert claimed and claimed["attempts"] == attempt
        store._claims.clear()
        outcome = store.reap(now=time.time() + LEASE_S + 1)
        expected = "requeued" if attempt < store.max_attempts else "failed"
        assert (job["id"], expected) in outcome
    failed = store.get_job(job["id"])
    assert failed["status"] == "failed" and failed["error"]["code"] == "worker_lost"
    assert "stopped answering" in failed["error"]["detail"]


def test_a_late_finish_from_a_worker_presumed_dead_is_ignored(app):
    store = app.extensions["folio.store"]
    job, _ = store.create_job("explore", {"kind": "explore", "dataset": "ds_0000000000000000"})
    from server.jobstore_redis import RedisStore

    old = RedisStore(store.root, store.redis_url, lease_s=LEASE_S)
    new = RedisStore(store.root, store.redis_url, lease_s=LEASE_S)
    assert old.claim_job(job["id"])["attempts"] == 1
    assert store.reap(now=time.time() + LEASE_S + 1) == [(job["id"], "requeued")]
    assert new.claim_job(job["id"])["attempts"] == 2
    assert not old.heartbeat(job["id"]) and not old.finish_job(job["id"], "failed",
                                                                only_if=("running",))
    assert new.finish_job(job["id"], "succeeded", only_if=("running",))


def _dataset(base: str, tables: dict) -> str:
    response = requests.post(f"{base}/api/datasets", data=gzip.compress(orjson.dumps(
        {"name": "live", "tables": tables})), headers={"Content-Type": "application/json",
                                                        "Content-Encoding": "gzip"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_web_nodes_share_everything_and_survive_restarts(cluster, demo_raw, tmp_path):
    """Two web nodes (one with two gunicorn workers) on one Redis: same answers, live progress
    from a worker in another process, and a restarted node finds every job and model."""
    import websocket

    args = ["--runner", "celery", "--redis", cluster["redis"].url]
    env = {"FOLIO_LEASE_S": str(LEASE_S)}
    one = LiveServer(cluster["data"], env=env, args=[*args, "--web-workers", "2"]).start()
    two = LiveServer(cluster["data"], env=env, args=args).start()
    try:
        assert requests.get(one.url + "/api/health").json()["runner"] == "celery"
        dataset = _dataset(one.url, demo_raw)
        # the model first, on the other node (the pooled family alone: the plan's own valuer),
        # so the plan below plans instead of training every family in the worker
        trained = requests.post(two.url + "/api/jobs", json={"kind": "train", "dataset": dataset,
                                                             "candidates": ["pooled"]}).json()["id"]
        assert wait_job(one.url, trained, timeout=180)["status"] == "succeeded"
        plan = {"kind": "plan", "dataset": dataset,
                "settings": {"population": 12, "generations": 20, "time_limit_s": 30, "seed": 2}}
        job_id = requests.post(one.url + "/api/jobs", json=plan).json()["id"]
        ws = websocket.create_connection(two.url.replace("http", "ws") + "/ws", timeout=60)
        try:
            ws.send(json.dumps({"subscribe": job_id}))
            messages = []
            while not messages or messages[-1].get("type") != "finished":
                messages.append(json.loads(ws.recv()))
        finally:
            ws.close()
        assert messages[0]["type"] == "state"
        assert messages[-1] == {"type": "finished", "job": job_id, "status": "succeeded"}
        assert any(m["type"] == "progress" for m in messages)  # relayed from the worker via Redis
        jobs_before = {j["id"]: j for j in requests.get(two.url + "/api/jobs").json()["jobs"]}
        models_before = requests.get(two.url + "/api/models").json()["models"]
        assert jobs_before[job_id]["status"] == "succeeded" and models_before
        for _ in range(4):  # several gunicorn workers and nodes answer the same for every job
            assert requests.get(f"{one.url}/api/jobs/{job_id}").json()["status"] == "succeeded"

        one.stop(signal.SIGKILL)
        two.stop()
        again = LiveServer(cluster["data"], env=env, args=args).start()
        try:
            jobs_after = {j["id"]: j for j in requests.get(again.url + "/api/jobs").json()["jobs"]}
            assert set(jobs_before) <= set(jobs_after)
            assert all(jobs_after[i]["status"] == j["status"] for i, j in jobs_before.items())
            assert requests.get(again.url + "/api/models").json()["models"] == models_before
            assert wait_job(again.url, job_id)["result"]["plan"]
            assert requests.get(f"{again.url}/api/jobs/{job_id}/result.xlsx").status_code == 200
        finally:
            again.stop()
    finally:
        one.stop()
        two.stop()
