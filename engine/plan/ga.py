"""A small genetic-algorithm runner over integer chromosomes; the ONLY module that imports PyGAD.

The rest of the engine sees :func:`evolve` and :class:`Generation`, never PyGAD's API (its
fitness signature and callback rules changed across versions). How PyGAD 3.9.2 is used, after
reading its source:

* **Batch fitness**: ``fitness_batch_size`` = population size, so our fitness gets every
  chromosome PyGAD has no cached value for in ONE call per generation. (PyGAD caches the fitness
  of elites and unchanged parents and does not pass them again; nothing else is skipped.)
* **Repair**: PyGAD calls ``on_mutation(ga, offspring)`` after crossover and mutation on every
  generation (even without a mutation operator) and copies the offspring into the population
  right after. Our ``repair`` edits that array in place, so every chromosome PyGAD produces is
  repaired before it is scored or kept. Elites come from an already repaired population and the
  initial population is repaired here before PyGAD sees it.
* **Mutation**: PyGAD's generic mutations do not respect the structure of a plan; the caller
  passes its own operator (``mutate``), which PyGAD calls as a custom ``mutation_type``.
* **Progress and stop**: generation 0 is reported from ``on_fitness`` (its first call carries
  the initial population's fitness), later generations from ``on_generation``; a report callback
  that returns True makes ``on_generation`` answer ``"stop"``.
* **Improve**: an optional ``improve(population, fitness)`` hook runs in ``on_generation``, after
  PyGAD has scored the new population and before the report; it may replace rows AND their
  fitness in place (the planner's local search puts its improved best plan over the worst row).
  PyGAD reads both arrays for the next selection and elitism; its fitness cache is rebuilt
  after every ``on_generation`` call, so a replaced row is never confused with its old value.
* **Determinism**: PyGAD's own draws come from ``random_seed``; our operators get a
  ``numpy.random.Generator`` seeded from the same seed.
* ``allow_duplicate_genes`` stays True (False is very slow and wrong for mixed genes):
  uniqueness is the repair step's job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pygad

_LOG = logging.getLogger("folio.ga")
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False

Fitness = Callable[[np.ndarray], np.ndarray]
Repair = Callable[[np.ndarray, np.random.Generator], None]
Mutate = Callable[[np.ndarray, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Generation:
    """One finished generation as the caller sees it (generation 0 = the initial population)."""

    generation: int
    population: np.ndarray  # (n, genes), repaired
    fitness: np.ndarray  # (n,)


@dataclass(frozen=True)
class Outcome:
    """The best chromosome seen over the whole run, and how the run ended."""

    best: np.ndarray
    best_fitness: float
    generations: int  # generations completed after generation 0
    stopped: bool  # True when a report callback asked to stop


def evolve(initial_population: np.ndarray, fitness: Fitness, *, generations: int, seed: int,
           repair: Repair, mutate: Mutate | None = None, keep_elitism: int = 2,
           parents_mating: int | None = None, crossover: str = "two_points",
           crossover_probability: float = 0.9, tournament_size: int = 3,
           report: Callable[[Generation], bool | None] | None = None,
           improve: Callable[[np.ndarray, np.ndarray], None] | None = None) -> Outcome:
    """Run the GA from ``initial_population`` (integer genes) and return the best chromosome seen.

    ``fitness(population) -> (n,)`` scores a whole batch, higher is better. ``repair(population,
    rng)`` must make every row valid, in place. ``mutate(offspring, rng) -> offspring``.
    ``report(generation)`` runs once per generation, 0 included; returning True stops the run.
    """
    population = np.array(initial_population, dtype=np.int64, copy=True)
    if population.ndim != 2 or population.shape[0] < 2 or population.shape[1] < 1:
        raise ValueError(f"initial_population must be a 2-D array with >= 2 rows, got shape {population.shape}")
    if generations < 1:
        raise ValueError(f"generations must be >= 1, got {generations}")
    size = population.shape[0]
    keep_elitism = int(min(max(keep_elitism, 1), size - 1))
    parents_mating = int(parents_mating or max(2, size // 2))
    rng = np.random.default_rng(seed)
    repair(population, rng)
    tracker = _Tracker(report)

    def batch_fitness(ga, solutions, indices):
        return np.asarray(fitness(np.asarray(solutions, dtype=np.int64)), dtype=float)

    def on_fitness(ga, values):
        if ga.generations_completed == 0 and not tracker.seen:
            tracker.observe(0, ga.population, values)

    def on_mutation(ga, offspring):
        repair(offspring, rng)  # in place: PyGAD copies these rows into the population next

    def on_generation(ga):
        if improve is not None:
            improve(ga.population, ga.last_generation_fitness)
        stop = tracker.observe(ga.generations_completed, ga.population, ga.last_generation_fitness)
        return "stop" if stop else None

    def mutation(offspring, ga):
        return np.asarray(mutate(offspring, rng), dtype=np.int64)

    engine = _GA(
        num_generations=int(generations),
        num_parents_mating=parents_mating,
        fitness_func=batch_fitness,
        fitness_batch_size=size,
        initial_population=population,
        gene_type=int,
        parent_selection_type="tournament",
        K_tournament=int(tournament_size),
        keep_elitism=keep_elitism,
        crossover_type=crossover,
        crossover_probability=float(crossover_probability),
        mutation_type=mutation if mutate is not None else None,
        on_fitness=on_fitness,
        on_mutation=on_mutation,
        on_generation=on_generation,
        random_seed=int(seed),
        suppress_warnings=True,
        logger=_LOG,
    )
    engine.run()
    return Outcome(best=tracker.best, best_fitness=tracker.best_fitness,
                   generations=int(engine.generations_completed), stopped=tracker.stopped)


class _GA(pygad.GA):
    """PyGAD 3.9.2's GA with a faster fitness-cache lookup.

    ``cal_pop_fitness`` looks every chromosome up among the last elites and parents keyed by
    ``tuple(row)``: 1,600 numpy scalars hashed per row, a Python loop that cost a third of a
    generation at 800 slots. Here the key is the row's bytes (integer rows, same dtype), with
    the same cache order (elites, then parents) and the same ``_fitness_value_shape`` reset, so
    the same rows are scored and the same values come back. Anything else (saved solutions,
    non-integer genes) goes to PyGAD's own method."""

    def cal_pop_fitness(self):
        arrays = [np.asarray(self.population)]
        for name in ("last_generation_parents", "last_generation_elitism"):
            if getattr(self, name) is not None:
                arrays.append(np.asarray(getattr(self, name)))
        if (self.save_solutions or self.save_best_solutions or not self.valid_parameters
                or any(a.dtype.kind not in "iu" or a.ndim != 2 for a in arrays)):
            return super().cal_pop_fitness()
        try:
            if type(self.best_solutions) is np.ndarray:
                self.best_solutions = self.best_solutions.tolist()

            def index_of(rows) -> dict:
                out: dict = {}
                if rows is None:
                    return out
                for i, row in enumerate(np.ascontiguousarray(np.asarray(rows, dtype=np.int64))):
                    out.setdefault(row.tobytes(), i)
                return out

            parent_index = index_of(self.last_generation_parents)
            elite_index = index_of(self.last_generation_elitism)
            pop_fitness = [None] * len(self.population)
            missing = []
            if not getattr(self, "_fitness_run_active", False):
                self._fitness_value_shape = None
            population = np.ascontiguousarray(np.asarray(self.population, dtype=np.int64))
            for index, row in enumerate(population):
                key = row.tobytes()
                if self.keep_elitism > 0 and key in elite_index:
                    previous = self.last_generation_elitism_indices[elite_index[key]]
                    fitness = self.previous_generation_fitness[previous]
                elif self.keep_parents != 0 and key in parent_index:
                    previous = self.last_generation_parents_indices[parent_index[key]]
                    fitness = self.previous_generation_fitness[previous]
                else:
                    missing.append(index)
                    continue
                pop_fitness[index] = self._validate_fitness_value(fitness, "cached fitness")
            values = self._evaluate_fitness(self.population, missing)
            for index, fitness in zip(missing, values):
                pop_fitness[index] = fitness
            return np.array(pop_fitness)
        except Exception as ex:
            self.logger.exception(ex)
            raise


class _Tracker:
    """Remembers the best chromosome ever seen and forwards each generation to the caller."""

    def __init__(self, report):
        self.report = report
        self.best: np.ndarray | None = None
        self.best_fitness = -np.inf
        self.seen = False
        self.stopped = False

    def observe(self, generation: int, population, values) -> bool:
        self.seen = True
        population = np.asarray(population, dtype=np.int64)
        values = np.asarray(values, dtype=float)
        top = int(np.argmax(values))
        if self.best is None or values[top] > self.best_fitness:
            self.best, self.best_fitness = population[top].copy(), float(values[top])
        if self.report is not None and self.report(Generation(generation, population.copy(), values.copy())):
            self.stopped = True
        return self.stopped
