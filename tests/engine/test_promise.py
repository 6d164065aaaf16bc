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


def test_a_plan_that_loses_money_has_a_range_around_its_loss_not_a_point():
    """Every candidate's unit_cost above its price (through the API: all_negative_margin in
    bench/sweep_odd_api.py): the plan's expected profit is a loss, and its 80 % range used to be
    that one number (the variances were left at 0 for a total <= 0). Now it is as wide as the
    plan's units are uncertain, low the larger loss, and it holds the expected value."""
    from engine.data.dataset import Dataset
    from engine.demo import make_demo
    from engine.forecast import Forecaster
    from engine.plan.planner import plan_catalogue

    tables = make_demo(seed=3, countries=("DE",), campaigns=8, products=30)
    products = tables["products"].assign(unit_cost=lambda p: p["price"] * 1.5,
                                         must_include=lambda p: (p.index < 2).astype(int))
    dataset = Dataset(history=tables["history"], products=products)
    model = Forecaster(family="pooled", season=0).fit(tables["history"])
    settings = {"pages": 2, "slots_per_page": 3, "population": 8, "generations": 3, "seed": 1}
    totals = plan_catalogue(dataset, model, settings)["totals"]
    assert totals["expected_profit"] < 0
    assert totals["expected_profit_low"] < totals["expected_profit"] < totals["expected_profit_high"] < 0
    assert 0 < totals["expected_units_low"] < totals["expected_units"] < totals["expected_units_high"]

    # Nothing required and nothing earns: no plan, and the message says why (it said "the rules
    # leave no candidate a slot", a rule the planner never set).
    import pytest

    from engine.errors import FolioError

    with pytest.raises(FolioError) as caught:
        plan_catalogue(Dataset(history=tables["history"], products=products.assign(must_include=0)), model, settings)
    error = caught.value
    assert error.code == "infeasible" and "no product is worth a slot" in error.detail and "unit_cost" in error.detail
    assert error.problems[0].table == "products" and error.problems[0].column == "unit_cost"
