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
}

_ENV_TYPES = {"WORKERS": int, "MAX_BODY_BYTES": int, "MAX_JSON_BYTES": int, "MAX_UPLOAD_BYTES": int,
              "WS_MAX_MESSAGE_BYTES": int, "WS_PING_INTERVAL_S": float,
              "PROGRESS_DB_INTERVAL_S": float, "LEASE_S": float, "MAX_ATTEMPTS": int,
              "VISIBILITY_TIMEOUT_S": float, "RESEND_QUEUED_S": float}


def load_config(overrides: dict | None = None, environ: os._Environ | dict | None = None) -> dict:
    """Defaults, then ``FOLIO_<NAME>`` from the environment, then ``overrides``."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for name in DEFAULTS:
        raw = environ.get(f"FOLIO_{name}")
        if raw is not None and raw != "":
            config[name] = _ENV_TYPES.get(name, str)(raw)
    if environ.get("FOLIO_REDIS") and not config["REDIS_URL"]:
        config["REDIS_URL"] = environ["FOLIO_REDIS"]
    config.update(overrides or {})
    return config
