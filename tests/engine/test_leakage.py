"""No feature may read the units of the period being forecast (nor of the gap before it).

Each test perturbs the units of the forecast period and asserts that the features or forecasts
for those rows do not move. If a lag read the row's own campaign (or one inside the gap), or the
backtest fitted on the rows it scores, these tests fail.
"""

import numpy as np
import pytest

from engine.forecast import backtest
from engine.demo import make_demo
from engine.forecast.features import CatalogueFeatures
from engine.forecast import Forecaster, train


@pytest.fixture(scope="module")
def history():
    return make_demo(seed=5, campaigns=20, products=60)["history"]


def _perturbed(history, campaigns):
    rows = history["campaign"].isin(campaigns)
    out = history.copy()
    rng = np.random.default_rng(0)
    out.loc[rows, "units"] = (out.loc[rows, "units"] * rng.uniform(0, 5, rows.sum())).round()
    return out


@pytest.mark.parametrize("min_lag", [1, 3])
def test_lags_of_a_campaign_ignore_its_units_and_those_of_the_gap(history, min_lag):
    order = backtest.campaign_order(history["campaign"])
    target = order[-2]
    # Every campaign from min_lag - 1 before the target onwards may not be read for the target's rows.
    hidden = order[len(order) - 2 - (min_lag - 1):]
    features = CatalogueFeatures(min_lag=min_lag, season=4).fit(history)
    other = CatalogueFeatures(min_lag=min_lag, season=4).fit(_perturbed(history, hidden))
    rows = history[history["campaign"] == target]
    a, b = features.transform(rows), other.transform(rows)
    lag_columns = [c for c in a.columns if c.startswith("lag_") or c == "season_phase"]
    assert len(lag_columns) >= 8
    pd_equal = np.allclose(a[lag_columns].to_numpy(dtype=float), b[lag_columns].to_numpy(dtype=float),
                           equal_nan=True)
    assert pd_equal, "a lag feature read units from the forecast period or the gap"
    # ...while the campaign just before the window does move them (the test can see a leak).
    earlier = CatalogueFeatures(min_lag=min_lag, season=4).fit(
        _perturbed(history, [order[len(order) - 2 - min_lag]]))
    assert not np.allclose(a[lag_columns].to_numpy(dtype=float),
                           earlier.transform(rows)[lag_columns].to_numpy(dtype=float), equal_nan=True)


def test_transform_never_reads_the_units_of_the_rows(history):
    features = CatalogueFeatures(min_lag=1).fit(history)
    rows = history.tail(200)
    changed = rows.assign(units=rows["units"] * 7 + 3)
    assert features.transform(rows).equals(features.transform(changed))
    assert features.transform(rows.drop(columns=["units"])).equals(features.transform(rows))


def test_forecasts_of_the_holdout_ignore_its_units(history):
    order = backtest.campaign_order(history["campaign"])
    past = history[~history["campaign"].isin(order[-2:])]
    held = history[history["campaign"].isin(order[-2:])]
    model = Forecaster(family="gbm", max_iter=30, min_lag=2, season=4).fit(past)
    assert np.array_equal(model.predict(held), model.predict(_perturbed(held, order[-2:])))


def test_backtest_forecasts_of_the_newest_holdout_ignore_its_units(history):
    """End to end: multiply the newest holdout's units; the forecasts the report scored must not move."""
    order = backtest.campaign_order(history["campaign"])
    kwargs = dict(family="linear", candidates=["linear"], holdout_campaigns=2, folds=2, gap=1)
    a = train(history, **kwargs)
    b = train(_perturbed(history, order[-2:]), **kwargs)
    assert np.array_equal(a.holdout_rows, b.holdout_rows)
    assert np.allclose(a.holdout_forecast, b.holdout_forecast)
    assert a.report["folds"][0] == b.report["folds"][0]  # the older fold is untouched too
