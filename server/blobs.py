"""What every store keeps the same way: ids, timestamps, and the files under the data folder.

Both stores (SQLite :class:`server.store.Store`, Redis :class:`server.jobstore_redis.RedisStore`)
build on this module, so neither imports the other. Files are written to a temporary name and
renamed, so a crash never leaves half a file.
"""

from __future__ import annotations

import gzip
import os
import re
import secrets
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson

ID_PATTERN = re.compile(r"^(job|ds|model)_[0-9a-f]{16}$")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def valid_id(value: str, prefix: str) -> bool:
    """Ids come from URLs: only our own shape is accepted, so no path ever leaves the data folder."""
    return bool(ID_PATTERN.match(value or "")) and value.startswith(prefix + "_")


def dumps(value) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


def loads(value):
    return None if value is None else orjson.loads(value)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class BlobFiles:
    """The files every store keeps under its data folder (shared across machines in scale-out):
    dataset tables (gzip JSON, and validated by the engine), model files and job results, each
    written atomically."""

    root: Path

    def result_path(self, job_id: str, suffix: str = "json") -> Path:
        return self.root / "results" / f"{job_id}.{suffix}"

    def save_result(self, job_id: str, result: dict) -> None:
        write_atomic(self.result_path(job_id), dumps(result))

    def load_result(self, job_id: str) -> dict | None:
        path = self.result_path(job_id)
        return orjson.loads(path.read_bytes()) if path.exists() else None

    def tables_path(self, dataset_id: str) -> Path:
        return self.root / "datasets" / f"{dataset_id}.json.gz"

    def write_tables(self, dataset_id: str, tables: dict) -> None:
        write_atomic(self.tables_path(dataset_id), gzip.compress(dumps(tables), compresslevel=5))

    def load_tables(self, dataset_id: str) -> dict:
        return orjson.loads(gzip.decompress(self.tables_path(dataset_id).read_bytes()))

    def validated_path(self, dataset_id: str) -> Path:
        """The dataset's tables as the engine validated them (``server.validated``)."""
        return self.root / "datasets" / f"{dataset_id}.validated.pickle"

    def model_path(self, model_id: str) -> Path:
        return self.root / "models" / f"{model_id}.joblib"


def wait_for(predicate, timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass (used by tests and shutdown)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
