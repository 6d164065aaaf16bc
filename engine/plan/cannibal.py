"""Cannibalisation: products of one category sharing a page take sales from each other.

Why it lives in the planner's objective and not in the model: the forecaster is a per-row model
(``model.predict(rows)``: one product in one slot), so it cannot see the other products on the
page. That coupling is what makes the plan non-separable: the value of a placement depends on
the rest of the page, and a greedy rule that ranks placements one by one cannot account for it.
We model it as a documented, data-estimated term:

    units(placement) = forecast(placement) x factor ** (same-category products on its page - 1)

``factor`` (in [MIN_FACTOR, 1]) is estimated from the history by least squares on
``log1p(units) ~ (k - 1) + log(slot_size) + discount + featured`` with fixed effects for the
product and for the (campaign, market, page), absorbed by alternating demeaning. The page effect
soaks up everything the page itself does (position, crowding), the product effect the product's
strength, so the slope on ``k - 1`` is the within-page, between-category contrast: how much a
product sells less when it has more siblings of its own category on the same page. A factor of 1
(no effect found, or too little history) makes the objective separable again. ``factor <= 1``
keeps the linear value table an upper bound for every positive placement (engine.plan.bound).

The slope is shrunk toward none by how well the history pins it down (empirical Bayes by
moments: the estimate's square overstates the true effect's square by its sampling variance, so
the slope is kept in the share ``max(0, b^2 - se^2) / b^2``, ``se`` from the regression's own
residuals). Without it a short history's noise became an effect, and one way only: a slope
above 0 is clipped to "none", one below is kept. On the demo (no cannibalisation) the factor was
0.961-0.995 on four short histories of bench/bench_plan_quality.py (sparse8 0.961, its slope 1.9
standard errors from 0; thin3 0.964, 0.8), taking 0.5-3.1 % off their promised profit
(``--split``); now 0.972 on sparse8 and none on the other three. The demo's 36-campaign history
and one made with 0.8 per sibling are estimated as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.data.columns import canonical_columns

MIN_FACTOR = 0.5  # never believe that one sibling halves sales or worse
MIN_ROWS = 200  # below this many placed rows the estimate is too noisy: no effect assumed
DEMEAN_ROUNDS = 8


def placed_rows(history: pd.DataFrame) -> tuple[pd.DataFrame | None, str | None]:
    """The history rows the estimate learns from (placed on a page, units known), or None and,
    in words, why the history cannot support an estimate (a column missing, too few rows)."""
    h = canonical_columns(history)
    needed = {"campaign", "product_id", "category", "page", "units"}
    if not needed <= set(h.columns):
        missing = ", ".join(sorted(needed - set(h.columns)))
        return None, f"the history has no {missing} column: no cannibalisation assumed"
    h = h[pd.to_numeric(h["page"], errors="coerce").notna()].copy()
    h["units"] = pd.to_numeric(h["units"], errors="coerce")
    h = h[h["units"].notna() & (h["units"] >= 0)]
    if len(h) < MIN_ROWS:
        return None, (f"{len(h)} history rows placed on a page, fewer than the {MIN_ROWS} an estimate "
                      "needs: no cannibalisation assumed")
    return h, None


def estimate_factor(history: pd.DataFrame) -> float:
    """The per-sibling sales factor in [MIN_FACTOR, 1] estimated from ``history`` (1.0 = none)."""
    h, _ = placed_rows(history)
    if h is None:
        return 1.0
    market = h["country"].astype(str) if "country" in h.columns else pd.Series("", index=h.index)
    page_key = h["campaign"].astype(str) + "|" + market + "|" + h["page"].astype(str)
    siblings = h.groupby([page_key, h["category"].astype(str)])["product_id"].transform("nunique")
    columns = [siblings.to_numpy(float) - 1.0]
    for name, transform in (("slot_size", np.log), ("discount", None), ("featured", None)):
        if name in h.columns:
            v = pd.to_numeric(h[name], errors="coerce").to_numpy(float)
            if transform is np.log:
                v = np.log(np.where(np.isfinite(v) & (v > 0), v, np.nanmedian(v[v > 0]) if np.any(v > 0) else 1.0))
            columns.append(np.nan_to_num(v))
    X = np.column_stack(columns)
    y = np.log1p(h["units"].to_numpy(float))
    groups = [pd.factorize(h["product_id"].astype(str))[0], pd.factorize(page_key)[0]]
    Z = np.column_stack([y, X])
    for _ in range(DEMEAN_ROUNDS):
        for g in groups:
            sums = np.zeros((g.max() + 1, Z.shape[1]))
            np.add.at(sums, g, Z)
            Z = Z - (sums / np.bincount(g)[:, None])[g]
    y_r, X_r = Z[:, 0], Z[:, 1:]
    if np.var(X_r[:, 0]) < 1e-9:
        return 1.0
    coef, *_ = np.linalg.lstsq(X_r, y_r, rcond=None)
    slope = float(coef[0]) * _kept_share(X_r, y_r, coef, dof=len(y_r) - X_r.shape[1] - sum(int(g.max()) + 1 for g in groups))
    return float(np.clip(np.exp(slope), MIN_FACTOR, 1.0))


def _kept_share(X: np.ndarray, y: np.ndarray, coef: np.ndarray, dof: int) -> float:
    """How much of the first coefficient of the least-squares fit ``y ~ X`` (demeaned, ``dof``
    residual degrees of freedom) to keep: ``max(0, b^2 - se^2) / b^2``, its square's excess over
    what sampling noise alone gives (1 = all, 0 = none)."""
    b = float(coef[0])
    if dof <= 0 or b == 0.0:
        return 0.0
    residual = y - X @ coef
    try:
        variance = float(residual @ residual) / dof * float(np.linalg.inv(X.T @ X)[0, 0])
    except np.linalg.LinAlgError:
        return 0.0
    return max(0.0, b * b - variance) / (b * b)


def page_category_counts(page_index: np.ndarray, category: np.ndarray, placed: np.ndarray,
                         n_pages: int, n_categories: int) -> np.ndarray:
    """For every chromosome and slot: how many placed products of the slot's category share its
    page (the slot's own product included; 0 for empty slots). Shapes (n, S) in, (n, S) out."""
    n, S = placed.shape
    width = n_pages * (n_categories + 1)
    key = page_index[None, :] * (n_categories + 1) + np.where(placed, category, n_categories)
    flat = (np.arange(n)[:, None] * width + key).reshape(-1)
    counts = np.bincount(flat, minlength=n * width)
    return np.where(placed, counts[flat].reshape(n, S), 0)


def factors(counts: np.ndarray, factor: float) -> np.ndarray:
    """Multipliers on each slot's forecast: ``factor ** (count - 1)`` (1 where empty or alone)."""
    if factor >= 1.0:
        return np.ones(counts.shape)
    return np.power(factor, np.maximum(counts - 1, 0))
