"""An upper bound on any plan's objective (the "within X % of what is possible" figure), the LP
relaxation's plan as a search seed, and the exact MILP used by the benchmark.

The plan as a (mixed-)integer program over slot TYPES, not slots: ``x[p, t, z]`` = how many slots
of type t hold product p at its best undiscounted (z=0) or best discounted (z=1) level (only
those two levels matter: the discounted-share rule counts discounted products, nothing else
couples levels). Rows: each product at most once, each type at most its slot count, category
min/max, must_include at least once, discounted <= share x placed. 2,000 products x 200 types x
2 = 800 k columns: too many to hand HiGHS at once, so we price them (column generation):

1. solve the LP on a small set of promising columns (``scipy.optimize.linprog``, HiGHS);
2. with its duals ``y >= 0`` compute every column's reduced cost ``r = c - A^T y`` with numpy;
   ``b^T y + sum(max(r, 0))`` is a valid upper bound (weak duality, ``0 <= x <= 1``), at EVERY
   iteration, so stopping on the time cap still leaves a true bound;
3. add the best-priced columns, repeat until none prices positive: the LP optimum is certified.

``scipy.optimize.milp`` on the columns kept then gives an integer plan (the benchmark's exact
reference: the optimum lies between its value and the LP bound). With cannibalisation (factor <
1) values are multiplied by factors <= 1, so the bound uses ``max(value, 0)``, still valid.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix

from .instance import PlanInstance
from .rules import EMPTY

ADD_PER_ROUND = 4000


@dataclass
class Columns:
    c: np.ndarray  # (P, T, Z) objective coefficient
    level: np.ndarray  # (P, T, Z) level index used by the column
    discounted: np.ndarray  # (Z,) 0/1
    cap: np.ndarray  # (T,) slots per type


@dataclass
class BoundResult:
    bound: float  # valid upper bound on the objective of any plan
    certified: bool  # True when pricing converged: ``bound`` is the LP optimum
    lp_value: float | None
    keys: np.ndarray  # (k, 3) columns kept: p, t, z
    x: np.ndarray | None  # LP values of those columns
    rounds: int
    seconds: float
    reduced: np.ndarray | None = None  # (P, T, Z) reduced costs at the last duals


def columns(inst: PlanInstance) -> Columns:
    value = inst.value if inst.cannibalisation >= 1.0 else np.maximum(inst.value, 0.0)
    zero = inst.zero_level
    cap = np.bincount(inst.slot_type, minlength=value.shape[1]).astype(float)
    if inst.max_discounted_share >= 1.0 or zero is None:
        level = value.argmax(axis=2)[:, :, None]
        disc = np.array([0.0])
    else:
        masked = np.where((inst.levels > 0)[None, None, :], value, -np.inf)
        best_disc = masked.argmax(axis=2)
        level = np.stack([np.full(best_disc.shape, zero), best_disc], axis=2)
        disc = np.array([0.0, 1.0])
    c = np.take_along_axis(value, level, axis=2)
    return Columns(c=c, level=level, discounted=disc, cap=cap)


class _Rows:
    """The constraint rows, as index arrays, so A (restricted) and A^T y (all columns) are cheap."""

    def __init__(self, inst: PlanInstance, cols: Columns):
        P, T, Z = cols.c.shape
        self.P, self.T, self.Z = P, T, Z
        self.limited = np.flatnonzero(inst.limited)
        self.has_min = self.limited[inst.cat_min[self.limited] > 0]
        self.must = np.flatnonzero(inst.must)
        self.category = inst.category
        self.share = inst.max_discounted_share if Z == 2 else None
        self.b = np.concatenate([np.ones(P), cols.cap, inst.cat_max[self.limited].astype(float),
                                 -inst.cat_min[self.has_min].astype(float), -np.ones(len(self.must)),
                                 [0.0] if self.share is not None else []])
        self.disc = cols.discounted
        cat_max_row = -np.ones(len(inst.categories), int)
        cat_max_row[self.limited] = np.arange(len(self.limited))
        cat_min_row = -np.ones(len(inst.categories), int)
        cat_min_row[self.has_min] = np.arange(len(self.has_min))
        must_row = -np.ones(P, int)
        must_row[self.must] = np.arange(len(self.must))
        self.cat_max_row, self.cat_min_row, self.must_row = cat_max_row, cat_min_row, must_row

    def offsets(self):
        o_t = self.P
        o_max = o_t + self.T
        o_min = o_max + len(self.limited)
        o_must = o_min + len(self.has_min)
        o_share = o_must + len(self.must)
        return o_t, o_max, o_min, o_must, o_share

    def matrix(self, keys: np.ndarray) -> csr_matrix:
        p, t, z = keys[:, 0], keys[:, 1], keys[:, 2]
        o_t, o_max, o_min, o_must, o_share = self.offsets()
        j = np.arange(len(keys))
        rows, cols, vals = [p, o_t + t], [j, j], [np.ones(len(j)), np.ones(len(j))]
        cm = self.cat_max_row[self.category[p]]
        ok = cm >= 0
        rows.append(o_max + cm[ok]); cols.append(j[ok]); vals.append(np.ones(ok.sum()))
        cn = self.cat_min_row[self.category[p]]
        ok = cn >= 0
        rows.append(o_min + cn[ok]); cols.append(j[ok]); vals.append(-np.ones(ok.sum()))
        mr = self.must_row[p]
        ok = mr >= 0
        rows.append(o_must + mr[ok]); cols.append(j[ok]); vals.append(-np.ones(ok.sum()))
        if self.share is not None:
            rows.append(np.full(len(j), o_share)); cols.append(j); vals.append(self.disc[z] - self.share)
        return csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(len(self.b), len(keys)))

    def reduced(self, c: np.ndarray, y: np.ndarray) -> np.ndarray:
        """c - A^T y for every column (P, T, Z)."""
        o_t, o_max, o_min, o_must, o_share = self.offsets()
        per_p = y[: self.P].copy()
        cm = self.cat_max_row[self.category]
        per_p += np.where(cm >= 0, y[o_max + np.maximum(cm, 0)], 0.0) if len(self.limited) else 0.0
        cn = self.cat_min_row[self.category]
        per_p -= np.where(cn >= 0, y[o_min + np.maximum(cn, 0)], 0.0) if len(self.has_min) else 0.0
        per_p -= np.where(self.must_row >= 0, y[o_must + np.maximum(self.must_row, 0)], 0.0) if len(self.must) else 0.0
        r = c - per_p[:, None, None] - y[o_t:o_t + self.T][None, :, None]
        if self.share is not None:
            r = r - y[o_share] * (self.disc - self.share)[None, None, :]
        return r


def _initial_keys(inst: PlanInstance, cols: Columns) -> np.ndarray:
    """Promising columns: per type and z the best few times its slot count, and must products."""
    P, T, Z = cols.c.shape
    keys = []
    for t in range(T):
        k = int(min(P, 3 * cols.cap[t] + 10))
        for z in range(Z):
            top = np.argpartition(-cols.c[:, t, z], k - 1)[:k] if k < P else np.arange(P)
            keys.append(np.column_stack([top, np.full(len(top), t), np.full(len(top), z)]))
    must = np.flatnonzero(inst.must)
    for p in must:  # every type: the best type alone may have fewer slots than must products
        keys.append(np.column_stack([np.full(T, p), np.arange(T), np.zeros(T, int)]))
    for c in np.flatnonzero(inst.cat_min > 0):  # enough spread-out columns to reach each minimum
        members = np.flatnonzero(inst.category == c)
        for t in range(T):
            keys.append(np.column_stack([members, np.full(len(members), t), np.zeros(len(members), int)]))
    return np.unique(np.vstack(keys), axis=0)


def lp_bound(inst: PlanInstance, time_limit_s: float = 10.0) -> BoundResult:
    """Upper bound by the LP relaxation with column generation, stopped at ``time_limit_s``."""
    started = time.monotonic()
    cols = columns(inst)
    rows = _Rows(inst, cols)
    keys = _initial_keys(inst, cols)
    best_bound, lp_value, x, rounds, certified, last_r = np.inf, None, None, 0, False, None
    while True:
        rounds += 1
        left = time_limit_s - (time.monotonic() - started)
        if left <= 0:
            break
        A = rows.matrix(keys)
        cost = cols.c[keys[:, 0], keys[:, 1], keys[:, 2]]
        res = linprog(-cost, A_ub=A, b_ub=rows.b, bounds=(0, 1), method="highs",
                      options={"time_limit": max(left, 0.1)})
        if res.status != 0 or res.ineqlin is None:
            break
        y = np.maximum(-res.ineqlin.marginals, 0.0)
        r = rows.reduced(cols.c, y)
        last_r = r
        positive = np.maximum(r, 0.0)
        best_bound = min(best_bound, float(rows.b @ y + positive.sum()))
        lp_value, x = float(-res.fun), res.x
        have = np.zeros(r.shape, dtype=bool)
        have[keys[:, 0], keys[:, 1], keys[:, 2]] = True
        r = np.where(have, -np.inf, r)
        count = int((r > 1e-7).sum())
        if count == 0:
            certified = True
            best_bound = min(best_bound, lp_value)
            break
        top = np.argsort(-r, axis=None)[: min(count, ADD_PER_ROUND)]
        keys = np.vstack([keys, np.column_stack(np.unravel_index(top, r.shape))])
    return BoundResult(bound=float(best_bound), certified=certified, lp_value=lp_value, keys=keys[: len(x)] if x is not None else keys,
                       x=x, rounds=rounds, seconds=time.monotonic() - started, reduced=last_r)


def chromosome_from(inst: PlanInstance, keys: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A plan from (fractional) column values: largest values first, while product and type have
    room (the caller repairs it)."""
    cols = columns(inst)
    chromosome = np.zeros(2 * inst.n_slots, dtype=np.int64)
    chromosome[0::2] = EMPTY
    free = {t: list(np.flatnonzero(inst.slot_type == t)) for t in range(len(cols.cap))}
    used = np.zeros(inst.n_products, dtype=bool)
    for j in np.argsort(-x, kind="stable"):
        if x[j] < 0.5:
            break
        p, t, z = keys[j]
        if used[p] or not free[t]:
            continue
        s = free[t].pop(0)
        chromosome[2 * s], chromosome[2 * s + 1] = p, cols.level[p, t, z]
        used[p] = True
    return chromosome


def solve_exact(inst: PlanInstance, lower: float, time_limit_s: float = 300.0) -> dict:
    """The benchmark's reference optimum: the LP by column generation, then ``scipy.optimize.milp``
    (HiGHS) on every column that can be in a plan worth at least ``lower`` (the value of any
    known feasible plan). Reduced-cost fixing makes that exact: with certified duals, any
    integer plan's value <= LP + sum of its columns' (non-positive) reduced costs, so a column
    with reduced cost < lower - LP is in no plan better than ``lower``."""
    relax = lp_bound(inst, time_limit_s=time_limit_s / 2)
    cols = columns(inst)
    rows = _Rows(inst, cols)
    if relax.certified:
        keys = np.column_stack(np.nonzero(relax.reduced >= lower - relax.bound - 1e-6))
    else:
        keys = relax.keys
    A = rows.matrix(keys)
    cost = cols.c[keys[:, 0], keys[:, 1], keys[:, 2]]
    t0 = time.monotonic()
    res = milp(-cost, constraints=LinearConstraint(A, -np.inf, rows.b), integrality=np.ones(len(keys)),
               bounds=Bounds(0, 1), options={"time_limit": max(time_limit_s - relax.seconds, 10.0)})
    value = float(-res.fun) if res.x is not None else None
    plan = chromosome_from(inst, keys, res.x) if res.x is not None else None
    return {"value": value, "plan": plan, "lp_bound": relax.bound, "lp_certified": relax.certified,
            "proved_optimal": bool(res.status == 0 and relax.certified), "columns": int(len(keys)),
            "lp_seconds": relax.seconds, "milp_seconds": time.monotonic() - t0, "milp_status": int(res.status)}
