"""A bounded load generator for a running Folio server (loopback only).

Starts ``plans`` plan jobs, attaches ``subscribers`` websocket clients spread over them and runs
``pollers`` clients polling ``GET /api/jobs/{id}`` twice a second, for ``duration_s`` seconds.
Reports failed requests, poll latency percentiles, progress delivery latency (server ``sent_at`` to
client receipt) and the server's memory over time. Every loop is bounded in count and time.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import requests
import websocket


@dataclass
class LoadReport:
    requests: int = 0
    failures: list = field(default_factory=list)
    poll_ms: list = field(default_factory=list)
    delivery_ms: list = field(default_factory=list)
    progress_messages: int = 0
    finished_seen: int = 0
    memory_mb: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def percentile(self, values: list, q: float) -> float | None:
        return float(np.percentile(values, q)) if values else None

    def summary(self) -> dict:
        return {
            "requests": self.requests, "failed": len(self.failures),
            "poll_p50_ms": self.percentile(self.poll_ms, 50),
            "poll_p99_ms": self.percentile(self.poll_ms, 99),
            "delivery_p50_ms": self.percentile(self.delivery_ms, 50),
            "delivery_p99_ms": self.percentile(self.delivery_ms, 99),
            "progress_messages": self.progress_messages, "finished_seen": self.finished_seen,
            "memory_mb_first": self.memory_mb[0] if self.memory_mb else None,
            "memory_mb_max": max(self.memory_mb) if self.memory_mb else None,
            "memory_mb_last": self.memory_mb[-1] if self.memory_mb else None,
        }


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
        todo.extend(children.get(current, []))
    return total


def web_rss_mb(pid: int) -> float:
    """Resident memory of the web side of a server: the process tree without the job runner's
    pool processes (``multiprocessing`` children), which hold the engine's per-job state."""
    total = process_tree_rss_mb(pid)
    for stat in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            cmdline = stat.read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"multiprocessing" in cmdline and _descends_from(int(stat.parent.name), pid):
            total -= process_tree_rss_mb(int(stat.parent.name))
    return total


def _descends_from(child: int, ancestor: int) -> bool:
    current = child
    for _ in range(64):
        if current == ancestor:
            return True
        try:
            current = int(Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            return False
        if current <= 1:
            return False
    return False


def _poller(base: str, job_ids: list[str], stop: threading.Event, report: LoadReport, index: int):
    session = requests.Session()
    i = index
    while not stop.is_set():
        job_id = job_ids[i % len(job_ids)]
        i += 1
        start = time.perf_counter()
        try:
            response = session.get(f"{base}/api/jobs/{job_id}", timeout=10)
            ok = response.status_code == 200
        except requests.RequestException as exc:
            ok, response = False, exc
        elapsed = (time.perf_counter() - start) * 1000
        with report.lock:
            report.requests += 1
            report.poll_ms.append(elapsed)
            if not ok:
                report.failures.append(str(getattr(response, "status_code", response)))
        stop.wait(0.5)


def _subscriber(ws_url: str, job_id: str, stop: threading.Event, report: LoadReport):
    try:
        ws = websocket.create_connection(ws_url, timeout=10)
    except Exception as exc:  # a refused socket is a failure of the run, not of this thread
        with report.lock:
            report.failures.append(f"ws connect: {exc}")
        return
    ws.settimeout(1.0)
    try:
        ws.send(json.dumps({"subscribe": job_id}))
        while not stop.is_set():
            try:
                message = json.loads(ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            now = time.time()
            with report.lock:
                if message.get("type") == "progress" and "sent_at" in message:
                    report.progress_messages += 1
                    report.delivery_ms.append((now - message["sent_at"]) * 1000)
                elif message.get("type") == "finished":
                    report.finished_seen += 1
                    return
    except Exception as exc:
        with report.lock:
            report.failures.append(f"ws: {exc}")
    finally:
        ws.close()


def run_load(base: str, dataset: str, *, server_pid: int | None, duration_s: float = 60,
             plans: int = 8, subscribers: int = 100, pollers: int = 20) -> dict:
    """Run the load against ``base`` (a server already holding ``dataset`` and a model)."""
    report = LoadReport()
    settings = {"population": 16, "generations": 100_000, "time_limit_s": duration_s, "seed": 0,
                "stagnation_generations": 0}
    job_ids = []
    for i in range(plans):
        response = requests.post(f"{base}/api/jobs", json={
            "kind": "plan", "dataset": dataset, "settings": {**settings, "seed": i}}, timeout=30)
        response.raise_for_status()
        job_ids.append(response.json()["id"])
    stop = threading.Event()
    ws_url = base.replace("http", "ws", 1) + "/ws"
    threads = [threading.Thread(target=_subscriber, args=(ws_url, job_ids[i % plans], stop, report),
                                daemon=True) for i in range(subscribers)]
    threads += [threading.Thread(target=_poller, args=(base, job_ids, stop, report, i), daemon=True)
                for i in range(pollers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + duration_s + 60  # plans end at their time limit, then finish
    while time.monotonic() < deadline:
        if server_pid:
            report.memory_mb.append(round(process_tree_rss_mb(server_pid), 1))
        states = [requests.get(f"{base}/api/jobs/{j}", timeout=10).json()["status"] for j in job_ids]
        if all(s in ("succeeded", "failed", "cancelled") for s in states):
            break
        time.sleep(2)
    time.sleep(2)  # let the subscribers read their finished messages
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    summary = report.summary()
    if server_pid:  # every job ended and every socket closed: what the server keeps
        time.sleep(1)
        summary["memory_mb_idle"] = round(process_tree_rss_mb(server_pid), 1)
        summary["web_memory_mb_idle"] = round(web_rss_mb(server_pid), 1)
    summary["job_statuses"] = [requests.get(f"{base}/api/jobs/{j}", timeout=10).json()["status"]
                               for j in job_ids]
    summary["failures_sample"] = report.failures[:5]
    return summary
