"""Job runners: one interface, chosen by the ``RUNNER`` setting.

A runner accepts job ids that are already recorded as ``queued`` in the store, runs them outside
the web threads, and relays their events to the :class:`~server.hub.ProgressHub`.
"""

from __future__ import annotations

from typing import Protocol

from ..hub import ProgressHub
from ..lifecycle import JobLife


class Runner(Protocol):
    name: str
    hub: ProgressHub
    life: JobLife  # every transition of a job (server.lifecycle), with this runner's submit and hub

    def start(self) -> None:
        """Start workers and pick up every job left queued or running by an earlier process."""

    def submit(self, job_id: str) -> None:
        """Run a job recorded as queued."""

    def stop(self) -> None:
        """Stop accepting work; running jobs are picked up again at the next start."""


def make_runner(config: dict, store) -> Runner:
    if config["RUNNER"] == "embedded":
        from .embedded import EmbeddedRunner

        return EmbeddedRunner(store, workers=config["WORKERS"],
                              progress_interval_s=config["PROGRESS_DB_INTERVAL_S"])
    if config["RUNNER"] == "celery":
        from .celery_runner import (
            CeleryRunner,  # lazily: embedded needs neither Celery nor Redis
        )

        return CeleryRunner(config, store)
    raise ValueError(f"unknown runner {config['RUNNER']!r}: use 'embedded' or 'celery'")
