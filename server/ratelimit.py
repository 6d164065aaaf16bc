"""Rate limiting per client: token buckets for reads and writes, answered with 429 + Retry-After.

A client is its bearer token when it sends one, else its address. Writes (POST, DELETE, ...) that
start work are limited much more tightly than reads, so twenty pollers and a page stay welcome
while a script that floods ``POST /api/jobs`` is slowed down. Limits are per web process.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time

from flask import Flask, request

from .problems import problem_response

DEFAULTS = {"RATE_LIMIT_READS_PER_MIN": 6000, "RATE_LIMIT_WRITES_PER_MIN": 240,
            "RATE_LIMIT_BURST_S": 10}
EXEMPT = ("/api/health",)


class TokenBuckets:
    """``rate`` tokens per second refilled up to ``burst``; one bucket per key."""

    def __init__(self, per_minute: float, burst_seconds: float, clock=time.monotonic):
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds until the next token."""
        now = self.clock()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                allowed = 0.0
            else:
                self._buckets[key] = (tokens, now)
                allowed = (1 - tokens) / self.rate if self.rate > 0 else 60.0
            if len(self._buckets) > 10_000:  # forget full buckets: they behave like new ones
                self._buckets = {k: v for k, v in self._buckets.items()
                                 if v[0] + (now - v[1]) * self.rate < self.capacity}
        return allowed


def client_key() -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "t:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:16]
    return "a:" + (request.remote_addr or "?")


def register_rate_limits(app: Flask) -> None:
    setting = lambda name: app.config.get(name, DEFAULTS[name])  # noqa: E731
    reads = TokenBuckets(setting("RATE_LIMIT_READS_PER_MIN"), setting("RATE_LIMIT_BURST_S"))
    writes = TokenBuckets(setting("RATE_LIMIT_WRITES_PER_MIN"), setting("RATE_LIMIT_BURST_S"))
    app.extensions["folio.rate_limits"] = {"reads": reads, "writes": writes}

    @app.before_request
    def _limit():
        if not request.path.startswith("/api/") or request.path in EXEMPT:
            return None
        buckets = reads if request.method in ("GET", "HEAD", "OPTIONS") else writes
        wait = buckets.take(client_key())
        if wait <= 0:
            return None
        return problem_response(429, "rate_limited",
                                f"too many requests from this client; retry in {math.ceil(wait)} s",
                                title="Too many requests",
                                headers={"Retry-After": str(max(1, math.ceil(wait)))})
