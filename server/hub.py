"""In-process publish/subscribe for job events: the one path progress takes to websockets.

Each subscriber (a websocket connection) owns a bounded queue; publishing never blocks on a slow
client: when its queue is full the oldest progress event is dropped (the next one supersedes it;
``finished`` events are never dropped).
"""

from __future__ import annotations

import queue
import threading
from collections import defaultdict


class Subscriber:
    """One consumer of events for any number of jobs."""

    def __init__(self, maxsize: int = 1000):
        self.queue: queue.Queue = queue.Queue(maxsize=maxsize)

    def deliver(self, event: dict) -> None:
        while True:
            try:
                self.queue.put_nowait(event)
                return
            except queue.Full:
                try:
                    self.queue.get_nowait()  # drop the oldest; progress is superseded anyway
                except queue.Empty:
                    pass

    def get(self, timeout: float | None = None) -> dict | None:
        try:
            return self.queue.get(timeout=timeout) if timeout else self.queue.get_nowait()
        except queue.Empty:
            return None


class ProgressHub:
    """Job id -> subscribers, guarded by a lock (never a bare shared list)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscriber]] = defaultdict(set)

    def subscribe(self, job_id: str, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers[job_id].add(subscriber)

    def unsubscribe(self, subscriber: Subscriber, job_id: str | None = None) -> None:
        with self._lock:
            job_ids = [job_id] if job_id else list(self._subscribers)
            for jid in job_ids:
                subs = self._subscribers.get(jid)
                if subs:
                    subs.discard(subscriber)
                    if not subs:
                        del self._subscribers[jid]

    def publish(self, event: dict) -> None:
        job_id = event.get("job")
        with self._lock:
            targets = list(self._subscribers.get(job_id, ()))
        for subscriber in targets:
            subscriber.deliver(event)

    def subscriber_count(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subscribers.values())
