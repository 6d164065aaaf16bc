"""``min_margin``: every plan row earns at least this share of its net price.

The margin of a row is ``(price x (1 - discount) - unit_cost) / (price x (1 - discount))``;
deeper discounts lower it. Kept by construction: a product may only take the discount levels at
which its margin reaches the minimum (``allowed_levels``), and a product with none (its margin
at full price is already below) is never placed. Checked at once: a must_include or locked
product with no allowed level, a lock's discount below the minimum, and no candidate at all
reaching the minimum (nothing could be placed: an empty catalogue is no plan).
"""

from __future__ import annotations

import numpy as np

from engine.errors import Problem, infeasible, settings_error

from .base import Rule, Setting
from .words import PERCENT_SPACE, percent


def margins(price: np.ndarray, unit_cost: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """(P, D) margin of every product at every level (-inf where the net price is 0)."""
    net = price[:, None] * (1.0 - levels[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (net - unit_cost[:, None]) / net
    return np.where(net > 0, out, -np.inf)


class MinMargin(Rule):
    name = "min_margin"
    plan_column = "discount"
    SETTINGS = (Setting("min_margin", "number", -1.0, 0.99),)

    def __init__(self, minimum: float, margin: np.ndarray):
        self.minimum = float(minimum)
        self.margin = margin  # (P, D)
        self.ok = margin >= self.minimum - 1e-9

    @classmethod
    def build(cls, ctx):
        minimum = ctx.setting("min_margin")
        if minimum is None:
            return None
        inst = ctx.inst
        if inst.unit_cost is None:
            raise settings_error([Problem(message="min_margin needs a unit_cost column in products",
                                          column="min_margin")])
        return cls(minimum, margins(inst.price, inst.unit_cost, inst.levels))

    def check(self, inst):
        if not self.ok.any():
            p, d = np.unravel_index(int(np.argmax(self.margin)), self.margin.shape)
            raise infeasible(self.name, f"no candidate product reaches min_margin {percent(self.minimum)} "
                                        f"at any allowed discount: the best is {inst.product_ids[p]!r} "
                                        + ("at full price" if float(inst.levels[d]) == 0 else
                                           f"at {percent(float(inst.levels[d]))} off")
                                        + f", with a margin of {100 * float(self.margin[p, d]):.1f}{PERCENT_SPACE}%")
        mask = inst.rules.level_mask  # the margin's levels and any locked discount together
        stuck = np.flatnonzero(inst.rules.protected & ~mask.any(axis=1))
        if not stuck.size:
            return
        p = int(stuck[0])
        lock = inst.rules.get("locks")
        fixed = lock.allowed_levels(inst) if lock is not None else None
        if fixed is not None and not fixed[p].all():
            d = int(np.flatnonzero(fixed[p])[0])
            raise infeasible(self.name, f"product {inst.product_ids[p]!r} is locked at a discount of "
                                        f"{inst.levels[d]:.0%}, where its margin is {self.margin[p, d]:.1%}, "
                                        f"below min_margin {self.minimum:.1%}")
        raise infeasible(self.name, f"product {inst.product_ids[p]!r} must be in the plan but its margin is "
                                    f"{self.margin[p].max():.1%} even at full price, below min_margin "
                                    f"{self.minimum:.1%}")

    def allowed_levels(self, inst):
        return self.ok

    def _below(self, inst, prod, lev):
        P, D = self.ok.shape
        placed = (prod >= 0) & (prod < P)
        return placed & ~self.ok[np.where(placed, prod, 0), np.clip(lev, 0, D - 1)]

    def violations(self, inst, ev):
        return self._below(inst, ev.prod, ev.lev).sum(axis=1)

    def report(self, inst, prod, lev):
        P, D = self.ok.shape
        placed = (prod >= 0) & (prod < P)
        values = self.margin[prod[placed], np.clip(lev[placed], 0, D - 1)]
        below = np.flatnonzero(self._below(inst, prod[None, :], lev[None, :])[0])
        lowest = float(values.min()) if values.size else None
        shown = None if lowest is None or not np.isfinite(lowest) else lowest
        return [{"rule": self.name, "limit": self.minimum, "value": shown, "label": "Margin of every row",
                 "limit_text": f"at least {percent(self.minimum)}",
                 "value_text": f"lowest {percent(shown)}" if shown is not None else "no row",
                 "kept": below.size == 0, **({"slots": [int(s) for s in below]} if below.size else {})}]
