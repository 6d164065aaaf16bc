"""An app built from the factory with a real embedded runner, and helpers to call it."""

from __future__ import annotations

import pytest

from api_helpers import post_json
from server import create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("data")), "WORKERS": 2,
                      "PROGRESS_DB_INTERVAL_S": 0.1})
    yield app
    app.extensions["folio.runner"].stop()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def dataset_id(client, demo_raw):
    response = post_json(client, "/api/datasets", {"name": "demo", "tables": demo_raw}, gzip_body=True)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]
