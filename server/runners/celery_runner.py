"""The Celery runner (web side): send jobs to Celery workers, relay their events from Redis.

Web nodes keep no job state: the records are in Redis (:class:`server.jobstore_redis.RedisStore`),
the events arrive through Redis pub/sub (:class:`server.hub.RedisRelayHub`), and the jobs run in
``python -m server worker`` processes on any machine.
"""

from __future__ import annotations

from ..hub import RedisRelayHub
from ..lifecycle import JobLife


class CeleryRunner:
    name = "celery"

    def __init__(self, config: dict, store):
        from ..celery_app import make_celery, sender

        self.store = store
        self.config = config
        self.celery = make_celery(config)
        self.hub = RedisRelayHub(config["REDIS_URL"])
        self._send = sender(self.celery, store)
        self.life = JobLife(store, submit=self._send, publish=self.hub.publish)
        self._reaper = None

    def start(self) -> None:
        from ..celery_app import Reaper

        self.hub.start()
        self._reaper = Reaper(self.life).start()

    def submit(self, job_id: str) -> None:
        self._send(job_id)

    def stop(self) -> None:
        if self._reaper is not None:
            self._reaper.stop()
        self.hub.stop()

    def worker_count(self, timeout: float = 1.0) -> int:
        """Live Celery workers answering a ping (health and tests)."""
        replies = self.celery.control.ping(timeout=timeout) or []
        return len(replies)
