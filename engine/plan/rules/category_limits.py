"""``category_limits`` (category, min, max): how many products of a category the plan holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.data.columns import canonical_columns

from .groups import GroupLimits
from .words import count_range


class CategoryLimits(GroupLimits):
    name = "category_limits"
    noun = "category"

    @classmethod
    def build(cls, ctx):
        inst = ctx.inst
        table = ctx.table("category_limits")
        if table is None or len(table) == 0:
            return None
        C, S = len(inst.categories), inst.n_slots
        low, high, limited = np.zeros(C, int), np.full(C, S), np.zeros(C, bool)
        where: dict[int, dict] = {}
        for index, row in canonical_columns(table).iterrows():
            c = inst.categories.index(str(row["category"]).strip())
            where[c] = {col: ctx.where("category_limits", index, col) for col in ("min", "max")}
            if row.get("min") is not None and pd.notna(row.get("min")):
                low[c] = int(row["min"])
            if row.get("max") is not None and pd.notna(row.get("max")):
                high[c] = int(row["max"])
            limited[c] = True
        return cls(inst, [inst.category], inst.categories, low, high, limited, where)

    def violations(self, inst, ev):
        counts = ev.category_counts  # evaluate counts categories once for every user
        return (np.maximum(self.low - counts, 0) + np.maximum(counts - self.high, 0)).sum(axis=1)

    def report(self, inst, prod, lev):
        counts = self.counts(prod[None, :])[0]
        out = []
        for c in np.flatnonzero(self.limited):
            name = self.names[c]
            slots = self.breaking_slots(prod, c)
            # both entries say the category's whole range: the pane and the workbook show one line
            words = {"label": f"Products of category {name}",
                     "limit_text": count_range(int(self.low[c]), int(self.high[c]), inst.n_slots),
                     "value_text": str(int(counts[c]))}
            out.append({"rule": "category_min", "category": name, "limit": int(self.low[c]),
                        "value": int(counts[c]), "kept": bool(counts[c] >= self.low[c]), **words})
            out.append({"rule": "category_max", "category": name, "limit": int(self.high[c]),
                        "value": int(counts[c]), "kept": bool(counts[c] <= self.high[c]), **words,
                        **({"slots": slots} if counts[c] > self.high[c] else {})})
        return out
