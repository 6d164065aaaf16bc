"""A short, bounded load run in the suite (the long one is bench/bench_load.py): 8 running plans,
100 websocket subscribers and 20 pollers on loopback, twice; no failed request, every subscriber
gets its job's end, and memory after the second load is back near its level after the first.

Why two rounds: the first warms everything up (worker processes import the engine, the web
process grows its threads); whatever a job or a socket leaves behind shows as growth from one
round's end to the next."""

from __future__ import annotations

import requests

from bench.loadgen import run_load
from tests.support.live import LiveServer, wait_job

DURATION_S = 10


def test_plans_subscribers_and_pollers_together(tmp_path, demo_raw):
    server = LiveServer(tmp_path / "data", env={"FOLIO_WORKERS": "8"},
                        args=["--threads", "200"]).start(timeout=120)
    try:
        dataset = requests.post(f"{server.url}/api/datasets", json={"tables": demo_raw}).json()["id"]
        # the champion the plans use (the pooled family alone: it also values the plans, so no
        # plan fits a second model); what is under load here is planning, not training
        trained = requests.post(f"{server.url}/api/jobs", json={"kind": "train", "dataset": dataset,
                                                                  "candidates": ["pooled"]})
        assert wait_job(server.url, trained.json()["id"])["status"] == "succeeded"
        rounds = [run_load(server.url, dataset, server_pid=server.proc.pid, duration_s=DURATION_S)
                  for _ in range(2)]
    finally:
        server.stop()
    for summary in rounds:
        print(summary)
        assert summary["failed"] == 0, summary["failures_sample"]
        assert summary["job_statuses"] == ["succeeded"] * 8
        assert summary["finished_seen"] == 100  # every subscriber saw its job end
        assert summary["progress_messages"] > 100
    warm, again = rounds
    # a leak guard, not a speed target: the second round's 8 plans, 100 sockets and ~400 polls
    # leave the server within 10 % (+ a little slack for allocator noise) of where the first left it
    assert again["memory_mb_idle"] <= 1.10 * warm["memory_mb_idle"] + 50, (warm, again)
    assert again["web_memory_mb_idle"] <= 1.10 * warm["web_memory_mb_idle"] + 20, (warm, again)
