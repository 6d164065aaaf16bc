"""Load: 8 running plans, 100 websocket subscribers, 20 pollers against a fresh local server.

Run: ``.venv/bin/python bench/bench_load.py [seconds]`` (default 180). Starts ``python -m server``
on a free loopback port with 8 embedded workers, trains once, then runs bench/loadgen.py and
prints failed requests, p50/p99 poll and progress-delivery latency and the server's memory.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.loadgen import run_load  # noqa: E402
from engine.demo import make_demo  # noqa: E402
from engine.data.tables import to_values  # noqa: E402
from tests.support.live import LiveServer, wait_job  # noqa: E402


def main() -> None:
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 180
    server = LiveServer(Path(tempfile.mkdtemp(prefix="folio-load-")) / "data",
                        env={"FOLIO_WORKERS": "8"}, args=["--threads", "200"]).start(timeout=120)
    try:
        raw = {k: to_values(v) for k, v in make_demo(seed=11, campaigns=24, products=120).items()}
        dataset = requests.post(f"{server.url}/api/datasets", json={"tables": raw}).json()["id"]
        trained = requests.post(f"{server.url}/api/jobs", json={"kind": "train", "dataset": dataset})
        wait_job(server.url, trained.json()["id"])
        summary = run_load(server.url, dataset, server_pid=server.proc.pid, duration_s=duration)
        print(json.dumps(summary, indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
