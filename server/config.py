"""Configuration: defaults, then ``FOLIO_*`` environment variables, then explicit overrides.

Follows Flask's tutorial habit: ``create_app(test_config)`` starts from these defaults, reads the
environment, and lets tests override anything.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

DEFAULTS: dict = {
    "DATA_DIR": str(REPO_ROOT / "data"),
    "STATIC_DIR": str(REPO_ROOT / "static"),
    "RUNNER": "embedded",  # or "celery"
    "REDIS_URL": None,
    "WORKERS": 2,  # worker processes of the embedded runner
    "TOKEN": None,  # FOLIO_TOKEN: bearer token required on every route but health and static
    "MAX_BODY_BYTES": 64 * 1024 * 1024,  # on the wire (compressed or not)
    "MAX_JSON_BYTES": 256 * 1024 * 1024,  # after gzip decoding
    "MAX_UPLOAD_BYTES": 50 * 1024 * 1024,  # xlsx/csv uploads
    "WS_MAX_MESSAGE_BYTES": 64 * 1024,
    "WS_PING_INTERVAL_S": 25,
    "PROGRESS_DB_INTERVAL_S": 0.5,  # how often a worker writes progress to the job record
    # Celery runner (--runner celery): see README "Scale-out"
    "LEASE_S": 30.0,  # a running job whose worker has not renewed its lease this long is reaped
    "MAX_ATTEMPTS": 2,  # runs of a job whose worker died before it is failed with worker_lost
    "VISIBILITY_TIMEOUT_S": 6 * 3600,  # Redis broker: must exceed the longest job
    "RESEND_QUEUED_S": 6 * 3600,  # a job queued this long without a worker claiming it is sent again
    "CELERY_QUEUE": "folio",
    "MAX_QUEUED_JOBS": 500,  # POST /api/jobs answers 503 queue_full past this many waiting jobs
    "WS_IDLE_S": 300.0,  # a websocket with no subscription is closed after this long silent
    "ALLOWED_ORIGINS": [],  # other origins that may open the websocket (FOLIO_ALLOWED_ORIGINS: a,b)
    # Rate limits per client (token, else address), shared by every web process (server/ratelimit.py)
    "RATE_LIMIT_READS_PER_MIN": 6000,
    "RATE_LIMIT_WRITES_PER_MIN": 240,
    "RATE_LIMIT_BURST_S": 10,  # a client may spend this many seconds' worth of requests at once
    "START_RUNNER": True,  # False: the runner is built but not started (tests that only queue)
}


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _names(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


_ENV_TYPES = {"WORKERS": int, "MAX_BODY_BYTES": int, "MAX_JSON_BYTES": int, "MAX_UPLOAD_BYTES": int,
              "WS_MAX_MESSAGE_BYTES": int, "WS_PING_INTERVAL_S": float,
              "PROGRESS_DB_INTERVAL_S": float, "LEASE_S": float, "MAX_ATTEMPTS": int,
              "VISIBILITY_TIMEOUT_S": float, "RESEND_QUEUED_S": float, "MAX_QUEUED_JOBS": int,
              "WS_IDLE_S": float, "ALLOWED_ORIGINS": _names, "RATE_LIMIT_READS_PER_MIN": float,
              "RATE_LIMIT_WRITES_PER_MIN": float, "RATE_LIMIT_BURST_S": float,
              "START_RUNNER": _flag}


def load_config(overrides: dict | None = None, environ: os._Environ | dict | None = None) -> dict:
    """Defaults, then ``FOLIO_<NAME>`` from the environment, then ``overrides``.

    Every key of :data:`DEFAULTS` is read from ``FOLIO_<KEY>``; a value that does not parse is a
    ``ValueError`` naming the variable, at start rather than at the first request."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for name in DEFAULTS:
        raw = environ.get(f"FOLIO_{name}")
        if raw is not None and raw != "":
            try:
                config[name] = _ENV_TYPES.get(name, str)(raw)
            except ValueError as exc:
                raise ValueError(f"FOLIO_{name}={raw!r}: {exc}") from None
    if environ.get("FOLIO_REDIS") and not config["REDIS_URL"]:
        config["REDIS_URL"] = environ["FOLIO_REDIS"]
    config.update(overrides or {})
    return config
