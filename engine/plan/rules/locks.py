"""``locks`` (page, slot?, product_id, discount?): the planner fixes these placements themselves.

A lock with a slot puts the product in exactly that slot; without one, anywhere on the page.
A discount fixes the product's level; empty leaves the level to the planner (any allowed one).

Kept by construction: a slot-locked product may take only its slot and its slot only it, a
page-locked product only slots of its page (``allowed_slots``), a locked discount is the only
level the product may take (``allowed_levels``); the repair sets the locked slots first, never
removes a locked product, and places a page-locked product that went missing on its page. The
search's moves never touch a locked slot. Every lock that cannot hold (a product that is no
candidate, a page or slot outside the layout, a discount not among ``discount_levels``, a page
with more locks than slots) is reported at once with the cell of its row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.errors import FolioError, Problem

from .base import ProductRows, Rule, problem_at


def _not_a_level(discount, levels) -> str:
    return f"discount {float(discount):g} is not one of discount_levels {[float(x) for x in levels]}"


def discount_problems(dataset, discount_levels) -> list[Problem]:
    """The locks of ``dataset`` whose discount is not one of the plan's ``discount_levels``, each
    with its cell. The levels are a setting of the plan and the locks a table (the dataset's or a
    scenario's), so no table check can see this; the server asks it when the plan is requested,
    so such a lock is refused at the door, not found when the plan job starts."""
    table = getattr(dataset, "locks", None)
    if table is None or "discount" not in table.columns:
        return []
    levels = np.asarray([float(x) for x in discount_levels], dtype=float)
    problems = []
    for row, discount in table["discount"].items():
        if discount is not None and pd.notna(discount) and not np.isclose(levels, float(discount), atol=1e-9).any():
            problems.append(problem_at(_not_a_level(discount, levels), dataset.locate("locks", row, "discount")))
    return problems


class Locks(Rule):
    name = "locks"

    def __init__(self, inst, product, page, slot, level, rows, problems):
        self.product = np.asarray(product, dtype=int)  # (L,) product index
        self.page = np.asarray(page, dtype=int)  # (L,) page index
        self.slot = np.asarray(slot, dtype=int)  # (L,) slot index, -1 = anywhere on the page
        self.level = np.asarray(level, dtype=int)  # (L,) level index, -1 = free
        self.rows = list(rows)  # (L,) where each lock came from (table, row, cell)
        self.problems = problems
        P, S = inst.n_products, inst.n_slots
        self.protects = np.zeros(P, dtype=bool)
        self.protects[self.product] = True
        self.on_slot = self.slot >= 0
        self.loose = np.flatnonzero(~self.on_slot)  # locks on a page, any slot

    @classmethod
    def build(cls, ctx):
        table = ctx.table("locks")
        if table is None or len(table) == 0:
            return None
        inst = ctx.inst
        index = {pid: i for i, pid in enumerate(inst.product_ids)}
        pages = {int(n): i for i, n in enumerate(inst.page_numbers)}
        slot_at = {(int(p), int(s)): i for i, (p, s) in enumerate(zip(inst.slots["page"], inst.slots["slot"]))}
        problems, kept = [], []
        for row, lock in table.iterrows():
            pid = str(lock["product_id"]).strip()
            where = lambda column: ctx.where("locks", row, column)  # noqa: E731
            if pid not in index:
                problems.append(problem_at(f"locked product {pid!r} is not a candidate of this plan",
                                           where("product_id")))
                continue
            page = int(lock["page"])
            if page not in pages:
                problems.append(problem_at(f"page {page} is not in the catalogue's layout", where("page")))
                continue
            slot = lock.get("slot")
            s = -1
            if slot is not None and pd.notna(slot):
                s = slot_at.get((page, int(slot)), None)
                if s is None:
                    problems.append(problem_at(f"page {page} has no slot {int(slot)}", where("slot")))
                    continue
            discount = lock.get("discount")
            level = -1
            if discount is not None and pd.notna(discount):
                hits = np.flatnonzero(np.isclose(inst.levels, float(discount), atol=1e-9))
                if hits.size == 0:
                    problems.append(problem_at(_not_a_level(discount, inst.levels), where("discount")))
                    continue
                level = int(hits[0])
            kept.append((index[pid], pages[page], s, level, where("product_id")))
        product, page, slot, level, rows = (list(x) for x in zip(*kept)) if kept else ([], [], [], [], [])
        return cls(inst, product, page, slot, level, rows, problems)

    # -- at once ------------------------------------------------------------------------------
    def check(self, inst):
        problems = list(self.problems)
        per_page = np.bincount(inst.page_index, minlength=inst.n_pages)
        held = np.bincount(self.page, minlength=inst.n_pages)
        for q in np.flatnonzero(held > per_page):
            first = int(np.flatnonzero(self.page == q)[0])
            problems.append(problem_at(f"{held[q]} products are locked on page {inst.page_numbers[q]}, "
                                       f"which has {per_page[q]} slots", self.rows[first]))
        if problems:
            detail = problems[0].message if len(problems) == 1 else \
                f"{len(problems)} locks cannot be kept; first: {problems[0].message}"
            raise FolioError(code="infeasible", status=422,
                             detail=detail, problems=[Problem(message=detail, column=self.name), *problems])

    # -- construction -------------------------------------------------------------------------
    def allowed_slots(self, inst):
        mask = np.ones((inst.n_products, inst.n_slots), dtype=bool)
        fixed = self.on_slot
        mask[:, self.slot[fixed]] = False  # a locked slot holds its product only
        mask[self.product] = False
        for p, q, s in zip(self.product, self.page, self.slot):
            if s >= 0:
                mask[p, s] = True
            else:
                mask[p] = inst.page_index == q
        mask[self.product[~fixed][:, None], self.slot[fixed][None, :]] = False
        return mask

    def allowed_levels(self, inst):
        if not (self.level >= 0).any():
            return None
        mask = np.ones((inst.n_products, len(inst.levels)), dtype=bool)
        for p, d in zip(self.product, self.level):
            if d >= 0:
                mask[p] = False
                mask[p, d] = True
        return mask

    def locked_slots(self, inst):
        locked = np.zeros(inst.n_slots, dtype=bool)
        locked[self.slot[self.on_slot]] = True
        return locked

    def pinned_pages(self, inst):
        pinned = -np.ones(inst.n_products, dtype=int)
        pinned[self.product] = self.page
        return pinned

    # -- repair -------------------------------------------------------------------------------
    def trim(self, rep, prod, lev):
        """Locked slots hold their product (at its best allowed level when it was not there)."""
        if not self.on_slot.any():
            return
        slots, products = self.slot[self.on_slot], self.product[self.on_slot]
        changed = prod[:, slots] != products[None, :]
        prod[:, slots] = products
        best = rep.best_level[products, rep.inst.slot_type[slots]]
        lev[:, slots] = np.where(changed, best[None, :], lev[:, slots])

    def lacking(self, rep, prod, lev):
        if self.loose.size == 0:
            return None
        return rep.present_now(prod)[:, self.product[self.loose]].sum(axis=1) < self.loose.size

    def place(self, rep, prod, lev):
        present = np.zeros(rep.inst.n_products, dtype=bool)
        present[prod[prod >= 0]] = True
        for p in self.product[self.loose]:
            if not present[p]:
                rep.put(prod, lev, p)

    # -- judging ------------------------------------------------------------------------------
    def _broken(self, inst, prod, lev) -> np.ndarray:
        """(n, L) bool: the lock does not hold in the plan."""
        n, S = prod.shape
        P = inst.n_products
        slot_of = -np.ones((n, P + 1), dtype=int)
        ok = (prod >= 0) & (prod < P)
        r, s = np.nonzero(ok)
        slot_of[r, prod[r, s]] = s
        at = slot_of[:, self.product]  # (n, L) slot of each locked product, -1 if absent
        placed = at >= 0
        where = np.maximum(at, 0)
        good = placed & np.where(self.on_slot[None, :], at == self.slot[None, :],
                                 inst.page_index[where] == self.page[None, :])
        fixed = self.level >= 0
        if fixed.any():
            good &= ~fixed[None, :] | (lev[np.arange(n)[:, None], where] == self.level[None, :])
        return ~good

    def violations(self, inst, ev):
        return self._broken(inst, ev.prod, ev.lev).sum(axis=1)

    def report(self, inst, prod, lev):
        broken = self._broken(inst, prod[None, :], lev[None, :])[0]
        wrong = [{"product_id": str(inst.product_ids[self.product[i]]),
                  "page": int(inst.page_numbers[self.page[i]]),
                  "slot": int(inst.slots["slot"].iat[self.slot[i]]) if self.slot[i] >= 0 else None,
                  **{k: v for k, v in self.rows[i].items() if k in ("table", "row", "cell")}}
                 for i in np.flatnonzero(broken)]
        slots = sorted(int(s) for i in np.flatnonzero(broken) for s in np.flatnonzero(prod == self.product[i]))
        kept = int((~broken).sum())
        return [{"rule": self.name, "limit": int(len(self.product)), "value": kept,
                 "kept": not broken.any(), "label": "Locked placements kept",
                 "limit_text": f"all {len(self.product)}", "value_text": f"{kept} of {len(self.product)}",
                 **({"broken": wrong, "slots": slots} if broken.any() else {})}]

    def lp_rows(self, inst, cols):
        # every locked product is placed (its columns are only its slot's type or page, by the
        # column mask of allowed_slots, at its locked level, by allowed_levels)
        if self.product.size == 0:
            return []
        return [ProductRows(self.product, inst.n_products, -np.ones(self.product.size), coef=-1.0)]
