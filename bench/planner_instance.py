"""The benchmark's planning instance: ~2,000 products, 100 pages x 8 slots, 5 discount levels.

Synthetic on purpose (the demo has 290 products): products with a category, brand, price and
unit cost; a history of 30 past catalogues of 800 placements whose units follow a known page,
slot-size, featured and discount effect, and a known cannibalisation (``CANNIBALISATION`` per
same-category sibling on a page), so the planner's estimate can be checked. The model is a
scikit-learn pipeline fitted on that history (``linear``: one-hot + Ridge on log units, or
``gbm``: HistGradientBoosting with a Poisson loss), predicting per row from a DataFrame, the
same seam as the planner's champion model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

CATEGORIES = ["skin", "hair", "fragrance", "makeup", "body", "men", "wellness", "home"]
CANNIBALISATION = 0.85
NUMERIC = ["log_price", "page", "log_size", "featured", "discount"]


def make_tables(products: int = 2000, pages: int = 100, per_page: int = 8, campaigns: int = 30,
                seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    cat = rng.integers(0, len(CATEGORIES), products)
    price = np.round(np.exp(rng.normal(3.0, 0.5, products)), 2)
    prod = pd.DataFrame({
        "product_id": [f"P{i:05d}" for i in range(products)],
        "category": np.array(CATEGORIES)[cat], "brand": [f"B{b}" for b in rng.integers(0, 40, products)],
        "price": price, "unit_cost": np.round(price * rng.uniform(0.35, 0.6, products), 2),
        "must_include": 0,
    })
    prod.loc[rng.choice(products, 10, replace=False), "must_include"] = 1
    strength = np.exp(rng.normal(0.0, 0.6, products))
    size = np.tile([0.3] + [0.1] * (per_page - 1), pages)
    page = np.repeat(np.arange(1, pages + 1), per_page)
    slots = pd.DataFrame({"page": page, "slot": np.tile(np.arange(1, per_page + 1), pages),
                          "slot_size": size, "featured": ((page == 1) | ((page % 10 == 0) & (size > 0.2))).astype(int)})
    rows = []
    levels = np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    for c in range(campaigns):
        chosen = rng.choice(products, len(slots), replace=False)
        disc = np.where(rng.random(len(slots)) < 0.3, rng.choice(levels[1:], len(slots)), 0.0)
        mu = expected_units(strength[chosen], price[chosen], slots["page"].to_numpy(), slots["slot_size"].to_numpy(),
                            slots["featured"].to_numpy(), disc)
        frame = pd.DataFrame({"campaign": c + 1, "product_id": prod["product_id"].to_numpy()[chosen],
                              "category": prod["category"].to_numpy()[chosen], "brand": prod["brand"].to_numpy()[chosen],
                              "price": price[chosen], "discount": disc, "page": slots["page"].to_numpy(),
                              "slot_size": slots["slot_size"].to_numpy(), "featured": slots["featured"].to_numpy()})
        k = frame.groupby(["page", "category"])["product_id"].transform("count").to_numpy()
        frame["units"] = rng.poisson(mu * CANNIBALISATION ** (k - 1)).astype(float)
        rows.append(frame)
    history = pd.DataFrame(pd.concat(rows, ignore_index=True))
    return {"products": prod, "slots": slots, "history": history, "strength": strength}


def expected_units(strength, price, page, slot_size, featured, discount):
    return (40.0 * strength * (price / 20.0) ** -0.8 * (1.0 + 1.2 * np.exp(-(page - 1) / 8.0))
            * (slot_size / 0.1) ** 0.6 * (1.0 + 0.6 * featured) * (1.0 + 2.5 * discount))


def _features(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"category": rows["category"].astype(str).to_numpy(),
                         "brand": rows["brand"].astype(str).to_numpy(),
                         "log_price": np.log(rows["price"].to_numpy(float)),
                         "page": rows["page"].to_numpy(float),
                         "log_size": np.log(rows["slot_size"].to_numpy(float)),
                         "featured": rows["featured"].to_numpy(float),
                         "discount": rows["discount"].to_numpy(float)})


class BenchModel:
    """A fitted scikit-learn pipeline behind ``predict(rows) -> units`` (the planner's seam)."""

    countries_: list = []

    def __init__(self, family: str = "linear"):
        self.family = family

    def fit(self, history: pd.DataFrame) -> "BenchModel":
        X, y = _features(history), history["units"].to_numpy(float)
        cats = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), ["category", "brand"])],
                                 remainder="passthrough")
        if self.family == "linear":
            self.model_ = make_pipeline(cats, Ridge(alpha=1.0)).fit(X, np.log1p(y))
        else:
            cats = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                                       ["category", "brand"])], remainder="passthrough")
            self.model_ = make_pipeline(cats, HistGradientBoostingRegressor(loss="poisson", max_iter=100,
                                                                            random_state=0)).fit(X, y)
        return self

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        out = self.model_.predict(_features(rows))
        return np.expm1(out) if self.family == "linear" else out
