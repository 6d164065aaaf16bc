"""The numerical core of the partial-pooling model (engine.forecast.pooled): penalised
negative-binomial IRLS on a structured design, and the posterior variances empirical Bayes needs.

The design of one row is

* ``fixed``: a few dense columns (intercept, log price, placement, ...);
* ``terms``: shared factors (country, category, brand, page, campaign, category x discount...):
  per row one level (or none) and ``width`` values, i.e. ``width`` columns per level;
* the row's PRODUCT block: ``block`` values (1, discount, season...) times that product's own
  coefficients, and optionally a one-hot MARKET column within the product (product x country).

The Gram matrix ``X' W X`` is accumulated with ``np.bincount`` per pair of factors (never a rows x
columns matrix: the planner's instances have 2,000 products) and split as
``[[A_dd, A_db], [A_bd, A_bb]]``: ``A_bb`` is block diagonal, one ``b x b`` block per product,
because a row touches only its own product's columns. Solves go through the Schur complement
``S = A_dd - A_db A_bb^-1 A_bd`` (``d`` = fixed + shared columns, a few hundred), so a solve costs
``O(P b^3 + d^2 P b + d^3)``: linear in the number of products.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

ETA_CAP = 25.0  # log units above this are treated as this (exp(25) ~ 7e10 units)
# A fitted model keeps the dense x block cross term of its posterior (Posterior.G, float32) up to
# this many numbers (80 MB as float32): 2,000 products x 366 dense x 5 block columns are 3.7 M.
MAX_CROSS_ENTRIES = 20_000_000
# The fixed effects' prior variance (log scale), in the pooled model's fit (but the intercept's) and
# in the variance of a plan's total: a flat prior (FIXED_RIDGE) gives a direction the history does not
# identify a variance of 10^6.
# N(0, 1) per coefficient, the weakly informative default of regression practice: where the data
# identify a coefficient they outweigh it (the demo's plans' ranges within 1 %).
FIXED_PRIOR_VARIANCE = 1.0


@dataclass
class Factor:
    """A shared term: row codes (-1 = the row has no level of it) and per-row values."""

    codes: np.ndarray  # (n,) int64
    values: np.ndarray  # (n, width)
    levels: int

    @property
    def width(self) -> int:
        return self.values.shape[1]

    @property
    def size(self) -> int:
        return self.levels * self.width


@dataclass
class Design:
    """One design, as the model derives it from history-like rows (see the module docstring)."""

    fixed: np.ndarray  # (n, f)
    terms: list[Factor]
    product: np.ndarray  # (n,) int64, -1 = unseen product
    block: np.ndarray  # (n, b0) values multiplying the product's own coefficients
    market: np.ndarray | None  # (n,) int64 market code within the product block, -1 = none
    n_products: int
    n_markets: int

    rows: np.ndarray | None = None  # for a subset: the rows of the design it was taken from

    @property
    def n(self) -> int:
        return len(self.product)

    def subset(self, products: np.ndarray) -> "Design":
        """The design of the rows of ``products`` only (sorted product codes), renumbered 0..k-1."""
        new_code = np.full(self.n_products, -1, dtype=np.int64)
        new_code[products] = np.arange(len(products))
        keep = np.flatnonzero((self.product >= 0) & (new_code[np.maximum(self.product, 0)] >= 0))
        return Design(fixed=self.fixed[keep], terms=[Factor(t.codes[keep], t.values[keep], t.levels) for t in self.terms],
                      product=new_code[self.product[keep]], block=self.block[keep],
                      market=None if self.market is None else self.market[keep],
                      n_products=len(products), n_markets=self.n_markets, rows=keep)

    @property
    def dense_size(self) -> int:
        return self.fixed.shape[1] + sum(t.size for t in self.terms)

    @property
    def block_size(self) -> int:
        return self.block.shape[1] + self.n_markets

    def offsets(self) -> list[int]:
        """Where each term's columns start in the dense part."""
        out, start = [], self.fixed.shape[1]
        for term in self.terms:
            out.append(start)
            start += term.size
        return out

    def eta(self, beta_d: np.ndarray, beta_b: np.ndarray) -> np.ndarray:
        """The linear predictor for every row (unseen levels contribute 0)."""
        f = self.fixed.shape[1]
        eta = self.fixed @ beta_d[:f]
        for term, start in zip(self.terms, self.offsets()):
            coefs = beta_d[start:start + term.size].reshape(term.levels, term.width)
            ok = term.codes >= 0
            eta += np.where(ok, (coefs[np.maximum(term.codes, 0)] * term.values).sum(axis=1), 0.0)
        known = self.product >= 0
        p = np.maximum(self.product, 0)
        b0 = self.block.shape[1]
        eta += np.where(known, np.einsum("ij,ij->i", beta_b[p, :b0], self.block), 0.0)
        if self.n_markets:
            ok = known & (self.market >= 0)
            eta += np.where(ok, beta_b[p, b0 + np.maximum(self.market, 0)], 0.0)
        return eta


def _indicator(key: np.ndarray, ok: np.ndarray, size: int) -> sparse.csr_matrix:
    """The (size x n) 0/1 matrix that sums rows into ``key`` (rows not ``ok`` dropped)."""
    rows = np.flatnonzero(ok)
    return sparse.csr_matrix((np.ones(len(rows)), (key[rows], rows)), shape=(size, len(key)))


def _ones(a: np.ndarray) -> bool:
    return a.shape[1] == 1 and bool(np.all(a == 1.0))


def _outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise outer products: (n, ma) x (n, mb) -> (n, ma * mb). A factor of ones gives the
    other array itself (the same object: pairs sharing it are summed in one product)."""
    if _ones(a):
        return b
    if _ones(b):
        return a
    return (a[:, :, None] * b[:, None, :]).reshape(len(a), -1)


class Solver:
    """Penalised NB2 IRLS and posterior (co)variances on one :class:`Design` with units ``y``.

    Everything that does not depend on the IRLS weights is built once: for every pair of
    factors, the 0/1 matrix summing rows into (level, level) cells and the row-wise products of
    their values. A Gram matrix is then one sparse-dense product per pair.
    """

    def __init__(self, design: Design, y: np.ndarray):
        self.X, self.y = design, y
        self.P, self.b, self.d = design.n_products, design.block_size, design.dense_size
        self.b0, self.K = design.block.shape[1], design.n_markets
        self.offset = math.log(max(float(y.mean()), 1e-3))
        n, P, K = design.n, self.P, self.K
        known = design.product >= 0
        p = np.maximum(design.product, 0)
        f = design.fixed.shape[1]
        fixed, block = np.ascontiguousarray(design.fixed), np.ascontiguousarray(design.block)  # row-major for sparse products
        self.fixed_c, self.block_c = fixed, block
        self.slices = [slice(0, f)] + [slice(o, o + t.size) for o, t in zip(design.offsets(), design.terms)]
        terms = [(np.maximum(t.codes, 0), t.codes >= 0, t.levels, t.values) for t in design.terms]
        # (kind, indicator, values, shape info) for every pair the Gram matrix needs
        self.pairs = []
        for g, (code_g, ok_g, L_g, v_g) in enumerate(terms):
            self.pairs.append(("fixed_term", g, _indicator(code_g, ok_g, L_g), _outer(fixed, v_g)))
            for h in range(g, len(terms)):
                code_h, ok_h, L_h, v_h = terms[h]
                self.pairs.append(("term_term", (g, h), _indicator(code_g * L_h + code_h, ok_g & ok_h, L_g * L_h),
                                   _outer(v_g, v_h)))
            self.pairs.append(("term_block", g, _indicator(code_g * P + p, ok_g & known, L_g * P),
                               _outer(v_g, block)))
        self.by_product = _indicator(p, known, P)
        self.pairs.append(("fixed_block", None, self.by_product, _outer(fixed, block)))
        self.pairs.append(("block_block", None, self.by_product, _outer(block, block)))
        if K:
            ok_m = known & (design.market >= 0)
            pk = p * K + np.maximum(design.market, 0)
            self.by_market = _indicator(pk, ok_m, P * K)
            self.pairs.append(("fixed_market", None, self.by_market, fixed))
            self.pairs.append(("block_market", None, self.by_market, block))
            self.pairs.append(("market_market", None, self.by_market, np.ones((n, 1))))
            for g, (code_g, ok_g, L_g, v_g) in enumerate(terms):
                self.pairs.append(("term_market", g, _indicator(code_g * P * K + pk, ok_g & ok_m, L_g * P * K), v_g))
        self.by_term = [_indicator(code, ok, L) for code, ok, L, _ in terms]
        self.term_shapes = [(L, v.shape[1]) for _, _, L, v in terms]
        # Pairs that share their values (most terms are plain levels: values of ones) are one
        # sparse product: their indicators stacked, the weighted values computed once.
        groups: dict[int, list] = {}
        for pair in self.pairs:
            groups.setdefault(id(pair[3]), []).append(pair)
        # The weights go where they cost less: into the values (n x width multiplications) or into
        # the indicator's entries (one per entry: the fixed x block pair, n x 70 values on the
        # demo, has n entries). Either way each sum's terms are the same products w_r * v_r in the
        # same order: the same numbers to the last bit.
        self.stacked = []
        for members in groups.values():
            E = sparse.vstack([m[2] for m in members], format="csr") if len(members) > 1 else members[0][2]
            ends = np.cumsum([m[2].shape[0] for m in members])
            V = members[0][3]
            self.stacked.append((E, V, [(m[0], m[1]) for m in members], ends, E.nnz < V.size))

    # -- the normal equations ---------------------------------------------------------------
    def gram(self, w: np.ndarray):
        """``A_dd`` (d, d), ``A_pdb`` (P, d, b: A_db per product), ``A_bb`` (P, b, b) of
        ``X' diag(w) X``."""
        X, P, b, b0, K = self.X, self.P, self.b, self.b0, self.K
        f = X.fixed.shape[1]
        A_dd = np.zeros((self.d, self.d))
        A_db = np.zeros((P, self.d, b))
        A_bb = np.zeros((P, b, b))
        A_dd[:f, :f] = (self.fixed_c * w[:, None]).T @ self.fixed_c
        for E, V, members, ends, weigh_entries in self.stacked:
            if weigh_entries:
                stacked = sparse.csr_matrix((w[E.indices], E.indices, E.indptr), shape=E.shape) @ V
            else:
                stacked = E @ (V * w[:, None])
            for (kind, which), R in zip(members, np.split(stacked, ends[:-1])):
                self._place(kind, which, R, A_dd, A_db, A_bb)
        return A_dd, A_db, A_bb

    def _place(self, kind, which, R, A_dd, A_db, A_bb) -> None:
        """Write one pair's sums ``R`` into its blocks of the Gram matrix."""
        P, b, b0, K = self.P, self.b, self.b0, self.K
        f = self.X.fixed.shape[1]
        if kind == "fixed_term":
            L, m = self.term_shapes[which]
            block = R.reshape(L, f, m).transpose(1, 0, 2).reshape(f, L * m)
            A_dd[:f, self.slices[which + 1]] = block
            A_dd[self.slices[which + 1], :f] = block.T
        elif kind == "term_term":
            g, h = which
            (Lg, mg), (Lh, mh) = self.term_shapes[g], self.term_shapes[h]
            block = R.reshape(Lg, Lh, mg, mh).transpose(0, 2, 1, 3).reshape(Lg * mg, Lh * mh)
            A_dd[self.slices[g + 1], self.slices[h + 1]] = block
            A_dd[self.slices[h + 1], self.slices[g + 1]] = block.T
        elif kind == "term_block":
            L, m = self.term_shapes[which]
            A_db[:, self.slices[which + 1], :b0] = R.reshape(L, P, m, b0).transpose(1, 0, 2, 3).reshape(P, L * m, b0)
        elif kind == "fixed_block":
            A_db[:, :f, :b0] = R.reshape(P, f, b0)
        elif kind == "block_block":
            A_bb[:, :b0, :b0] = R.reshape(P, b0, b0)
        elif kind == "fixed_market":
            A_db[:, :f, b0:] = R.reshape(P, K, f).transpose(0, 2, 1)
        elif kind == "block_market":
            cross = R.reshape(P, K, b0)
            A_bb[:, :b0, b0:] = cross.transpose(0, 2, 1)
            A_bb[:, b0:, :b0] = cross
        elif kind == "market_market":
            A_bb[:, np.arange(b0, b), np.arange(b0, b)] = R.reshape(P, K)
        elif kind == "term_market":
            L, m = self.term_shapes[which]
            A_db[:, self.slices[which + 1], b0:] = R.reshape(L, P, K, m).transpose(1, 0, 3, 2).reshape(P, L * m, K)

    def gradient_parts(self, r: np.ndarray):
        """``X' r`` split into the dense part (d,) and the blocks (P, b)."""
        X = self.X
        parts = [self.fixed_c.T @ r]
        for E, term in zip(self.by_term, X.terms):
            parts.append((E @ (term.values * r[:, None])).reshape(-1))
        g_b = self.by_product @ (self.block_c * r[:, None])
        if self.K:
            g_b = np.hstack([g_b, (self.by_market @ r).reshape(self.P, self.K)])
        return np.concatenate(parts), g_b

    @staticmethod
    def _schur(A_dd, A_db, A_bb):
        """``A_bb^-1`` (P, b, b), ``G_p = A_db,p A_bb,p^-1`` (P, d, b) and the Schur complement."""
        M_inv = np.linalg.inv(A_bb)
        G = np.einsum("pdb,pbc->pdc", A_db, M_inv, optimize=True)
        S = A_dd - np.tensordot(G, A_db, axes=([0, 2], [0, 2]))
        return M_inv, G, 0.5 * (S + S.T)

    def _penalised(self, w, lam_d, lam_b):
        A_dd, A_db, A_bb = self.gram(w)
        A_dd[np.diag_indices_from(A_dd)] += lam_d
        idx = np.arange(self.b)
        A_bb[:, idx, idx] += lam_b
        return A_dd, A_db, A_bb

    # -- the mode ---------------------------------------------------------------------------
    def objective(self, eta, beta_d, beta_b, lam_d, lam_b, theta) -> float:
        """Minus the NB2 log-likelihood (terms free of eta dropped) plus the Gaussian penalty."""
        eta = np.minimum(eta, ETA_CAP)
        loglik = self.y * eta - (self.y + theta) * np.log1p(np.exp(eta) / theta)
        penalty = 0.5 * (lam_d @ beta_d ** 2 + (beta_b ** 2 * lam_b).sum())
        return float(-loglik.sum() + penalty)

    def start(self):
        beta_d = np.zeros(self.d)
        beta_d[0] = self.offset
        return beta_d, np.zeros((self.P, self.b))

    def step(self, lam_d, lam_b, theta, beta_d, beta_b, eta, current=None, posterior: bool = False):
        """One Fisher-scoring step (halved until the objective does not rise) from ``beta``.

        Returns the new ``beta_d, beta_b, eta``, the objective, the relative gain and, with
        ``posterior``, ``diag(H^-1)`` (dense, blocks) at the start point from the same system."""
        if current is None:
            current = self.objective(eta, beta_d, beta_b, lam_d, lam_b, theta)
        mu = np.exp(np.minimum(eta, ETA_CAP))
        w = mu / (1.0 + mu / theta)
        g_d, g_b = self.gradient_parts(theta * (self.y - mu) / (theta + mu))
        r_d = g_d - lam_d * beta_d
        r_b = g_b - beta_b * lam_b
        system = self._penalised(w, lam_d, lam_b)
        M_inv, G, S = self._schur(*system)
        A_db = system[1]
        t = np.einsum("pbc,pc->pb", M_inv, r_b)
        step_d = np.linalg.solve(S, r_d - np.tensordot(A_db, t, axes=([0, 2], [0, 1])))
        step_b = t - np.einsum("pbc,pc->pb", M_inv, np.tensordot(A_db, step_d, axes=([1], [0])))
        diag = self._diagonal(M_inv, G, S) if posterior else None
        scale = 1.0
        for _ in range(20):
            new_d, new_b = beta_d + scale * step_d, beta_b + scale * step_b
            new_eta = self.X.eta(new_d, new_b)
            value = self.objective(new_eta, new_d, new_b, lam_d, lam_b, theta)
            if value <= current:
                gain = (current - value) / (abs(current) + 1.0)
                return new_d, new_b, new_eta, value, gain, diag
            scale *= 0.5
        return beta_d, beta_b, eta, current, 0.0, diag

    def mode(self, lam_d, lam_b, theta, beta_d, beta_b, max_iter: int = 30, rtol: float = 1e-9):
        """The posterior mode for fixed variances: Fisher scoring until the gain is below ``rtol``."""
        eta = self.X.eta(beta_d, beta_b)
        current = None
        for _ in range(max_iter):
            beta_d, beta_b, eta, current, gain, _ = self.step(lam_d, lam_b, theta, beta_d, beta_b, eta, current)
            if gain <= rtol:
                break
        return beta_d, beta_b, eta

    def theta(self, eta: np.ndarray, edf: float) -> float:
        """NB shape from the Pearson statistic: ``sum (y - mu)^2 / (mu + mu^2 / theta) = n - edf``
        (``edf`` = coefficients the data pin down; without it, a model with many product
        coefficients would read its own overfit as little noise). Bisection on log theta."""
        mu = np.exp(np.minimum(eta, ETA_CAP))
        r2 = (self.y - mu) ** 2
        target = max(len(mu) - edf, 0.1 * len(mu))

        def pearson(theta: float) -> float:
            return float((r2 / (mu + mu ** 2 / theta)).sum())

        low, high = math.log(0.05), math.log(1e4)
        if pearson(math.exp(high)) <= target:
            return 1e4
        if pearson(math.exp(low)) >= target:
            return 0.05
        for _ in range(40):
            mid = 0.5 * (low + high)
            if pearson(math.exp(mid)) > target:
                high = mid
            else:
                low = mid
        return math.exp(0.5 * (low + high))

    # -- posterior --------------------------------------------------------------------------
    def _diagonal(self, M_inv, G, S):
        S_inv = np.linalg.inv(S)
        SG = np.einsum("de,peb->pdb", S_inv, G, optimize=True)
        diag_b = np.einsum("pbb->pb", M_inv) + np.einsum("pdb,pdb->pb", G, SG, optimize=True)
        return np.diag(S_inv).copy(), diag_b

    def covariance(self, eta, theta, lam_d, lam_b) -> np.ndarray:
        """Each product block's posterior covariance (P, b, b) at ``eta``."""
        return self.posterior(eta, theta, lam_d, lam_b).block_cov

    def posterior(self, eta, theta, lam_d, lam_b) -> "Posterior":
        """The Laplace posterior's covariance at ``eta``, kept in its Schur form."""
        mu = np.exp(np.minimum(eta, ETA_CAP))
        return Posterior.of(*self._schur(*self._penalised(mu / (1.0 + mu / theta), lam_d, lam_b)),
                            fixed=self.X.fixed.shape[1], lam_d=lam_d)


@dataclass
class Posterior:
    """The joint posterior covariance of every coefficient (dense and product blocks), in the form
    the Schur complement gives it: with ``A`` the posterior precision, ``M_inv`` = A_bb^-1 per
    product (P, b, b), ``G`` = A_db A_bb^-1 per product (P, d, b), ``S_inv`` the inverse Schur
    complement (d, d):

        Cov = [[S_inv, -S_inv G], [-G' S_inv, M_inv + G' S_inv G]]

    so the variance of any linear combination ``c' beta`` (a plan's total on the log scale) is
    ``(c_d - sum_p G_p c_p)' S_inv (c_d - sum_p G_p c_p) + sum_p c_p' M_inv_p c_p``: the shared
    coefficients' uncertainty (trend, season, page, ... carried to the next catalogue) and the
    products' own, with their covariance counted once. It matters: a global level and the
    products' levels are read off the same rows and trade off; taken as independent (the
    marginals alone) the shared part came out 30-60 % too large on the demo's plans.

    ``G`` is P x d x b numbers (4.7 MB for the demo's 300 products, 29 MB for 2,000 x 366 x 5),
    kept as float32 up to ``MAX_CROSS_ENTRIES``; beyond it ``G`` is dropped and the variance is
    the marginals' (wider, never narrower than the truth of the model)."""

    M_inv: np.ndarray
    G: np.ndarray | None
    S_inv: np.ndarray
    block_cov: np.ndarray  # M_inv + G' S_inv G: each product block's marginal covariance

    @classmethod
    def of(cls, M_inv: np.ndarray, G: np.ndarray, S: np.ndarray, fixed: int = 0, lam_d=None) -> "Posterior":
        """From the Schur form; ``fixed``: how many leading dense columns are fixed effects (a
        flat prior in the fit): for the variances of sums they get the weakly informative prior
        ``FIXED_PRIOR_VARIANCE``, so a combination the history cannot tell apart (the cover's
        big slots and page 2's small ones, never the other way round) has a large variance,
        not 10^6 (a range from 0 to 6 around 45,000 on 2 campaigns of 12 products). ``lam_d``:
        the precisions the fit already gave the dense columns (the pooled model gives its fixed
        effects but the intercept this prior in the fit too): the prior is not counted twice."""
        SG = np.einsum("de,peb->pdb", np.linalg.inv(S), G, optimize=True)
        block_cov = M_inv + np.einsum("pdb,pdc->pbc", G, SG, optimize=True)
        weak = S.copy()
        have = np.zeros(fixed) if lam_d is None else np.asarray(lam_d[:fixed], dtype=float)
        weak[np.arange(fixed), np.arange(fixed)] += np.maximum(1.0 / FIXED_PRIOR_VARIANCE - have, 0.0)
        return cls(M_inv=M_inv, G=G, S_inv=np.linalg.inv(weak), block_cov=block_cov)

    def compact(self) -> "Posterior":
        """The posterior as a fitted model keeps it: ``M_inv`` and ``G`` as float32 (variances
        need 3 digits, not 16), ``G`` only up to ``MAX_CROSS_ENTRIES`` numbers."""
        G = self.G.astype(np.float32) if self.G is not None and self.G.size <= MAX_CROSS_ENTRIES else None
        return Posterior(M_inv=self.M_inv.astype(np.float32), G=G, S_inv=self.S_inv, block_cov=self.block_cov)

    def combination_variance(self, c_d: np.ndarray, c_b: np.ndarray) -> tuple[float, float]:
        """The variance of ``c_d' beta_d + sum_p c_b[p]' beta_b[p]`` split into its shared part
        (through ``S_inv``) and its products' part, which add up to the whole (without ``G``: the
        marginals', which overstate)."""
        used = np.flatnonzero(np.abs(c_b).sum(axis=1) > 0)  # a plan's products: a few of many
        c = c_b[used]
        if self.G is None:
            shared = float(c_d @ self.S_inv @ c_d)
            own = float(np.einsum("pb,pbc,pc->", c, self.block_cov[used], c, optimize=True))
        else:
            u = c_d - np.einsum("pdb,pb->d", self.G[used].astype(float), c, optimize=True)
            shared = float(u @ self.S_inv @ u)
            own = float(np.einsum("pb,pbc,pc->", c, self.M_inv[used].astype(float), c, optimize=True))
        return max(shared, 0.0), max(own, 0.0)


def design_sum(design: Design, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``X' r`` for a (small) design: the dense part (d,) and the product blocks (P, b); rows'
    unseen levels (code -1) contribute nothing (their variance is the term's prior, added by the
    caller)."""
    parts = [design.fixed.T @ r]
    for term in design.terms:
        out = np.zeros((term.levels, term.width))
        ok = term.codes >= 0
        np.add.at(out, term.codes[ok], term.values[ok] * r[ok, None])
        parts.append(out.reshape(-1))
    c_b = np.zeros((design.n_products, design.block_size))
    known = design.product >= 0
    b0 = design.block.shape[1]
    np.add.at(c_b, (design.product[known], slice(0, b0)), design.block[known] * r[known, None])
    if design.n_markets:
        ok = known & (design.market >= 0)
        np.add.at(c_b, (design.product[ok], b0 + design.market[ok]), r[ok])
    return np.concatenate(parts), c_b
