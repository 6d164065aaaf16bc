"""Plan quality against a known truth: what a plan truly earns, and the best any plan could.

A plan's own profit figure comes from the forecast it was searched on, so it cannot say how good
the plan is. Where the true demand is known (the demo generator's ``DemoTruth``, or any object
with ``predict(rows)`` and ``countries_`` that gives TRUE expected units), the same instance
built on the truth holds the true value of every placement under the same rules (slots,
category limits, must_include, discount levels, discounted share, stock caps). Then:

* ``true_value(truth_inst, plan_rows)``: what a returned plan truly earns;
* ``true_optimum(truth_inst)``: the best any plan truly earns, found exactly by HiGHS
  (``engine.plan.bound.solve_exact``: LP by column generation, reduced-cost fixing, MILP);
* ``realised_profits(truth_inst, truth, chromosome)``: profits the plan could realise, drawn
  with the demo's own demand noise around the truth (what the 80 % range of a promise should
  hold 80 % of).

The truth instance never has cannibalisation (the demo's history has none) and is not shrunk to
what the history sold (engine.plan.history_bounds): a launch that truly sells more than any peer
ever did is the truth, not a forecast to distrust.
"""

from __future__ import annotations

import numpy as np

from engine.data.dataset import Dataset
from engine.demo import NB_DISPERSION

from .bound import solve_exact
from .instance import PlanInstance, build_instance
from .moves import greedy_plan
from .promise import _rows as plan_rows
from .rules import EMPTY, Repairer, evaluate, rule_report
from .settings import PlanSettings


def truth_instance(dataset: Dataset, truth, settings: PlanSettings | dict) -> PlanInstance:
    """The plan instance whose value table is the truth's (same rules as the planner's)."""
    if not isinstance(settings, PlanSettings):
        settings = PlanSettings.from_dict(settings)
    inst = build_instance(dataset, truth, settings, history_bounds=False)  # the truth is never "beyond"
    inst.cannibalisation = 1.0
    return inst


def chromosome_of(inst: PlanInstance, plan_rows: list[list]) -> np.ndarray:
    """The chromosome of a returned plan table (header first: page, slot, product_id, discount...)
    in ``inst``'s encoding; raises ``ValueError`` for a row the instance cannot hold."""
    header = [str(h) for h in plan_rows[0]]
    col = {name: header.index(name) for name in ("page", "slot", "product_id", "discount")}
    slot_of = {(int(p), int(s)): i for i, (p, s) in enumerate(zip(inst.slots["page"], inst.slots["slot"]))}
    product_of = {str(pid): i for i, pid in enumerate(inst.product_ids)}
    chromosome = np.zeros(2 * inst.n_slots, dtype=np.int64)
    chromosome[0::2] = EMPTY
    for row in plan_rows[1:]:
        key = (int(row[col["page"]]), int(row[col["slot"]]))
        level = np.flatnonzero(np.isclose(inst.levels, float(row[col["discount"]])))
        if key not in slot_of or str(row[col["product_id"]]) not in product_of or not level.size:
            raise ValueError(f"plan row {row[:4]} does not fit the instance")
        s = slot_of[key]
        chromosome[2 * s], chromosome[2 * s + 1] = product_of[str(row[col["product_id"]])], int(level[0])
    return chromosome


def true_value(truth_inst: PlanInstance, plan_rows: list[list]) -> float:
    """The objective a plan truly earns (its rows valued with the truth's table)."""
    chromosome = chromosome_of(truth_inst, plan_rows)
    return float(evaluate(truth_inst, chromosome[None, :]).objective[0])


def true_optimum(truth_inst: PlanInstance, time_limit_s: float = 300.0) -> dict:
    """The exact best plan on the truth (``solve_exact``), with its value re-checked by
    ``evaluate`` and its rules by ``rule_report`` (a plan that breaks a rule is an error)."""
    repairer = Repairer(truth_inst)
    greedy = greedy_plan(truth_inst, repairer)
    lower = float(evaluate(truth_inst, greedy[None, :]).objective[0])
    exact = solve_exact(truth_inst, lower=lower, time_limit_s=time_limit_s)
    if exact["plan"] is None:
        raise RuntimeError(f"HiGHS found no plan (status {exact['milp_status']})")
    plan = exact["plan"]
    broken = [r["rule"] for r in rule_report(truth_inst, plan) if not r["kept"]]
    if broken:
        raise RuntimeError(f"the exact plan breaks {broken}")
    value = float(evaluate(truth_inst, plan[None, :]).objective[0])
    return {**exact, "value": value, "plan": plan, "greedy": lower}


def value_of(inst: PlanInstance, chromosome: np.ndarray) -> float:
    """The objective of one chromosome on ``inst``."""
    return float(evaluate(inst, np.asarray(chromosome)[None, :]).objective[0])


def realised_profits(truth_inst: PlanInstance, truth, chromosome: np.ndarray, draws: int = 1000,
                     seed: int = 0) -> np.ndarray:
    """``draws`` profits the plan could realise: every row's units in every market drawn from the
    demo's negative binomial (shape ``engine.demo.NB_DISPERSION``) around the truth, summed over
    markets, capped at stock, times the margin."""
    prod, lev = chromosome[0::2], chromosome[1::2]
    slots = np.flatnonzero(prod >= 0)
    p, d = prod[slots], lev[slots]
    markets = list(truth.countries_)
    K = max(len(markets), 1)
    rows = plan_rows(truth_inst, truth_inst.products, slots, p, d, markets)
    mu = truth.predict(rows).reshape(-1, K)
    rng = np.random.default_rng(seed)
    units = rng.poisson(rng.gamma(NB_DISPERSION, mu[None] / NB_DISPERSION, size=(draws, *mu.shape))).sum(axis=2)
    units = np.minimum(units, truth_inst.stock[p][None])
    margin = truth_inst.price[p] * (1.0 - truth_inst.levels[d]) - truth_inst.unit_cost[p]
    return (units * margin[None]).sum(axis=1)
