"""engine.plan.promise: where the range's shared catalogue term comes from."""

from types import SimpleNamespace

import pytest

from engine.plan.promise import catalogue_variance


class _Posterior:
    """A pooled model's posterior as the promise reads it: the campaign term's variance and how
    many campaigns it was estimated from."""

    def __init__(self, variance: float, campaigns: int):
        self.variance, self.campaigns = variance, campaigns

    def campaign_variance(self):
        return self.variance, self.campaigns


def test_the_catalogue_term_is_measured_with_the_model_that_values_the_plan():
    """A linear champion's plan is valued by a pooled refit: the shared term comes from the
    pooled candidate's backtest and the pooled posterior, never from the champion's own error
    (on the 18-campaign case of bench/bench_plan_quality.py, mid3: the linear model's RMS
    catalogue error 0.14 in log units, the pooled model's newest fold 0.045 beyond what its rows
    explain)."""
    measured = {"linear": {"excess": 0.02, "variance": 0.02, "campaigns": 2, "fold": 2},
                "pooled": {"excess": 0.0004, "variance": 0.0004, "campaigns": 2, "fold": 2}}
    champion = SimpleNamespace(candidate_name_="linear", catalogue_shared_=measured)
    valuer = SimpleNamespace(model_=_Posterior(0.0016, 18))
    variance, source = catalogue_variance(champion, valuer)
    # the two estimates of the same variance pooled by the campaigns each rests on
    assert variance == pytest.approx((18 * 0.0016 + 2 * 0.0004) / 20)
    assert "18 campaigns" in source and "2 held-out" in source
    # the champion that values its own plan uses its own entry
    pooled = SimpleNamespace(candidate_name_="pooled", catalogue_shared_=measured, model_=_Posterior(0.0016, 18))
    assert catalogue_variance(pooled, pooled)[0] == pytest.approx((18 * 0.0016 + 2 * 0.0004) / 20)


def test_a_backtest_that_missed_by_less_than_its_rows_explain_pulls_the_term_down_not_below_zero():
    measured = {"pooled": {"excess": -0.01, "variance": 0.0, "campaigns": 1, "fold": 0}}
    model = SimpleNamespace(candidate_name_="pooled", catalogue_shared_=measured, model_=_Posterior(0.0004, 3))
    assert catalogue_variance(model, model)[0] == 0.0
    # without a backtest (a model saved before it was measured): the posterior alone
    older = SimpleNamespace(candidate_name_="pooled", model_=_Posterior(0.0004, 3))
    assert catalogue_variance(older, older) == (pytest.approx(0.0004), "3 campaigns of history")


def test_the_valuer_is_the_champion_s_own_fit_with_its_shared_curve_forecast():
    """A pooled champion with a shared movement (a history of a year or less) values its plan
    through its expected view: the same fit (the history forecast alike, the champion's own
    backtest entry for the range), the curve forecast by its AR(1) beyond the history rather than
    held at its last value, so the next catalogue's rows that load on it are valued apart."""
    import numpy as np

    from engine.demo import make_demo
    from engine.forecast import Forecaster
    from engine.plan.promise import valuer_for

    history = make_demo(seed=12, countries=("DE",), campaigns=8, products=80)["history"]
    model = Forecaster(family="pooled", season=0).fit(history)
    assert model.model_.factor_ is not None
    valuer = valuer_for(model, history)
    assert valuer is not model and valuer.valued_from_ is model
    assert model.model_.curve_ahead == "held" and valuer.model_.curve_ahead == "ar1"
    np.testing.assert_allclose(valuer.predict(history.head(200)), model.predict(history.head(200)))
    ahead = history.drop(columns=["campaign", "start_date", "units"]).drop_duplicates("product_id")
    loading = model.model_.effects().reindex(ahead["product_id"])["product_factor"].abs().to_numpy()
    moved = np.abs(np.log(valuer.predict(ahead)) - np.log(model.predict(ahead)))
    assert moved[loading > 0.3].min() > 0.05  # the products that load on the curve: valued apart
    measured = {"pooled": {"excess": 0.0004, "campaigns": 2}, "other": {"excess": 0.3, "campaigns": 2}}
    model.candidate_name_, model.catalogue_shared_ = "pooled", measured
    assert catalogue_variance(model, valuer) == catalogue_variance(model, model)
    model.candidate_name_, model.catalogue_shared_ = "other", measured
    assert catalogue_variance(model, valuer)[0] == catalogue_variance(model, model)[0] > 0.01  # its own entry
