"""Generations per second of the planner's GA: our table-lookup fitness against predicting per plan.

    .venv/bin/python bench/bench_planner.py [--family linear gbm] [--population 40]

Same demo instance (engine.demo, 290 products, 144 slots, 3 markets), same model, same GA
(engine.plan.ga with our repair and moves), same seed; only the fitness differs:

* ``per_chromosome``: the plain PyGAD way, one ``model.predict`` per plan (rows for its placed
  slots x markets), PyGAD calling the fitness once per solution;
* ``batched_predict``: one ``model.predict`` per generation for the whole population's rows;
* ``table_lookup``: ours, the forecast of every (product, slot type, level) computed once per run
  (the one-off cost is printed apart), then numpy lookups per generation.

All three compute the same fitness (checked on the first population). Models predict on one
thread (threadpoolctl), as in the planner.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.plan import ga  # noqa: E402
from engine.plan.anomaly import CompositionAnomaly  # noqa: E402
from engine.data.dataset import Dataset  # noqa: E402
from engine.demo import make_demo  # noqa: E402
from engine.forecast import Forecaster  # noqa: E402
from engine.plan.instance import PLAN_ONLY, build_instance  # noqa: E402
from engine.plan.moves import Mutator, greedy_plan, perturbed  # noqa: E402
from engine.plan.rules import Repairer, evaluate  # noqa: E402
from engine.plan.settings import PlanSettings  # noqa: E402
from engine.plan.planner import PlanFitness  # noqa: E402


class PredictFitness:
    """The same fitness as PlanFitness, but the objective comes from predicting the plan's rows."""

    def __init__(self, inst, model, products: pd.DataFrame, table_fitness: PlanFitness, batched: bool):
        self.inst, self.model, self.table, self.batched = inst, model, table_fitness, batched
        self.attrs = products.drop(columns=[c for c in PLAN_ONLY if c in products.columns]).reset_index(drop=True)
        self.countries = list(getattr(model, "countries_", []) or [])
        self.cap = pd.to_numeric(products.get("max_units"), errors="coerce").to_numpy(dtype=float) \
            if "max_units" in products.columns else np.full(len(products), np.nan)
        self.cap = np.where(np.isfinite(self.cap) & (self.cap > 0), self.cap, np.inf)

    def rows(self, population: np.ndarray):
        prod, lev = population[:, 0::2], population[:, 1::2]
        which, slot = np.nonzero(prod >= 0)
        p, d = prod[which, slot], lev[which, slot]
        K = max(len(self.countries), 1)
        rows = self.attrs.iloc[np.repeat(p, K)].reset_index(drop=True)
        slots = self.inst.slots
        for name in ("page", "slot_size", "featured"):
            rows[name] = np.repeat(slots[name].to_numpy()[slot], K)
        rows["discount"] = np.repeat(self.inst.levels[d], K)
        if self.countries:
            rows["country"] = np.tile(np.asarray(self.countries, dtype=object), len(p))
        return rows, which, p, d, K

    def objective(self, population: np.ndarray) -> np.ndarray:
        rows, which, p, d, K = self.rows(population)
        units = np.clip(self.model.predict(rows), 0, None).reshape(-1, K).sum(axis=1)
        units = np.minimum(units, self.cap[p])
        inst = self.inst
        net = inst.price[p] * (1 - inst.levels[d])
        value = units * (net - inst.unit_cost[p])
        return np.bincount(which, weights=value, minlength=len(population))

    def __call__(self, population: np.ndarray) -> np.ndarray:
        if self.batched:
            objective = self.objective(population)
        else:
            objective = np.array([self.objective(row[None, :])[0] for row in population])
        ev, anomaly = self.table.details(population)
        return objective - self.table.weight * self.table.scale * anomaly - self.table.infeasible_cost * ev.violations


def run(fitness, start, generations, repairer, mutator, seed):
    t0 = time.perf_counter()
    outcome = ga.evolve(start, fitness, generations=generations, seed=seed, repair=repairer, mutate=mutator,
                        keep_elitism=4)
    elapsed = time.perf_counter() - t0
    return generations / elapsed, outcome.best_fitness


def bench(family: str, population: int, generations: dict, seed: int = 0) -> dict:
    tables = make_demo(seed=7)
    dataset = Dataset(history=tables["history"], products=tables["products"], slots=tables["slots"],
                      category_limits=tables["category_limits"])
    model = Forecaster(family=family).fit(tables["history"])
    settings = PlanSettings.from_dict({"population": population, "max_discounted_share": 0.4,
                                       "anomaly_weight": 0.05, "seed": seed})
    with threadpool_limits(limits=1):
        t0 = time.perf_counter()
        inst = build_instance(dataset, model, settings)
        table_s = time.perf_counter() - t0
        repairer, rng = Repairer(inst), np.random.default_rng(seed)
        mutator = Mutator(inst, repairer)
        greedy = greedy_plan(inst, repairer)
        start = np.vstack([greedy[None, :], perturbed(greedy, population - 1, mutator, rng)])
        repairer(start)
        anomaly = CompositionAnomaly().fit(dataset.history, inst.categories)
        greedy_obj = float(evaluate(inst, greedy[None, :]).objective[0])
        table = PlanFitness(inst, anomaly, settings.anomaly_weight, abs(greedy_obj))
        plain = PredictFitness(inst, model, tables["products"], table, batched=False)
        batched = PredictFitness(inst, model, tables["products"], table, batched=True)
        check = np.max(np.abs(table(start) - plain(start)) / np.maximum(np.abs(table(start)), 1))
        out = {"family": family, "population": population, "slots": inst.n_slots,
               "products": inst.n_products, "table_build_s": table_s, "same_fitness_rel_err": float(check)}
        for name, fitness in (("per_chromosome", plain), ("batched_predict", batched), ("table_lookup", table)):
            out[name] = run(fitness, start, generations[name], repairer, mutator, seed)[0]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", nargs="+", default=["linear", "gbm"], choices=["linear", "gbm"])
    parser.add_argument("--population", type=int, default=40)
    args = parser.parse_args(argv)
    generations = {"per_chromosome": 5, "batched_predict": 10, "table_lookup": 100}
    for family in args.family:
        r = bench(family, args.population, generations)
        print(f"{r['family']:>6}: population {r['population']}, {r['slots']} slots x {r['products']} products, "
              f"fitness agreement {r['same_fitness_rel_err']:.1e}")
        print(f"        per_chromosome (plain PyGAD way): {r['per_chromosome']:8.2f} generations/s")
        print(f"        batched_predict (one call/gen):   {r['batched_predict']:8.2f} generations/s")
        print(f"        table_lookup (ours):              {r['table_lookup']:8.2f} generations/s"
              f"  (+ {r['table_build_s']:.2f} s once to build the table)")
        print(f"        ratio table_lookup / per_chromosome = {r['table_lookup'] / r['per_chromosome']:.0f}x, "
              f"table_lookup / batched_predict = {r['table_lookup'] / r['batched_predict']:.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
