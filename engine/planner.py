"""Plan a catalogue: which product goes in which slot at which discount, with the forecast in the loop.

``plan_catalogue(dataset, model, settings)`` builds the instance (forecasting every candidate
placement once), checks the hard rules can hold, starts from a greedy plan, runs the genetic
algorithm (engine.ga) with our repair and moves, then checks the best plan again before
returning it in the contract's shape. Same seed, data, model and settings give the same plan.
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from . import ga
from .anomaly import CompositionAnomaly
from .dataset import Dataset
from .errors import FolioError
from .plan_instance import PlanInstance, build_instance
from .plan_moves import Mutator, assignment_plan, greedy_plan, perturbed
from .plan_rules import Repairer, evaluate, rule_report
from .plan_settings import PlanSettings

__all__ = ["PlanSettings", "plan_catalogue"]

PLAN_HEADER = ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue",
               "forecast_profit", "category", "slot_size", "featured"]


class PlanFitness:
    """The GA's fitness: objective minus anomaly penalty, minus a large amount per broken rule.

    Scores a whole population per call with table lookups; ``calls`` counts the calls (one per
    generation is the contract with engine.ga).
    """

    def __init__(self, inst: PlanInstance, anomaly: CompositionAnomaly, weight: float, scale: float):
        self.inst = inst
        self.anomaly = anomaly
        self.weight = weight
        self.scale = scale
        self.infeasible_cost = 10.0 * (np.abs(inst.value).max() * inst.n_slots + abs(scale) + 1.0)
        self.calls = 0

    def details(self, population: np.ndarray):
        ev = evaluate(self.inst, population)
        anomaly = self.anomaly.score(ev.category_counts, ev.discounts, ev.placed)
        return ev, anomaly

    def __call__(self, population: np.ndarray) -> np.ndarray:
        self.calls += 1
        ev, anomaly = self.details(population)
        return ev.objective - self.weight * self.scale * anomaly - self.infeasible_cost * ev.violations


def _diversity(population: np.ndarray, best: np.ndarray) -> float:
    """Mean share of slots whose product differs from the generation's best plan."""
    return float(np.mean(population[:, 0::2] != best[None, 0::2]))


def plan_catalogue(dataset: Dataset, model, settings: PlanSettings | dict, *,
                   progress: Callable[[dict], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> dict:
    """Search the best plan; see docs/engine-api.md for the result's shape."""
    started = time.monotonic()
    if not isinstance(settings, PlanSettings):
        settings = PlanSettings.from_dict(settings)
    inst = build_instance(dataset, model, settings)
    repairer = Repairer(inst)
    mutator = Mutator(inst, repairer)
    rng = np.random.default_rng(settings.seed)

    greedy = greedy_plan(inst, repairer)
    greedy_objective = float(evaluate(inst, greedy[None, :]).objective[0])
    assigned, bound = assignment_plan(inst, repairer)
    anomaly = CompositionAnomaly().fit(dataset.history, inst.categories)
    fitness = PlanFitness(inst, anomaly, settings.anomaly_weight, abs(greedy_objective))

    seeds = [greedy] + ([assigned] if assigned is not None else [])
    start = np.vstack([np.array(seeds), perturbed(greedy, settings.population - len(seeds), mutator, rng)])
    repairer(start)

    convergence: list[list] = [["generation", "best", "mean", "feasible_share"]]
    state = {"cancelled": False}

    def report(gen: ga.Generation) -> bool:
        feasible = evaluate(inst, gen.population).violations == 0
        top = int(np.argmax(gen.fitness))
        best, mean = float(gen.fitness[top]), float(np.mean(gen.fitness))
        convergence.append([gen.generation, best, mean, float(feasible.mean())])
        if progress is not None:
            progress({"phase": "plan", "generation": gen.generation, "of": settings.generations,
                      "best": best, "mean": mean, "feasible_share": float(feasible.mean()),
                      "diversity": _diversity(gen.population, gen.population[top]),
                      "elapsed_s": round(time.monotonic() - started, 3)})
        if should_stop is not None and should_stop():
            state["cancelled"] = True
            return True
        return time.monotonic() - started >= settings.time_limit_s

    outcome = ga.evolve(start, fitness, generations=settings.generations, seed=settings.seed,
                        repair=repairer, mutate=mutator, keep_elitism=max(2, settings.population // 10),
                        report=report)
    best = _checked(inst, outcome.best, greedy)
    ev, score = fitness.details(best[None, :])
    result = _result(inst, best, settings)
    result.update({
        "rules": rule_report(inst, best),
        "convergence": convergence,
        "bound": bound,
        "anomaly_score": float(score[0]),
        "cancelled": bool(state["cancelled"]),
        "settings": settings.to_dict(),
        "objective": float(ev.objective[0]),
        "greedy_objective": greedy_objective,
        "generations_run": int(outcome.generations),
        "elapsed_s": round(time.monotonic() - started, 3),
    })
    return result


def _checked(inst: PlanInstance, best: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """The plan to return, checked independently of the search: never one that breaks a rule."""
    for chromosome in (best, fallback):
        if chromosome is not None and all(r["kept"] for r in rule_report(inst, chromosome)) \
                and evaluate(inst, chromosome[None, :]).violations[0] == 0:
            return chromosome
    broken = [r["rule"] for r in rule_report(inst, best) if not r["kept"]]
    raise FolioError(code="internal", status=500, title="Planner error",
                     detail=f"the planner produced no plan that keeps every rule (broken: {broken})")


def _result(inst: PlanInstance, chromosome: np.ndarray, settings: PlanSettings) -> dict:
    prod, lev = chromosome[0::2], chromosome[1::2]
    slots = np.flatnonzero(prod >= 0)
    p, d, t = prod[slots], lev[slots], inst.slot_type[slots]
    units = inst.units[p, t, d]
    revenue = inst.revenue(p, t, d)
    profit = inst.profit(p, t, d)
    rows = [PLAN_HEADER]
    for i, s in enumerate(slots):
        rows.append([
            int(inst.slots["page"].iat[s]), int(inst.slots["slot"].iat[s]), str(inst.product_ids[p[i]]),
            float(inst.levels[d[i]]), float(units[i]), float(revenue[i]),
            None if profit is None else float(profit[i]), inst.categories[inst.category[p[i]]],
            float(inst.slots["slot_size"].iat[s]), int(inst.slots["featured"].iat[s]),
        ])
    totals = {
        "units": float(units.sum()), "revenue": float(revenue.sum()),
        "profit": None if profit is None else float(profit.sum()),
        "products": int(len(slots)), "slots_used": int(len(slots)),
    }
    return {"plan": rows, "totals": totals}
