"""Real data: Dominick's orange juice, fetched from Debian's r-cran-bayesm, through Folio's path.

Marked ``realdata`` (``make test`` runs it; ``-m 'not realdata'`` leaves it out offline). It is
never skipped silently: if the data cannot be fetched, the test fails and says why.
"""

import numpy as np
import pytest

from engine.forecast import backtest
from engine.datasets import dominicks
from engine.forecast import forecast_rows, train
from engine.data.tables import read_tables, to_values

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def history():
    return dominicks.load_history()


def test_loader_maps_the_data_onto_the_history_contract(history):
    assert len(history) == 106139
    assert history["campaign"].nunique() == 121 and history["campaign"].min() == 40
    assert history["country"].nunique() == 83 and history["product_id"].nunique() == 11
    assert (history["units"] > 0).all() and (history["price"] > 0).all()
    assert set(history["featured"].unique()) <= {0, 1} and set(history["deal"].unique()) <= {0, 1}
    assert {f"price_b{b:02d}" for b in range(1, 12)} <= set(history.columns)
    own = history.apply(lambda r: r[f"price_b{int(r['product_id'][-2:]):02d}"], axis=1).head(500)
    assert np.allclose(own, history["price"].head(500))
    sample = history.sample(3000, random_state=0)
    dataset = read_tables({"history": to_values(sample)})  # the contract's own validation
    assert len(dataset.history) == 3000


def test_one_tsperf_round_beats_the_naive_forecast(history):
    """Round 1 of the TSPerf protocol (train to week 135, forecast weeks 137-138) on 25 stores."""
    stores = sorted(history["country"].unique())[:25]
    data = history[history["country"].isin(stores)]
    past, future = data[data["campaign"] <= 135], data[data["campaign"].isin([137, 138])]
    outcome = train(past, candidates=[{"name": "gbm_log", "family": "gbm", "loss": "log", "max_iter": 100}],
                    holdout_campaigns=2, gap=1, folds=1, season=52, select_by="mape")
    assert outcome.report["backtest"]["min_lag"] == 3
    out = forecast_rows(outcome.best, future.drop(columns=["units"]))
    y = future["units"].to_numpy(dtype=float)
    ours = backtest.metrics(y, out["forecast_units"].to_numpy())["mape"]
    split = backtest.HoldoutSplit(train=(data["campaign"] <= 135).to_numpy(),
                                  holdout=data["campaign"].isin([137, 138]).to_numpy(),
                                  train_campaigns=[], holdout_campaigns=[137, 138], order={})
    naive = backtest.metrics(y, backtest.naive_forecast(data.reset_index(drop=True), split))["mape"]
    assert ours < 0.6 * naive, (ours, naive)
    inside = ((y >= out["forecast_low"]) & (y <= out["forecast_high"])).mean()
    assert 0.6 <= inside <= 0.95
