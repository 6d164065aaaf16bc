"""engine.plan.history_bounds: the reference a forecast is flagged above never follows a placement
slope beyond what the history itself shows."""

import numpy as np
import pandas as pd

from engine.plan.history_bounds import reference_units


def _confounded_history() -> pd.DataFrame:
    """Two campaigns where the cover holds only big slots and page 2 only small ones (page and
    slot size move together), best sellers on the cover: the within-product slopes of page and
    slot size are free along the line where they trade off."""
    rows = []
    for c, campaign in enumerate(("2024-01", "2024-02")):
        for i in range(10):
            cover = i < 2 if c == 0 else i in (1, 2)
            rows.append({"campaign": campaign, "product_id": f"P{i}", "category": "skin", "country": "DE",
                         "page": 1.0 if cover else 2.0, "slot_size": 0.5 if cover else 0.125, "featured": 0,
                         "discount": 0.0, "units": (900.0 if cover else 100.0) + 40 * i + 30 * c})
    return pd.DataFrame(rows)


def test_no_cell_is_lifted_beyond_the_best_placement_the_history_shows():
    history = _confounded_history()
    products = pd.DataFrame({"product_id": [f"P{i}" for i in range(10)] + ["NEW"], "category": ["skin"] * 11})
    slot_types = pd.DataFrame({"page": [1.0, 2.0, 12.0, 1.0], "slot_size": [0.5, 0.125, 0.5, 1.0],
                               "featured": [0, 0, 0, 0]})
    ref = reference_units(history, products, slot_types, np.array([0.0, 0.3]), [])
    assert ref.shape == (11, 4, 2, 1)
    # a big slot on page 12 or a whole cover page (never seen) is no better than the best
    # placement seen, the cover's half page: the slopes are not followed beyond it
    assert np.all(ref[:, 2, 0, 0] <= ref[:, 0, 0, 0] * (1 + 1e-9))
    assert np.all(ref[:, 3, :, 0] <= ref[:, 0, 0, 0, None] * (1 + 1e-9))
    # and what the product itself sold where it was is never beyond its reference
    for i in range(10):
        own = history[history["product_id"] == f"P{i}"]
        for _, row in own.iterrows():
            t = 0 if row["page"] == 1.0 else 1
            assert ref[i, t, 0, 0] >= row["units"] * (1 - 1e-9)


def test_a_page_after_the_history_lifts_no_more_than_the_page_it_shows_that_lifts_least():
    """Pages 1-3 only, later pages selling MORE within products (a slope read off 3 pages): page
    12 of a 24-page layout is not credited with that slope, nor with page 3's lift."""
    rows = []
    for c, campaign in enumerate(("2024-01", "2024-02", "2024-03")):
        for i in range(9):
            page = 1.0 + (i + c) % 3
            rows.append({"campaign": campaign, "product_id": f"P{i}", "category": "skin", "page": page,
                         "slot_size": 0.25, "featured": 0, "discount": 0.0, "units": (50.0 + 10 * i) * page})
    history = pd.DataFrame(rows)
    products = pd.DataFrame({"product_id": [f"P{i}" for i in range(9)], "category": ["skin"] * 9})
    slot_types = pd.DataFrame({"page": [1.0, 2.0, 3.0, 12.0], "slot_size": [0.25] * 4, "featured": [0] * 4})
    ref = reference_units(history, products, slot_types, np.array([0.0]), [])
    least = ref[:, :3, 0, 0].min(axis=1)
    assert np.all(ref[:, 3, 0, 0] <= least * (1 + 1e-9))
    assert np.all(ref[:, 3, 0, 0] < ref[:, 2, 0, 0] * 0.9)  # page 3, the history's best, is not its reading
