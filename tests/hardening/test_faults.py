"""Faults: a full disk while a result is written, and the store after a SIGKILL mid-run."""

from __future__ import annotations

import builtins
import errno
import signal
import sqlite3
import time

import requests

import server.blobs as blobs_module
from engine.data.tables import read_tables
from server.lifecycle import JobLife
from server.store import Store
from tests.support.live import LiveServer, wait_job


class _FullDisk:
    """A file whose writes fail with ENOSPC after a few bytes, as on a full disk."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        self.real.write(data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


def _dataset(store: Store, demo_raw) -> str:
    read_tables(demo_raw)
    return store.save_dataset("demo", demo_raw, data_hash="h", row_counts={}, warnings=[],
                              auto_retrain=False)["id"]


def test_disk_full_while_writing_a_result_fails_the_job_cleanly(tmp_path, demo_raw, monkeypatch):
    store = Store(tmp_path)
    dataset = _dataset(store, demo_raw)
    first, _ = store.create_job("explore", {"kind": "explore", "dataset": dataset})
    assert JobLife(store).run(first["id"]) == "succeeded"
    kept = store.result_path(first["id"]).read_bytes()

    def full_disk_open(path, mode="r", *args, **kwargs):
        handle = builtins.open(path, mode, *args, **kwargs)
        return _FullDisk(handle) if "w" in mode else handle

    monkeypatch.setattr(blobs_module, "open", full_disk_open, raising=False)
    second, _ = store.create_job("explore", {"kind": "explore", "dataset": dataset})
    events = []
    assert JobLife(store, publish=events.append).run(second["id"]) == "failed"
    job = store.get_job(second["id"])
    assert job["error"]["code"] == "storage_full" and "disk is full" in job["error"]["detail"]
    assert events[-1]["type"] == "finished" and events[-1]["status"] == "failed"
    monkeypatch.undo()
    # nothing else is corrupted: the earlier result is intact, no half-written file is left
    assert store.result_path(first["id"]).read_bytes() == kept
    assert not store.result_path(second["id"]).exists()
    assert not list((tmp_path / "results").glob(".*.tmp"))
    assert Store(tmp_path).get_job(first["id"])["status"] == "succeeded"


def test_sigkill_mid_run_leaves_an_intact_store(tmp_path, demo_raw):
    server = LiveServer(tmp_path / "data").start()
    try:
        base = server.url
        dataset = requests.post(f"{base}/api/datasets", json={"tables": demo_raw}).json()["id"]
        # a champion first (the pooled family alone: it also values the plans), so each plan job
        # below plans rather than trains the same model again, and again after the restart
        trained = requests.post(f"{base}/api/jobs", json={
            "kind": "train", "dataset": dataset, "candidates": ["pooled"]}).json()["id"]
        assert wait_job(base, trained, timeout=180)["status"] == "succeeded"
        jobs = [requests.post(f"{base}/api/jobs", json={
            "kind": "plan", "dataset": dataset,
            "settings": {"population": 12, "generations": 100000, "time_limit_s": 6, "seed": s,
                         "stagnation_generations": 0}}
        ).json()["id"] for s in range(3)]
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any(
                requests.get(f"{base}/api/jobs/{j}").json()["status"] == "running" for j in jobs):
            time.sleep(0.1)
        server.stop(signal.SIGKILL)
        db = sqlite3.connect(tmp_path / "data" / "folio.sqlite3")
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        server.start()
        finals = [wait_job(base, j, timeout=180) for j in jobs]
        assert [f["status"] for f in finals] == ["succeeded"] * 3, finals
    finally:
        server.stop()
