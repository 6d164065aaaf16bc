"""``brand_limits`` (brand, min, max): how many products of a brand the plan holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.errors import Problem, table_error

from .groups import GroupLimits
from .words import count_range


class BrandLimits(GroupLimits):
    name = "brand_limits"
    noun = "brand"

    @classmethod
    def build(cls, ctx):
        table = ctx.table("brand_limits")
        if table is None or len(table) == 0:
            return None
        inst = ctx.inst
        if "brand" not in ctx.products.columns:
            raise table_error([Problem(message="brand_limits needs a brand column in products", table="products",
                                       column="brand")])
        names = list(inst.brands)
        layer = inst.brand.copy()
        for brand in table["brand"]:  # a limit on a brand without candidates still counts (a min fails)
            if str(brand).strip() not in names:
                names.append(str(brand).strip())
        G, S = len(names), inst.n_slots
        low, high, limited = np.zeros(G, int), np.full(G, S), np.zeros(G, bool)
        where: dict[int, dict] = {}
        for index, row in table.iterrows():
            g = names.index(str(row["brand"]).strip())
            where[g] = {col: ctx.where("brand_limits", index, col) for col in ("min", "max")}
            if pd.notna(row.get("min")):
                low[g] = int(row["min"])
            if pd.notna(row.get("max")):
                high[g] = int(row["max"])
            limited[g] = True
        return cls(inst, [layer], names, low, high, limited, where)

    def report(self, inst, prod, lev):
        counts = self.counts(prod[None, :])[0]
        out = []
        for g in np.flatnonzero(self.limited):
            broken = not (self.low[g] <= counts[g] <= self.high[g])
            out.append({"rule": "brand_limits", "brand": self.names[g], "limit": [int(self.low[g]), int(self.high[g])],
                        "min": int(self.low[g]), "max": int(self.high[g]), "value": int(counts[g]), "kept": not broken,
                        "label": f"Products of brand {self.names[g]}",
                        "limit_text": count_range(int(self.low[g]), int(self.high[g]), inst.n_slots), "value_text": str(int(counts[g])),
                        **({"slots": self.breaking_slots(prod, g)} if counts[g] > self.high[g] else {})})
        return out
