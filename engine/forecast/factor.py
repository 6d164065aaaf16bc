"""The products' shared movement over time: one curve that some products follow and most do not.

Why: a category's season is shared by its products, but some movements cross the categories and
concern only some of the products (the suncare lines of skincare and bodycare before summer, a
range being phased out). Fitted product by product (a trend each), such a movement is noisy for
the few products that follow it and leaks noise into the many that do not. Its SHAPE is the same
for all of them, so it is better learned once, from all of them together, with each product's
loading on it a coefficient of the pooled model (engine.forecast.pooled, ``product_factor``;
heavy-tailed, engine.forecast.tails: most loadings are ~0).

:func:`shared_curve` is the first principal component of the products' residual movement: the
residual log units of a first fit without it, averaged per product and campaign (weighted by how
much each cell says), each product's mean removed, factorised as ``loading_p x curve_c`` by
alternating weighted least squares over the observed cells only, the loadings shrunk by the same
heavy-tailed prior the model gives them.

Beyond the history the curve can be FORECAST (:func:`persistence`, :func:`values_at`) rather than
held at its last value: the curve is taken to follow an AR(1) around its mean (0: it is centred), the
dynamic-factor models' usual default, with its persistence read off the curve itself. A
movement that crosses the categories is most often a season (the demo's suncare lines); held at
its last value it is carried at the height of its season into a catalogue where the season is
turning, and the plan's search picks exactly those products (measured on the demo truth,
bench/bench_plan_quality.py sparse12: the suncare lines' next level 0.31 too high in log units,
the steady ones' -0.04; the promise 1.062x what the plan truly earns). The AR(1) pulls the next
value toward the mean by as much as the curve's own step-to-step persistence says. The pooled
model uses it where plans are VALUED (``PooledRegressor.expected_view``); the search keeps the
curve's last value (the AR(1) did not pick better plans; engine.plan.promise).
"""

from __future__ import annotations

import math

import numpy as np

from . import tails

ITERATIONS = 15
TAIL_EVERY = 5  # iterations between searches of the loadings' tail (their scale: every iteration)


def residual_table(product: np.ndarray, position: np.ndarray, resid: np.ndarray, weight: np.ndarray,
                   n_products: int, n_campaigns: int) -> tuple[np.ndarray, np.ndarray]:
    """(M, W) (P, C): each product x campaign cell's weighted mean residual and its weight (0 =
    not observed); each product's weighted mean over its cells removed."""
    ok = (product >= 0) & (position >= 0) & (position < n_campaigns)
    cell = product[ok] * n_campaigns + position[ok]
    W = np.bincount(cell, weights=weight[ok], minlength=n_products * n_campaigns).reshape(n_products, n_campaigns)
    S = np.bincount(cell, weights=(weight * resid)[ok], minlength=n_products * n_campaigns).reshape(n_products, n_campaigns)
    M = np.divide(S, W, out=np.zeros_like(S), where=W > 0)
    mean = np.divide((M * W).sum(axis=1), W.sum(axis=1), out=np.zeros(n_products), where=W.sum(axis=1) > 0)
    return np.where(W > 0, M - mean[:, None], 0.0), W


def shared_curve(M: np.ndarray, W: np.ndarray) -> np.ndarray:
    """The curve (C,) of the best weighted rank-1 fit ``M ~ loading x curve``, centred, unit RMS,
    signed so that the loadings' weighted sum is positive (zeros when nothing moves).

    The loadings are shrunk as the pooled model will shrink them: a Student-t prior whose scale
    and tail the loadings' own marginal likelihood chooses (engine.forecast.tails). Free loadings
    would let every steady product's noise into the curve; shrunk ones let the few products that
    truly follow it shape it."""
    P, C = M.shape
    if C < 2 or not np.any(W > 0):
        return np.zeros(C)
    _, _, vt = np.linalg.svd(M * np.sqrt(W), full_matrices=False)
    curve = _normalised(vt[0])
    sigma2, nu = None, math.inf
    for iteration in range(ITERATIONS):
        if not np.any(curve):
            return curve
        precision = W @ curve ** 2  # each product's information on its loading
        raw = (W * M) @ curve / np.maximum(precision, 1e-12)
        v = 1.0 / np.maximum(precision, 1e-12)
        sigma2 = float(np.var(raw)) if sigma2 is None else sigma2
        nus = tails.NU_GRID if iteration % TAIL_EVERY == 0 else (nu,)  # the tail settles fast
        sigma2, nu, _ = tails.fit_tail(raw[:, None], v[:, None], max(sigma2, 1e-8), nus)
        load = raw
        for _ in range(3):  # the posterior mode under the t prior (EM on the weight)
            u = tails.weights(load[:, None], np.zeros((P, 1)), sigma2, nu)
            load = raw * precision / (precision + u / sigma2)
        curve = _normalised((W * M).T @ load / np.maximum(W.T @ load ** 2, 1e-12))
    load = (W * M) @ curve / np.maximum(W @ curve ** 2, 1e-12)
    return curve if float((W.sum(axis=1) * load).sum()) >= 0 else -curve


def persistence(curve: np.ndarray) -> float:
    """The curve's AR(1) coefficient around its mean 0: least squares of each value on the one
    before (through the origin; the curve is centred), clipped to [0, 1] (a curve that flips sign
    step to step is no movement to carry; one that grows is not extrapolated beyond its last
    value). 0 for a curve of fewer than 3 values or none."""
    curve = np.asarray(curve, dtype=float)
    if curve.size < 3:
        return 0.0
    before, after = curve[:-1], curve[1:]
    denominator = float(before @ before)
    return float(np.clip(before @ after / denominator, 0.0, 1.0)) if denominator > 1e-12 else 0.0


def values_at(curve: np.ndarray, rho: float, position: np.ndarray) -> np.ndarray:
    """The curve's value at each (campaign) position: its own value inside the history (before it:
    the first), its AR(1) forecast ``curve[-1] rho^h`` ``h`` campaigns after the last."""
    at = np.round(np.asarray(position, dtype=float)).astype(int)
    last = len(curve) - 1
    ahead = np.maximum(at - last, 0)
    return np.where(ahead > 0, curve[-1] * float(rho) ** ahead, curve[np.clip(at, 0, last)])


def _normalised(curve: np.ndarray) -> np.ndarray:
    curve = curve - curve.mean()
    rms = float(np.sqrt(np.mean(curve ** 2)))
    return curve / rms if rms > 1e-12 else np.zeros_like(curve)
