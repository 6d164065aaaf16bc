"""The best forecast any model could make from a demo history: the ceiling plan quality is judged by.

The demo's truth (``engine.demo.DemoTruth``) knows every product's hidden popularity and discount
elasticity. A history of a few campaigns does not: with eight rows a product's level is known to
~15 %, its elasticity to ~0.5, and a launch's popularity not at all beyond its category and
price. So "97 % of the true optimum" may be out of reach for ANY model, and the bench needs to
say how far the history itself lets a plan get.

:class:`KnowableDemand` is the Bayes-optimal forecast in the generator's own world: it knows the
generator's form and every effect that is not a product's own (season, page, slot size, cover,
country level, trend; the prior the products were drawn from), and for each product the
posterior of its two hidden numbers given the history's rows, on a grid:

    units ~ NB(shape 6, mean = prior_base(category, price) x exp(0.55 z) x k_row x exp(e x discount))
    z ~ N(0, 1),  e ~ U(1.0, 3.2)

``k_row`` is the row's known placement/season/market multiplier. Its forecast of any row is the
posterior mean of units; a launch (no history) gets the prior mean. Planning exactly on it and
valuing the plan on the truth gives what a perfect model of this history earns: the "knowable"
ceiling of ``bench/bench_plan_quality.py``. It is a measuring instrument (it reads the
generator's hidden parameters); no Folio model may use it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.demo import BASE_SPREAD, ELASTICITY_RANGE, NB_DISPERSION, DemoTruth, prior_base

Z_GRID = np.linspace(-4.5, 4.5, 91)
E_GRID = np.linspace(*ELASTICITY_RANGE, 45)


class KnowableDemand:
    """Posterior-mean units of the demo's products given ``history`` (module docstring);
    ``predict(rows)`` and ``countries_`` like the truth, so the planner's instance takes it."""

    def __init__(self, truth: DemoTruth, history: pd.DataFrame):
        self.truth = truth
        self.countries_ = truth.countries_
        params = truth.params
        self.prior = np.array([prior_base(c, p) for c, p in zip(params["category"], params["price"])])
        self.true_base = params["_base"].to_numpy(dtype=float)
        self.true_e = params["_elasticity"].to_numpy(dtype=float)
        # A[p, j]: posterior E[exp(spread z) | e = E_GRID[j]] x P(e = E_GRID[j]) of product p;
        # a product with no history keeps the prior.
        prior_z = np.exp(-0.5 * Z_GRID ** 2)
        prior_z /= prior_z.sum()
        level = np.exp(BASE_SPREAD * Z_GRID)
        self.A = np.tile((prior_z @ level) / len(E_GRID), (len(params), len(E_GRID)))
        idx = truth._known(history["product_id"].astype(str).to_numpy())
        units = pd.to_numeric(history["units"]).to_numpy(dtype=float)
        discount = pd.to_numeric(history["discount"], errors="coerce").fillna(0).to_numpy(dtype=float)
        shown = np.isfinite(pd.to_numeric(history["page"], errors="coerce").to_numpy(dtype=float))
        discount = np.where(shown, discount, 0.0)  # off the catalogue, no discount effect
        mu = truth.expected_units(history)
        k = mu / (self.true_base[idx] * np.exp(self.true_e[idx] * discount))  # everything not the product's own
        order = np.argsort(idx, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(idx[order]) != 0])
        a = NB_DISPERSION
        log_prior = np.log(prior_z)[:, None]
        for start, end in zip(starts, np.r_[starts[1:], len(order)]):
            rows = order[start:end]
            p = idx[rows[0]]
            y, kr, d = units[rows], k[rows], discount[rows]
            # mean[z, e, r] on the grid; NB log-likelihood up to a constant
            log_mu = (np.log(self.prior[p]) + BASE_SPREAD * Z_GRID)[:, None, None] \
                + np.log(kr)[None, None, :] + E_GRID[None, :, None] * d[None, None, :]
            m = np.exp(log_mu)
            loglik = (y * log_mu - (y + a) * np.log(m + a)).sum(axis=2)
            post = loglik + log_prior
            post = np.exp(post - post.max())
            post /= post.sum()
            self.A[p] = (post * level[:, None]).sum(axis=0)

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        """Posterior-mean units of each row: the truth's, with the product's own two numbers
        replaced by their posterior given the history."""
        truth_units = self.truth.expected_units(rows)
        idx = self.truth._known(rows["product_id"].astype(str).to_numpy())
        discount = pd.to_numeric(rows["discount"], errors="coerce").fillna(0).to_numpy(dtype=float) \
            if "discount" in rows.columns else np.zeros(len(rows))
        page = pd.to_numeric(rows["page"], errors="coerce").to_numpy(dtype=float) if "page" in rows.columns \
            else np.full(len(rows), np.nan)
        discount = np.where(np.isfinite(page), discount, 0.0)
        posterior = self.prior[idx] * np.einsum("rj,rj->r", self.A[idx], np.exp(discount[:, None] * E_GRID[None, :]))
        own = self.true_base[idx] * np.exp(self.true_e[idx] * discount)
        return truth_units * posterior / own
