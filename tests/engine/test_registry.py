"""engine.forecast.registry: model files are checked before loading; the champion/challenger rule."""

import json

import numpy as np
import pytest

from engine.demo import make_demo
from engine.errors import FolioError
from engine.forecast import Forecaster
from engine.forecast.registry import challenger_wins, load_model, save_model, sidecar_path


@pytest.fixture(scope="module")
def model():
    history = make_demo(seed=3, campaigns=8, products=30)["history"]
    return Forecaster(family="linear").fit(history), history


@pytest.fixture
def saved(model, tmp_path):
    path = tmp_path / "m1.joblib"
    meta = save_model(model[0], path, model_id="m1")
    return path, meta


def test_round_trip_with_sidecar(saved, model):
    path, meta = saved
    assert meta["class"] == "engine.forecast.model.Forecaster"
    assert meta["versions"]["scikit-learn"] and len(meta["sha256"]) == 64
    assert json.loads(sidecar_path(path).read_text())["sha256"] == meta["sha256"]
    loaded = load_model(path, "m1")
    rows = model[1].head(20)
    assert np.allclose(loaded.predict(rows), model[0].predict(rows))


def _refused(path, match):
    with pytest.raises(FolioError) as info:
        load_model(path, "m1")
    assert info.value.code == "model_incompatible"
    assert match in info.value.detail and "m1" in info.value.detail
    return info.value


def test_corrupted_file_is_refused_before_loading(saved, monkeypatch):
    path, _ = saved
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    monkeypatch.setattr("joblib.load", lambda *a, **k: pytest.fail("joblib.load reached"))
    _refused(path, "corrupted")


def test_file_from_another_library_version_is_refused(saved):
    path, meta = saved
    meta["versions"]["scikit-learn"] = "0.24.2"
    sidecar_path(path).write_text(json.dumps(meta))
    error = _refused(path, "scikit-learn 0.24.2")
    assert error.status == 409


def test_file_without_sidecar_or_missing_is_refused(saved, tmp_path):
    path, _ = saved
    sidecar_path(path).unlink()
    _refused(path, "no metadata")
    with pytest.raises(FolioError, match="missing"):
        load_model(tmp_path / "nope.joblib", "m1")


def test_promotion_rule():
    assert challenger_wins({"wape": 0.30}, {"wape": 0.31})  # better on the same rows: promoted
    assert not challenger_wins({"wape": 0.31}, {"wape": 0.31})  # a tie keeps the champion
    assert not challenger_wins({"wape": 0.40}, {"wape": 0.31})  # worse: kept
    assert not challenger_wins({"wape": 0.305}, {"wape": 0.31}, min_gain=0.05)  # not enough better
    assert not challenger_wins({"wape": 0.1}, None)  # champion not scorable honestly: kept
    assert not challenger_wins(None, {"wape": 0.31})
    assert not challenger_wins({"wape": None}, {"wape": 0.31})
    assert challenger_wins({"mape": 0.2, "wape": 0.9}, {"mape": 0.3, "wape": 0.1}, metric="mape")
