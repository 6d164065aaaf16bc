"""The repair that makes every chromosome keep every hard rule, run by the rule units.

One implementation for a whole population (numpy over rows; a single plan is a population of
one), in phases, each rule unit taking part in the ones it needs (engine.plan.rules.base):

1. **encode**: genes into their ranges; levels a rule forbids for a product (``allowed_levels``)
   replaced by its best allowed level; products in slots a rule forbids them (``allowed_slots``)
   removed;
2. **trim**, rule by rule in registry order: remove what breaks a rule (locked slots set, extra
   copies of a product, products over a maximum), never a protected product or a locked slot;
3. **place**, only for the rare rows a rule flags as ``lacking`` (a missing must_include product,
   a category under its minimum): rule by rule, each missing product goes where every rule
   ``admits`` it and it costs least (``best_slot_for``);
4. **fill**: every empty slot takes the best product every rule's ``filler`` lets in, if that
   adds value, the k-th empty slot of every row in one step;
5. **finish**: last touches over every row (the discounted share: the discounts that cost least
   go).

Deterministic: no random draws. Changing as little value as it can: every choice is by value.
"""

from __future__ import annotations

import numpy as np

from .base import EMPTY, Filler
from .evaluate import evaluate


class Repairer:
    def __init__(self, inst):
        self.inst = inst
        self.rules = list(inst.rules.active)
        value = inst.value
        self.level_mask = inst.rules.level_mask  # (P, D) bool or None
        self.slot_mask = inst.rules.slot_mask  # (P, S) bool or None
        masked = value if self.level_mask is None else np.where(self.level_mask[:, None, :], value, -np.inf)
        self.best_level = masked.argmax(axis=2)  # (P, T)
        self.best_value = masked.max(axis=2)  # (P, T)
        self.protected = inst.rules.protected  # (P,) bool: never removed by a repair step
        self.protected_ext = np.append(self.protected, False)  # indexable by prod (-1 = empty)
        self.locked_slot = inst.rules.locked  # (S,) bool: content fixed by a rule
        self.any_locked = bool(self.locked_slot.any())
        pinned = inst.rules.pinned_page >= 0  # products a rule puts on one page (locks)
        self.pinned_ext = np.append(pinned, False)
        self.n_cat = len(inst.categories)

    # -- the phases ---------------------------------------------------------------------------
    def __call__(self, population: np.ndarray, rng=None) -> None:
        """Repair every row of an (n, 2S) population (or one (2S,) chromosome) in place."""
        population = np.asarray(population)
        if population.ndim == 1:
            population = population[None, :]
        if population.shape[0] == 0:
            return
        prod, lev = population[:, 0::2], population[:, 1::2]  # views
        self._encode(prod, lev)
        for rule in self.rules:
            rule.trim(self, prod, lev)
        self._present, self._caching = None, True  # valid from here until a place step changes a row
        lacking = None
        for rule in self.rules:
            rows = rule.lacking(self, prod, lev)
            if rows is not None:
                lacking = rows if lacking is None else lacking | rows
        if lacking is not None and lacking.any():
            changed = np.flatnonzero(lacking)
            for r in changed:
                for rule in self.rules:
                    rule.place(self, prod[r], lev[r])
            if self._present is not None:  # only the rows placed into changed
                self._present[changed] = self.present(prod[changed])
        self._fill_empty(prod, lev)
        self._present, self._caching = None, False
        for rule in self.rules:
            rule.finish(self, prod, lev)

    def repair_row(self, row: np.ndarray) -> None:
        """One chromosome, in place (the same steps as a population of one)."""
        self(np.asarray(row)[None, :])

    def base_plan(self) -> np.ndarray:
        """An empty plan with what the rules fix already in it (locked slots)."""
        chromosome = np.zeros(2 * self.inst.n_slots, dtype=np.int64)
        chromosome[0::2] = EMPTY
        rows = chromosome[None, :]
        prod, lev = rows[:, 0::2], rows[:, 1::2]
        for rule in self.rules:
            rule.trim(self, prod, lev)
        return chromosome

    def _encode(self, prod, lev) -> None:
        P, _, D = self.inst.value.shape
        prod[(prod < EMPTY) | (prod >= P)] = EMPTY
        np.clip(lev, 0, D - 1, out=lev)
        if self.slot_mask is not None:
            r, s = np.nonzero(prod >= 0)
            bad = ~self.slot_mask[prod[r, s], s]
            prod[r[bad], s[bad]] = EMPTY
        if self.level_mask is not None:
            r, s = np.nonzero(prod >= 0)
            p = prod[r, s]
            bad = ~self.level_mask[p, lev[r, s]]
            r, s, p = r[bad], s[bad], p[bad]
            t = self.inst.slot_type[s]
            lev[r, s] = self.best_level[p, t]
            none = ~np.isfinite(self.best_value[p, t])
            prod[r[none], s[none]] = EMPTY

    def _fill_empty(self, prod, lev) -> None:
        """Every empty slot takes the best product every rule lets in, if it adds value: the
        k-th empty slot of every row in one step."""
        inst = self.inst
        empty = prod < 0
        n_empty = empty.sum(axis=1)
        if not n_empty.any():
            return
        avail, fillers = self.fill_state(prod)
        per_slot = [f for f in fillers if type(f).mask is not Filler.mask]
        er, es = np.nonzero(empty)  # row-major: each row's empty slots in slot order
        first = np.r_[0, np.cumsum(n_empty)[:-1]]
        k_of = np.arange(er.size) - first[er]
        bvT = self.best_value.T  # (T, P)
        for k in range(int(n_empty.max())):
            sel = k_of == k
            rows, slots = er[sel], es[sel]
            allowed = avail[rows]
            for f in per_slot:
                allowed &= f.mask(rows, slots)
            if self.slot_mask is not None:
                allowed &= self.slot_mask[:, slots].T
            scores = np.where(allowed, bvT[inst.slot_type[slots]], -np.inf)
            p = np.argmax(scores, axis=1)
            ok = scores[np.arange(rows.size), p] > 0
            rows, slots, p = rows[ok], slots[ok], p[ok]
            if rows.size == 0:
                continue
            prod[rows, slots] = p
            lev[rows, slots] = self.best_level[p, inst.slot_type[slots]]
            for f in fillers:
                f.add(avail, rows, slots, p)

    def fill_state(self, prod) -> tuple[np.ndarray, list]:
        """The shared (n, P) availability and every rule's filler, started on ``prod``."""
        avail = np.ones((prod.shape[0], self.inst.n_products), dtype=bool)
        fillers = [f for f in (rule.filler(self, prod) for rule in self.rules) if f is not None]
        for f in fillers:
            f.start(avail)
        return avail, fillers

    # -- helpers the rule units use ---------------------------------------------------------------
    def values(self, prod, lev, slots=None) -> np.ndarray:
        """Slot values of (n, S) arrays, or of flat entries at ``slots``; 0 where empty."""
        p = np.where(prod >= 0, prod, 0)
        t = self.inst.slot_type[None, :] if slots is None else self.inst.slot_type[slots]
        v = self.inst.value[p, t, lev]
        return np.where(prod >= 0, v, 0.0)

    _present: np.ndarray | None = None
    _caching = False

    def present_now(self, prod) -> np.ndarray:
        """``present(prod)`` (read-only), computed once per repair between the trims and the
        next change of a row; outside a repair, always fresh."""
        if not self._caching:
            return self.present(prod)
        if self._present is None:
            self._present = self.present(prod)
        return self._present

    def present(self, prod) -> np.ndarray:
        """(n, P) bool: which products each row holds."""
        n = prod.shape[0]
        P = self.inst.n_products
        out = np.zeros((n, P + 1), dtype=bool)
        out[np.arange(n)[:, None], np.where(prod >= 0, prod, P)] = True
        return out[:, :P]

    def place(self, prod, lev, s: int, p: int) -> None:
        """Put product ``p`` into slot ``s`` of one row at its best allowed level there."""
        prod[s] = p
        lev[s] = self.best_level[p, self.inst.slot_type[s]]

    _place = place  # the name engine.plan.moves has used

    def admitted(self, prod, products: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """One row: (k, m) bool, every rule admits ``products[i]`` into ``slots[j]`` (evicting)."""
        products, slots = np.asarray(products, dtype=int), np.asarray(slots, dtype=int)
        ok = np.ones((products.size, slots.size), dtype=bool)
        if self.slot_mask is not None:
            ok &= self.slot_mask[np.ix_(products, slots)]
        for rule in self.rules:
            m = rule.admits(self, prod, products, slots)
            if m is not None:
                ok &= m
        return ok

    def replaceable(self, prod) -> np.ndarray:
        """Slots of one row whose product a place step may evict (not protected, not locked)."""
        ok = (prod >= 0) & ~self.protected[np.maximum(prod, 0)]
        if self.any_locked:
            ok &= ~self.locked_slot
        return np.flatnonzero(ok)

    def put(self, prod, lev, p: int) -> bool:
        """Place a product a rule needs in one row: where it fits (``best_slot_for``), else by
        force. True when it is in the row afterwards."""
        s = self.best_slot_for(prod, lev, p)
        if s is not None:
            self.place(prod, lev, s, p)
            return True
        return self.force(prod, lev, p)

    _forcing = False

    def force(self, prod, lev, p: int, tries: int = 6) -> bool:
        """Put ``p`` where one eviction is not enough (its page holds products it conflicts with,
        its brand is at its max elsewhere): for each of the ``tries`` slots that lose least, put
        it there and repair the row again with ``p`` pinned to that slot's page (the trims drop
        whatever now breaks a maximum; a must product pushed out is placed again, without force);
        keep the trial that breaks the fewest rule units, then has the most value, if it breaks
        fewer than the row as it is."""
        if self._forcing:
            return False
        inst = self.inst
        slots = np.flatnonzero(((prod < 0) | ~self.protected_ext[prod]) & ~self.locked_slot)
        if self.slot_mask is not None:
            slots = slots[self.slot_mask[p, slots]]
        if slots.size == 0:
            return False
        gain = self.best_value[p, inst.slot_type[slots]]
        loss = self.values(prod[None, :], lev[None, :])[0][slots] - gain
        current = _row(prod, lev)
        best, best_key = None, (int(evaluate(inst, current[None, :]).violations[0]), 0.0)
        saved = self.protected_ext.copy(), self.pinned_ext.copy(), inst.rules.pinned_page.copy()
        saved_cache = self._present, self._caching
        self._forcing = True
        try:
            for s in slots[np.argsort(loss, kind="stable")][:tries]:
                trial = current.copy()
                trial[2 * s], trial[2 * s + 1] = p, self.best_level[p, inst.slot_type[s]]
                self.protected_ext[p] = self.pinned_ext[p] = True
                inst.rules.pinned_page[p] = inst.page_index[s]
                self(trial[None, :])
                self.protected_ext[:], self.pinned_ext[:], inst.rules.pinned_page[:] = saved
                ev = evaluate(inst, trial[None, :])
                key = (int(ev.violations[0]), -float(ev.objective[0]))
                if trial[2 * s] == p and key < best_key:
                    best, best_key = trial, key
        finally:
            self.protected_ext[:], self.pinned_ext[:], inst.rules.pinned_page[:] = saved
            self._present, self._caching = saved_cache
            self._forcing = False
        if best is None:
            return False
        prod[:], lev[:] = best[0::2], best[1::2]
        return True

    def best_slot_for(self, prod, lev, p: int) -> int | None:
        """Where ``p`` goes in one row: the empty slot every rule admits it into with the best
        value for it, else the admitted replaceable slot that loses least; None when none."""
        gain = self.best_value[p, self.inst.slot_type]
        empty = np.flatnonzero(prod < 0)
        if empty.size:
            ok = self.admitted(prod, [p], empty)[0]
            if ok.any():
                empty = empty[ok]
                return int(empty[np.argmax(gain[empty])])
        slots = self.replaceable(prod)
        slots = slots[self.admitted(prod, [p], slots)[0]]
        if slots.size == 0:
            return None
        loss = self.values(prod[None, :], lev[None, :])[0][slots] - gain[slots]
        return int(slots[np.argmin(loss)])


def _row(prod, lev) -> np.ndarray:
    row = np.empty(2 * prod.size, dtype=np.int64)
    row[0::2], row[1::2] = prod, lev
    return row
