"""``page_conflicts`` (group, product_id): products of one group never share a page.

A pair is a group of two; a product may be in several groups (one membership per layer of
the shared counting rule, engine.plan.rules.groups, with a max of 1 per page and group)."""

from __future__ import annotations

import numpy as np

from .groups import GroupLimits


class PageConflicts(GroupLimits):
    name = "page_conflicts"
    noun = "conflict group"
    scope = "page"

    @classmethod
    def build(cls, ctx):
        table = ctx.table("page_conflicts")
        if table is None or len(table) == 0:
            return None
        inst = ctx.inst
        index = {pid: i for i, pid in enumerate(inst.product_ids)}
        groups: dict[str, list[int]] = {}
        for _, row in table.iterrows():
            p = index.get(str(row["product_id"]).strip())
            if p is not None:  # a product that is no candidate here conflicts with nothing
                groups.setdefault(str(row["group"]).strip(), []).append(p)
        groups = {g: sorted(set(ps)) for g, ps in groups.items() if len(set(ps)) >= 2}
        if not groups:
            return None
        names = list(groups)
        memberships: dict[int, list[int]] = {}
        for g, name in enumerate(names):
            for p in groups[name]:
                memberships.setdefault(p, []).append(g)
        depth = max(len(m) for m in memberships.values())
        layers = [-np.ones(inst.n_products, dtype=int) for _ in range(depth)]
        for p, gs in memberships.items():
            for layer, g in zip(layers, gs):
                layer[p] = g
        G = len(names)
        return cls(inst, layers, names, np.zeros(G, int), np.ones(G, int), np.ones(G, bool))

    def report(self, inst, prod, lev):
        counts = self.counts(prod[None, :])[0][:self.K].reshape(self.n_pages, self.G)
        worst = int(counts.max()) if counts.size else 0
        broken = [(q, g) for q, g in zip(*np.nonzero(counts > 1))]
        entry = {"rule": self.name, "limit": 1, "value": worst, "groups": self.G, "kept": not broken,
                 "label": f"Products kept apart ({self.G} group{'s' if self.G > 1 else ''})",
                 "limit_text": "at most 1 of a group on a page",
                 "value_text": f"{len(broken)} pages break it" if broken else "none share a page"}
        if broken:
            entry["broken"] = [{"group": self.names[g], "page": int(inst.page_numbers[q])} for q, g in broken]
            entry["slots"] = sorted({s for q, g in broken for s in self.breaking_slots(prod, q * self.G + g)})
        return [entry]
