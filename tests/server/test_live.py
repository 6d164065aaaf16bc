"""The server as users start it (`python -m server` under gunicorn): websocket, token, restarts."""

from __future__ import annotations

import gzip
import json
import signal
import time

import orjson
import pytest
import requests
import websocket

from tests.support.live import LiveServer, wait_job

PLAN = {"population": 12, "generations": 25, "time_limit_s": 30, "seed": 5}


def _dataset(base: str, tables: dict, headers: dict | None = None) -> str:
    response = requests.post(f"{base}/api/datasets", data=gzip.compress(orjson.dumps(
        {"name": "live", "tables": tables})), headers={"Content-Type": "application/json",
                                                        "Content-Encoding": "gzip", **(headers or {})})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _job(base: str, body: dict, headers: dict | None = None) -> str:
    response = requests.post(f"{base}/api/jobs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _messages_until_finished(ws, job_id: str, timeout: float = 120) -> list[dict]:
    ws.settimeout(timeout)
    messages = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(ws.recv())
        messages.append(message)
        if message.get("type") == "finished" and message.get("job") == job_id:
            return messages
    raise AssertionError(f"no finished message: {messages[-3:]}")


def test_websocket_streams_every_generation(live_server, demo_raw):
    base = live_server.url
    dataset = _dataset(base, demo_raw)
    job_id = _job(base, {"kind": "plan", "dataset": dataset, "settings": PLAN})
    ws = websocket.create_connection(base.replace("http", "ws") + "/ws", timeout=30)
    try:
        ws.send(json.dumps({"subscribe": job_id}))
        messages = _messages_until_finished(ws, job_id)
    finally:
        ws.close()
    assert messages[0]["type"] == "state" and messages[0]["record"]["id"] == job_id
    assert messages[-1] == {"type": "finished", "job": job_id, "status": "succeeded"}
    plan_progress = [m for m in messages if m["type"] == "progress" and m.get("phase") == "plan"]
    generations = [m["generation"] for m in plan_progress]
    assert generations == sorted(generations)
    assert generations[0] == 0 or messages[0]["record"]["status"] != "queued"
    for m in plan_progress:
        assert {"generation", "of", "best", "mean", "feasible_share", "elapsed_s"} <= set(m)
    final = requests.get(f"{base}/api/jobs/{job_id}").json()
    last_generation = final["result"]["convergence"][-1][0]
    assert generations[-1] == last_generation  # every generation up to the last was relayed


def test_resubscribing_after_the_end_gets_the_final_state(live_server, demo_raw):
    base = live_server.url
    dataset = _dataset(base, demo_raw)
    job_id = _job(base, {"kind": "explore", "dataset": dataset})
    wait_job(base, job_id)
    ws = websocket.create_connection(base.replace("http", "ws") + "/ws", timeout=30)
    try:
        ws.send(json.dumps({"subscribe": [job_id, "job_0000000000000000"]}))
        received = [json.loads(ws.recv()) for _ in range(3)]
    finally:
        ws.close()
    assert received[0]["type"] == "state" and received[0]["record"]["status"] == "succeeded"
    assert received[1] == {"type": "finished", "job": job_id, "status": "succeeded"}
    assert received[2]["type"] == "error" and received[2]["code"] == "not_found"


def test_pages_are_served_with_a_csp(live_server):
    response = requests.get(live_server.url + "/")
    if response.status_code == 404:
        pytest.fail("static/ is not built: run `npm run build` (make test does)")
    assert response.status_code == 200 and "text/html" in response.headers["Content-Type"]
    assert "appsforoffice.microsoft.com" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    taskpane = requests.get(live_server.url + "/taskpane.html")
    assert taskpane.status_code == 200 and "office.js" in taskpane.text


def test_token_guards_every_route_but_health(tmp_path, demo_raw):
    server = LiveServer(tmp_path / "data", env={"FOLIO_TOKEN": "s3cret"}).start()
    try:
        base = server.url
        assert requests.get(base + "/api/health").status_code == 200
        doc = requests.get(base + "/api/openapi.json", headers={"Authorization": "Bearer s3cret"})
        assert doc.status_code == 200
        paths = doc.json()["paths"]
        open_on_purpose = {path for path, methods in paths.items()
                           if any(op.get("security") == [] for op in methods.values())}
        assert open_on_purpose == {"/api/health", "/s/{token}"}  # the shared page: tests/server/test_shares.py
        for path, methods in paths.items():
            if path in open_on_purpose:
                continue
            url = base + path.replace("{job_id}", "job_0000000000000000").replace(
                "{dataset_id}", "ds_0000000000000000").replace("{model_id}", "model_0000000000000000")
            for method in methods:
                response = requests.request(method.upper(), url, headers={"Authorization": "Bearer no"})
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.json()["code"] == "unauthorized"
        with pytest.raises(websocket.WebSocketBadStatusException):
            websocket.create_connection(base.replace("http", "ws") + "/ws", timeout=10)
        ws = websocket.create_connection(base.replace("http", "ws") + "/ws?token=s3cret", timeout=10)
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv()) == {"type": "pong"}
        ws.close()
        dataset = _dataset(base, demo_raw, {"Authorization": "Bearer s3cret"})
        assert dataset.startswith("ds_")
    finally:
        server.stop()


def test_a_killed_server_loses_no_job(tmp_path, demo_raw):
    server = LiveServer(tmp_path / "data").start()
    try:
        base = server.url
        dataset = _dataset(base, demo_raw)
        # the pooled family alone: what is killed here is a plan; the plan needs a champion
        trained = _job(base, {"kind": "train", "dataset": dataset, "candidates": ["pooled"]})
        assert wait_job(base, trained)["status"] == "succeeded"
        long_plan = _job(base, {"kind": "plan", "dataset": dataset, "settings": {
            "population": 12, "generations": 100000, "time_limit_s": 8, "seed": 2,
            "stagnation_generations": 0}})
        deadline = time.monotonic() + 60
        while (requests.get(f"{base}/api/jobs/{long_plan}").json()["status"] != "running"
               and time.monotonic() < deadline):
            time.sleep(0.1)
        server.stop(signal.SIGKILL)  # web process and workers, mid-run

        server.start()
        assert requests.get(f"{base}/api/jobs/{trained}").json()["status"] == "succeeded"
        models = requests.get(f"{base}/api/models").json()["models"]
        assert any(m["champion"] for m in models)
        final = wait_job(base, long_plan, timeout=120)
        assert final["status"] == "succeeded", final  # it ran again after the restart
    finally:
        server.stop()


def test_sigterm_stops_cleanly(tmp_path):
    server = LiveServer(tmp_path / "data").start()
    server.stop(signal.SIGTERM, timeout=30)
    assert server.proc.returncode == 0, server.log()[-2000:]


def test_scenarios_stream_one_line_each_over_the_socket_and_a_closed_pane_reattaches(live_server, demo_raw):
    """Two what-if scenarios through the real websocket: every progress message of the parent
    names its scenario (one line per variant); a socket closed mid-run and opened again gets the
    parent's state with each scenario's child job, and the rest of the run, up to the end."""
    base = live_server.url
    dataset = _dataset(base, demo_raw)
    # no generation cap, no early stop: each scenario runs until cancelled (or 300 s)
    settings = {**PLAN, "generations": None, "time_limit_s": 300, "stagnation_generations": 0}
    parent = _job(base, {"kind": "scenarios", "dataset": dataset, "settings": settings,
                         "scenarios": [{"name": "Base"}, {"name": "Deep", "settings": {"discount_levels": [0, 0.4]}}]})
    url = base.replace("http", "ws") + "/ws"
    ws = websocket.create_connection(url, timeout=120)
    seen: set[str] = set()
    try:
        ws.send(json.dumps({"subscribe": parent}))
        assert json.loads(ws.recv())["type"] == "state"
        deadline = time.monotonic() + 240
        while seen != {"Base", "Deep"} and time.monotonic() < deadline:
            message = json.loads(ws.recv())
            assert message["type"] != "finished", message  # the run outlives the first lines
            if message["type"] == "progress" and message.get("phase") == "plan":
                assert message["job"] == parent and message["child"] != parent
                seen.add(message["scenario"])
    finally:
        ws.close()  # the pane is closed mid-run
    assert seen == {"Base", "Deep"}
    ws = websocket.create_connection(url, timeout=120)
    try:
        ws.send(json.dumps({"subscribe": parent}))
        state = json.loads(ws.recv())
        assert state["type"] == "state" and state["record"]["id"] == parent
        children = {c["scenario"]: c for c in state["record"]["progress"]["children"]}
        assert set(children) == {"Base", "Deep"} and all(c["job"] for c in children.values())
        assert requests.delete(f"{base}/api/jobs/{parent}").status_code == 200  # cancel stops both
        messages = _messages_until_finished(ws, parent, timeout=120)
    finally:
        ws.close()
    assert messages[-1] == {"type": "finished", "job": parent, "status": "cancelled"}
    for child in children.values():
        assert requests.get(f"{base}/api/jobs/{child['job']}").json()["status"] == "cancelled"
