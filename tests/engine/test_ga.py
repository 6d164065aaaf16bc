"""engine.plan.ga: the PyGAD wrapper keeps its promises (batch fitness, repair, progress, stop, seed)."""

import numpy as np
import pytest

from engine.plan import ga

GENES, SIZE = 12, 10


def _repair_even(population, rng):
    """Clip to [0, 20] and make every gene even: a rule the mutation below keeps breaking."""
    np.clip(population, 0, 20, out=population)
    population -= population % 2


def _mutate_odd(offspring, rng):
    out = offspring.copy()
    rows = np.arange(len(out))
    out[rows, rng.integers(0, GENES, len(out))] += 1 + 2 * rng.integers(0, 3, len(out))
    return out


class CountingFitness:
    def __init__(self):
        self.calls = []

    def __call__(self, population):
        assert population.ndim == 2 and population.shape[1] == GENES
        assert np.all(population % 2 == 0), "a chromosome reached the fitness without repair"
        self.calls.append(len(population))
        return population.sum(axis=1).astype(float)


def _start(seed=1):
    return np.random.default_rng(seed).integers(0, 5, size=(SIZE, GENES)) * 2


def _run(fitness, **kw):
    reports = []
    args = dict(generations=15, seed=3, repair=_repair_even, mutate=_mutate_odd,
                report=lambda g: reports.append(g) and False)
    args.update(kw)
    outcome = ga.evolve(_start(), fitness, **args)
    return outcome, reports


def test_fitness_is_called_once_per_generation_with_the_population():
    fitness = CountingFitness()
    outcome, reports = _run(fitness)
    assert outcome.generations == 15
    assert len(fitness.calls) == 16  # generation 0 plus one per generation
    assert fitness.calls[0] == SIZE  # the whole initial population in one call
    assert all(1 <= n <= SIZE for n in fitness.calls)  # elites keep their cached fitness


def test_every_generation_is_reported_and_repaired_and_best_never_drops():
    outcome, reports = _run(CountingFitness())
    assert [r.generation for r in reports] == list(range(16))
    best = [r.fitness.max() for r in reports]
    assert all(b2 >= b1 for b1, b2 in zip(best, best[1:]))
    for r in reports:
        assert np.all(r.population % 2 == 0)
    assert outcome.best_fitness == pytest.approx(best[-1])
    assert best[-1] > best[0]


def test_same_seed_same_run_other_seed_other_run():
    a, _ = _run(CountingFitness())
    b, _ = _run(CountingFitness())
    assert np.array_equal(a.best, b.best) and a.best_fitness == b.best_fitness
    histories = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 99)):
        _, reports = _run(CountingFitness(), seed=seed)
        histories[name] = np.concatenate([r.population for r in reports])
    assert np.array_equal(histories["a"], histories["b"])
    assert not np.array_equal(histories["a"], histories["c"])


def test_report_returning_true_stops_within_one_generation():
    seen = []

    def report(gen):
        seen.append(gen.generation)
        return gen.generation >= 4

    outcome = ga.evolve(_start(), CountingFitness(), generations=50, seed=0, repair=_repair_even,
                        mutate=_mutate_odd, report=report)
    assert outcome.stopped
    assert outcome.generations == 4
    assert seen == [0, 1, 2, 3, 4]


def test_stop_requested_at_generation_zero_stops_after_the_first_generation():
    outcome = ga.evolve(_start(), CountingFitness(), generations=50, seed=0, repair=_repair_even,
                        mutate=_mutate_odd, report=lambda g: True)
    assert outcome.stopped and outcome.generations == 1


def test_initial_population_is_repaired_before_scoring():
    start = _start() + 1  # all odd
    fitness = CountingFitness()  # asserts evenness
    ga.evolve(start, fitness, generations=2, seed=0, repair=_repair_even, mutate=_mutate_odd)
    assert len(fitness.calls) == 3


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="generations"):
        ga.evolve(_start(), CountingFitness(), generations=0, seed=0, repair=_repair_even)
    with pytest.raises(ValueError, match="initial_population"):
        ga.evolve(np.zeros((1, 3)), CountingFitness(), generations=2, seed=0, repair=_repair_even)
