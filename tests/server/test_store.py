"""The store's job lifecycle: claims are exclusive, final states stick, ids cannot escape."""

from __future__ import annotations

from server.blobs import valid_id
from server.store import Store


def test_claim_is_exclusive_and_final_status_sticks(tmp_path):
    store = Store(tmp_path)
    job, created = store.create_job("plan", {"kind": "plan", "dataset": "ds_x"})
    assert created and job["status"] == "queued"
    assert store.claim_job(job["id"])["status"] == "running"
    assert store.claim_job(job["id"]) is None
    assert store.finish_job(job["id"], "succeeded", has_result=True)
    assert not store.finish_job(job["id"], "failed")
    assert store.get_job(job["id"])["status"] == "succeeded"


def test_requeue_after_a_crash_and_records_survive_reopen(tmp_path):
    store = Store(tmp_path)
    job, _ = store.create_job("train", {"kind": "train", "dataset": "ds_x"})
    store.claim_job(job["id"])
    reopened = Store(tmp_path)  # a new process after a crash
    assert [j["id"] for j in reopened.jobs_with_status("running")] == [job["id"]]
    reopened.requeue_job(job["id"])
    assert reopened.get_job(job["id"])["status"] == "queued"
    assert reopened.claim_job(job["id"])["attempts"] == 2


def test_cancel_of_a_queued_job_prevents_its_claim(tmp_path):
    store = Store(tmp_path)
    job, _ = store.create_job("plan", {"kind": "plan", "dataset": "ds_x"})
    store.request_cancel(job["id"])
    assert store.claim_job(job["id"]) is None


def test_ids_are_only_our_shape():
    assert valid_id("job_0123456789abcdef", "job")
    for bad in ("job_../../etc", "job_0123456789ABCDEF", "ds_0123456789abcdef", "", "job_"):
        assert not valid_id(bad, "job")


def test_a_relative_data_dir_serves_result_workbooks(tmp_path, monkeypatch):
    """`make run` passes `--data-dir data`: the download must find the file written there."""
    from server import create_app

    monkeypatch.chdir(tmp_path)
    app = create_app({"DATA_DIR": "data", "START_RUNNER": False})
    store = app.extensions["folio.store"]
    assert store.root == tmp_path.resolve() / "data"
    job, _ = store.create_job("plan", {"kind": "plan", "dataset": "ds_0123456789abcdef"})
    store.claim_job(job["id"])
    store.save_result(job["id"], {"plan": [["page", "slot", "product_id"], [1, 1, "P1"]],
                                  "totals": {"units": 1.0}, "run": {}})
    store.finish_job(job["id"], "succeeded", has_result=True)
    response = app.test_client().get(f"/api/jobs/{job['id']}/result.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
