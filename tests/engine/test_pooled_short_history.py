"""engine.forecast.pooled on a company's first campaigns: what it carries into the next catalogue
(the shared trend, by how well it predicted the history's own campaigns), placement effects read
within products (planners put their best sellers up front), and a cover read from a handful of
rows pooled with the other pages instead of trusted on its own."""

import numpy as np
import pandas as pd
import pytest

from engine.forecast.pooled import PooledRegressor


def _history(seed: int, levels, products: int = 120, placed_by_popularity: bool = False,
             page_slope: float = -0.2, cover_luck: float = 1.0) -> pd.DataFrame:
    """Campaigns whose overall level follows ``levels`` (log scale, one per campaign), products
    with their own popularity, pages 1-20 (page 1: the cover, one product), units ~ NB(shape 6)
    with log mean = popularity + level + ``page_slope`` x log(page). ``placed_by_popularity``:
    the most popular products get the front pages (as planners place them); ``cover_luck``: the
    cover rows' units times this (a few lucky rows)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"P{i:03d}" for i in range(products)])
    popularity = rng.normal(np.log(60.0), 0.6, products)
    cats = np.array(["a", "b", "c"])[np.arange(products) % 3]
    frames = []
    for t, level in enumerate(levels):
        order = np.argsort(-(popularity + rng.normal(0, 0.3, products))) if placed_by_popularity \
            else rng.permutation(products)
        page = np.empty(products)
        page[order] = np.minimum(1 + np.ceil(np.arange(products) / 6.0), 20)
        page[order[0]] = 1.0
        mu = np.exp(popularity + level + page_slope * np.log(page))
        units = rng.poisson(rng.gamma(6.0, mu / 6.0)).astype(float)
        units[page == 1] = np.round(units[page == 1] * cover_luck)
        frames.append(pd.DataFrame({"campaign": f"2024-{t + 1:02d}", "product_id": ids, "category": cats,
                                    "price": 10.0, "discount": 0.0, "page": page, "units": units}))
    return pd.concat(frames, ignore_index=True)


def _next_level(model: PooledRegressor, history: pd.DataFrame) -> float:
    """The model's next catalogue over its last campaign, same rows (log scale, mean over rows)."""
    last = history[history["campaign"] == history["campaign"].max()]
    return float(np.mean(np.log(model.predict(last.drop(columns=["campaign"])) / model.predict(last))))


def test_a_trend_that_stopped_is_not_carried_and_one_that_goes_on_is():
    # a peak fading out of the first campaign, then flat: in-sample a falling trend, which stopped
    fading = _history(1, [0.5, 0.05, 0.0, 0.0, 0.0])
    model = PooledRegressor().fit(fading)
    assert model.trend_carry_ < 0.2
    stopped = _next_level(model, fading)
    model.trend_carry_ = 1.0  # as it was: the fall extrapolated
    assert stopped > _next_level(model, fading) + 0.05
    # a steady growth of 10 % a campaign: checked on every campaign, carried
    growing = _history(2, 0.1 * np.arange(6))
    model = PooledRegressor().fit(growing)
    assert model.trend_carry_ > 0.7
    assert _next_level(model, growing) == pytest.approx(0.1, abs=0.04)


def test_two_campaigns_carry_no_trend():
    history = _history(3, [0.0, -0.2])
    model = PooledRegressor().fit(history)
    assert model.trend_carry_ == 0.0
    assert np.all(np.isfinite(model.predict(history.drop(columns=["campaign"]))))


def test_the_page_effect_is_read_within_products_when_best_sellers_get_the_front_pages():
    slopes = []
    for seed in range(3):
        history = _history(10 + seed, [0.0, 0.0, 0.0], placed_by_popularity=True)
        model = PooledRegressor().fit(history)
        fixed = dict(zip(model.fixed_names_, model.coef_dense_))
        assert fixed["usual_log_page"] < 0  # a product usually up front is a popular one
        slopes.append(fixed["log_page"])
    assert np.mean(slopes) == pytest.approx(-0.2, abs=0.06)


def test_a_launch_is_at_its_kind_s_level_whatever_the_usual_placement_says():
    history = _history(20, [0.0, 0.0, 0.0], placed_by_popularity=True)
    model = PooledRegressor().fit(history)
    known = history[history["campaign"] == "2024-03"].drop(columns=["campaign"]).assign(page=8.0)
    launches = known.assign(product_id=[f"new-{i}" for i in range(len(known))])
    # a launch has no placement history: it is forecast at its kind's level (the products' mean
    # on that page, and the spread of their levels), not at a weak seller's nor a best seller's
    ratio = model.predict(launches).mean() / model.predict(known).mean()
    assert ratio == pytest.approx(1.0, abs=0.15)


def test_a_lucky_cover_read_from_three_rows_is_pooled_with_the_other_pages():
    # three cover rows that sold 3x what their page should give: a free cover coefficient would
    # carry that to every product put on the cover; pooled with the pages, most of it is luck
    history = _history(30, [0.0, 0.0, 0.0], cover_luck=3.0)
    model = PooledRegressor().fit(history)
    rows = history[history["campaign"] == "2024-03"].drop(columns=["campaign"])
    cover, two = model.predict(rows.assign(page=1.0)), model.predict(rows.assign(page=2.0))
    lift = float(np.exp(np.mean(np.log(cover / two))))
    assert lift < 1.6  # the truth: 2 ** 0.2 = 1.15; the three rows alone say ~3.5


def test_pages_beyond_those_the_history_shows_are_read_as_the_last_one_seen():
    history = _history(40, [0.0, 0.0, 0.0], products=24)  # catalogues of 5 pages
    model = PooledRegressor().fit(history)
    assert model.page_range_ == (1.0, 5.0)
    rows = history[history["campaign"] == "2024-03"].drop(columns=["campaign"])
    design, names = model._rows(rows.assign(page=24.0))
    assert np.allclose(design.fixed[:, names.index("log_page")], np.log(5.0))  # not extrapolated
    far, last = model.predict(rows.assign(page=24.0)), model.predict(rows.assign(page=5.0))
    assert np.all(far / last < 1.5) and np.all(far / last > 0.67)  # the page term's own level only
