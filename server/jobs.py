"""Job vocabulary shared by the web process and the workers: statuses and the dataset's tables.

The table names are the engine's (``engine.data.tables.SCHEMAS``): a table a new plan rule reads
is accepted, explored and documented without a change here.

Following rq: a ``JobStatus(str, Enum)``. The kinds are ``server/kinds/``, a job's life is
``server/lifecycle.py``, the shapes a client sees are ``server/wire.py``.
"""

from __future__ import annotations

from enum import Enum

from engine.data.tables import SCHEMAS


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


FINISHED = {s.value for s in JobStatus if s.finished}
TABLES = tuple(SCHEMAS)
