"""A short, bounded load run in the suite (the long one is bench/bench_load.py): 8 running plans,
100 websocket subscribers and 20 pollers on loopback; no failed request, every subscriber gets its
job's end, memory does not run away."""

from __future__ import annotations

import requests

from bench.loadgen import run_load
from tests.support.live import LiveServer, wait_job

DURATION_S = 15


def test_plans_subscribers_and_pollers_together(tmp_path, demo_raw):
    server = LiveServer(tmp_path / "data", env={"FOLIO_WORKERS": "8"},
                        args=["--threads", "200"]).start(timeout=120)
    try:
        dataset = requests.post(f"{server.url}/api/datasets", json={"tables": demo_raw}).json()["id"]
        trained = requests.post(f"{server.url}/api/jobs", json={"kind": "train", "dataset": dataset})
        assert wait_job(server.url, trained.json()["id"])["status"] == "succeeded"
        summary = run_load(server.url, dataset, server_pid=server.proc.pid, duration_s=DURATION_S)
    finally:
        server.stop()
    print(summary)
    assert summary["failed"] == 0, summary["failures_sample"]
    assert summary["job_statuses"] == ["succeeded"] * 8
    assert summary["finished_seen"] == 100  # every subscriber saw its job end
    assert summary["progress_messages"] > 100
    # a leak guard, not a speed target: memory at the end within 1.5x of the peak's first half
    assert summary["memory_mb_last"] <= 1.5 * summary["memory_mb_max"]
