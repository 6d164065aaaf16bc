"""The embedded runner: local worker processes, SQLite and files; no servers to install.

Jobs run in a pool of ``spawn``-ed processes, never in web threads; every transition of a job goes
through :class:`server.lifecycle.JobLife`. Workers put their events on a
multiprocessing queue; one thread in the web process drains it into the hub. The store is the
truth: a job that was running when this process died is queued again at the next start, and a job
whose worker process dies is run again once, then failed with a reason.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from ..hub import ProgressHub
from ..lifecycle import JobLife
from ..store import Store

log = logging.getLogger("folio.runner")

MAX_ATTEMPTS = 2
_worker_life: JobLife | None = None
_worker_interval = 0.5


def _init_worker(data_dir: str, events, progress_interval_s: float) -> None:
    """Runs once in each worker process: its own store, events onto the queue to the web process."""
    global _worker_life, _worker_interval
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # one BLAS/OpenMP thread per worker: the pool is the parallelism
    _worker_life = JobLife(Store(data_dir), publish=events.put)
    _worker_interval = progress_interval_s


def _run_in_worker(job_id: str) -> str | None:
    return _worker_life.run(job_id, _worker_interval)


class EmbeddedRunner:
    name = "embedded"

    def __init__(self, store: Store, workers: int = 2, progress_interval_s: float = 0.5):
        self.store = store
        self.workers = max(1, int(workers))
        self.progress_interval_s = progress_interval_s
        self.hub = ProgressHub()
        self.life = JobLife(store, submit=self.submit, publish=self.hub.publish)
        self._ctx = multiprocessing.get_context("spawn")
        self._events = None
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._drain: threading.Thread | None = None
        self._coordinator: ThreadPoolExecutor | None = None

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self._events = self._ctx.Queue()
        self._pool = self._new_pool()
        self._coordinator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="folio-fanout")
        self._drain = threading.Thread(target=self._drain_events, name="folio-events", daemon=True)
        self._drain.start()
        self.recover()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._ctx, initializer=_init_worker,
            initargs=(str(self.store.root), self._events, self.progress_interval_s),
        )

    def recover(self) -> None:
        """Pick up what an earlier process left (``JobLife.recover``); parents are advanced on
        the coordinator thread."""
        self.life.recover(advance=self._advance)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            processes = list((pool._processes or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in processes:  # running jobs stay 'running' and are picked up at next start
                if proc.is_alive():
                    proc.terminate()
        with self._lock:
            coordinator, self._coordinator = self._coordinator, None
        if coordinator is not None:
            coordinator.shutdown(wait=True, cancel_futures=True)
        if self._events is not None:
            self._events.put(None)
        if self._drain is not None:
            self._drain.join(timeout=5)

    # --------------------------------------------------------------- work
    def submit(self, job_id: str) -> None:
        with self._lock:
            if self._pool is None or self._stopping.is_set():
                return  # stays queued in the store; the next start runs it
            future = self._pool.submit(_run_in_worker, job_id)
        future.add_done_callback(partial(self._finished, job_id))

    def _coordinate(self, step, job_id: str) -> None:
        """Run ``step(job_id)`` (a parent's advance) on the coordinator thread, off the pool's
        callback thread: a gather reads every child's result."""
        def run() -> None:
            try:
                step(job_id)
            except Exception:
                log.exception("coordinating after job %s failed (a parent may wait for the next recovery)", job_id)

        with self._lock:
            coordinator = self._coordinator
        if coordinator is not None and not self._stopping.is_set():
            coordinator.submit(run)

    def _advance(self, parent_id: str) -> None:
        self._coordinate(self.life.advance, parent_id)

    def _finished(self, job_id: str, future) -> None:
        if future.cancelled() or self._stopping.is_set():
            return
        try:
            self._settle(job_id, future)
        finally:
            self._coordinate(self.life.child_finished, job_id)

    def _settle(self, job_id: str, future) -> None:
        exc = future.exception()
        if exc is None:
            return
        if isinstance(exc, BrokenProcessPool):
            self._replace_broken_pool()
            self.life.worker_died(job_id, MAX_ATTEMPTS)
            return
        log.error("job %s could not run: %r", job_id, exc)
        self.life.lost(job_id, f"the job could not run ({type(exc).__name__})")

    def _replace_broken_pool(self) -> None:
        with self._lock:
            if self._pool is not None and getattr(self._pool, "_broken", False):
                old, self._pool = self._pool, self._new_pool()
                old.shutdown(wait=False, cancel_futures=True)

    def _drain_events(self) -> None:
        while not self._stopping.is_set():
            try:
                event = self._events.get(timeout=0.5)
            except Exception:  # queue.Empty, or the queue closed at shutdown
                continue
            if event is None:
                break
            self.hub.publish(event)

    def worker_pids(self) -> list[int]:
        """Process ids of live workers (tests kill one to check a job is never lost)."""
        with self._lock:
            pool = self._pool
        return [p.pid for p in (getattr(pool, "_processes", None) or {}).values() if p.is_alive()] \
            if pool else []
