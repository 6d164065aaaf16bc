"""At most N products of one category on a page: the setting ``max_same_category_per_page``
for every category, or a category's own ``max_per_page`` in ``category_limits``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Setting
from .groups import GroupLimits


class CategoryPerPage(GroupLimits):
    name = "category_per_page"
    noun = "category"
    scope = "page"
    SETTINGS = (Setting("max_same_category_per_page", "integer", 1, 1000),)

    @classmethod
    def build(cls, ctx):
        inst = ctx.inst
        C, S = len(inst.categories), inst.n_slots
        every = ctx.setting("max_same_category_per_page")
        high = np.full(C, S if every is None else int(every))
        limits = ctx.table("category_limits")
        where: dict[int, dict] = {}
        if limits is not None and "max_per_page" in limits.columns:
            for index, row in limits.iterrows():
                if pd.notna(row["max_per_page"]):
                    c = inst.categories.index(str(row["category"]).strip())
                    high[c] = int(row["max_per_page"])
                    where[c] = {"max": ctx.where("category_limits", index, "max_per_page")}
        limited = high < S
        if not limited.any():
            return None
        return cls(inst, [inst.category], inst.categories, np.zeros(C, int), high, limited, where)

    def report(self, inst, prod, lev):
        counts = self.counts(prod[None, :])[0][:self.K].reshape(self.n_pages, self.G)
        out = []
        for c in np.flatnonzero(self.limited):
            q = int(np.argmax(counts[:, c]))
            most = int(counts[q, c])
            kept = most <= self.high[c]
            over = np.flatnonzero(counts[:, c] > self.high[c])
            page = int(inst.page_numbers[q]) if most else None
            out.append({"rule": self.name, "category": self.names[c], "limit": int(self.high[c]), "value": most,
                        "page": page, "kept": bool(kept),
                        "label": f"Products of category {self.names[c]} on one page",
                        "limit_text": f"at most {int(self.high[c])}",
                        "value_text": f"{most} (page {page})" if page is not None else "0",
                        **({} if kept else {"slots": sorted(s for p in over for s in self.breaking_slots(prod, p * self.G + c))})})
        return out
