"""Short, flat and tiny histories train on purpose (engine.forecast.adapt), or are refused with
``insufficient_data`` naming what is missing; never a library error from deep inside a fit."""

import numpy as np
import pandas as pd
import pytest

from engine.demo import make_demo
from engine.errors import FolioError
from engine.forecast import Forecaster, train


@pytest.fixture(scope="module")
def demo_history():
    return make_demo(seed=5, countries=("DE", "PL"), campaigns=20, products=40)["history"]


def _first(history, n):
    order = sorted(history["campaign"].unique())
    return history[history["campaign"].isin(order[:n])].reset_index(drop=True)


def _codes(report):
    return [d["code"] for d in report["degraded"]]


@pytest.mark.parametrize("n", [2, 3, 4, 8, 17])
def test_a_short_history_trains_and_says_how_it_degraded(demo_history, n):
    history = _first(demo_history, n)
    outcome = train(history, seed=0)
    report = outcome.report
    chosen = next(c for c in report["candidates"] if c["chosen"])
    mean = next(b for b in report["baselines"] if b["name"] == "mean")
    assert chosen["metrics"]["wape"] < mean["metrics"]["wape"]  # still better than a plain average
    assert report["backtest"]["horizon"] == (2 if n >= 4 else 1)
    assert ("shorter_holdout" in _codes(report)) == (n < 4)
    assert ("fewer_folds" in _codes(report)) == (n < 8)
    # not more than one season (17 a year, read from the start dates): no seasonal lag, no phase;
    # from 10 campaigns (55 % of a year) the pooled model may learn the smooth part alone
    assert report["season"]["used"] is False
    assert report["season"]["form"] == ("smooth" if n >= 10 and outcome.best.candidate_name_.startswith("pooled")
                                        else "none")
    assert not any(f.startswith("lag_") and f.endswith("_season") or f == "season_phase" for f in report["features"])
    if hasattr(outcome.best, "features_"):  # the families that read CatalogueFeatures (not pooled)
        frame = outcome.best.features_.transform(history)
        numeric = outcome.best.features_.numeric_
        assert np.isfinite(frame[numeric].to_numpy(dtype=float)).any(axis=0).all()  # no empty column
    forecast = outcome.best.predict(history)
    assert np.all(np.isfinite(forecast)) and np.all(forecast >= 0)


def test_four_campaigns_fit_their_backtest_fold_without_lags_and_say_so(demo_history):
    report = train(_first(demo_history, 4), seed=0).report
    note = next(d["message"] for d in report["degraded"] if d["code"] == "features_dropped")
    assert "backtest folds" in note and "lag_own_mean3" in note


def test_a_history_covering_more_than_a_season_gets_seasonal_features():
    # the ids alone (YYYY-NN, one year complete: 18 in 2023), without the demo's start dates
    history = make_demo(seed=5, countries=("DE",), campaigns=24, products=30)["history"].drop(columns="start_date")
    report = train(history, seed=0, candidates=["linear"]).report
    assert report["season"] == {**report["season"], "value": 18, "source": "campaign ids", "used": True}
    assert "lag_own_season" in report["features"] and "season_phase" in report["features"]
    short = train(history, seed=0, candidates=["linear"], season=30).report
    assert short["season"]["source"] == "user" and short["season"]["used"] is False
    assert "no_seasonal_features" in _codes(short) and "season_phase" not in short["features"]


def test_one_campaign_is_refused_naming_the_campaign_column(demo_history):
    with pytest.raises(FolioError) as info:
        train(_first(demo_history, 1))
    assert info.value.code == "insufficient_data" and info.value.status == 422
    problem = info.value.problems[0]
    assert (problem.table, problem.column) == ("history", "campaign")
    assert "at least 2" in problem.message


def test_no_unit_ever_sold_is_refused_naming_the_units_column(demo_history):
    history = _first(demo_history, 6).assign(units=0)
    with pytest.raises(FolioError) as info:
        train(history)
    assert info.value.code == "insufficient_data"
    assert (info.value.problems[0].table, info.value.problems[0].column) == ("history", "units")


def test_constant_units_forecast_that_constant_and_say_so(demo_history):
    history = _first(demo_history, 6).assign(units=7)
    outcome = train(history, seed=0)
    assert "constant_units" in _codes(outcome.report)
    assert np.allclose(outcome.best.predict(history.head(20)), 7.0)


def test_sales_that_start_late_still_train(demo_history):
    """The first backtest fold sees only zeros (a new market): Poisson boosting would refuse it."""
    history = _first(demo_history, 8).copy()
    early = history["campaign"].isin(sorted(history["campaign"].unique())[:4])
    history.loc[early, "units"] = 0
    outcome = train(history, seed=0, candidates=["gbm", "linear"])
    assert outcome.report["backtest"]["folds"] >= 1
    assert np.all(np.isfinite(outcome.best.predict(history)))


def test_tiny_tables_train_with_the_simple_candidates():
    history = pd.DataFrame({"campaign": [1, 1, 2, 2, 3, 3], "product_id": ["a", "b"] * 3,
                            "units": [3, 5, 4, 6, 2, 7]})
    report = train(history, seed=0).report
    assert {c["name"] for c in report["candidates"]} == {"linear", "pooled"}  # no gbm on 4 rows
    assert "candidates_skipped" in _codes(report)


def test_a_forecaster_fits_one_row_and_a_constant_poisson_target():
    one = pd.DataFrame({"campaign": [1], "product_id": ["a"], "units": [4.0]})
    assert Forecaster(family="gbm").fit(one).predict(one) == pytest.approx([4.0])
    zeros = pd.DataFrame({"campaign": [1, 2, 3], "product_id": ["a", "b", "c"], "units": [0, 0, 0]})
    assert Forecaster(family="gbm", loss="poisson").fit(zeros).predict(zeros).tolist() == [0, 0, 0]


def test_a_holdout_the_user_set_too_long_for_the_history_is_refused(demo_history):
    with pytest.raises(FolioError) as info:
        train(_first(demo_history, 3), holdout_campaigns=3)
    assert info.value.code == "invalid_settings"
    assert info.value.problems[0].column == "holdout_campaigns"
    assert "leave holdout_campaigns unset" in info.value.problems[0].message


def test_a_plan_on_two_campaigns_says_what_it_could_not_estimate():
    from engine.data.dataset import Dataset
    from engine.plan.planner import plan_catalogue

    tables = make_demo(seed=5, countries=("DE",), campaigns=2, products=30)
    model = train(tables["history"], seed=0, candidates=["linear"]).best
    dataset = Dataset(history=tables["history"], products=tables["products"], slots=tables["slots"].head(12))
    result = plan_catalogue(dataset, model, {"time_limit_s": 2, "generations": 5, "population": 8,
                                             "anomaly_weight": 0.5})
    codes = {d["code"]: d["message"] for d in result["degraded"]}
    # beside the promise's own notes on what two campaigns support (engine.plan.promise.promise_notes)
    assert set(codes) - {"loose_promise", "pages_beyond_history"} == {"no_cannibalisation_estimate", "no_anomaly_basis"}
    assert "fewer than the 200" in codes["no_cannibalisation_estimate"]
    assert result["cannibalisation_factor"] == 1.0 and result["anomaly_score"] == 0.0


def test_a_forecast_no_better_than_a_baseline_says_so():
    """Units that follow a random walk per product: the last campaign's units (the naive forecast)
    are the best there is, no candidate beats them; the result says so. (Pure noise around a
    constant is no such case: each product's mean beats its last value, and the pooled model,
    which carries no trend it cannot check, finds it.)"""
    rng = np.random.default_rng(0)
    walk = 60 + np.cumsum(rng.normal(0, 8, (8, 5)), axis=0)
    history = pd.DataFrame({"campaign": np.repeat(np.arange(8), 5), "product_id": list("abcde") * 8,
                            "units": rng.poisson(np.clip(walk, 5, None)).reshape(-1)})
    notes = {d["code"]: d["message"] for d in train(history, seed=0).report["degraded"]}
    assert "no better than the naive baseline" in notes["baseline_not_beaten"]


def test_part_of_a_year_with_a_known_cadence_learns_a_smooth_season_and_says_so():
    history = make_demo(seed=5, countries=("DE",), campaigns=12, products=40)["history"]
    told = train(history, seed=0, candidates=["pooled"], season=17).report
    assert told["season"]["used"] is False and "no_seasonal_features" in _codes(told)  # no lag, no phase
    assert told["season"]["form"] == "smooth"
    assert told["season"]["learnt"].startswith("season learnt from 12 campaigns, about 8 months of a 17-campaign year")
    assert "smooth yearly curve per category" in told["season"]["learnt"]
    assert next(d["message"] for d in told["degraded"] if d["code"] == "smooth_season") == told["season"]["learnt"]
    ids_only = history.drop(columns="start_date")  # 2023-01 .. 2023-12 and no dates: cadence unknown
    unknown = train(ids_only, seed=0, candidates=["pooled"]).report
    assert unknown["season"]["form"] == "none" and unknown["season"]["learnt"] is None
    assert "smooth_season" not in _codes(unknown)
    linear = train(history, seed=0, candidates=["linear"], season=17).report  # only the pooled family does
    assert linear["season"]["form"] == "none"


def test_the_demo_start_dates_give_the_cadence_and_the_smooth_season_by_default():
    """12 demo campaigns: their ids cannot say how many make a year, their start dates can."""
    history = make_demo(seed=5, countries=("DE",), campaigns=12, products=40)["history"]
    report = train(history, seed=0, candidates=["pooled"]).report
    season = report["season"]
    assert (season["value"], season["source"], season["form"]) == (17, "date column", "smooth"), season
    assert "'start_date': a campaign every 21 days" in season["detail"]
    assert "smooth_season" in _codes(report)


def test_a_date_column_is_not_a_model_feature():
    history = make_demo(seed=5, countries=("DE",), campaigns=12, products=40)["history"]
    with_dates = train(history, seed=0, candidates=["linear"], season=0)
    without = train(history.drop(columns="start_date"), seed=0, candidates=["linear"], season=0)
    assert with_dates.report["features"] == without.report["features"]
    assert not any("start_date" in f for f in with_dates.report["features"])
    assert with_dates.best.features_.dates_ == ["start_date"]
    ahead = history.drop(columns=["units", "start_date", "campaign"])  # the next catalogue: no date
    assert np.allclose(with_dates.best.predict(ahead), without.best.predict(ahead))
