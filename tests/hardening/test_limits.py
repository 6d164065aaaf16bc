"""Access and abuse limits: rate limits, a full queue, the websocket's caps and Origin check."""

from __future__ import annotations

import json
import time

import orjson
import pytest
import requests
import websocket

from server import create_app
from server.ratelimit import window
from tests.support.live import LiveServer


def _post(client, path, body, **headers):
    return client.post(path, data=orjson.dumps(body), content_type="application/json",
                       headers=headers)


@pytest.fixture
def limited(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "START_RUNNER": False, "MAX_QUEUED_JOBS": 2,
                      "RATE_LIMIT_WRITES_PER_MIN": 60, "RATE_LIMIT_BURST_S": 5})
    return app.test_client()


def test_budgets_become_windows_of_the_same_size_and_rate():
    assert window(6000, 10) == (1000, 10)  # reads: 1000 at once, 100 a second sustained
    assert window(240, 10) == (40, 10)  # writes: 40 at once, 4 a second
    assert window(60, 3) == (3, 3)
    assert window(1, 10) == (1, 60)  # slower than one per burst: one per minute, never zero
    assert window(0, 10) == (1, 86400)


def test_a_client_over_its_budget_waits_then_is_welcome_again(tmp_path):
    client = create_app({"DATA_DIR": str(tmp_path), "START_RUNNER": False,
                         "RATE_LIMIT_WRITES_PER_MIN": 120, "RATE_LIMIT_BURST_S": 1}).test_client()
    assert [_post(client, "/api/datasets", {"tables": {}}).status_code for _ in range(2)] == [422, 422]
    refused = _post(client, "/api/datasets", {"tables": {}})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert _post(client, "/api/datasets", {"tables": {}}, Authorization="Bearer b").status_code == 422
    time.sleep(1.1)  # the window of one second has passed
    assert _post(client, "/api/datasets", {"tables": {}}).status_code == 422


def test_writes_are_rate_limited_reads_are_not(limited):
    answers = [_post(limited, "/api/datasets", {"tables": {}}) for _ in range(12)]
    limited_answers = [a for a in answers if a.status_code == 429]
    assert len(limited_answers) >= 6  # the burst is 5 writes
    body = limited_answers[0].get_json()
    assert body["code"] == "rate_limited" and int(limited_answers[0].headers["Retry-After"]) >= 1
    assert all(limited.get("/api/models").status_code == 200 for _ in range(50))
    # another client (a token of its own) is not slowed down by the first
    other = _post(limited, "/api/datasets", {"tables": {}}, Authorization="Bearer other")
    assert other.status_code == 422


def test_a_full_queue_answers_503_with_retry_after(limited, demo_raw):
    dataset = _post(limited, "/api/datasets", {"tables": demo_raw}).get_json()["id"]
    for _ in range(2):
        assert _post(limited, "/api/jobs", {"kind": "explore", "dataset": dataset}).status_code == 201
    full = _post(limited, "/api/jobs", {"kind": "explore", "dataset": dataset})
    assert full.status_code == 503 and full.get_json()["code"] == "queue_full"
    assert full.headers["Retry-After"]


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("ws") / "data",
                        env={"FOLIO_WS_MAX_MESSAGE_BYTES": "1024"}).start()
    yield server
    server.stop()


def _ws_url(server) -> str:
    return server.url.replace("http", "ws") + "/ws"


def test_websocket_messages_are_capped(capped_server):
    ws = websocket.create_connection(_ws_url(capped_server), timeout=10)
    ws.send(json.dumps({"subscribe": "x" * 5000}))
    with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError, OSError)):
        for _ in range(5):
            ws.recv()
            time.sleep(0.1)
    ws.close()


def test_websocket_origin_is_checked(capped_server):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(_ws_url(capped_server), timeout=10,
                                    origin="https://evil.example")
    assert refused.value.status_code == 403
    ok = websocket.create_connection(_ws_url(capped_server), timeout=10, origin=capped_server.url)
    ok.send(json.dumps({"type": "ping"}))
    assert json.loads(ok.recv()) == {"type": "pong"}
    ok.close()


def test_static_pages_need_no_token_but_the_api_does(tmp_path):
    server = LiveServer(tmp_path / "data", env={"FOLIO_TOKEN": "t0ken"}).start()
    try:
        page = requests.get(server.url + "/")
        assert page.status_code in (200, 404)  # 404 only when static/ is not built
        assert page.status_code != 401
        assert requests.get(server.url + "/api/models").status_code == 401
    finally:
        server.stop()


def test_deeply_nested_json_is_refused(limited):
    body = b"[" * 100_000 + b"]" * 100_000
    response = limited.post("/api/jobs", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_json"


def test_content_security_policy_and_framing(limited, tmp_path):
    # the policy is on HTML pages only; API JSON carries nosniff
    response = limited.get("/api/health")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in response.headers


def test_a_multi_country_plan_counts_one_queued_job_per_country(limited, demo_raw):
    dataset = _post(limited, "/api/datasets", {"tables": demo_raw}).get_json()["id"]
    three = _post(limited, "/api/jobs", {"kind": "plan", "dataset": dataset, "countries": "all",
                                         "settings": {}})
    assert three.status_code == 503 and three.get_json()["code"] == "queue_full"
    two = _post(limited, "/api/jobs", {"kind": "plan", "dataset": dataset, "countries": ["DE"],
                                       "settings": {}})
    assert two.status_code == 201  # the parent and its one country (or its training) fit
