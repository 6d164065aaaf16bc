"""Every ``must_include`` product (products table) appears in the plan."""

from __future__ import annotations

import numpy as np

from engine.errors import infeasible

from .base import ProductRows, Rule
from .words import some


class MustInclude(Rule):
    """Kept by repair: a row missing must products gets them, best-valued first, each where it
    costs least (engine.plan.rules.repair.Repairer.best_slot_for); no step removes one."""

    name = "must_include"

    def __init__(self, must: np.ndarray):
        self.must = must
        self.products = np.flatnonzero(must)
        self.protects = must

    @classmethod
    def build(cls, ctx):
        return cls(ctx.inst.must)

    def check(self, inst):
        if self.products.size > inst.n_slots:
            raise infeasible(self.name, f"{self.products.size} products must be included but the catalogue "
                                        f"has {inst.n_slots} slots")

    def lacking(self, rep, prod, lev):
        if self.products.size == 0:
            return None
        return rep.present_now(prod)[:, self.products].sum(axis=1) < self.products.size

    def place(self, rep, prod, lev):
        present = np.zeros(rep.inst.n_products, dtype=bool)
        present[prod[prod >= 0]] = True
        missing = np.flatnonzero(self.must & ~present)
        for p in missing[np.argsort(-rep.best_value[missing].max(axis=1), kind="stable")]:
            if not rep.put(prod, lev, p):
                continue
        present[:] = False  # forcing one in may have moved another out: once more
        present[prod[prod >= 0]] = True
        for p in np.flatnonzero(self.must & ~present):
            rep.put(prod, lev, p)

    def violations(self, inst, ev):
        if self.products.size == 0:
            return 0
        return self.products.size - ev.presence[:, self.products].sum(axis=1)

    def report(self, inst, prod, lev):
        used = prod[prod >= 0]
        placed = np.isin(self.products, used)
        missing = [str(inst.product_ids[p]) for p in self.products[~placed]]
        n = int(self.products.size)
        said = f"{int(placed.sum())} of {n}" + (f"; missing {some(missing)}" if missing else "")
        return [{"rule": self.name, "limit": n, "value": int(placed.sum()), "kept": bool(placed.all()),
                 "missing": missing, "label": "Must-include products placed", "limit_text": f"all {n}",
                 "value_text": said}]

    def lp_rows(self, inst, cols):
        if self.products.size == 0:
            return []
        return [ProductRows(self.products, inst.n_products, -np.ones(self.products.size), coef=-1.0)]
