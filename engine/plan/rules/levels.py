"""Discounts come from the allowed levels (``discount_levels``): the encoding keeps it."""

from __future__ import annotations

import numpy as np

from .base import EMPTY, Rule
from .words import percent_list, times


class DiscountLevels(Rule):
    """A level gene indexes ``discount_levels``; the repair clips genes into their ranges, so
    only a plan built outside the search (a planner's own) can break it."""

    name = "discount_levels"
    plan_column = "discount"

    def violations(self, inst, ev):
        P, _, D = inst.value.shape
        prod, lev = ev.prod, ev.lev
        return ((prod < EMPTY) | (prod >= P) | (lev < 0) | (lev >= D)).sum(axis=1)

    def report(self, inst, prod, lev):
        placed = prod >= 0
        D = len(inst.levels)
        inside = (lev[placed] >= 0) & (lev[placed] < D)
        limit = [float(x) for x in inst.levels]
        value = sorted({float(inst.levels[x]) for x in lev[placed][inside]})
        return [{"rule": self.name, "limit": limit, "value": value, "kept": bool(np.all(inside)),
                 "slots": [int(s) for s in np.flatnonzero(placed)[~inside]],
                 **level_words(limit, value, int((~inside).sum()))}]


def level_words(allowed, used, outside: int) -> dict:
    """The words of ``discount_levels``: the ``allowed`` levels, the ``used`` ones, and how many
    rows are ``outside`` the allowed ones (a planner's own plan only)."""
    said = f"used {percent_list(used)}"
    if outside:
        said += f"; {times(outside, 'row')} at another discount"
    return {"label": "Discounts from the allowed levels", "limit_text": percent_list(allowed), "value_text": said}
