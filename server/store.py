"""Durable state of the embedded runner: SQLite for records, files for tables, models and results.

Every process (web threads and worker processes) opens its own short-lived connection; WAL mode and
a busy timeout let readers and one writer proceed together without "database is locked" reaching a
client. Files are kept by :class:`server.blobs.BlobFiles` (written through a temporary name and a
rename). :func:`make_store` picks this store or the Redis one for the runner in use.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from .blobs import BlobFiles, dumps, loads, new_id, now_iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    body BLOB NOT NULL,
    progress BLOB,
    error BLOB,
    has_result INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    idempotency_key TEXT UNIQUE,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE TABLE IF NOT EXISTS datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    hash TEXT NOT NULL,
    row_counts BLOB NOT NULL,
    warnings BLOB NOT NULL,
    auto_retrain INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS models (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    name TEXT NOT NULL,
    family TEXT NOT NULL,
    metrics BLOB NOT NULL,
    info BLOB NOT NULL,
    champion INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS models_dataset ON models(dataset_id);
"""


class Store(BlobFiles):
    """Jobs, datasets and the model registry under one data folder."""

    def __init__(self, data_dir: str | Path):
        self.root = Path(data_dir).resolve()  # absolute: Flask's send_file reads relative paths from the package
        for sub in ("datasets", "results", "models"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "folio.sqlite3"
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA synchronous=NORMAL")
        try:
            yield db
        finally:
            db.close()

    # ---------------------------------------------------------------- jobs
    def create_job(self, kind: str, body: dict, idempotency_key: str | None = None) -> tuple[dict, bool]:
        """Insert a queued job; returns (job, created). A known idempotency key returns its job."""
        job_id = new_id("job")
        with self._connect() as db:
            try:
                db.execute(
                    "INSERT INTO jobs (id, kind, status, body, created_at, idempotency_key)"
                    " VALUES (?, ?, 'queued', ?, ?, ?)",
                    (job_id, kind, dumps(body), now_iso(), idempotency_key),
                )
            except sqlite3.IntegrityError:
                row = db.execute("SELECT id FROM jobs WHERE idempotency_key = ?",
                                 (idempotency_key,)).fetchone()
                return self.get_job(row["id"]), False
        return self.get_job(job_id), True

    def get_job(self, job_id: str) -> dict | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else self._job_from_row(row)

    def _job_from_row(self, row: sqlite3.Row) -> dict:
        return {
            "id": row["id"],
            "kind": row["kind"],
            "status": row["status"],
            "body": loads(row["body"]),
            "progress": loads(row["progress"]),
            "error": loads(row["error"]),
            "has_result": bool(row["has_result"]),
            "created_at": row["created_at"],
            "started_at": row["started_at"],
            "finished_at": row["finished_at"],
            "cancel_requested": bool(row["cancel_requested"]),
            "attempts": row["attempts"],
        }

    def jobs_with_status(self, *statuses: str) -> list[dict]:
        marks = ",".join("?" for _ in statuses)
        with self._connect() as db:
            rows = db.execute(f"SELECT * FROM jobs WHERE status IN ({marks}) ORDER BY created_at",
                              statuses).fetchall()
        return [self._job_from_row(r) for r in rows]

    def claim_job(self, job_id: str) -> dict | None:
        """Mark a queued job running for this worker; None when it is no longer queued."""
        with self._connect() as db:
            cur = db.execute(
                "UPDATE jobs SET status='running', started_at=?, attempts=attempts+1"
                " WHERE id=? AND status='queued' AND cancel_requested=0",
                (now_iso(), job_id),
            )
        return self.get_job(job_id) if cur.rowcount == 1 else None

    def start_parent(self, job_id: str) -> bool:
        """A fan-out job (one plan per country) becomes running without a worker: its children
        do the work. True when this call moved it from queued."""
        with self._connect() as db:
            cur = db.execute("UPDATE jobs SET status='running', started_at=? WHERE id=? AND status='queued'",
                             (now_iso(), job_id))
        return cur.rowcount == 1

    def job_id_for_key(self, idempotency_key: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT id FROM jobs WHERE idempotency_key = ?", (idempotency_key,)).fetchone()
        return None if row is None else row["id"]

    def requeue_job(self, job_id: str) -> None:
        """A running job whose worker is gone goes back to the queue (runs again)."""
        with self._connect() as db:
            db.execute("UPDATE jobs SET status='queued', started_at=NULL WHERE id=? AND status='running'",
                       (job_id,))

    def set_progress(self, job_id: str, progress: dict) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET progress=? WHERE id=?", (dumps(progress), job_id))

    def finish_job(self, job_id: str, status: str, *, error: dict | None = None,
                   has_result: bool = False, only_if: tuple[str, ...] = ("queued", "running")) -> bool:
        """Set a final status unless the job already has one; True when this call set it."""
        marks = ",".join("?" for _ in only_if)
        with self._connect() as db:
            cur = db.execute(
                f"UPDATE jobs SET status=?, error=?, has_result=?, finished_at=?"
                f" WHERE id=? AND status IN ({marks})",
                (status, dumps(error) if error else None, int(has_result), now_iso(), job_id, *only_if),
            )
        return cur.rowcount == 1

    def request_cancel(self, job_id: str) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET cancel_requested=1 WHERE id=?", (job_id,))

    def cancel_requested(self, job_id: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT cancel_requested FROM jobs WHERE id=?", (job_id,)).fetchone()
        return bool(row and row["cancel_requested"])

    # ------------------------------------------------------------ datasets
    def save_dataset(self, name: str, tables: dict, *, data_hash: str, row_counts: dict,
                     warnings: list, auto_retrain: bool, dataset_id: str | None = None) -> dict:
        """Create a dataset, or replace the tables of ``dataset_id``."""
        dataset_id = dataset_id or new_id("ds")
        self.write_tables(dataset_id, tables)
        stamp = now_iso()
        with self._connect() as db:
            db.execute(
                "INSERT INTO datasets (id, name, created_at, updated_at, hash, row_counts, warnings,"
                " auto_retrain) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET updated_at=excluded.updated_at, hash=excluded.hash,"
                " row_counts=excluded.row_counts, warnings=excluded.warnings",
                (dataset_id, name, stamp, stamp, data_hash, dumps(row_counts), dumps(warnings),
                 int(auto_retrain)),
            )
        return self.get_dataset(dataset_id)

    def get_dataset(self, dataset_id: str) -> dict | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM datasets WHERE id=?", (dataset_id,)).fetchone()
        if row is None:
            return None
        return {
            "id": row["id"], "name": row["name"], "created_at": row["created_at"],
            "updated_at": row["updated_at"], "hash": row["hash"],
            "row_counts": loads(row["row_counts"]), "warnings": loads(row["warnings"]),
            "auto_retrain": bool(row["auto_retrain"]),
        }

    # -------------------------------------------------------------- models
    def register_model(self, model_id: str, *, dataset_id: str, name: str, family: str,
                       metrics: dict, info: dict) -> dict:
        with self._connect() as db:
            db.execute(
                "INSERT INTO models (id, dataset_id, created_at, name, family, metrics, info)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (model_id, dataset_id, now_iso(), name, family, dumps(metrics), dumps(info)),
            )
        return self.get_model(model_id)

    def _model_from_row(self, row: sqlite3.Row) -> dict:
        return {
            "id": row["id"], "dataset": row["dataset_id"], "created_at": row["created_at"],
            "name": row["name"], "family": row["family"], "metrics": loads(row["metrics"]),
            "champion": bool(row["champion"]), **loads(row["info"]),
        }

    def get_model(self, model_id: str) -> dict | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM models WHERE id=?", (model_id,)).fetchone()
        return None if row is None else self._model_from_row(row)

    def list_models(self, dataset_id: str | None = None) -> list[dict]:
        query, args = "SELECT * FROM models", ()
        if dataset_id:
            query, args = query + " WHERE dataset_id=?", (dataset_id,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY created_at", args).fetchall()
        return [self._model_from_row(r) for r in rows]

    def champion(self, dataset_id: str) -> dict | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM models WHERE dataset_id=? AND champion=1",
                             (dataset_id,)).fetchone()
        return None if row is None else self._model_from_row(row)

    def promote(self, model_id: str) -> dict | None:
        """Make a model the champion of its dataset, in one transaction."""
        with self._connect() as db:
            row = db.execute("SELECT dataset_id FROM models WHERE id=?", (model_id,)).fetchone()
            if row is None:
                return None
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE models SET champion=0 WHERE dataset_id=?", (row["dataset_id"],))
            db.execute("UPDATE models SET champion=1 WHERE id=?", (model_id,))
            db.execute("COMMIT")
        return self.get_model(model_id)


def make_store(config: dict):
    """The store for this runner: SQLite + files (embedded), or Redis + shared files (celery)."""
    if config.get("RUNNER") == "celery":
        if not config.get("REDIS_URL"):
            raise ValueError("the celery runner needs --redis redis://HOST:PORT/0 (FOLIO_REDIS_URL)")
        from .jobstore_redis import RedisStore

        return RedisStore(config["DATA_DIR"], config["REDIS_URL"], lease_s=config["LEASE_S"],
                          max_attempts=config["MAX_ATTEMPTS"])
    return Store(config["DATA_DIR"])
