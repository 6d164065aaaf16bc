"""Per-generation bookkeeping of a plan search: progress events, convergence rows, best plan so
far, and the ways a search stops early (cancel, time limit, the bound reached, stagnation).

Both strategies (plain GA and coevolution) hand every finished generation to ``Monitor.observe``
and stop when it returns True, so progress, cancel and limits behave the same whatever searches.
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from .instance import PlanInstance
from .rules import evaluate

HEADER = ["generation", "best", "mean", "feasible_share"]  # the contract's convergence table


def diversity(population: np.ndarray, best: np.ndarray) -> float:
    """Mean share of slots whose product differs from the generation's best plan."""
    return float(np.mean(population[:, 0::2] != best[None, 0::2]))


class Monitor:
    def __init__(self, inst: PlanInstance, *, generations: int | None, time_limit_s: float, stagnation: int,
                 started: float, progress: Callable[[dict], None] | None,
                 should_stop: Callable[[], bool] | None, bound: float | None = None):
        self.inst, self.generations, self.time_limit_s = inst, generations, time_limit_s
        self.bound = bound  # the search stops when its best plan reaches it (nothing better exists)
        self.stagnation, self.started = stagnation, started
        self.progress, self.should_stop = progress, should_stop
        self.rows: list[list] = [HEADER]
        self.diversity: list[float] = []  # per generation, beside the contract's table
        self.best: np.ndarray | None = None
        self.best_fitness = -np.inf
        self.since_better = 0
        self.cancelled = False
        self.stopped_by: str | None = None
        self.generations_seen = 0

    def offer(self, chromosome: np.ndarray, value: float) -> None:
        """A plan found outside a generation (e.g. local search) that may be the best so far."""
        if value > self.best_fitness + 1e-9:
            self.best, self.best_fitness = chromosome.copy(), float(value)
            self.since_better = -1  # counted as an improvement at the next observe

    def observe(self, generation: int, population: np.ndarray, fitness: np.ndarray) -> bool:
        """Record one finished generation (0 = the start); True = stop the search now."""
        self.generations_seen = generation
        fitness = np.asarray(fitness, dtype=float)
        top = int(np.argmax(fitness))
        if fitness[top] > self.best_fitness + 1e-9 or self.since_better < 0:
            if fitness[top] > self.best_fitness + 1e-9:
                self.best, self.best_fitness = population[top].copy(), float(fitness[top])
            self.since_better = 0
        else:
            self.since_better += 1
        feasible = float((evaluate(self.inst, population).violations == 0).mean())
        best, mean = float(self.best_fitness), float(np.mean(fitness))
        div = diversity(population, population[top])
        self.rows.append([int(generation), best, mean, feasible])
        self.diversity.append(div)
        if self.progress is not None:
            self.progress({"phase": "plan", "generation": int(generation), "of": self.generations,
                           "time_limit_s": self.time_limit_s,
                           "best": best, "mean": mean, "feasible_share": feasible, "diversity": div,
                           "elapsed_s": round(time.monotonic() - self.started, 3)})
        if self.should_stop is not None and self.should_stop():
            self.cancelled, self.stopped_by = True, "cancelled"
        elif time.monotonic() - self.started >= self.time_limit_s:
            self.stopped_by = "time_limit"
        elif self.stagnation and self.bound is not None and np.isfinite(self.bound) \
                and self.best_fitness >= self.bound - 1e-9 * max(abs(self.bound), 1.0):
            self.stopped_by = "bound"  # nothing better exists (stagnation 0: never stop early at all)
        elif self.stagnation and self.since_better >= self.stagnation:
            self.stopped_by = "stagnation"
        return self.stopped_by is not None
