"""Each product at most once, one product per slot (the encoding keeps the second by itself)."""

from __future__ import annotations

import numpy as np

from .base import Filler, ProductRows, Rule, RowFamily
from .words import times


class UniqueProducts(Rule):
    """A product appears at most once: the repair keeps its best-valued copy (a locked slot's
    copy first); empty slots are only filled with products not yet in the plan."""

    name = "unique_products"

    def trim(self, rep, prod, lev) -> None:
        """Per row, keep the highest-valued copy of each product (ties: lowest slot)."""
        n, S = prod.shape
        P = rep.inst.n_products
        ids = np.where(prod >= 0, np.arange(n)[:, None] * (P + 1) + prod, n * (P + 1))
        count = np.bincount(ids.reshape(-1), minlength=n * (P + 1) + 1)
        count[-1] = 0
        r, s = np.nonzero(count[ids] > 1)  # only copies of duplicated products need a choice
        if r.size == 0:
            return
        p = prod[r, s]
        v = rep.values(prod[r, s], lev[r, s], s)
        if rep.any_locked:
            v = np.where(rep.locked_slot[s], np.inf, v)
        order = np.lexsort((s, -v, p, r))
        ro, po = r[order], p[order]
        dup = np.zeros(order.size, dtype=bool)
        dup[1:] = (ro[1:] == ro[:-1]) & (po[1:] == po[:-1])
        if dup.any():
            prod[ro[dup], s[order][dup]] = -1

    def filler(self, rep, prod):
        return _Unused(rep.present_now(prod))

    def admits(self, rep, prod, products, slots):
        present = np.zeros(rep.inst.n_products, dtype=bool)
        present[prod[prod >= 0]] = True
        return ~present[products][:, None] | (prod[slots][None, :] == products[:, None])

    def violations(self, inst, ev):
        return ev.placed.sum(axis=1) - ev.presence.sum(axis=1)

    def report(self, inst, prod, lev):
        used = prod[prod >= 0]
        counts = np.bincount(used) if used.size else np.zeros(0, int)
        most = int(counts.max()) if used.size else 0
        twice = np.flatnonzero((prod >= 0) & (counts[np.maximum(prod, 0)] > 1)) if used.size else []
        repeated = int((counts > 1).sum()) if used.size else 0
        return [
            {"rule": "unique_products", "limit": 1, "value": most, "kept": most <= 1,
             "slots": [int(s) for s in twice], **unique_words(repeated, most)},
            {"rule": "one_product_per_slot", "limit": 1, "value": 1 if used.size else 0, "kept": True,
             **slot_words(0)},
        ]

    def lp_rows(self, inst, cols):
        P = inst.n_products
        return [ProductRows(np.arange(P), P, np.ones(P)), _TypeRows(cols.cap)]


def unique_words(repeated: int, most: int) -> dict:
    """The words of ``unique_products``: ``repeated`` products placed more than once, the most
    often ``most`` times."""
    said = ("no product twice" if repeated == 0
            else f"{times(repeated, 'product')} placed more than once (up to {most} times)")
    return {"label": "Each product at most once", "limit_text": "once per product", "value_text": said}


def slot_words(shared: int) -> dict:
    """The words of ``one_product_per_slot``: ``shared`` rows put into a slot already used (only a
    planner's own plan can do that; the encoding holds one product per slot)."""
    said = "one product in each slot" if shared == 0 else f"{times(shared, 'row')} in a slot already used"
    return {"label": "At most one product per slot", "limit_text": "1 per slot", "value_text": said}


class _Unused(Filler):
    """Only products not yet in the row."""

    def __init__(self, present: np.ndarray):
        self.present = present

    def start(self, avail):
        avail &= ~self.present

    def add(self, avail, rows, slots, products):
        avail[rows, products] = False


class _TypeRows(RowFamily):
    """Each slot type holds at most its number of slots."""

    shape = "t"

    def entries(self, p, t, z):
        j = np.arange(len(p))
        return t, j, np.ones(len(p))

    def price(self, y):
        return y
