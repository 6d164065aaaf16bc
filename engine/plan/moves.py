"""Starting plans and mutation moves for the plan search.

Generic crossover and mutation do not improve a good assignment (TOOLCHAIN.md); moves that
respect the structure do: replace a product with an unused one (often the best unused one for
that slot), swap two slots' products, shift a discount level, empty a slot. The search starts
from a greedy plan (and, where cheap, the assignment relaxation's plan) plus perturbations of
them, so generation 0 is already good. Every plan made here is repaired by the caller.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from .instance import PlanInstance
from .rules import EMPTY, Repairer

MAX_ASSIGNMENT_CELLS = 4_000_000  # slots x products beyond which the assignment bound is skipped


def empty_plan(inst: PlanInstance) -> np.ndarray:
    chromosome = np.zeros(2 * inst.n_slots, dtype=np.int64)
    chromosome[0::2] = EMPTY
    return chromosome


def greedy_plan(inst: PlanInstance, repairer: Repairer) -> np.ndarray:
    """Every (product, slot) pair in order of value while it adds value and every rule lets it
    in (engine.plan.rules: each unit's filler); then the repair step places must_include
    products and fills category minimums where that loses least. (Placing those first would
    hand them the best slots: much worse, measured.) Starts from what the rules fix (locks)."""
    chromosome = repairer.base_plan()
    prod, lev = chromosome[0::2], chromosome[1::2]
    best = repairer.best_value  # (P, T)
    types = inst.slot_type
    free = {t: list(np.flatnonzero((types == t) & (prod < 0))) for t in range(best.shape[1])}
    used = np.zeros(inst.n_products, dtype=bool)
    used[prod[prod >= 0]] = True
    avail, fillers = repairer.fill_state(chromosome[None, 0::2])
    avail = avail[0]
    slot_mask = repairer.slot_mask
    order = np.argsort(-best, axis=None, kind="stable")
    remaining = int((prod < 0).sum())
    row = np.zeros(1, dtype=int)
    for flat in order:
        if remaining == 0:
            break
        p, t = divmod(int(flat), best.shape[1])
        if best[p, t] <= 0:
            break
        if used[p] or not free[t]:
            continue
        s = free[t][0]  # every slot of a type is on one page: any of them answers the same
        if not avail[p] or (slot_mask is not None and not slot_mask[p, s]) \
                or not all(f.ok(0, p, s) for f in fillers):
            continue
        free[t].pop(0)
        repairer.place(prod, lev, s, p)
        used[p] = True
        for f in fillers:
            f.add(avail[None, :], row, np.array([s]), np.array([p]))
        remaining -= 1
    repairer.repair_row(chromosome)
    return chromosome


def assignment_plan(inst: PlanInstance, repairer: Repairer) -> tuple[np.ndarray | None, float | None]:
    """The optimal slot-to-product assignment ignoring category limits, must_include and the
    discounted share (``scipy.optimize.linear_sum_assignment``), repaired, and its value, which is
    an upper bound on any plan's objective (every rule only removes plans). None when too big."""
    if inst.n_slots * inst.n_products > MAX_ASSIGNMENT_CELLS:
        return None, None
    gain = np.maximum(repairer.best_value[:, inst.slot_type].T, 0.0)  # (S, P)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    bound = float(gain[rows, cols].sum())
    chromosome = empty_plan(inst)
    prod, lev = chromosome[0::2], chromosome[1::2]
    for s, p in zip(rows, cols):
        if gain[s, p] > 0:
            repairer._place(prod, lev, s, p)
    repairer.repair_row(chromosome)
    return chromosome, bound


class Mutator:
    """Structure-respecting moves, 1 to ``max_moves`` per child, drawn from the caller's rng."""

    def __init__(self, inst: PlanInstance, repairer: Repairer, max_moves: int = 3,
                 slots: np.ndarray | None = None):
        self.inst = inst
        self.repairer = repairer
        self.best_level = repairer.best_level
        self.best_value = repairer.best_value
        self.max_moves = max_moves
        movable = np.flatnonzero(~repairer.locked_slot) if repairer.any_locked else None
        if slots is not None:
            slots = np.asarray(slots, dtype=int)
            movable = slots if movable is None else np.intersect1d(slots, movable)
        self.slots = movable  # moves touch only these (None = every slot); never a locked one

    def restricted(self, slots: np.ndarray) -> "Mutator":
        """The same moves, touching only ``slots`` (one group of pages, for coevolution)."""
        return Mutator(self.inst, self.repairer, self.max_moves, slots)

    def _slot(self, rng: np.random.Generator) -> int:
        if self.slots is None:
            return int(rng.integers(self.inst.n_slots))
        if len(self.slots) == 0:
            return -1
        return int(self.slots[rng.integers(len(self.slots))])

    def __call__(self, offspring: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        out = np.array(offspring, dtype=np.int64, copy=True)
        for row in out:
            for _ in range(1 + min(int(rng.geometric(0.5)) - 1, self.max_moves - 1)):
                self.move(row, rng)
        return out

    def move(self, row: np.ndarray, rng: np.random.Generator) -> None:
        inst = self.inst
        prod, lev = row[0::2], row[1::2]
        D = len(inst.levels)
        s = self._slot(rng)
        if s < 0:
            return
        kind = rng.random()
        if kind < 0.45:  # replace with an unused product: the best one for this slot or any
            unused = np.ones(inst.n_products, dtype=bool)
            unused[prod[prod >= 0]] = False
            if not unused.any():
                return
            if rng.random() < 0.5:
                scores = np.where(unused, self.best_value[:, inst.slot_type[s]], -np.inf)
                p = int(np.argmax(scores))
            else:
                p = int(rng.choice(np.flatnonzero(unused)))
            prod[s] = p
            lev[s] = self.best_level[p, inst.slot_type[s]]
        elif kind < 0.75:  # swap two slots' products; each takes its best level in the new slot
            o = self._slot(rng)
            prod[s], prod[o] = prod[o], prod[s]
            for slot in (s, o):
                if prod[slot] >= 0:
                    lev[slot] = self.best_level[prod[slot], inst.slot_type[slot]]
        elif kind < 0.95:  # shift the discount one level
            if D > 1:
                lev[s] = int(np.clip(lev[s] + (1 if rng.random() < 0.5 else -1), 0, D - 1))
        else:
            prod[s] = EMPTY


def perturbed(base: np.ndarray, count: int, mutator: Mutator, rng: np.random.Generator) -> np.ndarray:
    """``count`` copies of ``base`` with a few random moves each (the caller repairs them)."""
    population = np.tile(base, (count, 1))
    for row in population:
        for _ in range(int(rng.integers(1, 2 * mutator.max_moves + 1))):
            mutator.move(row, rng)
    return population
