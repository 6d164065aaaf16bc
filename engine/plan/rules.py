"""The plan's encoding, its hard rules and the repair that enforces them.

A chromosome holds two genes per slot, interleaved: ``[product_0, level_0, product_1, level_1,
...]``; ``product = -1`` leaves the slot empty, ``level`` indexes the allowed discount levels.
Interleaving keeps a slot's product and discount together under crossover.

``evaluate`` scores a whole population with numpy (objective and rule violations, no Python
loop over chromosomes). ``Repairer.repair_row`` makes one chromosome keep every hard rule, in place
(``Repairer.__call__`` does the same for a whole population with numpy), always
succeeding on an instance that ``check_feasible`` accepted (the argument for each step is in
its docstring). ``rule_report`` is the final, independent check of a returned plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cannibal import factors, page_category_counts
from .instance import PlanInstance

EMPTY = -1


def split(population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(products, levels) views, each (n, S), of an (n, 2S) population."""
    return population[:, 0::2], population[:, 1::2]


@dataclass
class Evaluation:
    objective: np.ndarray  # (n,)
    violations: np.ndarray  # (n,) count of broken rule units; 0 = feasible
    category_counts: np.ndarray  # (n, C)
    discounts: np.ndarray  # (n, S) discount fraction, 0 where empty
    placed: np.ndarray  # (n, S) bool
    factor: np.ndarray  # (n, S) cannibalisation multiplier on each slot's forecast (1 = none)
    products: np.ndarray  # (n, S) product index, 0 where empty (use with ``placed``)


def evaluate(inst: PlanInstance, population: np.ndarray) -> Evaluation:
    """Objective (value-table lookup x cannibalisation) and rule violations for every chromosome
    at once: numpy over the whole population, no Python loop over chromosomes."""
    prod, lev = split(np.asarray(population))
    n, S = prod.shape
    P, T, D = inst.value.shape
    placed = prod >= 0
    p = np.where(placed, prod, 0)
    d = np.clip(lev, 0, D - 1)
    values = inst.value.reshape(-1)[(p * T + inst.slot_type[None, :]) * D + d]
    C = len(inst.categories)
    if inst.cannibalisation < 1.0:
        counts_on_page = page_category_counts(inst.page_index, inst.category[p], placed, inst.n_pages, C)
        factor = factors(counts_on_page, inst.cannibalisation)
    else:
        factor = np.ones(prod.shape)
    objective = np.where(placed, values * factor, 0.0).sum(axis=1)
    presence = np.zeros((n, P + 1), dtype=bool)
    presence[np.repeat(np.arange(n), S), np.where(placed, prod, P).reshape(-1)] = True
    presence = presence[:, :P]
    duplicates = placed.sum(axis=1) - presence.sum(axis=1)
    missing_must = inst.must.sum() - presence[:, inst.must].sum(axis=1)
    cats = np.where(placed, inst.category[p], C)
    flat = (np.arange(n)[:, None] * (C + 1) + cats).reshape(-1)
    counts = np.bincount(flat, minlength=n * (C + 1)).reshape(n, C + 1)[:, :C]
    cat_violation = (np.maximum(inst.cat_min - counts, 0) + np.maximum(counts - inst.cat_max, 0)).sum(axis=1)
    discounts = np.where(placed, inst.levels[d], 0.0)
    discounted = (discounts > 0).sum(axis=1)
    allowed = np.floor(inst.max_discounted_share * placed.sum(axis=1) + 1e-9)
    share_violation = np.maximum(discounted - allowed, 0)
    bounds = ((prod < EMPTY) | (prod >= P) | (lev < 0) | (lev >= D)).sum(axis=1)
    violations = duplicates + missing_must + cat_violation + share_violation + bounds
    return Evaluation(objective, violations.astype(int), counts, discounts, placed, factor, p)


class Repairer:
    """Makes chromosomes keep every hard rule, changing as little value as it can.

    Steps, in order: clip genes to their ranges; keep the best-valued copy of a duplicated
    product; drop the lowest-valued products of categories over their max; place missing
    must_include products; fill categories under their min; fill empty slots with the best
    unused product when it adds value; cut the discounted share back by removing the discounts
    that cost least. Deterministic: no random draws.
    """

    def __init__(self, inst: PlanInstance):
        self.inst = inst
        self.best_level = inst.value.argmax(axis=2)  # (P, T)
        self.best_value = inst.value.max(axis=2)  # (P, T)
        self.n_cat = len(inst.categories)

    def __call__(self, population: np.ndarray, rng=None) -> None:
        """Repair every row in place: the same result, row for row, as ``repair_row``, computed
        with numpy over the whole population. Clipping, de-duplication, category caps, filling
        empty slots and the discounted share are array operations across rows; the rare rows
        that miss a must_include product or a category minimum after the caps go through
        ``repair_row`` (its first steps are then no-ops, so the result is identical)."""
        population = np.asarray(population)
        if population.ndim != 2 or population.shape[0] == 0:
            for row in population.reshape(-1, population.shape[-1]):
                self.repair_row(row)
            return
        inst = self.inst
        prod, lev = population[:, 0::2], population[:, 1::2]  # views
        n, S = prod.shape
        P, _, D = inst.value.shape
        prod[(prod < EMPTY) | (prod >= P)] = EMPTY
        np.clip(lev, 0, D - 1, out=lev)
        self._dedupe_all(prod, lev)
        self._cap_categories_all(prod, lev)
        counts = self._counts_all(prod)
        present = np.zeros((n, P + 1), dtype=bool)
        present[np.arange(n)[:, None], np.where(prod >= 0, prod, P)] = True
        slow = (present[:, :P][:, inst.must].sum(axis=1) < inst.must.sum()) | \
            (counts < inst.cat_min).any(axis=1)
        for r in np.flatnonzero(slow):
            self.repair_row(population[r])
        fast = np.flatnonzero(~slow)
        if fast.size == 0:
            return
        sub_p, sub_l = prod[fast], lev[fast]
        self._fill_empty_all(sub_p, sub_l, counts[fast], present[fast, :P])
        self._limit_discounts_all(sub_p, sub_l)
        prod[fast], lev[fast] = sub_p, sub_l

    # -- whole-population steps (row for row identical to the per-row steps) --------------
    def _values_all(self, prod, lev, slots=None) -> np.ndarray:
        """Slot values of (n, S) arrays, or of flat entries at ``slots``."""
        p = np.where(prod >= 0, prod, 0)
        t = self.inst.slot_type[None, :] if slots is None else self.inst.slot_type[slots]
        v = self.inst.value[p, t, lev]
        return np.where(prod >= 0, v, 0.0)

    def _counts_all(self, prod) -> np.ndarray:
        n = prod.shape[0]
        C = self.n_cat
        cats = np.where(prod >= 0, self.inst.category[np.maximum(prod, 0)], C)
        flat = (np.arange(n)[:, None] * (C + 1) + cats).reshape(-1)
        return np.bincount(flat, minlength=n * (C + 1)).reshape(n, C + 1)[:, :C]

    def _dedupe_all(self, prod, lev) -> None:
        """Per row, keep the highest-valued copy of each product (ties: lowest slot)."""
        n, S = prod.shape
        P = self.inst.n_products
        ids = np.where(prod >= 0, np.arange(n)[:, None] * (P + 1) + prod, n * (P + 1))
        count = np.bincount(ids.reshape(-1), minlength=n * (P + 1) + 1)
        count[-1] = 0
        r, s = np.nonzero(count[ids] > 1)  # only copies of duplicated products need a choice
        if r.size == 0:
            return
        p = prod[r, s]
        v = self._values_all(prod[r, s], lev[r, s], s)
        order = np.lexsort((s, -v, p, r))
        ro, po = r[order], p[order]
        dup = np.zeros(order.size, dtype=bool)
        dup[1:] = (ro[1:] == ro[:-1]) & (po[1:] == po[:-1])
        if dup.any():
            prod[ro[dup], s[order][dup]] = EMPTY

    def _cap_categories_all(self, prod, lev) -> None:
        """Per row and over-max category, drop its lowest-valued non-must products (ties: lowest
        slot), as many as the excess."""
        inst = self.inst
        counts = self._counts_all(prod)
        excess = np.maximum(counts - inst.cat_max, 0)
        if not excess.any():
            return
        pm = np.maximum(prod, 0)
        cat = inst.category[pm]
        cand = (prod >= 0) & ~inst.must[pm] & (excess[np.arange(prod.shape[0])[:, None], cat] > 0)
        r, s = np.nonzero(cand)
        c = cat[r, s]
        v = self._values_all(prod[r, s], lev[r, s], s)
        order = np.lexsort((s, v, c, r))
        ro, so, co = r[order], s[order], c[order]
        key = ro * self.n_cat + co
        start = np.r_[0, np.flatnonzero(key[1:] != key[:-1]) + 1]
        rank = np.arange(order.size) - np.repeat(start, np.diff(np.r_[start, order.size]))
        drop = rank < excess[ro, co]
        prod[ro[drop], so[drop]] = EMPTY

    def _fill_empty_all(self, prod, lev, counts, present) -> None:
        """``_fill_empty`` for many rows at once: the k-th empty slot of every row in one step."""
        inst = self.inst
        empty = prod < 0
        n_empty = empty.sum(axis=1)
        if not n_empty.any():
            return
        counts = counts.copy()
        available = ~present & (counts[:, inst.category] < inst.cat_max[inst.category])
        # empty slots of each row in slot order: row-major nonzero is already sorted
        er, es = np.nonzero(empty)
        first = np.r_[0, np.cumsum(n_empty)[:-1]]
        k_of = np.arange(er.size) - first[er]
        bvT = self.best_value.T  # (T, P)
        for k in range(int(n_empty.max())):
            sel = k_of == k
            rows, slots = er[sel], es[sel]
            scores = np.where(available[rows], bvT[inst.slot_type[slots]], -np.inf)
            p = np.argmax(scores, axis=1)
            ok = scores[np.arange(rows.size), p] > 0
            rows, slots, p = rows[ok], slots[ok], p[ok]
            if rows.size == 0:
                continue
            prod[rows, slots] = p
            lev[rows, slots] = self.best_level[p, inst.slot_type[slots]]
            available[rows, p] = False
            c = inst.category[p]
            counts[rows, c] += 1
            full = counts[rows, c] >= inst.cat_max[c]
            if full.any():
                fr, fc = rows[full], c[full]
                available[fr] &= inst.category[None, :] != fc[:, None]

    def _limit_discounts_all(self, prod, lev) -> None:
        inst = self.inst
        if inst.max_discounted_share >= 1.0:
            return
        placed = prod >= 0
        disc = placed & (inst.levels[lev] > 0)
        allowed = np.floor(inst.max_discounted_share * placed.sum(axis=1) + 1e-9).astype(int)
        excess = disc.sum(axis=1) - allowed
        if not (excess > 0).any():
            return
        disc &= (excess > 0)[:, None]
        r, s = np.nonzero(disc)
        zero = inst.zero_level
        p, t = prod[r, s], inst.slot_type[s]
        loss = inst.value[p, t, lev[r, s]] - inst.value[p, t, zero]
        order = np.lexsort((s, loss, r))
        ro, so = r[order], s[order]
        start = np.r_[0, np.flatnonzero(ro[1:] != ro[:-1]) + 1]
        rank = np.arange(order.size) - np.repeat(start, np.diff(np.r_[start, order.size]))
        cut = rank < excess[ro]
        lev[ro[cut], so[cut]] = zero

    # -- helpers ----------------------------------------------------------------------------
    def _slot_values(self, prod, lev) -> np.ndarray:
        inst = self.inst
        p = np.where(prod >= 0, prod, 0)
        v = inst.value[p, inst.slot_type, lev]
        return np.where(prod >= 0, v, 0.0)

    def _counts(self, prod) -> np.ndarray:
        used = prod[prod >= 0]
        return np.bincount(self.inst.category[used], minlength=self.n_cat)

    def _place(self, prod, lev, s, p) -> None:
        prod[s] = p
        lev[s] = self.best_level[p, self.inst.slot_type[s]]

    def repair_row(self, row: np.ndarray) -> None:
        inst = self.inst
        prod, lev = row[0::2], row[1::2]  # views: edits land in the population
        P, _, D = inst.value.shape
        prod[(prod < EMPTY) | (prod >= P)] = EMPTY
        np.clip(lev, 0, D - 1, out=lev)
        self._dedupe(prod, lev)
        self._cap_categories(prod, lev)
        self._place_must(prod, lev)
        self._fill_minimums(prod, lev)
        self._fill_empty(prod, lev)
        self._limit_discounts(prod, lev)

    def _dedupe(self, prod, lev) -> None:
        placed = np.flatnonzero(prod >= 0)
        if placed.size == 0 or np.bincount(prod[placed], minlength=1).max() <= 1:
            return  # the common case after structured moves: nothing to do, checked in O(S)
        order = placed[np.argsort(-self._slot_values(prod, lev)[placed], kind="stable")]
        _, first = np.unique(prod[order], return_index=True)
        keep = np.zeros(order.size, dtype=bool)
        keep[first] = True
        prod[order[~keep]] = EMPTY

    def _cap_categories(self, prod, lev) -> None:
        """Over-max categories lose their lowest-valued non-must products; feasibility guarantees
        the must products of a category fit under its max."""
        inst = self.inst
        counts = self._counts(prod)
        for c in np.flatnonzero(counts > inst.cat_max):
            slots = np.flatnonzero((prod >= 0) & (inst.category[np.maximum(prod, 0)] == c))
            slots = slots[~inst.must[prod[slots]]]
            order = slots[np.argsort(self._slot_values(prod, lev)[slots], kind="stable")]
            prod[order[: counts[c] - inst.cat_max[c]]] = EMPTY

    def _replaceable(self, prod, counts, target_cat) -> np.ndarray:
        """Slots whose product may give way to one of ``target_cat``: not must_include, and its
        category stays at or above its min (or is ``target_cat`` itself, count unchanged)."""
        inst = self.inst
        used = prod >= 0
        cat = inst.category[np.maximum(prod, 0)]
        ok = used & ~inst.must[np.maximum(prod, 0)]
        ok &= (counts[cat] > inst.cat_min[cat]) | (cat == target_cat)
        if counts[target_cat] >= inst.cat_max[target_cat]:
            ok &= cat == target_cat  # the category is full: only swap within it
        return np.flatnonzero(ok)

    def _best_slot_for(self, prod, lev, p, counts) -> int:
        """Empty slot with the best value for ``p`` (if the category has room), else the
        replaceable slot that loses least. Feasibility guarantees one exists."""
        inst = self.inst
        gain = self.best_value[p, inst.slot_type]
        c = inst.category[p]
        empty = np.flatnonzero(prod < 0)
        if empty.size and counts[c] < inst.cat_max[c]:
            return int(empty[np.argmax(gain[empty])])
        slots = self._replaceable(prod, counts, c)
        loss = self._slot_values(prod, lev)[slots] - gain[slots]
        return int(slots[np.argmin(loss)])

    def _place_must(self, prod, lev) -> None:
        inst = self.inst
        present = np.zeros(inst.n_products, dtype=bool)
        present[prod[prod >= 0]] = True
        missing = np.flatnonzero(inst.must & ~present)
        if missing.size == 0:
            return
        for p in missing[np.argsort(-self.best_value[missing].max(axis=1), kind="stable")]:
            s = self._best_slot_for(prod, lev, p, self._counts(prod))
            self._place(prod, lev, s, p)

    def _fill_minimums(self, prod, lev) -> None:
        inst = self.inst
        counts = self._counts(prod)
        for c in np.flatnonzero(counts < inst.cat_min):
            while counts[c] < inst.cat_min[c]:
                unused = np.flatnonzero(inst.category == c)
                unused = np.setdiff1d(unused, prod[prod >= 0])
                empty = np.flatnonzero(prod < 0)
                slots = np.concatenate([empty, self._replaceable(prod, counts, c)])
                keep = (prod[slots] < 0) | (inst.category[np.maximum(prod[slots], 0)] != c)
                slots = slots[keep]
                current = self._slot_values(prod, lev)[slots]
                gain = self.best_value[np.ix_(unused, inst.slot_type[slots])] - current[None, :]
                i, j = np.unravel_index(int(np.argmax(gain)), gain.shape)
                self._place(prod, lev, slots[j], unused[i])
                counts = self._counts(prod)

    def _fill_empty(self, prod, lev) -> None:
        inst = self.inst
        empty = np.flatnonzero(prod < 0)
        if empty.size == 0:
            return
        available = np.ones(inst.n_products, dtype=bool)
        available[prod[prod >= 0]] = False
        counts = self._counts(prod)
        available &= counts[inst.category] < inst.cat_max[inst.category]
        for s in empty:
            scores = np.where(available, self.best_value[:, inst.slot_type[s]], -np.inf)
            p = int(np.argmax(scores))
            if scores[p] <= 0:
                continue
            self._place(prod, lev, s, p)
            available[p] = False
            c = inst.category[p]
            counts[c] += 1
            if counts[c] >= inst.cat_max[c]:
                available &= inst.category != c

    def _limit_discounts(self, prod, lev) -> None:
        inst = self.inst
        if inst.max_discounted_share >= 1.0:
            return
        placed = prod >= 0
        discounted = np.flatnonzero(placed & (inst.levels[lev] > 0))
        allowed = int(np.floor(inst.max_discounted_share * placed.sum() + 1e-9))
        excess = discounted.size - allowed
        if excess <= 0:
            return
        zero = inst.zero_level
        p, t = prod[discounted], inst.slot_type[discounted]
        loss = inst.value[p, t, lev[discounted]] - inst.value[p, t, zero]
        lev[discounted[np.argsort(loss, kind="stable")[:excess]]] = zero


def rule_report(inst: PlanInstance, chromosome: np.ndarray) -> list[dict]:
    """Every hard rule with its limit, the plan's value and whether it holds."""
    prod, lev = chromosome[0::2], chromosome[1::2]
    placed = prod >= 0
    used = prod[placed]
    counts = np.bincount(inst.category[used], minlength=len(inst.categories))
    most = int(np.bincount(used).max()) if used.size else 0
    rules = [
        {"rule": "unique_products", "limit": 1, "value": most, "kept": most <= 1},
        {"rule": "one_product_per_slot", "limit": 1, "value": 1 if used.size else 0, "kept": True},
        {"rule": "must_include", "limit": int(inst.must.sum()),
         "value": int(np.isin(np.flatnonzero(inst.must), used).sum()),
         "kept": bool(np.isin(np.flatnonzero(inst.must), used).all())},
        {"rule": "discount_levels", "limit": [float(x) for x in inst.levels],
         "value": sorted({float(inst.levels[x]) for x in lev[placed]}),
         "kept": bool(np.all((lev[placed] >= 0) & (lev[placed] < len(inst.levels))))},
    ]
    for c, name in enumerate(inst.categories):
        if not inst.limited[c]:
            continue
        rules.append({"rule": "category_min", "category": name, "limit": int(inst.cat_min[c]),
                      "value": int(counts[c]), "kept": bool(counts[c] >= inst.cat_min[c])})
        rules.append({"rule": "category_max", "category": name, "limit": int(inst.cat_max[c]),
                      "value": int(counts[c]), "kept": bool(counts[c] <= inst.cat_max[c])})
    share = float((inst.levels[lev[placed]] > 0).mean()) if used.size else 0.0
    allowed = np.floor(inst.max_discounted_share * used.size + 1e-9)
    rules.append({"rule": "max_discounted_share", "limit": inst.max_discounted_share, "value": share,
                  "kept": bool((inst.levels[lev[placed]] > 0).sum() <= allowed)})
    return rules
