"""Bad input gets problem+json with a stable code and the cell; never a 500 or a traceback."""

from __future__ import annotations

import gzip

import pytest

from api_helpers import post_json


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code
    assert {"type", "title", "status", "detail", "code", "errors"} <= set(body)
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_health_names_the_runner(client, app):
    body = client.get("/api/health").get_json()
    assert body["status"] == "ok" and body["runner"] == app.config["RUNNER"]


def test_openapi_document_lists_every_route(client, app):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {path for path in doc["paths"]}
    for rule in app.url_map.iter_rules():
        path = rule.rule.replace("<", "{").replace(">", "}")
        if path.startswith("/api/"):
            assert path in documented, f"{path} is served but not in the OpenAPI document"
    from engine.forecast import PRESETS

    candidates = doc["components"]["schemas"]["JobCreate"]["properties"]["candidates"]
    assert set(candidates["items"]["enum"]) == set(PRESETS)  # every preset the server accepts is documented
    assert set(candidates["x-presets"]) == set(PRESETS) and all(candidates["x-presets"].values())  # in words


def test_missing_column_is_located(client, demo_raw):
    history = [row[:] for row in demo_raw["history"][:5]]
    units = [h.lower() for h in history[0]].index("units")
    for row in history:
        del row[units]
    body = _problem(post_json(client, "/api/datasets", {"tables": {"history": history}}),
                    422, "invalid_table")
    assert any(e["column"] == "units" and e["table"] == "history" for e in body["errors"])


def test_text_in_units_names_the_cell(client, demo_raw):
    history = [row[:] for row in demo_raw["history"][:6]]
    units = [h.lower() for h in history[0]].index("units")
    history[3][units] = "lots"
    history[5][units] = -4
    body = _problem(post_json(client, "/api/datasets", {"tables": {"history": history}}),
                    422, "invalid_table")
    letter = chr(ord("A") + units)
    cells = {e["cell"] for e in body["errors"]}
    assert f"{letter}4" in cells and f"{letter}6" in cells  # every problem, not just the first
    assert all(e["row"] in (4, 6) for e in body["errors"])


def test_non_gzip_body_marked_gzip(client):
    response = client.post("/api/datasets", data=b'{"tables": {}}', content_type="application/json",
                           headers={"Content-Encoding": "gzip"})
    _problem(response, 400, "invalid_encoding")


def test_unknown_encoding(client):
    response = client.post("/api/datasets", data=b"{}", content_type="application/json",
                           headers={"Content-Encoding": "br"})
    _problem(response, 415, "unsupported_encoding")


def test_gzip_bomb_is_refused(client):
    bomb = gzip.compress(b" " * (300 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 1024 * 1024
    response = client.post("/api/datasets", data=bomb, content_type="application/json",
                           headers={"Content-Encoding": "gzip"})
    _problem(response, 413, "payload_too_large")


@pytest.mark.parametrize("body", [b"", b"{", b"[1, 2", "{\"a\": NaN}".encode()])
def test_invalid_json(client, body):
    _problem(client.post("/api/jobs", data=body, content_type="application/json"), 400,
             "invalid_json")


@pytest.mark.parametrize("path", ["/api/jobs/job_0123456789abcdef", "/api/jobs/../../etc",
                                  "/api/jobs/job_..%2F..%2Ffolio", "/api/datasets/ds_nothing",
                                  "/api/jobs/job_0123456789abcdef/result.xlsx"])
def test_unknown_ids(client, path):
    _problem(client.get(path), 404, "not_found")


def test_unknown_kind_and_dataset(client, dataset_id):
    _problem(post_json(client, "/api/jobs", {"kind": "dance", "dataset": dataset_id}), 422,
             "invalid_job")
    _problem(post_json(client, "/api/jobs", {"kind": "train", "dataset": "ds_0000000000000000"}),
             404, "not_found")


def test_bad_plan_setting_names_it(client, dataset_id):
    body = _problem(post_json(client, "/api/jobs", {"kind": "plan", "dataset": dataset_id,
                                                    "settings": {"population": -3}}),
                    422, "invalid_settings")
    assert body["errors"][0]["column"] == "population"


def test_method_not_allowed_is_problem_json(client):
    _problem(client.put("/api/jobs"), 405, "method_not_allowed")


def test_responses_are_gzipped_for_clients_that_accept_it(client):
    response = client.get("/api/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data).startswith(b"{")


def test_train_options_are_checked_before_the_job_starts(client, dataset_id):
    body = _problem(post_json(client, "/api/jobs", {"kind": "train", "dataset": dataset_id,
                                                    "folds": 0}), 422, "invalid_job")
    assert body["errors"][0]["column"] == "folds"
    body = _problem(post_json(client, "/api/jobs", {"kind": "train", "dataset": dataset_id,
                                                    "candidates": ["prophet"]}), 422, "invalid_job")
    assert body["errors"][0]["column"] == "candidates"
