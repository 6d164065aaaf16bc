"""The store of the Celery runner: records in Redis, blobs (tables, models, results) in a shared folder.

Same methods and return shapes as :class:`server.store.Store`, so the API layer and
the job lifecycle (:mod:`server.lifecycle`) do not know which one they use. Why not SQLite on the shared folder:
SQLite's locking is not safe over NFS/SMB, and web nodes on several machines would share that
file. Redis is already there (the broker), every transition is one atomic Lua script, and the
files (written through a temporary name and a rename) only ever hold write-once blobs.

Running jobs carry a lease (``lease_until``, renewed by the worker's heartbeat). A job whose lease
ran out has lost its worker: :meth:`RedisStore.reap` queues it again (or fails it with a reason once
it has been tried ``max_attempts`` times). Each claim increments ``attempts``, and a process only
finishes the attempt it claimed, so a worker that comes back from the dead cannot overwrite a rerun.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import orjson

from .blobs import BlobFiles, dumps, new_id, now_iso
from .wire import worker_lost

PREFIX = "folio"
STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")

# KEYS[1] job hash, KEYS[2] queued set, KEYS[3] running set; ARGV: id, now iso, lease_until, worker
_CLAIM = """
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then return 0 end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[2], 'lease_until', ARGV[3],
           'worker', ARGV[4])
redis.call('SMOVE', KEYS[2], KEYS[3], ARGV[1])
return attempts
"""

# KEYS[1] job hash, KEYS[2] status-set prefix; ARGV: id, status, error, has_result, now,
# expected attempts ('' = any), allowed statuses...
_FINISH = """
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return 0 end
local allowed = false
for i = 7, #ARGV do if ARGV[i] == current then allowed = true end end
if not allowed then return 0 end
if ARGV[6] ~= '' and redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[6] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'error', ARGV[3], 'has_result', ARGV[4],
           'finished_at', ARGV[5], 'lease_until', '')
redis.call('SREM', KEYS[2] .. current, ARGV[1])
redis.call('SADD', KEYS[2] .. ARGV[2], ARGV[1])
return 1
"""

# KEYS[1] job hash, KEYS[2] running set, KEYS[3] queued set; ARGV: id, expected lease ('' = any)
_REQUEUE = """
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'lease_until') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'started_at', '', 'lease_until', '', 'worker', '')
redis.call('SMOVE', KEYS[2], KEYS[3], ARGV[1])
return 1
"""

# KEYS[1] job hash, KEYS[2] queued set, KEYS[3] running set; ARGV: id, now iso
_START_PARENT = """
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[2], 'lease_until', '')
redis.call('SMOVE', KEYS[2], KEYS[3], ARGV[1])
return 1
"""

# KEYS[1] job hash; ARGV: lease_until, expected attempts
_HEARTBEAT = """
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'lease_until', ARGV[1])
return 1
"""


def _j(value) -> str:
    return "" if value is None else dumps(value).decode()


def _l(value):
    return None if value in (None, "") else orjson.loads(value)


def _s(value):
    return None if value in (None, "") else value


class RedisStore(BlobFiles):
    """Jobs, datasets and the model registry: records in Redis, files under ``data_dir``."""

    kind = "redis"

    def __init__(self, data_dir: str | Path, redis_url: str, *, lease_s: float = 30.0,
                 max_attempts: int = 2, prefix: str = PREFIX):
        import redis  # lazily: the embedded default does not need Redis

        self.root = Path(data_dir).resolve()  # absolute: Flask's send_file reads relative paths from the package
        for sub in ("datasets", "results", "models"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.redis_url = redis_url
        self.r = redis.Redis.from_url(redis_url, decode_responses=True,
                                      health_check_interval=30, socket_keepalive=True)
        self.lease_s = float(lease_s)
        self.max_attempts = int(max_attempts)
        self.p = prefix
        self.worker_name = f"{socket.gethostname()}:{os.getpid()}"
        self._claims: dict[str, int] = {}  # job id -> attempt this process claimed (fencing)
        self._claim = self.r.register_script(_CLAIM)
        self._finish = self.r.register_script(_FINISH)
        self._requeue = self.r.register_script(_REQUEUE)
        self._heartbeat = self.r.register_script(_HEARTBEAT)
        self._start_parent = self.r.register_script(_START_PARENT)

    # ---------------------------------------------------------------- keys
    def _job_key(self, job_id: str) -> str:
        return f"{self.p}:job:{job_id}"

    def _status_key(self, status: str) -> str:
        return f"{self.p}:jobs:{status}"

    def ping(self) -> bool:
        return bool(self.r.ping())

    # ---------------------------------------------------------------- jobs
    def create_job(self, kind: str, body: dict, idempotency_key: str | None = None) -> tuple[dict, bool]:
        job_id = new_id("job")
        if idempotency_key is not None:
            key = f"{self.p}:idem:{idempotency_key}"
            if not self.r.set(key, job_id, nx=True):
                existing = self.r.get(key)
                for _ in range(50):  # the other request is writing its record right now
                    job = self.get_job(existing)
                    if job is not None:
                        return job, False
                    time.sleep(0.02)
                return self.get_job(existing), False
        record = {"id": job_id, "kind": kind, "status": "queued", "body": _j(body), "progress": "",
                  "error": "", "has_result": "0", "created_at": now_iso(), "started_at": "",
                  "finished_at": "", "cancel_requested": "0", "attempts": "0", "lease_until": "",
                  "worker": "", "submitted_at": str(time.time())}
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self._job_key(job_id), mapping=record)
        pipe.sadd(self._status_key("queued"), job_id)
        pipe.zadd(f"{self.p}:jobs", {job_id: time.time()})
        pipe.execute()
        return self.get_job(job_id), True

    def get_job(self, job_id: str) -> dict | None:
        raw = self.r.hgetall(self._job_key(job_id))
        return self._job_from_hash(raw) if raw else None

    @staticmethod
    def _job_from_hash(raw: dict) -> dict:
        return {
            "id": raw["id"], "kind": raw["kind"], "status": raw["status"],
            "body": _l(raw.get("body")), "progress": _l(raw.get("progress")),
            "error": _l(raw.get("error")), "has_result": raw.get("has_result") == "1",
            "created_at": raw["created_at"], "started_at": _s(raw.get("started_at")),
            "finished_at": _s(raw.get("finished_at")),
            "cancel_requested": raw.get("cancel_requested") == "1",
            "attempts": int(raw.get("attempts") or 0),
            "lease_until": float(raw["lease_until"]) if raw.get("lease_until") else None,
            "worker": _s(raw.get("worker")),
        }

    def jobs_with_status(self, *statuses: str) -> list[dict]:
        ids: set[str] = set()
        for status in statuses:
            ids |= self.r.smembers(self._status_key(status))
        if not ids:
            return []
        pipe = self.r.pipeline(transaction=False)
        for job_id in ids:
            pipe.hgetall(self._job_key(job_id))
        jobs = [self._job_from_hash(raw) for raw in pipe.execute() if raw]
        jobs = [j for j in jobs if j["status"] in statuses]
        return sorted(jobs, key=lambda j: j["created_at"])

    def claim_job(self, job_id: str) -> dict | None:
        attempt = self._claim(keys=[self._job_key(job_id), self._status_key("queued"),
                                    self._status_key("running")],
                              args=[job_id, now_iso(), str(time.time() + self.lease_s),
                                    self.worker_name])
        if not attempt:
            return None
        self._claims[job_id] = int(attempt)
        return self.get_job(job_id)

    def start_parent(self, job_id: str) -> bool:
        """A fan-out job becomes running with no lease: the reaper leaves it alone (its children
        hold leases); it finishes when its children have."""
        return bool(self._start_parent(keys=[self._job_key(job_id), self._status_key("queued"),
                                             self._status_key("running")], args=[job_id, now_iso()]))

    def job_id_for_key(self, idempotency_key: str) -> str | None:
        return self.r.get(f"{self.p}:idem:{idempotency_key}")

    def heartbeat(self, job_id: str) -> bool:
        """Renew the lease of a job this process runs; False when it is no longer ours."""
        attempt = self._claims.get(job_id)
        if attempt is None:  # not claimed by this process (yet): never renew someone else's lease
            return False
        return bool(self._heartbeat(keys=[self._job_key(job_id)],
                                    args=[str(time.time() + self.lease_s), str(attempt)]))

    def requeue_job(self, job_id: str, expected_lease: str = "") -> bool:
        return bool(self._requeue(keys=[self._job_key(job_id), self._status_key("running"),
                                        self._status_key("queued")], args=[job_id, expected_lease]))

    def mark_submitted(self, job_id: str) -> None:
        self.r.hset(self._job_key(job_id), "submitted_at", str(time.time()))

    def set_progress(self, job_id: str, progress: dict) -> None:
        self.r.hset(self._job_key(job_id), "progress", _j(progress))

    def finish_job(self, job_id: str, status: str, *, error: dict | None = None,
                   has_result: bool = False, only_if: tuple[str, ...] = ("queued", "running")) -> bool:
        attempt = self._claims.pop(job_id, None) if "running" in only_if else None
        return bool(self._finish(
            keys=[self._job_key(job_id), f"{self.p}:jobs:"],
            args=[job_id, status, _j(error), "1" if has_result else "0", now_iso(),
                  "" if attempt is None else str(attempt), *only_if]))

    def request_cancel(self, job_id: str) -> None:
        if self.r.exists(self._job_key(job_id)):
            self.r.hset(self._job_key(job_id), "cancel_requested", "1")

    def cancel_requested(self, job_id: str) -> bool:
        return self.r.hget(self._job_key(job_id), "cancel_requested") == "1"

    def reap(self, now: float | None = None) -> list[tuple[str, str]]:
        """Running jobs whose lease ran out: queue them again, or fail them with ``worker_lost``
        once they have been tried ``max_attempts`` times.

        Returns ``[(job id, "requeued" | "failed")]``; the caller sends requeued jobs to a worker.
        """
        now = time.time() if now is None else now
        outcomes = []
        for job_id in self.r.smembers(self._status_key("running")):
            raw = self.r.hmget(self._job_key(job_id), "lease_until", "attempts", "worker")
            lease, attempts, worker = raw
            if not lease or float(lease) > now:
                continue
            attempts = int(attempts or 0)
            if attempts < self.max_attempts:
                if self.requeue_job(job_id, expected_lease=lease):
                    outcomes.append((job_id, "requeued"))
            else:
                error = worker_lost(f"the worker running this job ({worker or 'unknown'}) stopped "
                             f"answering {attempts} times; the job was not retried again")
                if self._finish(keys=[self._job_key(job_id), f"{self.p}:jobs:"],
                                args=[job_id, "failed", _j(error), "0", now_iso(), str(attempts),
                                      "running"]):
                    outcomes.append((job_id, "failed"))
        return outcomes

    def stale_queued(self, older_than_s: float) -> list[str]:
        """Queued jobs last sent to the broker more than ``older_than_s`` ago (maybe never sent)."""
        cutoff = time.time() - older_than_s
        stale = []
        for job_id in self.r.smembers(self._status_key("queued")):
            sent = self.r.hget(self._job_key(job_id), "submitted_at")
            if sent is None or float(sent or 0) < cutoff:
                stale.append(job_id)
        return stale

    def try_lock(self, name: str, ttl_s: float) -> bool:
        """A best-effort lock shared by every node (one reaper pass at a time)."""
        return bool(self.r.set(f"{self.p}:lock:{name}", self.worker_name, nx=True,
                               px=max(1, int(ttl_s * 1000))))

    # ------------------------------------------------------------ datasets
    def save_dataset(self, name: str, tables: dict, *, data_hash: str, row_counts: dict,
                     warnings: list, auto_retrain: bool, dataset_id: str | None = None) -> dict:
        dataset_id = dataset_id or new_id("ds")
        self.write_tables(dataset_id, tables)
        key = f"{self.p}:ds:{dataset_id}"
        stamp = now_iso()
        fields = {"id": dataset_id, "updated_at": stamp, "hash": data_hash,
                  "row_counts": _j(row_counts), "warnings": _j(warnings)}
        pipe = self.r.pipeline(transaction=True)
        pipe.hsetnx(key, "name", name)
        pipe.hsetnx(key, "created_at", stamp)
        pipe.hsetnx(key, "auto_retrain", "1" if auto_retrain else "0")
        pipe.hset(key, mapping=fields)
        pipe.execute()
        return self.get_dataset(dataset_id)

    def get_dataset(self, dataset_id: str) -> dict | None:
        raw = self.r.hgetall(f"{self.p}:ds:{dataset_id}")
        if not raw:
            return None
        return {"id": raw["id"], "name": raw["name"], "created_at": raw["created_at"],
                "updated_at": raw["updated_at"], "hash": raw["hash"],
                "row_counts": _l(raw["row_counts"]), "warnings": _l(raw["warnings"]),
                "auto_retrain": raw.get("auto_retrain") == "1"}

    # -------------------------------------------------------------- models
    def register_model(self, model_id: str, *, dataset_id: str, name: str, family: str,
                       metrics: dict, info: dict) -> dict:
        record = {"id": model_id, "dataset_id": dataset_id, "created_at": now_iso(), "name": name,
                  "family": family, "metrics": _j(metrics), "info": _j(info)}
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(f"{self.p}:model:{model_id}", mapping=record)
        pipe.zadd(f"{self.p}:models", {model_id: time.time()})
        pipe.zadd(f"{self.p}:models:{dataset_id}", {model_id: time.time()})
        pipe.execute()
        return self.get_model(model_id)

    def _model(self, raw: dict, champion_id: str | None) -> dict:
        return {"id": raw["id"], "dataset": raw["dataset_id"], "created_at": raw["created_at"],
                "name": raw["name"], "family": raw["family"], "metrics": _l(raw["metrics"]),
                "champion": raw["id"] == champion_id, **(_l(raw["info"]) or {})}

    def _champion_id(self, dataset_id: str) -> str | None:
        return self.r.get(f"{self.p}:champion:{dataset_id}")

    def get_model(self, model_id: str) -> dict | None:
        raw = self.r.hgetall(f"{self.p}:model:{model_id}")
        return self._model(raw, self._champion_id(raw["dataset_id"])) if raw else None

    def list_models(self, dataset_id: str | None = None) -> list[dict]:
        index = f"{self.p}:models:{dataset_id}" if dataset_id else f"{self.p}:models"
        ids = self.r.zrange(index, 0, -1)
        pipe = self.r.pipeline(transaction=False)
        for model_id in ids:
            pipe.hgetall(f"{self.p}:model:{model_id}")
        raws = [raw for raw in pipe.execute() if raw]
        champions = {d: self._champion_id(d) for d in {raw["dataset_id"] for raw in raws}}
        return [self._model(raw, champions[raw["dataset_id"]]) for raw in raws]

    def champion(self, dataset_id: str) -> dict | None:
        model_id = self._champion_id(dataset_id)
        return self.get_model(model_id) if model_id else None

    def promote(self, model_id: str) -> dict | None:
        """One key per dataset names its champion: promotion is a single atomic SET."""
        dataset_id = self.r.hget(f"{self.p}:model:{model_id}", "dataset_id")
        if dataset_id is None:
            return None
        self.r.set(f"{self.p}:champion:{dataset_id}", model_id)
        return self.get_model(model_id)
