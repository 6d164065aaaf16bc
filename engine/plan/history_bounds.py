"""Forecasts beyond anything seen: flagged and shrunk, never silently trusted.

A model asked about a placement no product of its kind ever had (a small, plain slot on the
cover, when the history only shows the cover's big featured slots) may answer anything: a tree
that learnt "page 1 sells 10x" applies it to every page-1 slot, and the search then picks exactly
those cells. So before the search every cell of the forecast table is compared with what the
product ever sold, MOVED to that placement:

    reference(p, slot, discount, market) = max over p's history rows r in that market of
        units_r x lift(slot, discount) / lift(placement of r)

``lift`` is the placement's effect on units (page, cover, slot size, featured, discount, off the
catalogue), estimated from the whole history within products (log units against the placement,
each product and market its own level: the effect of moving the same product), so "the best
campaign this product ever had, on this slot" is a number, whatever slot it had then. A product
with no history in that market (a launch) is compared with the best any product of its category
ever sold there, moved the same way. A forecast above its reference is flagged
``beyond_history`` and shrunk to the reference.

``lift`` is never taken above the best placement any row of the history had: on a short history
whose placements are confounded (two campaigns, the cover's big slots and page 2's small ones:
the slopes of page and slot size fit both and are free along the line where they trade off) the
slopes extrapolate to combinations never seen (a big slot on page 12 at 10x the cover's), and the
reference followed them. Measured on 12 products x 2 campaigns (demo_truth seeds 501-503): rows
flagged 2/0/3 -> 2/4/9, promised/true 3.13/10.77/7.14 -> 1.44/10.92/1.44x (with the range fix
in engine.forecast.pooled_solver); the middle one is left: its products' own best, moved to the
cover by a within-product slope read from 2 campaigns, is itself 10x what they sell there.
A page after the last one the history shows lifts no more than the page it shows that lifts
least, nor more than the page slope says (``_page_beyond_history``): 12 products fill 2-3 pages of
a 24-page layout, and the within-product page slope read off those says nothing of page 12.
Tried and not kept: also capping the reference at the most any row of the market ever sold
(12 products x 2 campaigns: promises 10.8x -> 4.7x), which made every top cell alike on sparse
histories and cost their plans 4-6 points (bench_plan_quality --fresh 100: sparse8 92.8 -> 88.1 %,
sparse10 95.3 -> 89.5 %).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.data.columns import MISSING, canonical_columns, numeric_column, text_column

EFFECTS = ("log_page", "cover", "log_slot_size", "featured", "discount", "off_catalogue")


def _placement(page, slot_size, featured, discount, size_median: float) -> np.ndarray:
    """The placement columns of ``EFFECTS`` for rows (page NaN = off the catalogue)."""
    page = np.asarray(page, dtype=float)
    shown = np.isfinite(page)
    size = np.asarray(slot_size, dtype=float)
    size = np.where(np.isfinite(size) & (size > 0), size, size_median)
    return np.column_stack([
        np.where(shown, np.log(np.maximum(np.nan_to_num(page, nan=1.0), 1.0)), 0.0),
        (shown & (np.round(np.nan_to_num(page)) == 1)).astype(float),
        np.where(shown, np.log(size / size_median), 0.0),
        np.nan_to_num(np.asarray(featured, dtype=float)),
        np.nan_to_num(np.asarray(discount, dtype=float)),
        (~shown).astype(float),
    ])


def placement_lift(history: pd.DataFrame, groups: np.ndarray) -> tuple[np.ndarray, float]:
    """Coefficients of ``EFFECTS`` on log units within ``groups`` (product x market), by least
    squares on the demeaned rows with units > 0; and the median slot size they are centred on."""
    size = numeric_column(history, "slot_size")
    size_median = float(np.nanmedian(size[size > 0])) if np.any(size > 0) else 1.0
    X = _placement(numeric_column(history, "page"), size, numeric_column(history, "featured"),
                   numeric_column(history, "discount"), size_median)
    units = numeric_column(history, "units")
    ok = np.isfinite(units) & (units > 0)
    if ok.sum() < len(EFFECTS) + 2:
        return np.zeros(len(EFFECTS)), size_median
    frame = pd.DataFrame(np.column_stack([np.log(units[ok]), X[ok]]))
    demeaned = frame - frame.groupby(groups[ok]).transform("mean")
    y, Z = demeaned.to_numpy()[:, 0], demeaned.to_numpy()[:, 1:]
    keep = Z.std(axis=0) > 1e-9
    beta = np.zeros(len(EFFECTS))
    if keep.any():
        beta[keep] = np.linalg.lstsq(Z[:, keep], y, rcond=None)[0]
    return beta, size_median


def _page_beyond_history(cells: np.ndarray, beta: np.ndarray, pages: np.ndarray) -> np.ndarray:
    """What to take off each cell's lift (rows of ``_placement``) so that a page beyond the last
    one the history shows (``pages``: the pages of rows that sold) lifts no more than the page the
    history shows that lifts least, nor more than the page slope says: a short history of the
    first pages (12 products fill 2-3 of a 24-page layout) says nothing of page 12, and reading it
    as the last page seen credits it with whatever that page got from a slope read off 2-3 pages
    (on demo 12 products x 4 campaigns, seed 506: page 3 the model's best, page 12 valued at 4x
    what it truly sells)."""
    shown = pages[np.isfinite(pages)]
    out = np.zeros(len(cells))
    if not len(shown):
        return out
    last = float(np.round(shown).max())
    seen = np.unique(np.maximum(np.round(shown), 1.0))
    page_part = beta[0] * np.log(seen) + beta[1] * (seen == 1)
    cell_page = cells[:, 0] * beta[0] + cells[:, 1] * beta[1]  # log page and cover parts of each cell
    beyond = np.exp(cells[:, 0]) > last + 0.5
    out[beyond] = np.maximum(cell_page[beyond] - float(page_part.min()), 0.0)
    return out


def reference_units(history: pd.DataFrame, products: pd.DataFrame, slot_types: pd.DataFrame,
                    levels: np.ndarray, markets: list[str]) -> np.ndarray:
    """(P, T, D, K) the reference above which a forecast is beyond history (module docstring),
    K = ``len(markets)``: the markets the forecast table has for every product. With no
    markets, K = 1: each product's own ``country`` when the products table has one (a country's
    catalogue), else the whole history as one market."""
    h = canonical_columns(history)
    products = canonical_columns(products)
    units = numeric_column(h, "units")
    per_product = not markets and "country" in products.columns and "country" in h.columns
    one_market = not markets and not per_product
    market = np.full(len(h), MISSING, dtype=object) if one_market else text_column(h, "country")
    pid = text_column(h, "product_id")
    beta, size_median = placement_lift(h, pd.factorize(pd.Series(pid + "|" + market))[0])
    lift_of_row = _placement(numeric_column(h, "page"), numeric_column(h, "slot_size"),
                             numeric_column(h, "featured"), numeric_column(h, "discount"), size_median) @ beta
    ok = np.isfinite(units) & (units > 0)
    best = pd.DataFrame({"p": pid[ok], "c": text_column(h, "category")[ok], "m": market[ok],
                         "v": np.log(units[ok]) - lift_of_row[ok]})  # each row moved to lift 0
    own = best.groupby(["p", "m"])["v"].max().to_dict()
    peers = best.groupby(["c", "m"])["v"].max().to_dict()
    T, D = len(slot_types), len(levels)
    cells = _placement(np.repeat(slot_types["page"].to_numpy(), D), np.repeat(slot_types["slot_size"].to_numpy(), D),
                       np.repeat(slot_types["featured"].to_numpy(), D), np.tile(levels, T), size_median)
    # No cell's placement lifts more than the best placement the history itself shows: where the
    # history's placements are confounded (the cover's big slots, page 2's small ones) the
    # within-product slopes fit every row seen and say anything about combinations never seen (a
    # big slot on page 3 at 10x the cover's), so the reference would follow the model there.
    seen_best = float(lift_of_row[ok].max()) if ok.any() else 0.0
    lift = np.minimum(cells @ beta - _page_beyond_history(cells, beta, numeric_column(h, "page")[ok]),
                      seen_best).reshape(T, D)
    ids = products["product_id"].astype(str).to_numpy()
    cats = text_column(products, "category")
    if markets:
        where = [np.full(len(ids), m, dtype=object) for m in markets]
    elif per_product:
        where = [text_column(products, "country")]
    else:
        where = [np.full(len(ids), MISSING, dtype=object)]
    out = np.empty((len(ids), T, D, len(where)))
    for k, m in enumerate(where):
        level = np.array([own.get((i, mk), peers.get((c, mk), np.nan)) for i, c, mk in zip(ids, cats, m)])
        out[:, :, :, k] = np.exp(level[:, None, None] + lift[None, :, :])
    return np.nan_to_num(out, nan=np.inf)
