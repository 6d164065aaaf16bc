"""The planner at catalogue scale: 2,000 products, 100 pages x 8 slots, 5 discount levels.

    .venv/bin/python bench/bench_planner_scale.py [--seconds 60] [--exact-seconds 300] [--quick]

``--quick`` measures only the generations/s of section 1 for the linear model and exits.

Every figure is a ratio or a gap measured in the same run (other jobs on the machine add noise):

1. generations/s, population 100: our GA (engine.plan.ga, table-lookup fitness, one call per
   generation) against the plain PyGAD way (one ``model.predict`` per chromosome), same GA,
   same repair, same seed; for the linear and the gradient-boosting model.
2. plan quality when the forecast is linear in the decisions (cannibalisation off): our planner
   in ``--seconds`` against the exact optimum (engine.plan.bound.solve_exact: LP by column
   generation + reduced-cost fixing + scipy.optimize.milp/HiGHS), against greedy and against
   DEAP's GA (two-point crossover, uniform integer mutation, our repair, same greedy start,
   same table fitness) at equal time.
3. the non-separable objective (cannibalisation estimated from the history): greedy, our GA and
   the cooperative coevolution at equal time, all scored by the same fitness.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_planner import PredictFitness  # noqa: E402
from planner_instance import BenchModel, make_tables  # noqa: E402

from engine.plan import ga  # noqa: E402
from engine.plan.anomaly import CompositionAnomaly  # noqa: E402
from engine.data.dataset import Dataset  # noqa: E402
from engine.plan.bound import solve_exact  # noqa: E402
from engine.plan.instance import build_instance  # noqa: E402
from engine.plan.moves import Mutator, greedy_plan, perturbed  # noqa: E402
from engine.plan.rules import Repairer, evaluate  # noqa: E402
from engine.plan.settings import PlanSettings  # noqa: E402
from engine.plan.planner import PlanFitness, plan_catalogue  # noqa: E402

BASE = {"discount_levels": [0.0, 0.1, 0.2, 0.3, 0.4], "max_discounted_share": 0.3, "population": 100,
        "generations": 100000, "stagnation_generations": 0, "seed": 0}


def speed(tables, family: str, population: int = 100) -> dict:
    model = BenchModel(family).fit(tables["history"])
    dataset = Dataset(history=tables["history"], products=tables["products"], slots=tables["slots"])
    settings = PlanSettings.from_dict({**BASE, "cannibalisation": 1.0})
    t0 = time.perf_counter()
    inst = build_instance(dataset, model, settings)
    table_s = time.perf_counter() - t0
    repairer, rng = Repairer(inst), np.random.default_rng(0)
    mutator = Mutator(inst, repairer)
    greedy = greedy_plan(inst, repairer)
    start = np.vstack([greedy[None, :], perturbed(greedy, population - 1, mutator, rng)])
    repairer(start)
    anomaly = CompositionAnomaly().fit(dataset.history, inst)
    table = PlanFitness(inst, anomaly, 0.0, 1.0)
    plain = PredictFitness(inst, model, tables["products"], table, batched=False)
    out = {"family": family, "table_build_s": table_s}
    for name, fitness, gens in (("plain", plain, 2), ("ours", table, 30)):
        t0, c0 = time.perf_counter(), time.process_time()
        ga.evolve(start, fitness, generations=gens, seed=0, repair=repairer, mutate=mutator, keep_elitism=10)
        out[name] = gens / (time.perf_counter() - t0)
        out[f"{name}_cpu"] = gens / (time.process_time() - c0)  # steadier on a shared machine
    return out


def deap_ga(inst, fitness, start: np.ndarray, seconds: float, seed: int = 0) -> float:
    """DEAP's eaSimple-style loop at equal time: same start, same repair, same fitness."""
    from deap import base, creator, tools

    if not hasattr(creator, "FitnessMax"):
        creator.create("FitnessMax", base.Fitness, weights=(1.0,))
        creator.create("Individual", list, fitness=creator.FitnessMax)
    random.seed(seed)
    repairer = Repairer(inst)
    tb = base.Toolbox()
    tb.register("mate", tools.cxTwoPoint)
    tb.register("select", tools.selTournament, tournsize=3)
    pop = [creator.Individual(row.tolist()) for row in start]

    def score(individuals):
        arr = np.array(individuals, dtype=np.int64)
        repairer(arr)
        for ind, row, v in zip(individuals, arr, fitness.score(arr)):
            ind[:] = row.tolist()
            ind.fitness.values = (float(v),)

    score(pop)
    D = len(inst.levels)
    deadline = time.monotonic() + seconds
    best = max(ind.fitness.values[0] for ind in pop)
    while time.monotonic() < deadline:
        elite = tools.selBest(pop, 10)
        offspring = [creator.Individual(list(x)) for x in tb.select(pop, len(pop) - 10)]
        for a, b in zip(offspring[::2], offspring[1::2]):
            if random.random() < 0.9:
                tb.mate(a, b)
        for ind in offspring:  # uniform integer mutation of one slot (product or level gene)
            i = random.randrange(len(ind))
            ind[i] = random.randrange(-1, inst.n_products) if i % 2 == 0 else random.randrange(D)
        score(offspring)
        pop = [creator.Individual(list(x)) for x in elite] + offspring
        for ind, e in zip(pop, elite):
            ind.fitness.values = e.fitness.values
        best = max(best, max(ind.fitness.values[0] for ind in pop))
    return best


def quality(tables, seconds: float, exact_seconds: float) -> dict:
    model = BenchModel("linear").fit(tables["history"])
    dataset = Dataset(history=tables["history"], products=tables["products"], slots=tables["slots"])
    settings = {**BASE, "cannibalisation": 1.0, "time_limit_s": seconds}
    ours = plan_catalogue(dataset, model, settings)
    inst = build_instance(dataset, model, PlanSettings.from_dict(settings))
    repairer, rng = Repairer(inst), np.random.default_rng(0)
    greedy = greedy_plan(inst, repairer)
    start = np.vstack([greedy[None, :], perturbed(greedy, 99, Mutator(inst, repairer), rng)])
    repairer(start)
    fitness = PlanFitness(inst, CompositionAnomaly().fit(dataset.history, inst), 0.0, 1.0)
    deap_best = deap_ga(inst, fitness, start, seconds)
    exact = solve_exact(inst, lower=ours["objective"], time_limit_s=exact_seconds)
    return {"ours": ours["objective"], "ours_bound": ours["bound"], "ours_gens": ours["generations_run"],
            "greedy": float(evaluate(inst, greedy[None, :]).objective[0]), "deap": deap_best, **exact}


def non_separable(tables, seconds: float) -> dict:
    model = BenchModel("linear").fit(tables["history"])
    dataset = Dataset(history=tables["history"], products=tables["products"], slots=tables["slots"])
    out = {}
    for strategy in ("ga", "coevolution"):
        r = plan_catalogue(dataset, model, {**BASE, "time_limit_s": seconds, "strategy": strategy})
        out[strategy] = r["objective"]
        out["greedy"] = r["greedy_objective"]
        out["factor"] = r["cannibalisation_factor"]
        out[f"{strategy}_gens"] = r["generations_run"]
    inst = build_instance(dataset, model, PlanSettings.from_dict(BASE))
    inst.cannibalisation = out["factor"]
    out["greedy"] = float(evaluate(inst, greedy_plan(inst, Repairer(inst))[None, :]).objective[0])
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--exact-seconds", type=float, default=300.0)
    parser.add_argument("--quick", action="store_true", help="only generations/s, linear model")
    args = parser.parse_args(argv)
    tables = make_tables()
    print(f"instance: {len(tables['products'])} products, {len(tables['slots'])} slots, 5 discount levels, "
          f"{len(tables['history'])} history rows", flush=True)
    with threadpool_limits(limits=1):
        for family in (("linear",) if args.quick else ("linear", "gbm")):
            s = speed(tables, family)
            print(f"[speed {family}] plain PyGAD (predict per chromosome) {s['plain']:.2f} gen/s, ours "
                  f"{s['ours']:.1f} gen/s: {s['ours'] / s['plain']:.0f}x  (table built once in "
                  f"{s['table_build_s']:.1f} s); per CPU second: {s['plain_cpu']:.2f} vs {s['ours_cpu']:.1f} "
                  f"gen/s", flush=True)
        if args.quick:
            return 0
        q = quality(tables, args.seconds, args.exact_seconds)
        ref = q["value"] if q["value"] is not None else q["lp_bound"]
        gap = lambda v: 100.0 * (ref - v) / ref  # noqa: E731
        print(f"[quality linear, {args.seconds:.0f} s] exact {'optimum' if q['proved_optimal'] else 'best'} "
              f"{ref:.1f} (LP bound {q['lp_bound']:.1f}, {q['columns']} columns, LP {q['lp_seconds']:.0f} s + "
              f"MILP {q['milp_seconds']:.0f} s)", flush=True)
        print(f"    ours {q['ours']:.1f} (gap {gap(q['ours']):.3f} %, {q['ours_gens']} generations, its own bound "
              f"{q['ours_bound']:.1f}); greedy {q['greedy']:.1f} (gap {gap(q['greedy']):.3f} %); DEAP GA "
              f"{q['deap']:.1f} (gap {gap(q['deap']):.3f} %)", flush=True)
        n = non_separable(tables, args.seconds / 2)
        print(f"[non-separable, cannibalisation factor {n['factor']:.3f} estimated, {args.seconds / 2:.0f} s] "
              f"greedy {n['greedy']:.1f}; GA {n['ga']:.1f} (+{100 * (n['ga'] / n['greedy'] - 1):.2f} %, "
              f"{n['ga_gens']} gens); coevolution {n['coevolution']:.1f} "
              f"(+{100 * (n['coevolution'] / n['greedy'] - 1):.2f} %, {n['coevolution_gens']} gens)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
