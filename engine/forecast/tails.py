"""Heavy-tailed priors for the pooled model's per-product terms, their tail chosen from the data.

Why: a Gaussian prior with one variance says every product's coefficient of a term is drawn from
the same bell. Some terms are not like that: most products sell steadily and a few move a lot
(a seasonal line before its season, a line being phased out), so their coefficients are "mostly
about zero, a few large". One variance for all of them is a compromise that fails both ways: it
leaves each steady product a noisy coefficient, which the forecast carries into the next
catalogue, and still shrinks the few real movers.

A Student-t prior is the usual remedy (robust random effects): ``b_p ~ t_nu(0, sigma^2)``, a
scale mixture of normals ``b_p | w_p ~ N(0, sigma^2 / w_p)``, ``w_p ~ Gamma(nu/2, rate nu/2)``.
Small coefficients are shrunk harder than by a normal prior of the same scale, large ones much
less. ``nu = inf`` is the Gaussian prior, so the family contains the Gaussian.

``sigma^2`` and ``nu`` are empirical Bayes, chosen by the approximate marginal likelihood of the
products' data: each product's data-only estimate ``bhat_p`` with variance ``v_p`` (read off its
posterior mean and variance and the prior precision it was fitted with) is ``N(b_p, v_p)``, so
``bhat_p ~ integral N(0, sigma^2 / w + v_p) Gamma(w) dw``; the integral is a mean over fixed
quantiles of ``w`` and the maximum is found on a grid of (``sigma^2``, ``nu``). Given them, each
product's prior precision in the next fit is the EM weight ``u_p / sigma^2`` with
``u_p = (nu + q) / (nu + |E[b_p^2]| / sigma^2)`` (the posterior mean of ``w_p``; ``q``
coefficients per product). Pure numpy; a few milliseconds per term and step.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

NU_GRID = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, math.inf)
QUANTILES = 16  # points of the mixing distribution averaged over in the marginal likelihood
COARSE = np.exp(np.linspace(-3.0, 3.0, 9))  # sigma^2 searched around the current value, then
FINE = np.exp(np.linspace(-0.375, 0.375, 7))  # around the best of those


def data_estimates(coef: np.ndarray, post_var: np.ndarray, prior_precision: np.ndarray):
    """Each product's data-only estimate and its variance, coefficient by coefficient (arrays of
    one shape): the posterior with the prior's precision taken out (``h = 1/post_var - prior``,
    ``bhat = coef / (post_var h)``). A product the data say nothing about gets a huge variance
    (it then carries no weight)."""
    post_prec = 1.0 / np.maximum(post_var, 1e-12)
    h = np.maximum(post_prec - prior_precision, 1e-8 * post_prec)
    return coef * post_prec / h, 1.0 / h


def _mixing(nu: float) -> np.ndarray:
    """Quantiles of ``w ~ Gamma(nu/2, rate nu/2)`` (the normal's precision multiplier)."""
    if math.isinf(nu):
        return np.ones(1)
    q = (np.arange(QUANTILES) + 0.5) / QUANTILES
    return stats.gamma.ppf(q, a=nu / 2.0, scale=2.0 / nu)


def marginal_loglik(bhat: np.ndarray, v: np.ndarray, sigma2, nu: float):
    """``sum_p log integral prod_j N(bhat_pj; 0, sigma2 / w + v_pj) Gamma_nu(w) dw`` (quantile
    rule; ``bhat``, ``v`` (P, q): the q coefficients of one product share one ``w``), for one
    ``sigma2`` or an array of them (then an array)."""
    s2 = np.atleast_1d(np.asarray(sigma2, dtype=float))
    w = _mixing(nu)
    var = s2[:, None, None, None] / w[None, None, :, None] + v[None, :, None, :]  # (S, P, Q, q)
    log_n = -0.5 * (np.log(var) + bhat[None, :, None, :] ** 2 / var).sum(axis=3)
    top = log_n.max(axis=2, keepdims=True)
    out = (np.log(np.exp(log_n - top).sum(axis=2)) + top[:, :, 0]).sum(axis=1)  # logsumexp over w
    out -= bhat.shape[0] * math.log(len(w)) + 0.5 * bhat.size * math.log(2 * math.pi)
    return float(out[0]) if np.ndim(sigma2) == 0 else out


def fit_tail(bhat: np.ndarray, v: np.ndarray, sigma2: float, nus=NU_GRID) -> tuple[float, float, float]:
    """(sigma2, nu, log-likelihood) maximising :func:`marginal_loglik`: for each ``nu`` of the
    grid, ``sigma2`` on a coarse log grid around the given one, then a fine one around the best
    (called once per outer step of the fit, so it can walk further)."""
    best = (sigma2, math.inf, -math.inf)
    for nu in nus:
        grid = sigma2 * COARSE
        ll = marginal_loglik(bhat, v, grid, nu)
        grid = grid[int(np.argmax(ll))] * FINE
        ll = marginal_loglik(bhat, v, grid, nu)
        k = int(np.argmax(ll))
        if ll[k] > best[2]:
            best = (float(grid[k]), nu, float(ll[k]))
    return best


def weights(coef: np.ndarray, post_var: np.ndarray, sigma2: float, nu: float) -> np.ndarray:
    """EM's ``E[w_p | data]`` (P,): each product's prior precision multiplier (1 for
    ``nu = inf``); ``coef``, ``post_var`` (P, q)."""
    if math.isinf(nu):
        return np.ones(len(coef))
    return (nu + coef.shape[1]) / (nu + (coef ** 2 + post_var).sum(axis=1) / sigma2)


def prior_variance(sigma2: float, nu: float, coef: np.ndarray, post_var: np.ndarray) -> float:
    """The variance of a new product's coefficient: the t's (``sigma2 nu / (nu - 2)``), or, for a
    tail too heavy to have one, the products' own mean square."""
    if math.isinf(nu):
        return sigma2
    if nu > 2:
        return sigma2 * nu / (nu - 2.0)
    return float(np.mean(coef ** 2 + post_var)) if coef.size else sigma2
