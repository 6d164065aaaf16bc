"""Rate limiting per client across every web process, with Flask-Limiter, answered with 429.

A client is its bearer token when it sends one, else its address. Writes (POST, DELETE, ...) that
start work are limited much more tightly than reads, so twenty pollers and a page stay welcome
while a script that floods ``POST /api/jobs`` is slowed down.

The counters live where the runner's state lives: in memory for the embedded runner (one web
process), in the same Redis as the jobs for the Celery runner, so N gunicorn workers or web nodes
share one budget per client instead of giving it N times. Flask-Limiter (on the ``limits``
library) keeps them; a moving window of ``burst`` requests per ``burst_s`` seconds holds the same
budget as a token bucket of that size refilled at ``per_min`` a minute: at most ``burst`` at once,
``per_min`` a minute sustained.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from .problems import problem_response

EXEMPT = ("/api/health",)
READS = ("GET", "HEAD", "OPTIONS")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def window(per_min: float, burst_s: float) -> tuple[int, int]:
    """(requests, seconds) of the moving window holding ``per_min`` a minute with bursts of
    ``burst_s`` seconds' worth (at least one request; a slow rate gets a longer window)."""
    per_s = float(per_min) / 60.0
    if per_s <= 0:
        return 1, 24 * 3600
    requests = max(1, int(per_s * float(burst_s)))
    return requests, max(1, round(requests / per_s))


def limit_string(per_min: float, burst_s: float) -> str:
    requests, seconds = window(per_min, burst_s)
    return f"{requests} per {seconds} second"


def client_key() -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "t:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:16]
    return "a:" + (request.remote_addr or "?")


def _exempt() -> bool:
    return not request.path.startswith("/api/") or request.path in EXEMPT


def _too_many(limit) -> object:
    """The answer to a client over its budget, with the seconds until the window lets it in."""
    wait = max(1, math.ceil(limit.window[0] - time.time()))  # window[0]: when the oldest hit expires
    return problem_response(429, "rate_limited",
                            f"too many requests from this client; retry in {wait} s", headers={"Retry-After": str(wait)})


def storage_uri(config: dict) -> str:
    """Where the counters live: the Celery runner's Redis, else this process's memory."""
    if config.get("RUNNER") == "celery" and config.get("REDIS_URL"):
        return config["REDIS_URL"]
    return "memory://"


def register_rate_limits(app: Flask) -> Limiter:
    config = app.config
    burst_s = config["RATE_LIMIT_BURST_S"]
    limiter = Limiter(
        client_key, app=app, storage_uri=storage_uri(config), strategy="moving-window",
        key_prefix="folio-rate", headers_enabled=False, on_breach=_too_many,
        application_limits=[
            ApplicationLimit(limit_string(config["RATE_LIMIT_READS_PER_MIN"], burst_s),
                             scope="reads", methods=READS, exempt_when=_exempt),
            ApplicationLimit(limit_string(config["RATE_LIMIT_WRITES_PER_MIN"], burst_s),
                             scope="writes", methods=WRITES, exempt_when=_exempt),
        ])
    app.extensions["folio.rate_limits"] = limiter

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(exc: RateLimitExceeded):
        if exc.response is not None:  # built by _too_many with the window's Retry-After
            return exc.response
        return problem_response(429, "rate_limited", "too many requests from this client", headers={"Retry-After": "1"})

    return limiter
