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


def _share(inst: PlanInstance) -> float:
    rule = inst.rules.get("max_discounted_share")
    return rule.share if rule is not None else 1.0


def columns(inst: PlanInstance) -> Columns:
    """The columns' values and levels, among the levels the rules allow each product (a product
    with none allowed gets -inf: its columns are never in a plan)."""
    value = inst.value if inst.cannibalisation >= 1.0 else np.maximum(inst.value, 0.0)
    mask = inst.rules.level_mask
    if mask is not None:
        value = np.where(mask[:, None, :], value, -np.inf)
    zero = inst.zero_level
    cap = np.bincount(inst.slot_type, minlength=value.shape[1]).astype(float)
    if _share(inst) >= 1.0 or zero is None:
        level = value.argmax(axis=2)[:, :, None]
        disc = np.array([0.0])
    else:
        masked = np.where((inst.levels > 0)[None, None, :], value, -np.inf)
        best_disc = masked.argmax(axis=2)
        level = np.stack([np.full(best_disc.shape, zero), best_disc], axis=2)
        disc = np.array([0.0, 1.0])
    c = np.take_along_axis(value, level, axis=2)
    if inst.rules.slot_mask is not None:
        allowed = np.zeros((inst.n_products, value.shape[1]), dtype=bool)
        for t in range(value.shape[1]):
            allowed[:, t] = inst.rules.slot_mask[:, inst.slot_type == t].any(axis=1)
        c = np.where(allowed[:, :, None], c, -np.inf)
    return Columns(c=c, level=level, discounted=disc, cap=cap)


class _Rows:
    """The constraint rows ``A x <= b``: every rule unit's row families (engine.plan.rules), so
    A on the kept columns and ``A^T y`` on all columns are cheap index operations."""

    def __init__(self, inst: PlanInstance, cols: Columns):
        self.P, self.T, self.Z = cols.c.shape
        self.families = inst.rules.lp_rows(inst, cols)
        self.b = np.concatenate([f.b for f in self.families]) if self.families else np.zeros(0)
        self.offset = np.cumsum([0] + [len(f.b) for f in self.families])

    def matrix(self, keys: np.ndarray) -> csr_matrix:
        p, t, z = keys[:, 0], keys[:, 1], keys[:, 2]
        rows, cols, vals = [], [], []
        for family, offset in zip(self.families, self.offset):
            r, j, v = family.entries(p, t, z)
            rows.append(offset + np.asarray(r, dtype=int))
            cols.append(np.asarray(j, dtype=int))
            vals.append(np.asarray(v, dtype=float))
        return csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(len(self.b), len(keys)))

    def reduced(self, c: np.ndarray, y: np.ndarray) -> np.ndarray:
        """c - A^T y for every column (P, T, Z): the families' prices summed per shape (products,
        types, levels, whole), then taken from c."""
        per = {"p": 0.0, "t": 0.0, "z": 0.0, "ptz": 0.0}
        for family, offset in zip(self.families, self.offset):
            per[family.shape] = per[family.shape] + family.price(y[offset:offset + len(family.b)])
        r = c - np.reshape(per["p"], (-1, 1, 1)) if np.ndim(per["p"]) else c - per["p"]
        r = r - np.reshape(per["t"], (1, -1, 1)) if np.ndim(per["t"]) else r - per["t"]
        r = r - np.reshape(per["z"], (1, 1, -1)) if np.ndim(per["z"]) else r - per["z"]
        return r - per["ptz"]


def _initial_keys(inst: PlanInstance, cols: Columns) -> np.ndarray:
    """Promising columns: per type and z the best few times its slot count, and must products."""
    P, T, Z = cols.c.shape
    keys = []
    for t in range(T):
        k = int(min(P, 3 * cols.cap[t] + 10))
        for z in range(Z):
            top = np.argpartition(-cols.c[:, t, z], k - 1)[:k] if k < P else np.arange(P)
            keys.append(np.column_stack([top, np.full(len(top), t), np.full(len(top), z)]))
    must = np.flatnonzero(inst.must | inst.rules.protected)
    for p in must:  # every type: the best type alone may have fewer slots than must products
        z = 0 if np.isfinite(cols.c[p, :, 0]).any() else Z - 1  # a product locked at a discount: z = 1
        keys.append(np.column_stack([np.full(T, p), np.arange(T), np.full(T, z)]))
    for rule in inst.rules.active:  # enough spread-out columns to reach each group's minimum
        low, members = getattr(rule, "low", None), getattr(rule, "members", None)
        if getattr(rule, "scope", None) != "plan" or low is None:
            continue
        for g in np.flatnonzero(low > 0):
            for t in range(T):
                keys.append(np.column_stack([members[g], np.full(len(members[g]), t), np.zeros(len(members[g]), int)]))
    keys = np.unique(np.vstack(keys), axis=0)
    return keys[np.isfinite(cols.c[keys[:, 0], keys[:, 1], keys[:, 2]])]


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
