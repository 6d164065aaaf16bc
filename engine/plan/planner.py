"""Plan a catalogue: which product goes in which slot at which discount, with the forecast in the loop.

``plan_catalogue(dataset, model, settings)`` builds the instance (forecasting every candidate
placement once), checks the hard rules can hold, starts from a greedy plan, runs the genetic
algorithm (engine.plan.ga: PyGAD, our repair and structured moves, local search on the best) or the
cooperative coevolution (engine.plan.coevolution), then checks the best plan again before
returning it in the contract's shape, with an upper bound (engine.plan.bound) and the plan's
anomaly score and its per-feature contributions (engine.plan.anomaly). Same seed, data, model and settings give the same plan.
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np
import pandas as pd

from engine.data.dataset import Dataset
from engine.data.zero_campaigns import describe as describe_campaigns
from engine.data.zero_campaigns import zero_campaigns
from engine.errors import FolioError, Problem, infeasible

from . import ga
from .anomaly import MIN_CATALOGUES, CompositionAnomaly
from .bound import chromosome_from, lp_bound
from .business_case import business_case
from .cannibal import estimate_factor, placed_rows
from .coevolution import coevolve
from .instance import PlanInstance, build_instance
from .local import LocalSearch
from .moves import Mutator, assignment_plan, greedy_plan, perturbed
from .progress import Monitor
from .promise import plan_promise, promise_notes, valuer_for
from .rules import Repairer, evaluate, rule_report
from .settings import PlanSettings

__all__ = ["PlanSettings", "plan_catalogue"]

PLAN_HEADER = ["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue",
               "forecast_profit", "category", "slot_size", "featured", "cannibalisation", "beyond_history"]
BOUND_TIME_SHARE = 0.2  # of time_limit_s spent at most on the LP bound
MAX_BOUND_S = 15.0
UNLIMITED_GENERATIONS = 1_000_000  # generations=None: the time limit (or the bound, or stagnation) ends the search
BOUND_NOTE = ("The bound is the most any plan could earn if this forecast were exact: the gap to it says how "
              "close the search came under the forecast, not how accurate the forecast is, and promises nothing "
              "about the future. What the plan can be expected to earn is its expected profit, with its 80\u00a0% range.")


class PlanFitness:
    """The GA's fitness: objective (forecast table x cannibalisation) minus the anomaly penalty,
    minus a large amount per broken rule.

    Scores a whole population per call with numpy lookups and one IsolationForest call;
    ``calls`` counts the calls PyGAD makes (one per generation is the contract with engine.plan.ga).
    ``score`` is the same without counting, for the local search's neighbour batches.
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
        anomaly = self.anomaly.score(self.inst, ev) if self.weight > 0 or len(population) == 1 \
            else np.zeros(len(population))
        return ev, anomaly

    def score(self, population: np.ndarray) -> np.ndarray:
        ev, anomaly = self.details(population)
        penalty = self.weight * self.scale * self.anomaly.excess(anomaly)
        return ev.objective - penalty - self.infeasible_cost * ev.violations

    def __call__(self, population: np.ndarray) -> np.ndarray:
        self.calls += 1
        return self.score(population)


def _improver(local: LocalSearch | None, monitor: Monitor, rng: np.random.Generator):
    """engine.plan.ga's improve hook: local search on the generation's best plan; the improved plan
    replaces the worst row (the best stays, so elitism keeps both)."""
    if local is None:
        return None

    def improve(population: np.ndarray, fitness) -> None:
        values = np.asarray(fitness, dtype=float)
        top, worst = int(np.argmax(values)), int(np.argmin(values))
        better, value = local.improve(population[top], float(values[top]), rng)
        if value > values[top] and worst != top:
            population[worst] = better
            fitness[worst] = value
        monitor.offer(better, value)

    return improve


def plan_catalogue(dataset: Dataset, model, settings: PlanSettings | dict, *,
                   progress: Callable[[dict], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> dict:
    """Search the best plan; see docs/engine-api.md for the result's shape."""
    started = time.monotonic()
    if not isinstance(settings, PlanSettings):
        settings = PlanSettings.from_dict(settings)
    inst = build_instance(dataset, model, settings)
    inst.cannibalisation = settings.cannibalisation if settings.cannibalisation is not None \
        else estimate_factor(dataset.history)
    repairer = Repairer(inst)
    mutator = Mutator(inst, repairer)
    rng = np.random.default_rng(settings.seed)
    valuer = valuer_for(model, dataset.history)  # values the plan found (engine.plan.promise)

    greedy = greedy_plan(inst, repairer)
    greedy_objective = float(evaluate(inst, greedy[None, :]).objective[0])
    assigned, assignment_bound = assignment_plan(inst, repairer)
    relax = lp_bound(inst, time_limit_s=min(BOUND_TIME_SHARE * settings.time_limit_s, MAX_BOUND_S))
    bound = min(b for b in (assignment_bound, relax.bound, np.inf) if b is not None)
    anomaly = CompositionAnomaly().fit(dataset.history, inst, seed=settings.seed)
    fitness = PlanFitness(inst, anomaly, settings.anomaly_weight, abs(greedy_objective))
    local = LocalSearch(inst, fitness.score, repairer, mutator) if settings.local_search else None

    seeds = [greedy] + ([assigned] if assigned is not None else [])
    if relax.x is not None:
        seeds.append(chromosome_from(inst, relax.keys, relax.x))
    seeds = seeds[: settings.population]
    start = np.vstack([np.array(seeds), perturbed(greedy, settings.population - len(seeds), mutator, rng)])
    repairer(start)

    monitor = Monitor(inst, generations=settings.generations, time_limit_s=settings.time_limit_s,
                      stagnation=settings.stagnation_generations, started=started,
                      progress=progress, should_stop=should_stop,
                      bound=float(bound) if np.isfinite(bound) else None)
    generations = settings.generations or UNLIMITED_GENERATIONS
    if settings.strategy == "coevolution":
        coevolve(start, fitness, inst=inst, repairer=repairer, mutator=mutator, local=local,
                 monitor=monitor, generations=generations, seed=settings.seed)
        generations_run = monitor.generations_seen
    else:
        outcome = ga.evolve(start, fitness, generations=generations, seed=settings.seed,
                            repair=repairer, mutate=mutator, keep_elitism=max(2, settings.population // 10),
                            report=lambda g: monitor.observe(g.generation, g.population, g.fitness),
                            improve=_improver(local, monitor, rng))
        generations_run = int(outcome.generations)
        if outcome.best_fitness > monitor.best_fitness:
            monitor.offer(outcome.best, outcome.best_fitness)
    best = _checked(inst, monitor.best, greedy)
    _something_placed(inst, best)
    ev, score = fitness.details(best[None, :])
    result = _result(inst, best, ev.factor[0])
    honest = plan_promise(inst, dataset, inst.products, best, ev.factor[0], model, valuer)
    result["totals"].update(honest["totals"])
    objective = float(ev.objective[0])
    result.update({
        "promise": honest["promise"],
        "bound_note": BOUND_NOTE,
        "rules": rule_report(inst, best),
        "convergence": monitor.rows,
        "diversity": monitor.diversity,
        "bound": float(bound) if np.isfinite(bound) else None,
        "bound_gap": _gap(objective, bound),
        "bound_certified": bool(relax.certified),
        "anomaly_score": float(score[0]),
        "anomaly_contribution": anomaly.contributions(inst, ev),
        "cannibalisation_factor": float(inst.cannibalisation),
        "cancelled": bool(monitor.cancelled),
        "stopped_by": monitor.stopped_by or "generations",
        "settings": settings.to_dict(),
        "layout": _layout(dataset, inst),
        "degraded": _thin_history_notes(dataset, settings, anomaly) + promise_notes(result["totals"], honest["promise"]),
        "objective": objective,
        "greedy_objective": greedy_objective,
        "generations_run": int(generations_run),
        "elapsed_s": round(time.monotonic() - started, 3),
    })
    def promise(instance: PlanInstance, chromosome: np.ndarray) -> dict:
        """The same honest valuation for another plan on this instance (the last catalogue)."""
        factor = evaluate(instance, chromosome[None, :]).factor[0]
        return plan_promise(instance, dataset, instance.products, chromosome, factor, model, valuer)["totals"]

    result["business_case"] = business_case(dataset.history, inst, best, result["totals"],
                                            country=_one_country(dataset), promise=promise)
    return result


def _something_placed(inst: PlanInstance, best: np.ndarray) -> None:
    """An empty catalogue is no plan: when the rules leave no candidate any slot (every category
    or brand limited to at most 0), fail ``infeasible`` naming those limits. Was ``succeeded``
    with 0 products, expected profit 0 and a business case of -100 %."""
    prod = best[0::2]
    if inst.n_slots == 0 or inst.n_products == 0 or ((prod >= 0) & (prod < inst.n_products)).any():
        return
    zero = [r for r in rule_report(inst, best) if r.get("limit") == 0 and str(r.get("rule", "")).endswith(("max", "limits"))]
    if not zero and inst.value.size and not (inst.value > 0).any():  # nothing earns: the search left it empty
        raise FolioError(code="infeasible", status=422, detail=(
            f"no product is worth a slot: at every allowed discount each candidate's forecast {inst.objective} "
            "is 0 or less" + (" (its unit_cost at or above its discounted price); check unit_cost in products, "
                              "or plan for 'revenue'" if inst.objective == "profit" else "")),
            problems=[Problem(message=f"no candidate has a positive forecast {inst.objective}",
                              table="products", column="unit_cost" if inst.objective == "profit" else "price")])
    said = "; ".join(f"{r.get('label') or r['rule']}: {r.get('limit_text') or 'at most 0'}" for r in zero[:6])
    raise infeasible(zero[0]["rule"] if zero else "rules",
                     "no product can be placed: the rules leave no candidate a slot" + (f" ({said})" if said else ""))


def _one_country(dataset: Dataset) -> str | None:
    """The country a plan is for when its products name exactly one (a multi-country plan's part)."""
    products = dataset.products
    if products is None or "country" not in products.columns:
        return None
    names = set(products["country"].dropna().astype(str).str.strip())
    return names.pop() if len(names) == 1 else None


def _layout(dataset: Dataset, inst: PlanInstance) -> dict:
    """Where the catalogue's slots came from, so a report names only the settings that were used:
    ``source`` "slots" (the dataset's slots table; ``pages``/``slots_per_page`` ignored) or
    "pages" (``pages`` x ``slots_per_page``), with the number of slots and pages."""
    from_table = dataset.slots is not None and len(dataset.slots) > 0
    return {"source": "slots" if from_table else "pages", "slots": int(inst.n_slots),
            "pages": int(inst.slots["page"].nunique())}


def _thin_history_notes(dataset: Dataset, settings: PlanSettings, anomaly: CompositionAnomaly) -> list[dict]:
    """What the plan had to do without because the history is too short for it (``degraded``)."""
    notes = []
    empty = zero_campaigns(dataset.history)
    if empty:
        said = describe_campaigns(empty)
        where = next((w.cell for w in dataset.warnings if getattr(w, "table", None) == "history"
                      and getattr(w, "column", None) == "units" and str(w.message).startswith(said)
                      and getattr(w, "cell", None)), None)
        notes.append(_note("zero_campaigns_left_out", (
            f"{said} sold 0 units in every row{f' (from history {where})' if where else ''}: left out of the "
            "forecast, so the expected profit and its range are what the other campaigns support; if those "
            "sales are missing, fill them in and train again")))
    if settings.cannibalisation is None:
        _, why = placed_rows(dataset.history)
        if why:
            notes.append(_note("no_cannibalisation_estimate", why))
    if settings.anomaly_weight > 0 and anomaly.forest_ is None:
        notes.append(_note("no_anomaly_basis", (
            f"{anomaly.catalogues_} past catalogue(s) with placed products, fewer than {MIN_CATALOGUES}: "
            "no basis to call a plan unusual, so the anomaly penalty is off")))
    return notes


def _note(code: str, message: str) -> dict:
    """One ``degraded`` entry: a note on the result, not an error (the job succeeded)."""
    return {"code": code, "message": message}


def _gap(objective: float, bound: float) -> float | None:
    """How far below the bound the plan is, as a fraction of the bound ("within X %")."""
    if not np.isfinite(bound) or bound <= 0:
        return None
    return float(max(bound - objective, 0.0) / bound)


def _checked(inst: PlanInstance, best: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """The plan to return, checked independently of the search: never one that breaks a rule."""
    for chromosome in (best, fallback):
        if chromosome is not None and all(r["kept"] for r in rule_report(inst, chromosome)) \
                and evaluate(inst, chromosome[None, :]).violations[0] == 0:
            return chromosome
    broken = [r["rule"] for r in rule_report(inst, best) if not r["kept"]]
    named = list(dict.fromkeys(broken))  # the rules together admit no plan the search could find
    raise infeasible(named[0] if named else "rules",
                     f"no plan found that keeps every rule together; still broken: {', '.join(named)}")


def product_names(inst: PlanInstance) -> list[str] | None:
    """Each candidate's name when the products table has a ``name`` column with any text (the
    plan then shows it beside the id: a planner reads "Velvet Ivy Mascara", not "P0173"); a
    missing name is "". None when there are no names, so the plan keeps its contract columns."""
    products = inst.products
    if products is None or "name" not in products.columns or len(products) != inst.n_products:
        return None
    names = ["" if pd.isna(v) else str(v).strip() for v in products["name"].tolist()]
    return names if any(names) else None


def _result(inst: PlanInstance, chromosome: np.ndarray, factor: np.ndarray) -> dict:
    """Plan rows and totals; forecasts include the cannibalisation factor (column shown)."""
    prod, lev = chromosome[0::2], chromosome[1::2]
    slots = np.flatnonzero(prod >= 0)
    p, d, t = prod[slots], lev[slots], inst.slot_type[slots]
    f = factor[slots]
    units = inst.units[p, t, d] * f
    revenue = inst.revenue(p, t, d) * f
    profit = inst.profit(p, t, d)
    profit = None if profit is None else profit * f
    beyond = inst.beyond[p, t, d] if inst.beyond is not None else np.zeros(len(p), bool)
    names = product_names(inst)
    # the contract's seven columns first, the name (when the products have one) leads the others
    rows = [PLAN_HEADER if names is None else [*PLAN_HEADER[:7], "name", *PLAN_HEADER[7:]]]
    for i, s in enumerate(slots):
        named = [] if names is None else [names[p[i]]]
        rows.append([
            int(inst.slots["page"].iat[s]), int(inst.slots["slot"].iat[s]), str(inst.product_ids[p[i]]),
            float(inst.levels[d[i]]), float(units[i]), float(revenue[i]),
            None if profit is None else float(profit[i]), *named, inst.categories[inst.category[p[i]]],
            float(inst.slots["slot_size"].iat[s]), int(inst.slots["featured"].iat[s]), float(f[i]),
            int(beyond[i]),
        ])
    totals = {
        "units": float(units.sum()), "revenue": float(revenue.sum()),
        "profit": None if profit is None else float(profit.sum()),
        "products": int(len(slots)), "slots_used": int(len(slots)),
        "beyond_history": int(beyond.sum()),  # plan rows whose forecast went beyond history (shrunk)
    }
    return {"plan": rows, "totals": totals}
