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


class RedisRelayHub(ProgressHub):
    """A hub whose events travel through Redis pub/sub, so every web node relays every event.

    ``publish`` sends to the channel (workers on other machines do the same); one listener thread
    per web process receives the channel and delivers to the local subscribers. The web process
    keeps no job state: only which sockets here want which job.
    """

    def __init__(self, redis_url: str, channel: str = "folio:events"):
        super().__init__()
        import redis  # lazily: the embedded default does not need Redis

        self.channel = channel
        self._redis = redis.Redis.from_url(redis_url, health_check_interval=30)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def publish(self, event: dict) -> None:
        publish_event(self._redis, event, self.channel)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._listen, name="folio-relay", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=5)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)

    def _listen(self) -> None:
        import logging

        import orjson

        log = logging.getLogger("folio.hub")
        while not self._stop.is_set():
            pubsub = None
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                self._ready.set()
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=0.5)
                    if message and message.get("type") == "message":
                        ProgressHub.publish(self, orjson.loads(message["data"]))
            except Exception as exc:  # Redis restarted or unreachable: reconnect, never die
                log.warning("progress relay lost Redis (%r); reconnecting", exc)
                self._stop.wait(1.0)
            finally:
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:
                        pass


def publish_event(client, event: dict, channel: str = "folio:events") -> None:
    """Send one job event to every web node (used by workers and web nodes alike)."""
    import orjson

    client.publish(channel, orjson.dumps(event, option=orjson.OPT_SERIALIZE_NUMPY))
