"""The Celery app of the scale-out runner: one task that runs one job, and the reaper.

Imported only when ``RUNNER`` is ``celery`` (web nodes) or by ``python -m server worker``.

Never losing a job takes four parts:
- the broker message is acknowledged late (after the job ran), and rejected back to the queue when
  the pool process running it dies (``task_acks_late``, ``task_reject_on_worker_lost``);
- the Redis visibility timeout exceeds the longest job, so a slow job is not delivered twice;
- the job record is claimed atomically, so a second delivery of the same job does nothing
  (no duplicate run, no duplicate result);
- a running job holds a lease its worker renews; when a whole worker machine dies the lease runs
  out and the reaper (a thread on every web node and every worker, one pass at a time cluster-wide)
  queues the job again and sends it to another worker, or fails it with ``worker_lost`` once it has
  been tried ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

import logging
import threading

from celery import Celery
from celery.signals import worker_process_init

from .hub import publish_event
from .lifecycle import JobLife

log = logging.getLogger("folio.celery")

TASK = "folio.run_job"

_config: dict = {}
_store = None


def make_celery(config: dict) -> Celery:
    """A Celery app for ``config`` (``REDIS_URL``, ``VISIBILITY_TIMEOUT_S``, ``CELERY_QUEUE``)."""
    global _config
    _config = dict(config)
    app = Celery("folio", broker=config["REDIS_URL"], set_as_current=True)
    app.conf.update(
        task_default_queue=config["CELERY_QUEUE"],
        task_serializer="json", accept_content=["json"],
        task_ignore_result=True,  # records and results live in the job store, not the backend
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds no job it is not running
        broker_transport_options={"visibility_timeout": int(config["VISIBILITY_TIMEOUT_S"])},
        broker_connection_retry_on_startup=True,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    app.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True)(run_job)
    return app


def worker_store():
    """This process's store (created after fork: connection pools are per process)."""
    global _store
    if _store is None:
        from .store import make_store

        _store = make_store({**_config, "RUNNER": "celery"})
    return _store


@worker_process_init.connect
def _init_pool_process(**_) -> None:
    global _store
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # one BLAS/OpenMP thread per pool process: the pool is the parallelism
    _store = None


class Heartbeat:
    """Renews the lease of the job this process runs, every third of the lease."""

    def __init__(self, store, job_id: str):
        self.store, self.job_id = store, job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{job_id}", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        interval = max(0.2, self.store.lease_s / 3)
        while not self._stop.wait(0.05 if self.job_id not in self.store._claims else interval):
            try:
                self.store.heartbeat(self.job_id)
            except Exception as exc:  # a Redis hiccup: the next beat retries
                log.warning("heartbeat of %s failed: %r", self.job_id, exc)


def worker_life(app: Celery, store) -> JobLife:
    """The job lifecycle in a Celery process: events through Redis, jobs sent through the broker."""
    return JobLife(store, submit=sender(app, store), publish=lambda event: publish_event(store.r, event))


def run_job(task, job_id: str) -> str | None:
    """The task: run one job recorded in the store (a no-op if it is not queued any more)."""
    store = worker_store()
    life = worker_life(task.app, store)
    with Heartbeat(store, job_id):
        status = life.run(job_id, _config.get("PROGRESS_DB_INTERVAL_S", 0.5))
    if status:  # a country of a multi-country plan: gather if it was the last one
        life.child_finished(job_id)
    return status


# ------------------------------------------------------------------ reaper
class Reaper:
    """A daemon thread calling :meth:`JobLife.reap` every third of the lease."""

    def __init__(self, life: JobLife):
        self.life, self.store = life, life.store
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="folio-reaper", daemon=True)

    def start(self) -> "Reaper":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)

    def _run(self) -> None:
        while not self._stop.wait(max(0.3, self.store.lease_s / 3)):
            try:
                self.life.reap(_config.get("RESEND_QUEUED_S", 6 * 3600))
            except Exception as exc:  # Redis away for a moment: try again next pass
                log.warning("reaper pass failed: %r", exc)


def sender(app: Celery, store):
    """Send a job to the workers (and note when, for the stale-queue check)."""
    def send(job_id: str) -> None:
        store.mark_submitted(job_id)
        app.send_task(TASK, args=[job_id])
    return send
