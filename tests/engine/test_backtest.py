"""engine.forecast.backtest: rolling origins and metrics checked against numbers worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from engine.forecast import backtest
from engine.errors import FolioError


@pytest.fixture
def tiny():
    # One product, campaigns 1..6 with units 10, 20, 30, 40, 50, 60; product b only in 1..4.
    return pd.DataFrame({
        "campaign": [1, 2, 3, 4, 5, 6, 1, 2, 3, 4],
        "product_id": ["a"] * 6 + ["b"] * 4,
        "units": [10.0, 20, 30, 40, 50, 60, 4, 2, 6, 8],
    })


def test_rolling_origins_respect_gap_and_horizon(tiny):
    folds = backtest.rolling_origins(tiny, folds=2, horizon=1, gap=1)
    # newest fold: test 6, gap 5, train 1..4; the one before: test 5, gap 4, train 1..3
    assert [f.split.holdout_campaigns for f in folds] == [[5], [6]]
    assert [f.origin for f in folds] == [3, 4]
    assert folds[1].split.train.tolist() == [True] * 4 + [False] * 2 + [True] * 4
    assert not (folds[0].split.train & folds[0].split.holdout).any()


def test_origins_that_leave_too_little_to_fit_are_dropped(tiny):
    folds = backtest.rolling_origins(tiny, folds=5, horizon=2, gap=0)
    assert [f.split.holdout_campaigns for f in folds] == [[3, 4], [5, 6]]  # [1,2] would leave 0 to fit
    with pytest.raises(FolioError) as info:
        backtest.rolling_origins(tiny, folds=1, horizon=3, gap=2)
    assert info.value.code == "invalid_settings" and info.value.problems[0].column == "holdout_campaigns"


def test_baselines_and_metrics_by_hand(tiny):
    fold = backtest.rolling_origins(tiny, folds=1, horizon=2, gap=1)[0]  # train 1..3, test 5..6
    forecasts = backtest.baseline_forecasts(tiny, fold.split, season=2)
    assert forecasts["naive"].tolist() == [30.0, 30.0]  # a's last training campaign (3)
    assert forecasts["mean"].tolist() == [20.0, 20.0]  # mean of 10, 20, 30
    assert forecasts["seasonal_naive"].tolist() == [30.0, 30.0]  # 5-2 = 3 is history; 6-2 = 4 is not -> naive
    m = backtest.metrics([50, 60], forecasts["naive"])
    # |50-30| + |60-30| = 50 over 110 units; mean(20/50, 30/60) = 0.45; (60 - 110) / 110
    assert m["wape"] == pytest.approx(50 / 110)
    assert m["mape"] == pytest.approx(0.45)
    assert m["bias"] == pytest.approx(-50 / 110)


def test_metrics_skip_zero_actuals_in_mape_and_never_return_nan():
    assert backtest.metrics([0, 4], [1, 2]) == {"wape": 0.75, "mape": 0.5, "bias": -0.25}
    assert backtest.metrics([0, 0], [1, 2]) == {"wape": None, "mape": None, "bias": None}


def test_mape_scale_is_fitted_on_backtest_rows_by_hand():
    from engine.forecast import calibrate_scale

    # actuals 100 and 100, forecasts 125 and 200: MAPE(s) = |1 - 1.25 s| / 2 + |1 - 2 s| / 2 is
    # smallest at s = 0.5 (0.1875 + 0 = 0.1875 vs 0.25 at s = 0.8)
    assert calibrate_scale(np.array([100.0, 100.0]), np.array([125.0, 200.0])) == 0.5
    assert calibrate_scale(np.array([10.0, 20.0]), np.array([10.0, 20.0])) == 1.0
