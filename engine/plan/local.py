"""Local search on the best plan: batches of structured neighbours, scored in one call.

Generic crossover and mutation do not close the last percent of a good assignment
(TOOLCHAIN.md); targeted moves do. Each round proposes neighbours of one plan:

* **replace**: a slot takes the best unused product for its slot type (largest estimated gain);
* **swap**: two slots exchange products (gain of every pair at once, an S x S matrix);
* **level**: a slot moves to its product's best discount level there;
* **random**: a few of the mutation operator's moves, to see past the separable estimate
  (cannibalisation and the anomaly penalty are not in the per-slot gains).

Every neighbour is repaired (rules hold), all are scored in ONE call of the full fitness
(cannibalisation, anomaly penalty, rule penalty included), and then the improving ones that touch
different slots and products are applied together; the better of that combination and the best
single neighbour is kept. Deterministic for a given rng.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .instance import PlanInstance
from .moves import Mutator
from .rules import Repairer

Score = Callable[[np.ndarray], np.ndarray]


class LocalSearch:
    def __init__(self, inst: PlanInstance, score: Score, repairer: Repairer, mutator: Mutator,
                 per_move: int = 16, random_moves: int = 8):
        self.inst, self.score, self.repairer, self.mutator = inst, score, repairer, mutator
        self.per_move, self.random_moves = per_move, random_moves
        self.best_value = repairer.best_value  # (P, T)
        self.best_level = repairer.best_level

    def _current(self, prod, lev) -> np.ndarray:
        inst = self.inst
        p = np.maximum(prod, 0)
        return np.where(prod >= 0, inst.value[p, inst.slot_type, lev], 0.0)

    def _candidates(self, base: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
        inst, k = self.inst, self.per_move
        prod, lev = base[0::2], base[1::2]
        types = inst.slot_type
        current = self._current(prod, lev)
        locked = self.repairer.locked_slot if self.repairer.any_locked else None
        out: list[np.ndarray] = []
        # replace: the best unused product per slot type
        unused = np.ones(inst.n_products, dtype=bool)
        unused[prod[prod >= 0]] = False
        if unused.any():
            idx = np.flatnonzero(unused)
            per_type = self.best_value[idx]  # (U, T)
            top = idx[np.argmax(per_type, axis=0)]  # (T,)
            gain = self.best_value[top[types], types] - current
            if locked is not None:
                gain = np.where(locked, -np.inf, gain)
            for s in np.argsort(-gain, kind="stable")[:k]:
                if gain[s] <= 0:
                    break
                c = base.copy()
                c[2 * s], c[2 * s + 1] = top[types[s]], self.best_level[top[types[s]], types[s]]
                out.append(c)
        # swap: every pair's estimated gain at once
        placed = prod >= 0
        p = np.maximum(prod, 0)
        moved = np.where(placed[:, None], self.best_value[p][:, types], 0.0)  # value of s's product in slot o
        gain = moved + moved.T - current[:, None] - current[None, :]
        np.fill_diagonal(gain, -np.inf)
        if locked is not None:
            gain[locked, :] = -np.inf
            gain[:, locked] = -np.inf
        gain = np.triu(gain, 1) + np.tril(np.full_like(gain, -np.inf))
        flat = np.argsort(-gain, axis=None, kind="stable")[:k]
        for f in flat:
            s, o = divmod(int(f), len(prod))
            if gain[s, o] <= 1e-12:
                break
            c = base.copy()
            c[2 * s], c[2 * o] = prod[o], prod[s]
            for slot in (s, o):
                if c[2 * slot] >= 0:
                    c[2 * slot + 1] = self.best_level[c[2 * slot], types[slot]]
            out.append(c)
        # level: best discount level for the product already there
        gain = np.where(placed, self.best_value[p, types] - current, -np.inf)
        for s in np.argsort(-gain, kind="stable")[:k]:
            if gain[s] <= 1e-12:
                break
            c = base.copy()
            c[2 * s + 1] = self.best_level[prod[s], types[s]]
            out.append(c)
        for _ in range(self.random_moves):
            c = base.copy()
            self.mutator.move(c, rng)
            out.append(c)
        return out

    def improve(self, chromosome: np.ndarray, value: float, rng: np.random.Generator,
                rounds: int = 1) -> tuple[np.ndarray, float]:
        """Up to ``rounds`` rounds of best-improvement; returns the (possibly same) plan and value."""
        best, best_value = chromosome.copy(), float(value)
        for _ in range(rounds):
            candidates = self._candidates(best, rng)
            if not candidates:
                break
            batch = np.array(candidates, dtype=np.int64)
            self.repairer(batch)
            values = np.asarray(self.score(batch), dtype=float)
            improving = np.flatnonzero(values > best_value + 1e-9)
            if improving.size == 0:
                break
            top = int(improving[np.argmax(values[improving])])
            combined = self._combine(best, batch, values, improving)
            if combined is not None:
                combined_value = float(self.score(combined[None, :])[0])
                if combined_value > values[top]:
                    best, best_value = combined, combined_value
                    continue
            best, best_value = batch[top].copy(), float(values[top])
        return best, best_value

    def _combine(self, base, batch, values, improving) -> np.ndarray | None:
        """Apply improving neighbours that change different slots and products, best first."""
        if improving.size < 2:
            return None
        out = base.copy()
        taken_slots: set[int] = set()
        taken_products: set[int] = set()
        applied = 0
        for i in improving[np.argsort(-values[improving], kind="stable")]:
            changed = np.flatnonzero(batch[i] != base)
            slots = set((changed // 2).tolist())
            products = {int(x) for x in np.concatenate([batch[i][0::2][list(slots)], base[0::2][list(slots)]]) if x >= 0}
            if slots & taken_slots or products & taken_products:
                continue
            out[changed] = batch[i][changed]
            taken_slots |= slots
            taken_products |= products
            applied += 1
        if applied < 2:
            return None
        self.repairer.repair_row(out)
        return out
