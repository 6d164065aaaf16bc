"""Counting rules over groups of products: how many of a group the plan (or one page) holds.

Category limits, brand limits, "at most N of one category per page" and "these products must
not share a page" are the same rule over different groups and scopes, so they share one
implementation, :class:`GroupLimits`, and each is a thin unit that says which groups and limits
it reads from its table or setting.

* **groups**: ``layers``, a list of (P,) arrays giving each product's group index in that layer
  (-1 = none). A category or a brand is one layer (a product has one); a product may sit in
  several conflict groups, one layer per membership.
* **scope**: ``"plan"`` counts over the whole plan (min and max), ``"page"`` per page (max only):
  the counting key is then ``page * G + group``.

Repair: ``trim`` drops, per row and key over its max, the lowest-valued products that are not
protected (must_include, locked) nor in locked slots; ``place`` fills each group under its min
with its best unused products where every rule admits them (plan scope); the ``filler`` lets a
product into an empty slot only while its groups have room; ``admits`` says whether a product
may take a slot (its occupant evicted) without going over a max or taking an occupant's group
under its min. Violations are the units over the max plus the units under the min.
"""

from __future__ import annotations

import numpy as np

from engine.errors import infeasible

from .base import Filler, RowFamily, Rule, problem_at


class GroupLimits(Rule):
    scope = "plan"
    noun = "group"  # how a message names one group: "category 'skin'"

    def __init__(self, inst, layers: list[np.ndarray], names: list[str], low: np.ndarray,
                 high: np.ndarray, limited: np.ndarray, where: dict[int, dict[str, dict]] | None = None):
        self.where = dict(where or {})  # group -> {"min"/"max": table, row, column, cell of its limit}
        self.layers = [np.asarray(layer, dtype=int) for layer in layers]
        self.names = list(names)
        self.G = len(self.names)
        self.low = np.asarray(low, dtype=int)  # (G,)
        self.high = np.asarray(high, dtype=int)  # (G,)
        self.limited = np.asarray(limited, dtype=bool)  # (G,): has a row in the rule's table
        self.page_index = inst.page_index
        self.n_pages = inst.n_pages
        self.K = self.G if self.scope == "plan" else self.n_pages * self.G
        self.high_k = self.high if self.scope == "plan" else np.tile(self.high, self.n_pages)
        self.low_k = self.low if self.scope == "plan" else np.zeros(self.K, int)
        self.has_min = self.scope == "plan" and bool((self.low > 0).any())
        self.members = [np.flatnonzero(np.any([layer == g for layer in self.layers], axis=0))
                        for g in range(self.G)]
        self.ext = [np.append(np.where(layer >= 0, layer, self.G), self.G) for layer in self.layers]
        big = np.iinfo(np.int64).max // 4
        self.high_ext = np.append(self.high_k, big)  # the sentinel key K never binds
        self.low_ext = np.append(self.low_k, 0)

    # -- at once ------------------------------------------------------------------------------
    def check(self, inst) -> None:
        """Limits that no plan can meet: min > max, a min above the candidates of the group,
        protected products over a max, minimums (with protected products) beyond the slots;
        per page: products pinned to one page over its max."""
        S = inst.n_slots
        forced = inst.rules.protected
        have = np.zeros(self.G, int)
        held = np.zeros(self.G, int)
        for layer in self.layers:
            have += np.bincount(layer[layer >= 0], minlength=self.G)
            held += np.bincount(layer[forced & (layer >= 0)], minlength=self.G)
        for g in np.flatnonzero(self.limited):
            name = self.names[g]
            if self.low[g] > self.high[g]:
                raise self._at(g, "min", f"{self.noun} {name!r}: min {self.low[g]} > max {self.high[g]}")
            if self.low[g] > have[g]:
                raise self._at(g, "min", f"{self.noun} {name!r} needs at least {self.low[g]} products but "
                                         f"only {have[g]} are candidates")
            if self.scope == "plan" and held[g] > self.high[g]:
                raise self._at(g, "max", f"{self.noun} {name!r} has {held[g]} {self._forced_noun(inst)} "
                                         f"but a max of {self.high[g]}")
        if self.scope == "plan" and len(self.layers) == 1:
            if self.low.sum() > S:
                raise infeasible(self.name, f"{self.noun} minimums add up to {int(self.low.sum())} but the "
                                            f"catalogue has {S} slots")
            needed = int(np.maximum(self.low, held).sum())
            if needed > S:
                raise infeasible(self.name, f"{self.noun} minimums and {self._forced_noun(inst)} need {needed} "
                                            f"slots but the catalogue has {S}")
        pinned = inst.rules.pinned_page
        if self.scope == "page":  # the forced members must fit on the pages, around the pinned ones
            for g in np.flatnonzero(self.limited):
                members = self.members[g]
                fixed = pinned[members][forced[members] & (pinned[members] >= 0)]
                loose = int((forced[members] & (pinned[members] < 0)).sum())
                room = int(np.maximum(self.high[g] - np.bincount(fixed, minlength=inst.n_pages), 0).sum())
                if loose > room:
                    raise self._at(g, "max", f"{self.noun} {self.names[g]!r} has {loose + fixed.size} products "
                                                f"that must be in the plan but at most {self.high[g]} fit on a "
                                                f"page of the {inst.n_pages}")
        if self.scope == "page" and (pinned >= 0).any():
            for layer in self.layers:
                on = (pinned >= 0) & (layer >= 0)
                key = pinned[on] * self.G + layer[on]
                over = np.flatnonzero(np.bincount(key, minlength=self.K) > self.high_k)
                if over.size:
                    page, g = divmod(int(over[0]), self.G)
                    raise infeasible(self.name, f"{self.noun} {self.names[g]!r}: the locks put more than "
                                                f"{self.high[g]} of it on page {inst.page_numbers[page]}")

    def _at(self, g: int, column: str, detail: str):
        """``infeasible`` naming the rule, with the cell of group ``g``'s ``column`` (min/max) in
        the rule's table where that is known (``where``: group -> column -> location)."""
        error = infeasible(self.name, detail)
        where = (self.where.get(int(g)) or {}).get(column)
        if where:
            error.problems.append(problem_at(detail, where, column))
        return error

    @staticmethod
    def _forced_noun(inst) -> str:
        return "must_include or locked products" if inst.rules.locked.any() else "must_include products"

    # -- counting -----------------------------------------------------------------------------
    # ``self.ext[l]`` is layer l with -1 -> G and one more entry G at the end, so that
    # ``ext[prod]`` gives the sentinel G for an empty slot (prod = -1) without a mask.
    def keys(self, prod: np.ndarray, layer: int) -> np.ndarray:
        """Counting key of every slot's product in one layer (index into the layers), ``K``
        where empty or ungrouped. ``prod`` is (n, S) or (S,)."""
        g = self.ext[layer][prod]
        if self.scope == "plan":
            return g
        page = self.page_index if prod.ndim == 1 else self.page_index[None, :]
        return np.where(g < self.G, page * self.G + g, self.K)

    def counts(self, prod: np.ndarray, keys: list | None = None) -> np.ndarray:
        """(n, K + 1) how many products of each key every row holds (last column: none);
        ``keys``, if given, receives each layer's keys."""
        n, K = prod.shape[0], self.K + 1
        base = (np.arange(n) * K)[:, None]
        total = None
        for layer in range(len(self.layers)):
            key = self.keys(prod, layer)
            if keys is not None:
                keys.append(key)
            c = np.bincount((base + key).reshape(-1), minlength=n * K).reshape(n, K)
            total = c if total is None else total + c
        return total

    # -- repair -------------------------------------------------------------------------------
    def trim(self, rep, prod, lev) -> None:
        """Per row and key over its max, drop its lowest-valued removable products (ties:
        lowest slot), as many as the excess."""
        n = prod.shape[0]
        limit = self.high_ext
        for layer in range(len(self.layers)):
            keys: list = []
            excess = np.maximum(self.counts(prod, keys) - limit, 0)
            if not excess.any():
                return
            key = keys[layer]
            cand = excess[np.arange(n)[:, None], key] > 0
            # over a page's max a must_include product may go: its place step puts it on
            # another page; over the plan's max nothing protected may (it would come back)
            cand &= ~(rep.protected_ext if self.scope == "plan" else rep.pinned_ext)[prod]
            if rep.any_locked:
                cand &= ~rep.locked_slot[None, :]
            r, s = np.nonzero(cand)
            k = key[r, s]
            v = rep.values(prod[r, s], lev[r, s], s)
            order = np.lexsort((s, v, k, r))
            ro, so, ko = r[order], s[order], k[order]
            flat = ro * (self.K + 1) + ko
            start = np.r_[0, np.flatnonzero(flat[1:] != flat[:-1]) + 1]
            rank = np.arange(order.size) - np.repeat(start, np.diff(np.r_[start, order.size]))
            drop = rank < excess[ro, ko]
            prod[ro[drop], so[drop]] = -1

    def lacking(self, rep, prod, lev):
        if not self.has_min:
            return None
        return (self.counts(prod)[:, :self.K] < self.low_k).any(axis=1)

    def place(self, rep, prod, lev) -> None:
        """Fill every group under its min: the unused member and the slot (empty or replaceable,
        not holding a member) with the largest gain, where every rule admits it, until the min."""
        if not self.has_min:
            return
        types = rep.inst.slot_type
        counts = self.counts(prod[None, :])[0]
        for g in np.flatnonzero(counts[:self.G] < self.low):
            while counts[g] < self.low[g]:
                unused = np.setdiff1d(self.members[g], prod[prod >= 0])
                empty = np.flatnonzero(prod < 0)
                occupied = rep.replaceable(prod)
                occupied = occupied[~np.isin(prod[occupied], self.members[g])]
                slots = np.concatenate([empty, occupied])
                if unused.size == 0 or slots.size == 0:
                    break
                current = rep.values(prod[None, :], lev[None, :])[0][slots]
                gain = rep.best_value[np.ix_(unused, types[slots])] - current[None, :]
                gain = np.where(rep.admitted(prod, unused, slots), gain, -np.inf)
                i, j = np.unravel_index(int(np.argmax(gain)), gain.shape)
                if not np.isfinite(gain[i, j]):
                    break
                rep.place(prod, lev, slots[j], unused[i])
                counts = self.counts(prod[None, :])[0]

    def filler(self, rep, prod):
        if self.scope == "plan":
            return _PlanRoom(self, self.counts(prod))
        return _PageRoom(self, self.counts(prod))

    def _slot_keys(self, layer: int, products: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """(k, m) keys of ``products`` if placed in ``slots`` (``K`` where ungrouped)."""
        g = self.ext[layer][products][:, None]
        if self.scope == "plan":
            return np.broadcast_to(g, (products.size, slots.size))
        return np.where(g < self.G, self.page_index[slots][None, :] * self.G + g, self.K)

    def admits(self, rep, prod, products, slots):
        """No key goes over its max once ``products[i]`` replaces ``slots[j]``'s occupant, and
        no occupant's key under its min (unless the product counts for the same key)."""
        counts = self.counts(prod[None, :])[0]
        occupant = prod[slots]
        q_keys = []
        for layer in range(len(self.layers)):
            g = self.ext[layer][occupant]
            q_keys.append(g if self.scope == "plan"
                          else np.where(g < self.G, self.page_index[slots] * self.G + g, self.K))
        ok = np.ones((products.size, slots.size), dtype=bool)
        p_keys = [self._slot_keys(layer, products, slots) for layer in range(len(self.layers))]
        for key in p_keys:
            same = q_keys[0][None, :] == key
            for qk in q_keys[1:]:
                same = same.astype(int) + (qk[None, :] == key)
            ok &= counts[key] + 1 - same <= self.high_ext[key]
        if self.has_min:
            for qk in q_keys:
                same = np.zeros(ok.shape, dtype=bool)
                for key in p_keys:
                    same |= (key == qk[None, :]) & (key < self.K)
                room = (qk == self.K) | (counts[qk] > self.low_ext[qk])
                ok &= same | room[None, :]
        return ok

    # -- judging ------------------------------------------------------------------------------
    def violations(self, inst, ev):
        prod = np.where(ev.placed & (ev.prod < inst.n_products), ev.prod, -1)
        counts = self.counts(prod)[:, :self.K]
        return (np.maximum(self.low_k - counts, 0) + np.maximum(counts - self.high_k, 0)).sum(axis=1)

    def breaking_slots(self, prod: np.ndarray, key: int) -> list[int]:
        """Slots of one plan whose product counts for ``key``."""
        prod = np.where(prod < len(self.ext[0]) - 1, prod, -1)
        return sorted({int(s) for layer in range(len(self.layers))
                       for s in np.flatnonzero(self.keys(prod, layer) == key)})

    # -- bound --------------------------------------------------------------------------------
    def lp_rows(self, inst, cols):
        if self.scope == "plan":
            rows = []
            limited = np.flatnonzero(self.limited)
            if limited.size:
                rows.append(_GroupRows(self.layers, limited, self.G, self.high[limited], 1.0))
            has_min = limited[self.low[limited] > 0]
            if has_min.size:
                rows.append(_GroupRows(self.layers, has_min, self.G, -self.low[has_min], -1.0))
            return rows
        limited = np.flatnonzero(self.limited)
        if not limited.size:
            return []
        return [_PageGroupRows(self.layers, limited, self.G, self.high, inst)]


class _PlanRoom(Filler):
    """Products whose groups are all under their max; a group that fills up is cleared."""

    def __init__(self, rule: GroupLimits, counts: np.ndarray):
        self.rule, self.counts = rule, counts

    def start(self, avail):
        rule = self.rule
        for ext in rule.ext:
            g = ext[:-1]
            avail &= self.counts[:, g] < rule.high_ext[g][None, :]

    def add(self, avail, rows, slots, products):
        rule = self.rule
        for ext in rule.ext:
            g = ext[products]
            ok = g < rule.G
            r, g = rows[ok], g[ok]
            if r.size == 0:
                continue
            self.counts[r, g] += 1  # one placement per row and step
            full = self.counts[r, g] >= rule.high[g]
            if full.any():
                fr, fg = r[full], g[full]
                for other in rule.ext:
                    avail[fr] &= other[None, :-1] != fg[:, None]


class _PageRoom(Filler):
    """Products whose groups have room on the slot's page."""

    def __init__(self, rule: GroupLimits, counts: np.ndarray):
        self.rule, self.counts = rule, counts

    def mask(self, rows, slots):
        rule = self.rule
        ok = None
        for layer in range(len(rule.layers)):
            key = rule._slot_keys(layer, np.arange(len(rule.ext[layer]) - 1), slots).T  # (m, P)
            m = self.counts[rows[:, None], key] < rule.high_ext[key]
            ok = m if ok is None else ok & m
        return ok

    def add(self, avail, rows, slots, products):
        rule = self.rule
        page = rule.page_index[slots] * rule.G
        for ext in rule.ext:
            g = ext[products]
            self.counts[rows, np.where(g < rule.G, page + g, rule.K)] += 1

    def ok(self, row, product, slot):
        rule = self.rule
        for layer in range(len(rule.layers)):
            key = rule._slot_keys(layer, np.array([product]), np.array([slot]))[0, 0]
            if key < rule.K and self.counts[row, key] >= rule.high_ext[key]:
                return False
        return True


class _GroupRows(RowFamily):
    """One row per listed group: ``coef * (members placed) <= b``."""

    shape = "p"

    def __init__(self, layers, groups: np.ndarray, G: int, b, coef: float):
        super().__init__(b)
        self.layers, self.coef = layers, float(coef)
        self.row_of = -np.ones(G, int)
        self.row_of[groups] = np.arange(len(groups))

    def entries(self, p, t, z):
        rows, cols = [], []
        for layer in self.layers:
            g = layer[p]
            r = np.where(g >= 0, self.row_of[np.maximum(g, 0)], -1)
            ok = r >= 0
            rows.append(r[ok])
            cols.append(np.flatnonzero(ok))
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        return rows, cols, np.full(rows.size, self.coef)

    def price(self, y):
        total = 0.0
        for layer in self.layers:
            r = np.where(layer >= 0, self.row_of[np.maximum(layer, 0)], -1)
            total = total + np.where(r >= 0, self.coef * y[np.maximum(r, 0)], 0.0)
        return total


class _PageGroupRows(RowFamily):
    """One row per (page, listed group): members placed on the page <= the group's max. Every
    slot type lies on one page (a type is a distinct page, size and featured flag)."""

    shape = "ptz"

    def __init__(self, layers, groups: np.ndarray, G: int, high: np.ndarray, inst):
        pages = inst.n_pages
        self.layers = layers
        self.type_page = np.zeros(int(inst.slot_type.max()) + 1, dtype=int)
        self.type_page[inst.slot_type] = inst.page_index
        self.row_of = -np.ones((pages, G), int)
        self.row_of[:, groups] = np.arange(pages * len(groups)).reshape(pages, len(groups))
        super().__init__(np.tile(high[groups], pages).astype(float))

    def entries(self, p, t, z):
        rows, cols = [], []
        for layer in self.layers:
            g = layer[p]
            r = np.where(g >= 0, self.row_of[self.type_page[t], np.maximum(g, 0)], -1)
            ok = r >= 0
            rows.append(r[ok])
            cols.append(np.flatnonzero(ok))
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        return rows, cols, np.ones(rows.size)

    def price(self, y):
        total = 0.0
        for layer in self.layers:
            r = np.where(layer[:, None] >= 0, self.row_of[self.type_page[None, :], np.maximum(layer, 0)[:, None]], -1)
            total = total + np.where(r >= 0, y[np.maximum(r, 0)], 0.0)  # (P, T)
        return np.asarray(total)[:, :, None] if np.ndim(total) else total
