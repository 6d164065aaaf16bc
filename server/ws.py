"""The ``/ws`` websocket: subscribe to jobs, get their state at once, then every event.

A socket only relays; the job lives on the server, so a client that reconnects and subscribes again
gets the current state and loses nothing.
"""

from __future__ import annotations

import time

import orjson
from flask import Flask
from flask_sock import Sock

from . import wire
from .blobs import valid_id
from .hub import Subscriber
from .jobs import FINISHED
from .kinds import job_record

POLL_S = 0.1
MAX_SUBSCRIPTIONS = 100


def _send(ws, message: dict) -> None:
    ws.send(orjson.dumps(message, option=orjson.OPT_SERIALIZE_NUMPY).decode())


def _error(ws, code: str, detail: str, job: str | None = None) -> None:
    _send(ws, wire.socket_error(code, detail, job))


def register_ws(app: Flask) -> Sock:
    sock = Sock(app)

    @sock.route("/ws")
    def websocket(ws):
        store = app.extensions["folio.store"]
        hub = app.extensions["folio.runner"].hub
        subscriber = Subscriber()
        subscribed: set[str] = set()

        def subscribe(job_id) -> None:
            if not isinstance(job_id, str) or not valid_id(job_id, "job"):
                return _error(ws, "not_found", f"job {job_id!r} does not exist", str(job_id))
            if job_id not in subscribed and len(subscribed) >= MAX_SUBSCRIPTIONS:
                return _error(ws, "rate_limited", f"at most {MAX_SUBSCRIPTIONS} jobs per socket")
            hub.subscribe(job_id, subscriber)  # before reading the state: no event falls between
            subscribed.add(job_id)
            job = store.get_job(job_id)
            if job is None:
                hub.unsubscribe(subscriber, job_id)
                subscribed.discard(job_id)
                return _error(ws, "not_found", f"job {job_id!r} does not exist", job_id)
            result = store.load_result(job_id) if job["has_result"] else None
            _send(ws, wire.state_event(job_record(job, result)))
            if job["status"] in FINISHED:
                _send(ws, wire.finished_event(job_id, job["status"], job["error"]))

        def handle(raw) -> None:
            try:
                message = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return _error(ws, "invalid_json", "messages must be JSON objects")
            if not isinstance(message, dict):
                return _error(ws, "invalid_message", "messages must be JSON objects")
            if "subscribe" in message:
                targets = message["subscribe"]
                for job_id in targets if isinstance(targets, list) else [targets]:
                    subscribe(job_id)
            elif "unsubscribe" in message:
                job_id = message["unsubscribe"]
                if isinstance(job_id, str):
                    hub.unsubscribe(subscriber, job_id)
                    subscribed.discard(job_id)
            elif message.get("type") == "ping":
                _send(ws, {"type": "pong"})
            else:
                _error(ws, "invalid_message", "send {\"subscribe\": \"<job id>\"}")

        idle_s = app.config["WS_IDLE_S"]
        last_activity = time.monotonic()
        try:
            while True:
                raw = ws.receive(timeout=POLL_S)
                if raw is not None:
                    last_activity = time.monotonic()
                    handle(raw)
                elif not subscribed and time.monotonic() - last_activity > idle_s:
                    ws.close(reason=1000, message="idle: no subscription")
                    return
                while (event := subscriber.get()) is not None:
                    _send(ws, event)
        finally:
            hub.unsubscribe(subscriber)

    return sock
