"""The rules one plan request uses, built from the registry, and what they say together."""

from __future__ import annotations

import numpy as np

from .base import BuildContext, Rule


class RuleSet:
    """The active rule units of one instance, in registry order (the order of the repair's
    phases and of the report), and their combined construction masks."""

    def __init__(self, rules: list[Rule]):
        self.active = list(rules)
        self.level_mask: np.ndarray | None = None  # (P, D) bool
        self.slot_mask: np.ndarray | None = None  # (P, S) bool
        self.protected = np.zeros(0, dtype=bool)  # (P,)
        self.locked = np.zeros(0, dtype=bool)  # (S,)
        self.pinned_page = np.zeros(0, dtype=int)  # (P,) page index a rule puts the product on, -1

    @classmethod
    def build(cls, registry, ctx: BuildContext) -> "RuleSet":
        built = [unit.build(ctx) for unit in registry]
        rules = cls([rule for rule in built if rule is not None])
        rules._combine(ctx.inst)
        return rules

    def _combine(self, inst) -> None:
        P, S, D = inst.n_products, inst.n_slots, len(inst.levels)
        self.protected = np.zeros(P, dtype=bool)
        self.locked = np.zeros(S, dtype=bool)
        self.pinned_page = -np.ones(P, dtype=int)
        for rule in self.active:
            if rule.protects is not None:
                self.protected |= rule.protects
            for mask, attr, shape in ((rule.allowed_levels(inst), "level_mask", (P, D)),
                                      (rule.allowed_slots(inst), "slot_mask", (P, S))):
                if mask is None:
                    continue
                current = getattr(self, attr)
                setattr(self, attr, mask.copy() if current is None else current & mask)
            locked = rule.locked_slots(inst)
            if locked is not None:
                self.locked |= locked
            pinned = rule.pinned_pages(inst)
            if pinned is not None:
                self.pinned_page = np.where(pinned >= 0, pinned, self.pinned_page)

    def get(self, name: str) -> Rule | None:
        return next((r for r in self.active if r.name == name), None)

    def check(self, inst) -> None:
        for rule in self.active:
            rule.check(inst)

    def prepare(self, inst) -> None:
        for rule in self.active:
            rule.prepare(inst)

    def violations(self, inst, ev) -> np.ndarray:
        total = np.zeros(len(ev.objective), dtype=np.int64)
        for rule in self.active:
            total += np.asarray(rule.violations(inst, ev), dtype=np.int64)
        return total

    def report(self, inst, prod, lev, where: bool = False) -> list[dict]:
        """Every rule's entries for one plan; ``where`` keeps each entry's ``slots`` (the slots
        that break it) and adds ``column`` (the unit's ``plan_column``) for callers that point at
        cells."""
        out = []
        for rule in self.active:
            for entry in rule.report(inst, np.asarray(prod), np.asarray(lev)):
                if not where:
                    entry = {k: v for k, v in entry.items() if k != "slots"}
                else:
                    entry["column"] = rule.plan_column
                out.append(entry)
        return out

    def lp_rows(self, inst, cols) -> list:
        return [family for rule in self.active for family in rule.lp_rows(inst, cols)]
