"""An app built from the factory with a real embedded runner, and helpers to call it."""

from __future__ import annotations

import pytest

from api_helpers import post_json
from server import create_app


@pytest.fixture(scope="session")
def celery_cluster(tmp_path_factory):
    """A private redis-server and two Celery worker processes sharing one data folder."""
    from tests.support.cluster import CeleryWorker, RedisServer, redis_available

    if not redis_available():
        pytest.fail("the Celery runner tests need redis-server (apt-get install redis-server; "
                    ".ci/run installs it) and celery/redis-py (requirements.txt)")
    base = tmp_path_factory.mktemp("cluster")
    redis_server = RedisServer(base / "redis").start()
    data = base / "data"
    data.mkdir()
    env = {"FOLIO_LEASE_S": "3", "FOLIO_PROGRESS_DB_INTERVAL_S": "0.1"}
    workers = [CeleryWorker(redis_server.url, data, name=f"api{i}", env=env).start() for i in range(2)]
    for worker in workers:
        worker.wait_ready()
    yield {"redis": redis_server, "data": data, "workers": workers}
    for worker in workers:
        worker.stop()
    redis_server.stop()


@pytest.fixture(scope="module", params=["embedded", "celery"])
def app(request, tmp_path_factory):
    """The app with each runner in turn: the same API tests pass against both."""
    if request.param == "celery":
        cluster = request.getfixturevalue("celery_cluster")
        config = {"DATA_DIR": str(cluster["data"]), "RUNNER": "celery",
                  "REDIS_URL": cluster["redis"].url, "LEASE_S": 3, "PROGRESS_DB_INTERVAL_S": 0.1}
    else:
        config = {"DATA_DIR": str(tmp_path_factory.mktemp("data")), "WORKERS": 2,
                  "PROGRESS_DB_INTERVAL_S": 0.1}
    app = create_app(config)
    yield app
    app.extensions["folio.runner"].stop()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def dataset_id(client, demo_raw):
    response = post_json(client, "/api/datasets", {"name": "demo", "tables": demo_raw}, gzip_body=True)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]
