"""One door for a job's life: accept, run, progress, cancel, finish, child finished, recover.

The views (``server/api/``) and both runners (embedded: ``server/runners/embedded.py``; Celery:
``server/runners/celery_runner.py`` on the web side, ``server/celery_app.py`` in the workers) call
a :class:`JobLife`; none of them moves a job from one status to another by itself. A ``JobLife``
is the store plus how this process sends a job to a worker (``submit``) and how it announces an
event (``publish``: the in-process hub, the embedded worker's event queue, or Redis).

What a job *does* is its kind's (``server/kinds/``); the shapes of its record and events are
``server/wire.py``. The store is the truth: every transition is a conditional update there
(``claim_job``, ``finish_job(only_if=...)``), so two processes racing on one job cannot both win,
and only the one that set a final status announces it.
"""

from __future__ import annotations

import errno
import logging
import time
import traceback
from typing import Callable

from engine.errors import FolioError

from . import kinds, wire
from .blobs import now_iso
from .jobs import FINISHED, JobStatus

log = logging.getLogger("folio.lifecycle")

Publish = Callable[[dict], None]
Submit = Callable[[str], None]


class JobContext:
    """Progress and cancellation for one running job, throttled so the store is not hammered."""

    def __init__(self, store, job: dict, publish: Publish, progress_interval_s: float = 0.5):
        self.store = store
        self.job = job
        self.publish = publish
        self.progress_interval_s = progress_interval_s
        self.started = time.monotonic()
        self._last_saved = 0.0
        self._last_cancel_check = 0.0
        self.cancelled = False
        self.last_progress: dict | None = None

    def progress(self, event: dict) -> None:
        event = dict(event)
        event.setdefault("elapsed_s", round(time.monotonic() - self.started, 3))
        self.publish(wire.progress_event(self.job["id"], event))
        parent = self.job["body"].get("parent")
        if parent:  # a child job (a country, a scenario): its parent's subscribers follow it
            body = self.job["body"]
            self.publish(wire.progress_event(parent, event, child=self.job["id"],
                                             **{k: body[k] for k in ("country", "scenario") if k in body}))
        self.last_progress = event
        now = time.monotonic()
        if now - self._last_saved >= self.progress_interval_s or event.get("generation") == 0:
            self._last_saved = now
            self.store.set_progress(self.job["id"], event)

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self.cancelled and now - self._last_cancel_check >= 0.1:
            self._last_cancel_check = now
            self.cancelled = self.store.cancel_requested(self.job["id"])
        return self.cancelled


def _no_submit(job_id: str) -> None:
    raise RuntimeError(f"job {job_id}: this process does not send jobs to workers")


class JobLife:
    """Every transition of a job, for one store, one way to submit and one way to publish."""

    def __init__(self, store, submit: Submit | None = None, publish: Publish | None = None):
        self.store = store
        self._submit = submit or _no_submit
        self.publish = publish or (lambda event: None)

    def submit(self, job_id: str) -> None:
        self._submit(job_id)

    def _coordinator_of(self, job: dict | None):
        """The kind's coordinator when ``job`` is a parent (advanced, never run by a worker)."""
        kind = kinds.KINDS.get(job["kind"]) if job else None
        return kind.coordinator if kind is not None and kind.is_parent(job) else None

    # ----------------------------------------------------------- web side
    def accept(self, body: dict, idempotency_key: str | None = None, max_queued: int = 500) -> dict:
        """Record a checked body (``kinds.check_request``) as queued and start it; a known
        idempotency key returns its job. 503 ``queue_full`` past ``max_queued`` waiting jobs."""
        adds = kinds.get(body["kind"]).queued_jobs(body)
        if len(self.store.jobs_with_status("queued")) + adds > max_queued:
            raise FolioError(code="queue_full", status=503,
                             detail=f"{max_queued} jobs are already waiting; retry in a little while")
        job, created = self.store.create_job(body["kind"], body, idempotency_key)
        if created and self._coordinator_of(job):
            self.advance(job["id"])
            job = self.store.get_job(job["id"])
        elif created:
            self.submit(job["id"])
        return job

    def cancel(self, job: dict) -> dict:
        """Cancel: a queued job at once, a running one within a step (a plan keeps its best plan
        so far), a parent's children too. 409 ``conflict`` for a job already finished otherwise."""
        job_id = job["id"]
        if job["status"] in FINISHED and job["status"] != "cancelled":
            raise FolioError(code="conflict", status=409,
                             detail=f"job {job_id} has already finished as {job['status']}")
        self.store.request_cancel(job_id)
        coordinator = self._coordinator_of(job)
        if coordinator:
            coordinator.cancel(self, job)
        else:
            self.finish(job_id, "cancelled", only_if=("queued",))
        return self.store.get_job(job_id)

    # -------------------------------------------------------- worker side
    def run(self, job_id: str, progress_interval_s: float = 0.5) -> str | None:
        """Run one queued job to its end; returns its final status (None if it was not ours to
        run: not queued any more, or a parent, which is advanced instead)."""
        if self._coordinator_of(self.store.get_job(job_id)):
            return None
        job = self.store.claim_job(job_id)
        if job is None:
            return None
        ctx = JobContext(self.store, job, self.publish, progress_interval_s)
        status, error, has_result = JobStatus.SUCCEEDED, None, False
        try:
            kind = kinds.KINDS.get(job["kind"])
            if kind is None:  # recorded by a version that had this kind
                raise FolioError(code="invalid_job", status=422,
                                 detail=f"this server has no job kind {job['kind']!r}")
            result = kind.run(ctx, job["body"])
            if result.get("cancelled") or ctx.cancelled:
                status = JobStatus.CANCELLED
            result.setdefault("run", {})["finished_at"] = now_iso()
            self.store.save_result(job_id, result)
            has_result = True
        except FolioError as exc:
            if exc.code == "cancelled":  # e.g. training stopped on request: nothing to keep
                status = JobStatus.CANCELLED
            else:
                status, error = JobStatus.FAILED, wire.problem_of(exc)
        except Exception as exc:  # the job fails with a reason; the traceback stays in the log
            status = JobStatus.FAILED
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                log.error("job %s: no space left to store its result: %s", job_id, exc)
                error = wire.STORAGE_FULL
            else:
                log.error("job %s failed:\n%s", job_id, traceback.format_exc())
                error = wire.internal(exc)
        if ctx.last_progress is not None:  # the record ends on the last event, not a throttled one
            self.store.set_progress(job_id, ctx.last_progress)
        self.store.finish_job(job_id, status.value, error=error, has_result=has_result,
                              only_if=("running",))
        final = self.store.get_job(job_id)
        self.publish(wire.finished_event(job_id, final["status"], final["error"]))
        return final["status"]

    # -------------------------------------------------------- any process
    def finish(self, job_id: str, status: str, *, error: dict | None = None,
               has_result: bool = False, only_if: tuple[str, ...] = ("queued", "running")) -> bool:
        """Give a job its final status unless it has one; announce it when this call set it."""
        if self.store.finish_job(job_id, status, error=error, has_result=has_result, only_if=only_if):
            self.publish(wire.finished_event(job_id, status, error))
            return True
        return False

    def lost(self, job_id: str, detail: str) -> bool:
        """Fail a job whose worker died more often than it is retried (``worker_lost``)."""
        return self.finish(job_id, "failed", error=wire.worker_lost(detail))

    def advance(self, job_id: str) -> str | None:
        """Take a parent job a step further (its kind's coordinator); None for any other job."""
        coordinator = self._coordinator_of(self.store.get_job(job_id))
        return coordinator.advance(self, job_id) if coordinator else None

    def child_finished(self, job_id: str) -> None:
        """After a job ended: its parent, if it has one, may now gather."""
        job = self.store.get_job(job_id)
        parent = (job.get("body") or {}).get("parent") if job else None
        if parent:
            self.advance(parent)

    # ------------------------------------------------------------ recovery
    def recover(self, advance: Callable[[str], object] | None = None) -> None:
        """At start (embedded runner): queue again what an earlier process left running, submit
        everything queued, and take every parent a step further (``advance``: how, default now)."""
        advance = advance or self.advance
        for job in self.store.jobs_with_status("running"):
            if self._coordinator_of(job):
                continue
            log.warning("job %s was running when the last process stopped: running it again", job["id"])
            self.store.requeue_job(job["id"])
        parents = []
        for job in self.store.jobs_with_status("queued"):
            if self._coordinator_of(job):
                parents.append(job["id"])
            else:
                self.submit(job["id"])
        parents += [j["id"] for j in self.store.jobs_with_status("running") if self._coordinator_of(j)]
        for parent in parents:
            advance(parent)

    def worker_died(self, job_id: str, max_attempts: int) -> None:
        """The worker process running ``job_id`` died (embedded pool): run it again while it has
        attempts left, else fail it with ``worker_lost``."""
        job = self.store.get_job(job_id)
        if job and job["status"] == "running":
            if job["attempts"] < max_attempts:
                log.warning("worker died running job %s: running it again", job_id)
                self.store.requeue_job(job_id)
            else:
                self.lost(job_id, "the worker process running this job died "
                                  f"{job['attempts']} times; the job was not retried again")
                return
        if job and job["status"] == "queued":
            self.submit(job_id)

    def reap(self, resend_queued_s: float) -> list[tuple[str, str]]:
        """One recovery pass of the scale-out store (if no other node is doing one): jobs whose
        worker machine stopped renewing its lease are queued again and sent, or failed with
        ``worker_lost``; jobs queued too long without a worker claiming them are sent again; every
        parent is taken a step further (children created, or gathered)."""
        store = self.store
        if not store.try_lock("reaper", ttl_s=max(0.5, store.lease_s / 3)):
            return []
        outcomes = store.reap()
        for job_id, outcome in outcomes:
            if outcome == "requeued":
                log.warning("job %s lost its worker: queued again", job_id)
                self.submit(job_id)
            else:
                job = store.get_job(job_id)
                log.error("job %s lost its worker too often: failed", job_id)
                self.publish(wire.finished_event(job_id, "failed", job["error"] if job else None))
        parents = [j["id"] for j in store.jobs_with_status("queued", "running") if self._coordinator_of(j)]
        for job_id in store.stale_queued(resend_queued_s):
            if job_id not in parents:
                log.warning("job %s waited in the queue too long: sent again", job_id)
                self.submit(job_id)
        for parent in parents:
            self.advance(parent)
        return outcomes
