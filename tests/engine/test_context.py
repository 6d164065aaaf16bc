"""engine.forecast.context: each row against the rest of its catalogue, derived by the pipeline."""

import numpy as np
import pandas as pd
import pytest

from engine.demo import make_demo
from engine.forecast import Forecaster
from engine.forecast.context import MarketContext
from engine.forecast.features import CatalogueFeatures
from engine.plan.instance import forecast_table


def _catalogues():
    """Two campaigns x two markets; in market B of campaign 2 only 'c' has a price."""
    return pd.DataFrame({
        "campaign": [1, 1, 1, 1, 1, 1, 2, 2, 2, 2],
        "country": ["A", "A", "A", "B", "B", "B", "A", "A", "B", "B"],
        "product_id": ["a", "b", "c", "a", "b", "c", "a", "c", "b", "c"],
        "category": ["x", "x", "y", "x", "x", "y", "x", "y", "x", "y"],
        "price": [10.0, 20.0, 40.0, 10.0, 20.0, 40.0, 10.0, 40.0, None, 30.0],
        "discount": [0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2],
        "featured": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0],
        "deal": [0, 1, 1, 0, 0, 0, 1, 0, 0, 1],
        "units": [5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0],
    })


def _context(frame, **kwargs):
    context = MarketContext().fit(frame, ["deal"])
    return context, context.features(frame, **kwargs)


def test_each_row_is_judged_against_the_other_rows_of_its_campaign_and_market():
    frame = _catalogues()
    context, out = _context(frame)
    assert context.flags == ["discounted", "featured", "deal"]
    # campaign 1, market A: effective prices 10, 10 (20 at half price), 40
    assert out["context_price_vs_mean"][:3] == pytest.approx([10 / 25, 10 / 25, 40 / 10])
    assert out["context_price_vs_min"][:3] == pytest.approx([1.0, 1.0, 4.0])
    assert out["context_price_rank"][:3] == pytest.approx([0.0, 0.0, 1.0])  # ties are not cheaper
    assert out["context_others_discounted"][:3] == pytest.approx([0.5, 0.0, 0.5])
    assert out["context_others_featured"][:3] == pytest.approx([0.0, 0.5, 0.5])
    assert out["context_others_deal"][:3] == pytest.approx([1.0, 0.5, 0.5])
    # campaign 1, market B: the same products without the discount: another catalogue
    assert out["context_price_vs_mean"][3:6] == pytest.approx([10 / 30, 20 / 25, 40 / 15])
    assert out["context_price_rank"][3:6] == pytest.approx([0.0, 0.5, 1.0])
    # within the category: 'a' and 'b' are category x, 'c' is alone in y
    assert out["context_price_vs_category"][3:6] == pytest.approx([0.5, 2.0, np.nan], nan_ok=True)
    # campaign 2, market B: 'b' has no price, so 'c' has nobody to be compared with
    assert np.isnan(out["context_price_vs_mean"][8:]).all()
    assert out["context_others_deal"][8:] == pytest.approx([1.0, 0.0])


def test_price_index_market_is_against_the_products_usual_price_in_that_market():
    frame = _catalogues()
    context, out = _context(frame)
    # 'c' in market B: prices 40 and 30 at 20 % off -> usual 35; effective 40 and 24
    assert out["price_index_market"][[5, 9]] == pytest.approx([40 / 35, 24 / 35])
    unseen = context.features(pd.DataFrame({"product_id": ["c", "zz"], "country": ["C", "A"],
                                            "price": [40.0, 5.0]}))
    assert np.isnan(unseen["price_index_market"]).all()


def test_a_planned_row_is_judged_against_the_reference_catalogue_without_itself():
    frame = _catalogues()
    context, _ = _context(frame)
    products = pd.DataFrame({"product_id": ["a", "b", "c"], "price": [10.0, 20.0, 40.0],
                             "category": ["x", "x", "y"]})
    # the reference at regular prices, sent as one catalogue, gives the same price context
    as_catalogue = context.features(products.assign(campaign=9, country="A"))
    planned = context.features(products.assign(country="A"), reference=products)
    for name in ("context_price_vs_mean", "context_price_vs_min", "context_price_rank",
                 "context_price_vs_category", "context_category_rank"):
        assert planned[name] == pytest.approx(as_catalogue[name], nan_ok=True), name
    # 'b' at 60 % off costs 8: cheaper than everyone else
    cut = context.features(pd.DataFrame({"product_id": ["b"], "price": [20.0], "discount": [0.6],
                                         "category": ["x"], "country": ["B"]}), reference=products)
    assert cut["context_price_vs_mean"] == pytest.approx([8 / 25])
    assert cut["context_price_vs_min"] == pytest.approx([0.8])
    assert cut["context_price_rank"] == pytest.approx([0.0])
    # others' promotions are the plan's decision: the market's typical shares instead
    assert cut["context_others_deal"] == pytest.approx([np.mean([0, 0, 0, 0, 1])])


def test_features_never_read_units_and_a_sent_column_of_a_derived_name_gives_way():
    frame = _catalogues().assign(context_price_rank=99.0)
    features = CatalogueFeatures().fit(frame)
    assert "context_price_rank" in features.numeric_ and features.numeric_.count("context_price_rank") == 1
    rows = frame.drop(columns=["units"])
    moved = frame.assign(units=frame["units"] * 7).drop(columns=["units"])
    a, b = features.transform(rows), features.transform(moved)
    assert not (a["context_price_rank"] == 99.0).any()
    pd.testing.assert_frame_equal(a, b)


def test_the_planner_table_uses_the_candidates_as_reference_catalogue():
    tables = make_demo(seed=3, campaigns=12, products=40)
    model = Forecaster(family="gbm", max_iter=30).fit(tables["history"])
    products = tables["products"]
    types = pd.DataFrame({"page": [1, 5], "slot_size": [0.5, 0.25], "featured": [1, 0]})
    levels = np.array([0.0, 0.3])
    table = forecast_table(model, products, types, levels, chunk_rows=50)  # chunks of a few products
    # the same as predicting each market's rows against the whole products table at once
    for k, country in enumerate(model.countries_):
        rows = products.assign(page=5, slot_size=0.25, featured=0, discount=0.3, country=country)
        alone = model.predict(rows, reference=products)
        if k == 0:
            total = alone
        else:
            total = total + alone
    assert table[:, 1, 1] == pytest.approx(total, rel=1e-9)
