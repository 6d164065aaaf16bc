"""engine.forecast.factor and engine.forecast.tails, and the pooled model's product_factor: a
movement over time that some products share (the demo's suncare lines before summer) is learned
once from all of them, each product's loading on it shrunk by a heavy-tailed prior whose tail
the data choose."""

import math

import numpy as np
import pandas as pd
import pytest

from engine.forecast import factor, tails
from engine.forecast.pooled import PooledRegressor


def _plateau(t: float) -> float:  # a season (log scale): flat, a ramp up, then a high plateau
    return 1.5 * min(max((t - 3) / 3, 0.0), 1.0)


def _moving_history(seed: int, campaigns: int = 10, products: int = 120, movers: int = 12, curve=_plateau):
    """A history of ``campaigns`` campaigns where ``movers`` products (across both categories)
    follow one shared curve (by default up to a plateau) and the rest sell steadily; the curve,
    including the next campaign's value, and the movers' ids."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"P{i:03d}" for i in range(products)])
    cat = np.where(np.arange(products) % 2 == 0, "a", "b")
    moving = np.zeros(products, bool)
    moving[rng.choice(products, movers, replace=False)] = True
    base = rng.normal(np.log(40.0), 0.5, products)

    rows = []
    for t in range(campaigns):
        disc = rng.choice([0.0, 0.2, 0.4], size=products, p=[0.6, 0.25, 0.15])
        page = rng.integers(2, 20, size=products).astype(float)
        mu = np.exp(base + np.where(moving, curve(t), 0.0) + 2.0 * disc - 0.3 * np.log(page))
        units = rng.poisson(rng.gamma(6.0, mu / 6.0))
        rows.append(pd.DataFrame({"campaign": f"2024-{t + 1:02d}", "product_id": ids, "category": cat,
                                  "price": 10.0, "discount": disc, "page": page, "units": units}))
    return pd.concat(rows, ignore_index=True), curve, set(ids[moving]), base, ids


def test_shared_curve_recovers_a_movement_some_products_share():
    rng = np.random.default_rng(0)
    P, C = 200, 10
    curve = np.linspace(-1, 1, C) ** 3
    load = np.where(rng.random(P) < 0.1, 1.0, 0.0)
    W = (rng.random((P, C)) < 0.8) * rng.uniform(1, 5, (P, C))  # some cells unobserved
    M = np.outer(load, curve) + rng.normal(0, 0.3, (P, C)) / np.sqrt(np.maximum(W, 1e-9))
    M, W = factor.residual_table(np.repeat(np.arange(P), C), np.tile(np.arange(C), P), M.reshape(-1),
                                 W.reshape(-1), P, C)
    found = factor.shared_curve(M, W)
    truth = (curve - curve.mean()) / np.sqrt(np.mean((curve - curve.mean()) ** 2))
    assert np.corrcoef(found, truth)[0, 1] > 0.95
    assert np.mean(found) == pytest.approx(0.0, abs=1e-9) and np.sqrt(np.mean(found ** 2)) == pytest.approx(1.0)
    assert np.all(factor.shared_curve(np.zeros((5, 4)), np.ones((5, 4))) == 0.0)  # nothing moves: no curve


def test_the_tail_is_the_data_s_choice():
    rng = np.random.default_rng(1)
    v = np.full((400, 1), 0.01)
    gaussian = rng.normal(0, 0.5, (400, 1)) + rng.normal(0, 0.1, (400, 1))
    sparse = np.where(rng.random((400, 1)) < 0.08, rng.normal(0, 1.0, (400, 1)), 0.0) + rng.normal(0, 0.1, (400, 1))
    s2, nu, _ = tails.fit_tail(gaussian, v, 0.1)
    assert nu >= 16 and s2 == pytest.approx(0.25, rel=0.3)
    _, nu, _ = tails.fit_tail(sparse, v, 0.1)
    assert nu <= 2
    # EM weights: a coefficient near 0 is held harder than the Gaussian would, a large one far less
    w = tails.weights(np.array([[0.0], [2.0]]), np.zeros((2, 1)), 0.01, 1.0)
    assert w[0] > 1.5 and w[1] < 0.01
    assert np.all(tails.weights(np.ones((3, 2)), np.zeros((3, 2)), 0.5, math.inf) == 1.0)
    bhat, var = tails.data_estimates(np.array([0.5]), np.array([0.05]), np.array([10.0]))
    assert bhat[0] == pytest.approx(0.5 * 20 / 10) and var[0] == pytest.approx(0.1)


def test_pooled_learns_the_shared_movement_and_forecasts_the_next_level_closer():
    """With the shared curve, the products' levels in the next campaign are closer to the truth
    than with each product's own trend alone: the steady products no longer carry a noisy trend
    (the trends' variance is the movers' no more), and the movers' loadings stand out."""
    errors = {True: [], False: []}
    for seed in range(2):
        history, curve, movers, base, ids = _moving_history(seed)
        rows = pd.DataFrame({"product_id": ids, "category": np.where(np.arange(len(ids)) % 2 == 0, "a", "b"),
                             "price": 10.0, "discount": 0.0, "page": 5.0})
        is_mover = np.isin(ids, list(movers))
        true = base + np.where(is_mover, curve(10), 0.0) - 0.3 * np.log(5.0)
        for on in (True, False):
            model = PooledRegressor(season=0, product_factor=on).fit(history)
            assert ("product_factor" in model.block_) is on
            err = np.log(model.predict(rows)) - true
            err -= np.median(err[~is_mover])  # the shared level is not the point
            errors[on].append(np.sqrt(np.mean(err ** 2)))
            if on:
                assert model.tails_["product_factor"] <= 4  # most products do not move: a heavy tail
                assert model.variances_["product_trend"] < 0.1  # the movement is no trend's to explain
                loading = model.effects()["product_factor"]
                assert loading[list(movers)].abs().median() > 5 * loading.drop(list(movers)).abs().median()
    assert np.mean(errors[True]) < 0.9 * np.mean(errors[False])


def test_no_shared_movement_where_the_season_is_learnt_or_the_history_is_too_short():
    history, *_ = _moving_history(0, campaigns=10)
    assert "product_factor" not in PooledRegressor(season=8).fit(history).block_  # full season
    short = history[history["campaign"] <= "2024-03"]
    assert "product_factor" not in PooledRegressor(season=0).fit(short).block_  # 3 campaigns
    model = PooledRegressor(season=0).fit(history)
    launch = pd.DataFrame({"product_id": ["new"], "category": ["a"], "price": [10.0], "discount": [0.0],
                           "page": [5.0]})
    assert np.isfinite(model.predict(launch)).all()  # a launch: the loading's prior


def test_persistence_is_the_curve_s_own_ar1_coefficient():
    rng = np.random.default_rng(3)
    for rho in (0.3, 0.8):
        x = np.zeros(2000)
        for t in range(1, len(x)):
            x[t] = rho * x[t - 1] + rng.normal()
        assert factor.persistence(x - x.mean()) == pytest.approx(rho, abs=0.05)
    assert factor.persistence(np.array([1.0, -1.0, 1.0, -1.0])) == 0.0  # flips every step: nothing to carry
    assert factor.persistence(np.array([0.1, 0.2, 0.4, 0.8])) == 1.0  # grows: held, not extrapolated
    assert factor.persistence(np.array([1.0, -1.0])) == 0.0  # too short to say
    curve = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_allclose(factor.values_at(curve, 0.5, np.array([-1, 0, 2, 3, 5])), [-1.0, -1.0, 1.0, 0.5, 0.125])


def test_a_season_turning_is_valued_lower_than_its_height():
    """The movers follow a season that peaked before the history's last campaign. The forecast
    plans are searched on holds the curve at its last value and overrates the movers' next level
    (the products the search picks first); the view that values plans (expected_view: the
    curve's AR(1)) forecasts it closer to the truth, and leaves the steady products as they were."""
    season = lambda t: 1.5 * max(0.0, math.cos(2 * math.pi * (t - 8) / 14))  # noqa: E731  (peak at 8 of 0-9)
    errors = {"ar1": [], "held": []}
    for seed in range(3):
        history, curve, movers, base, ids = _moving_history(seed, campaigns=10, curve=season)
        rows = pd.DataFrame({"product_id": ids, "category": np.where(np.arange(len(ids)) % 2 == 0, "a", "b"),
                             "price": 10.0, "discount": 0.0, "page": 5.0})
        is_mover = np.isin(ids, list(movers))
        true = base + np.where(is_mover, curve(10), 0.0) - 0.3 * np.log(5.0)
        model = PooledRegressor(season=0).fit(history)
        view = model.expected_view()
        assert view is not model and model.curve_ahead == "held" and view.curve_ahead == "ar1"
        assert 0.0 < model.factor_persistence_ < 1.0
        held, valued = np.log(model.predict(rows)), np.log(view.predict(rows))
        on_history = history.head(50)
        np.testing.assert_allclose(view.predict(on_history), model.predict(on_history))  # the history: one fit
        steady = np.median((held - true)[~is_mover])
        errors["held"].append(np.mean(held[is_mover] - true[is_mover]) - steady)
        errors["ar1"].append(np.mean(valued[is_mover] - true[is_mover]) - steady)
        change = np.abs(valued - held)
        assert np.median(change[~is_mover]) < 0.2 * np.median(change[is_mover])  # the steady barely load on it
    assert np.mean(errors["held"]) > 0.15  # held at its last value: the movers overrated
    assert all(0.0 < a < h for a, h in zip(errors["ar1"], errors["held"]))  # closer on every seed, not past it
    assert np.mean(errors["ar1"]) < 0.8 * np.mean(errors["held"])
    flat = PooledRegressor(season=0, product_factor=False).fit(_moving_history(0)[0])
    assert flat.expected_view() is flat  # no curve: nothing to forecast
