"""Rate limits hold across web processes: two web nodes, each with two gunicorn workers, on one
Redis give a client one budget, not four (server/ratelimit.py, Flask-Limiter on Redis)."""

from __future__ import annotations

import pytest
import requests

from tests.support.cluster import RedisServer, redis_available
from tests.support.live import LiveServer

if not redis_available():  # fail loudly, as the other Celery tests do: never skip
    raise RuntimeError("the shared rate limit test needs redis-server and redis-py")

# 15 writes a minute with 16 s of burst: 4 writes at once per client, whichever process answers
ENV = {"FOLIO_RATE_LIMIT_WRITES_PER_MIN": "15", "FOLIO_RATE_LIMIT_BURST_S": "16"}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    base = tmp_path_factory.mktemp("shared-limits")
    redis_server = RedisServer(base / "redis").start()
    data = base / "data"
    started = []
    try:
        for _ in range(2):
            started.append(LiveServer(data, env=ENV, args=[
                "--runner", "celery", "--redis", redis_server.url, "--web-workers", "2"]).start())
        yield started
    finally:
        for node in started:
            node.stop()
        redis_server.stop()


def _write(url: str, token: str) -> requests.Response:
    # a new connection each time, so each gunicorn worker of the node gets some of the requests
    return requests.post(f"{url}/api/datasets", json={"tables": {}}, timeout=10,
                         headers={"Authorization": f"Bearer {token}", "Connection": "close"})


def test_one_budget_across_two_nodes_of_two_workers(nodes):
    answers = [_write(nodes[i % 2].url, "client-a") for i in range(12)]
    codes = [a.status_code for a in answers]
    assert codes.count(422) == 4, codes  # per process it would be up to 16 (4 processes x 4)
    assert codes[:4] == [422] * 4 and set(codes[4:]) == {429}, codes
    refused = answers[4]
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1
    # both nodes refused the client once its budget was spent, and another client is welcome
    assert {answers[i].status_code for i in (4, 5)} == {429}
    assert _write(nodes[1].url, "client-b").status_code == 422
