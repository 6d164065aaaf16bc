"""Every setting has a default and is read from its ``FOLIO_*`` variable, and the ones that were
once ignored (queue limit, websocket idle time, allowed origins, rate limits) take effect."""

from __future__ import annotations

import json

import orjson
import pytest
import websocket

from server import create_app
from server.config import DEFAULTS, load_config
from tests.support.live import LiveServer

# A value for each setting as its variable is written, and the value the config must hold.
EXAMPLES = {
    "DATA_DIR": ("/srv/folio", "/srv/folio"),
    "STATIC_DIR": ("/srv/static", "/srv/static"),
    "RUNNER": ("celery", "celery"),
    "REDIS_URL": ("redis://10.0.0.5:6379/2", "redis://10.0.0.5:6379/2"),
    "WORKERS": ("6", 6),
    "TOKEN": ("s3cret", "s3cret"),
    "MAX_BODY_BYTES": ("1000", 1000),
    "MAX_JSON_BYTES": ("2000", 2000),
    "MAX_UPLOAD_BYTES": ("3000", 3000),
    "WS_MAX_MESSAGE_BYTES": ("4096", 4096),
    "WS_PING_INTERVAL_S": ("7.5", 7.5),
    "PROGRESS_DB_INTERVAL_S": ("0.25", 0.25),
    "LEASE_S": ("12", 12.0),
    "MAX_ATTEMPTS": ("4", 4),
    "VISIBILITY_TIMEOUT_S": ("7200", 7200.0),
    "RESEND_QUEUED_S": ("600", 600.0),
    "CELERY_QUEUE": ("folio-eu", "folio-eu"),
    "MAX_QUEUED_JOBS": ("7", 7),
    "WS_IDLE_S": ("2.5", 2.5),
    "ALLOWED_ORIGINS": ("https://excel.example, https://b.example", ["https://excel.example",
                                                                    "https://b.example"]),
    "RATE_LIMIT_READS_PER_MIN": ("120", 120.0),
    "RATE_LIMIT_WRITES_PER_MIN": ("30", 30.0),
    "RATE_LIMIT_BURST_S": ("4", 4.0),
    "START_RUNNER": ("false", False),
}


def test_every_setting_has_an_example():
    assert set(EXAMPLES) == set(DEFAULTS)


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_each_variable_is_read(name):
    raw, expected = EXAMPLES[name]
    assert DEFAULTS[name] != expected  # the variable, not the default, gave the value
    config = load_config(environ={f"FOLIO_{name}": raw})
    assert config[name] == expected
    assert {k: v for k, v in config.items() if k != name} == \
        {k: v for k, v in DEFAULTS.items() if k != name}


def test_overrides_beat_the_environment_and_bad_values_name_the_variable():
    assert load_config({"WORKERS": 3}, environ={"FOLIO_WORKERS": "9"})["WORKERS"] == 3
    with pytest.raises(ValueError, match="FOLIO_MAX_QUEUED_JOBS"):
        load_config(environ={"FOLIO_MAX_QUEUED_JOBS": "many"})
    with pytest.raises(ValueError, match="FOLIO_START_RUNNER"):
        load_config(environ={"FOLIO_START_RUNNER": "perhaps"})


def _post(client, path, body):
    return client.post(path, data=orjson.dumps(body), content_type="application/json")


def test_queue_and_rate_limits_from_the_environment(tmp_path, monkeypatch, demo_raw):
    for name, value in {"DATA_DIR": str(tmp_path), "START_RUNNER": "0", "MAX_QUEUED_JOBS": "1",
                        "RATE_LIMIT_WRITES_PER_MIN": "15", "RATE_LIMIT_BURST_S": "16",
                        "RATE_LIMIT_READS_PER_MIN": "45"}.items():
        monkeypatch.setenv(f"FOLIO_{name}", value)
    client = create_app().test_client()
    dataset = _post(client, "/api/datasets", {"tables": demo_raw}).get_json()["id"]
    assert _post(client, "/api/jobs", {"kind": "explore", "dataset": dataset}).status_code == 201
    full = _post(client, "/api/jobs", {"kind": "explore", "dataset": dataset})
    assert full.status_code == 503 and full.get_json()["code"] == "queue_full"
    # 15 writes a minute with 16 s of burst = 4 at once: the dataset and two jobs took three
    assert _post(client, "/api/datasets", {"tables": {}}).status_code == 422
    assert _post(client, "/api/datasets", {"tables": {}}).status_code == 429
    # reads: 45 a minute with 16 s of burst = 12 at once
    codes = [client.get("/api/models").status_code for _ in range(14)]
    assert codes[:12] == [200] * 12 and codes[12:] == [429, 429]


def test_websocket_origins_and_idle_time_from_the_environment(tmp_path):
    server = LiveServer(tmp_path / "data", env={"FOLIO_ALLOWED_ORIGINS": "https://excel.example",
                                                "FOLIO_WS_IDLE_S": "1"}).start()
    url = server.url.replace("http", "ws") + "/ws"
    try:
        with pytest.raises(websocket.WebSocketBadStatusException):
            websocket.create_connection(url, timeout=10, origin="https://evil.example")
        ws = websocket.create_connection(url, timeout=10, origin="https://excel.example")
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv()) == {"type": "pong"}
        # no subscription: closed after 1 s idle (with the 300 s default, recv would time out)
        with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError, OSError)):
            for _ in range(5):
                if ws.recv() == "":  # the close frame
                    raise websocket.WebSocketConnectionClosedException("closed")
        ws.close()
    finally:
        server.stop()
