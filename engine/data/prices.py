"""Candidate prices far from any price their product sold at: a dataset warning per product.

A forecast at a price the history never shows is a guess, and revenue and profit scale with the
price: seen through the API, products at ten times their historical prices got a plan whose
expected revenue was 12.8x the best campaign in the history, with no row flagged
``beyond_history`` (that flag looks at units, and the units stayed in range). The planner
should hear it where it starts, at the price cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.errors import Problem, a1_cell

FAR = 2.0  # a price above 2x the product's highest historical price, or below half its lowest
MAX_WARNINGS = 20  # one per product; beyond that one line says how many more


def price_warnings(history: pd.DataFrame, products: pd.DataFrame, rows: list[int], header: list) -> list[Problem]:
    """One warning per candidate whose ``price`` is beyond ``FAR`` times its own historical range."""
    if history is None or products is None or not {"product_id", "price"} <= set(history.columns) \
            or not {"product_id", "price"} <= set(products.columns):
        return []
    sold = history.dropna(subset=["price"]).groupby(history["product_id"].astype(str))["price"].agg(["min", "max"])
    ids = products["product_id"].astype(str).to_numpy()
    price = pd.to_numeric(products["price"], errors="coerce").to_numpy(dtype=float)
    low = sold["min"].reindex(ids).to_numpy(dtype=float)
    high = sold["max"].reindex(ids).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        far = np.isfinite(price) & np.isfinite(high) & ((price > FAR * high) | (price < low / FAR))
    column = header.index("price") if "price" in header else None
    out = []
    for i in np.flatnonzero(far)[:MAX_WARNINGS]:
        ratio, seen = (price[i] / high[i], f"the highest price it sold at in the history ({high[i]:g})") \
            if price[i] > high[i] else (price[i] / low[i], f"the lowest price it sold at in the history ({low[i]:g})")
        row = rows[i] if i < len(rows) else None
        out.append(Problem(f"price {price[i]:g} of {ids[i]!r} is {ratio:.2g}x {seen}: its forecast at this price "
                           "goes beyond what the history shows, and revenue and profit with it",
                           "products", row, "price", a1_cell(row, column) if row is not None and column is not None else None))
    if far.sum() > MAX_WARNINGS:
        out.append(Problem(f"{int(far.sum()) - MAX_WARNINGS} more products are priced beyond {FAR:g}x their "
                           "historical price range", "products", None, "price"))
    return out
