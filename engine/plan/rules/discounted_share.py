"""``max_discounted_share``: at most this share of the placed products carries a discount."""

from __future__ import annotations

import numpy as np

from engine.errors import infeasible

from .base import RowFamily, Rule, Setting
from .words import percent


class MaxDiscountedShare(Rule):
    """Kept by the repair's last step: the discounts that cost least go back to level 0 (never
    a locked slot's) until the share holds."""

    name = "max_discounted_share"
    plan_column = "discount"
    SETTINGS = (Setting("max_discounted_share", "number", 0.0, 1.0, default=1.0),)

    def __init__(self, share: float):
        self.share = float(share)

    @classmethod
    def build(cls, ctx):
        return cls(ctx.setting("max_discounted_share"))

    def allowed(self, placed: np.ndarray) -> np.ndarray:
        return np.floor(self.share * placed + 1e-9)

    def check(self, inst):
        if self.share < 1.0 and inst.zero_level is None:
            raise infeasible(self.name, "max_discounted_share < 1 needs a discount level of 0 in discount_levels")
        mask = inst.rules.level_mask
        if self.share < 1.0 and mask is not None:  # products the plan must hold at a discount
            discounted = int((inst.rules.protected & ~mask[:, inst.zero_level]).sum())
            if discounted > self.allowed(inst.n_slots):
                raise infeasible(self.name, f"{discounted} products are locked at a discount but "
                                            f"max_discounted_share {self.share:g} allows at most "
                                            f"{int(self.allowed(inst.n_slots))} in this catalogue")

    def finish(self, rep, prod, lev):
        inst = rep.inst
        if self.share >= 1.0:
            return
        placed = prod >= 0
        disc = placed & (inst.levels[lev] > 0)
        allowed = self.allowed(placed.sum(axis=1)).astype(int)
        excess = disc.sum(axis=1) - allowed
        if not (excess > 0).any():
            return
        disc &= (excess > 0)[:, None]
        zero = inst.zero_level
        if rep.level_mask is not None:  # never a discount a rule fixes (a locked one)
            disc &= rep.level_mask[prod, zero]
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

    def violations(self, inst, ev):
        discounted = (ev.discounts > 0).sum(axis=1)
        return np.maximum(discounted - self.allowed(ev.placed.sum(axis=1)), 0)

    def report(self, inst, prod, lev):
        placed = prod >= 0
        D = len(inst.levels)
        disc = placed & (inst.levels[np.clip(lev, 0, D - 1)] > 0)
        share = float(disc.sum() / placed.sum()) if placed.any() else 0.0
        kept = bool(disc.sum() <= self.allowed(placed.sum()))
        return [{"rule": self.name, "limit": self.share, "value": share, "kept": kept,
                 "label": "Share of products discounted", "limit_text": f"at most {percent(self.share)}",
                 "value_text": f"{percent(share)} ({int(disc.sum())} of {int(placed.sum())})",
                 **({} if kept else {"slots": [int(s) for s in np.flatnonzero(disc)]})}]

    def lp_rows(self, inst, cols):
        if cols.c.shape[2] != 2:
            return []
        return [_ShareRow(cols.discounted - self.share)]


class _ShareRow(RowFamily):
    """sum((discounted - share) * x) <= 0: discounted placements <= share x placed."""

    shape = "z"

    def __init__(self, coef: np.ndarray):
        super().__init__([0.0])
        self.coef = coef

    def entries(self, p, t, z):
        j = np.arange(len(p))
        return np.zeros(len(p), int), j, self.coef[z]

    def price(self, y):
        return y[0] * self.coef
