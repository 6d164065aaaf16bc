"""Cooperative coevolution: one sub-population per group of pages, evaluated together.

The plan is split into G groups of consecutive pages (a page never straddles two groups, so the
products competing on one page evolve together). Sub-population g only changes the genes of
its group; the rest of each of its chromosomes is the *context*, the best full plan found so far
(the "best collaborator" scheme). Every generation all groups breed (tournament, two-point
crossover inside the group, the structured moves restricted to the group), every child is
completed with the current context and repaired (so it is a full plan keeping every rule), and
all children of all groups are scored in ONE fitness call. The best child of any group becomes
the new context when it beats it. Each sub-population thus searches a space G times smaller,
the usual argument for coevolution in many dimensions; the benchmark compares it with the plain
GA at equal time. Deterministic for a given seed; no PyGAD (its loop has no notion of groups).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .instance import PlanInstance
from .local import LocalSearch
from .moves import Mutator
from .progress import Monitor
from .rules import Repairer

MAX_GROUPS = 4


def page_groups(inst: PlanInstance, count: int = MAX_GROUPS) -> list[np.ndarray]:
    """Slot indices of ``count`` groups of consecutive pages of about equal slot counts."""
    count = max(1, min(count, inst.n_pages))
    bounds = np.linspace(0, inst.n_pages, count + 1).round().astype(int)
    return [np.flatnonzero((inst.page_index >= lo) & (inst.page_index < hi)) for lo, hi in zip(bounds, bounds[1:])]


def _genes(slots: np.ndarray) -> np.ndarray:
    return np.sort(np.concatenate([2 * slots, 2 * slots + 1]))


def coevolve(start: np.ndarray, score: Callable[[np.ndarray], np.ndarray], *, inst: PlanInstance,
             repairer: Repairer, mutator: Mutator, local: LocalSearch | None, monitor: Monitor,
             generations: int, seed: int, elites: int = 1, tournament: int = 3) -> None:
    """Run until ``generations`` or until ``monitor`` stops it; the best plan is on the monitor."""
    rng = np.random.default_rng(seed)
    groups = page_groups(inst)
    genes = [_genes(g) for g in groups]
    movers = [mutator.restricted(g) for g in groups]
    size = max(2, len(start) // len(groups))
    values = np.asarray(score(start), dtype=float)
    order = np.argsort(-values, kind="stable")
    context, context_value = start[order[0]].copy(), float(values[order[0]])
    pops = [start[order[np.arange(size) % len(start)]].copy() for _ in groups]
    pop_values = [values[order[np.arange(size) % len(start)]].copy() for _ in groups]
    if monitor.observe(0, start, values):
        return
    for generation in range(1, generations + 1):
        children = []
        for g, (pop, vals) in enumerate(zip(pops, pop_values)):
            keep = pop[np.argsort(-vals, kind="stable")[:elites]]
            kids = [keep[i].copy() for i in range(len(keep))]
            while len(kids) < size:
                a, b = (pop[max(rng.integers(size, size=tournament), key=lambda i: vals[i])] for _ in range(2))
                child = a.copy()
                lo, hi = np.sort(rng.integers(0, len(genes[g]) // 2 + 1, size=2)) * 2
                child[genes[g][lo:hi]] = b[genes[g][lo:hi]]
                for _ in range(1 + min(int(rng.geometric(0.5)) - 1, 2)):
                    movers[g].move(child, rng)
                kids.append(child)
            kids = np.array(kids)
            outside = np.setdiff1d(np.arange(start.shape[1]), genes[g])
            kids[:, outside] = context[outside]  # complete with the best collaborator
            children.append(kids)
        batch = np.vstack(children)
        repairer(batch)
        batch_values = np.asarray(score(batch), dtype=float)
        for g in range(len(groups)):
            pops[g] = batch[g * size:(g + 1) * size]
            pop_values[g] = batch_values[g * size:(g + 1) * size]
        top = int(np.argmax(batch_values))
        if batch_values[top] > context_value:
            context, context_value = batch[top].copy(), float(batch_values[top])
        if local is not None:
            context, context_value = local.improve(context, context_value, rng)
            monitor.offer(context, context_value)
        if monitor.observe(generation, batch, batch_values):
            return
