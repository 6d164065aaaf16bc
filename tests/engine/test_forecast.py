"""engine.forecast: the forecaster learns the demo's effects and beats the baselines honestly."""

import json

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from engine import backtest
from engine.demo import make_demo
from engine.errors import FolioError
from engine.forecast import Forecaster, forecast_rows, score, train


@pytest.fixture(scope="module")
def history():
    return make_demo(seed=7)["history"]


@pytest.fixture(scope="module")
def outcome(history):
    return train(history, family="auto", holdout_campaigns=2, seed=0)


def _wape(items, name):
    return next(i["metrics"]["wape"] for i in items if i["name"] == name)


def test_report_is_json_ready_and_complete(outcome, history):
    report = outcome.report
    json.dumps(report, allow_nan=False)
    assert [c["name"] for c in report["candidates"]] == ["linear", "gbm"]
    assert sum(c["chosen"] for c in report["candidates"]) == 1
    assert {b["name"] for b in report["baselines"]} == {"naive", "seasonal_naive"}
    order = backtest.campaign_order(history["campaign"])
    assert report["holdout"]["campaigns"] == order[-2:]
    rows = int(history["campaign"].isin(order[-2:]).sum())
    assert report["holdout"]["rows"] == rows
    for c in report["candidates"]:
        assert c["n_holdout"] == rows and c["n_train"] == len(history) - rows
        assert set(c["metrics"]) == {"wape", "mape", "bias"}


def test_chosen_model_beats_both_baselines_on_the_holdout(outcome):
    report = outcome.report
    chosen = next(c for c in report["candidates"] if c["chosen"])
    assert chosen["metrics"]["wape"] == min(c["metrics"]["wape"] for c in report["candidates"])
    assert chosen["metrics"]["wape"] < 0.8 * _wape(report["baselines"], "naive")
    assert chosen["metrics"]["wape"] < 0.8 * _wape(report["baselines"], "seasonal_naive")
    assert outcome.best.family == chosen["family"]
    assert outcome.best.interval_source_ == "holdout"


def test_candidates_never_see_the_holdout_rows(history, monkeypatch):
    seen = []
    original = Forecaster.fit

    def spy(self, X, y=None):
        seen.append(set(X["campaign"]))
        return original(self, X, y)

    monkeypatch.setattr(Forecaster, "fit", spy)
    train(history, family="linear", holdout_campaigns=3)
    held = set(backtest.campaign_order(history["campaign"])[-3:])
    assert len(seen) == 2
    assert not (seen[0] & held)  # the scored candidate
    assert held <= seen[1]  # the final refit uses every campaign


def test_model_learned_that_featured_and_front_pages_sell_more(outcome, history):
    base = history[history["page"].notna()].iloc[[0]].copy()
    rows = pd.concat([base] * 4, ignore_index=True)
    rows["page"] = [1, 1, 20, 20]
    rows["featured"] = [1, 0, 0, 0]
    rows["discount"] = [0.0, 0.0, 0.0, 0.3]
    units = outcome.best.predict(rows)
    assert units[0] > units[1] > units[2]  # featured > plain front page > page 20
    assert units[3] > units[2]  # a discount lifts units


def test_gbm_also_learns_the_page_effect(history):
    model = Forecaster(family="gbm", max_iter=60).fit(history)
    rows = pd.concat([history[history["page"].notna()].iloc[[5]]] * 2, ignore_index=True)
    rows["page"], rows["featured"] = [1, 22], [0, 0]
    front, back = model.predict(rows)
    assert front > back


def test_forecast_rows_adds_band_in_order_and_pickles(outcome, history, tmp_path):
    rows = history.sample(50, random_state=0)
    out = forecast_rows(outcome.best, rows)
    assert list(out.columns) == list(rows.columns) + ["forecast_units", "forecast_low", "forecast_high"]
    assert out.index.equals(rows.index)
    assert np.all(out["forecast_low"] <= out["forecast_units"])
    assert np.all(out["forecast_units"] <= out["forecast_high"])
    assert np.all(out["forecast_low"] >= 0)
    path = tmp_path / "model.joblib"
    joblib.dump(outcome.best, path)
    loaded = joblib.load(path)
    assert np.allclose(loaded.predict(rows), outcome.best.predict(rows))


def test_band_covers_about_eighty_percent_of_the_holdout(history):
    order = backtest.campaign_order(history["campaign"])
    past = history[~history["campaign"].isin(order[-2:])]
    result = train(past, family="linear", holdout_campaigns=2)
    future = history[history["campaign"].isin(order[-2:])]
    band = forecast_rows(result.best, future)
    inside = ((future["units"] >= band["forecast_low"]) & (future["units"] <= band["forecast_high"])).mean()
    assert 0.6 <= inside <= 0.95


def test_score_uses_the_same_holdout_rows(outcome, history):
    metrics = score(outcome.best, history, holdout_campaigns=2)
    assert set(metrics) == {"wape", "mape", "bias"}
    assert metrics["wape"] >= 0


def test_progress_reports_each_step(history):
    calls = []
    train(history, family="linear", progress=calls.append)
    assert [c["generation"] for c in calls] == [0, 1, 2]
    assert all(c["phase"] == "train" and c["of"] == 2 for c in calls)
    assert "fitting linear" in calls[0]["message"]


def test_cancel_stops_training(history):
    with pytest.raises(FolioError) as info:
        train(history, family="linear", should_stop=lambda: True)
    assert info.value.code == "cancelled"


@pytest.mark.parametrize("kwargs, column", [
    ({"holdout_campaigns": 40}, "holdout_campaigns"),
    ({"holdout_campaigns": 0}, "holdout_campaigns"),
    ({"family": "forest"}, "family"),
    ({"seed": -1}, "seed"),
])
def test_bad_train_settings_are_invalid_settings(history, kwargs, column):
    with pytest.raises(FolioError) as info:
        train(history, **kwargs)
    assert info.value.code == "invalid_settings"
    assert info.value.problems[0].column == column


@pytest.mark.parametrize("param, value", [("alpha", -1), ("family", "tree"), ("max_iter", 0),
                                          ("interval", 1.5)])
def test_forecaster_validates_params_at_fit_naming_them(history, param, value):
    model = Forecaster(**{param: value})  # the constructor only stores
    assert model.get_params()[param] == value
    with pytest.raises(ValueError, match=rf"{param} must be .*{value!r}"):
        model.fit(history.head(200))


def test_forecaster_is_a_proper_estimator(history):
    model = Forecaster(family="linear", alpha=3.0)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    assert twin.fit(history.head(500)) is twin
    assert not hasattr(model, "model_")


def test_naive_baseline_uses_last_training_campaign():
    history = pd.DataFrame({
        "campaign": [1, 2, 3, 1, 2, 3, 3],
        "product_id": ["a", "a", "a", "b", "b", "b", "c"],
        "units": [5.0, 7.0, 100.0, 1.0, 3.0, 40.0, 9.0],
    })
    split = backtest.split_holdout(history, 1, min_train_campaigns=2)
    assert list(backtest.naive_forecast(history, split)) == [7.0, 3.0, 4.0]  # c: global mean
    assert backtest.metrics([10, 0], [5, 1]) == {"wape": 0.6, "mape": 0.5, "bias": -0.4}
