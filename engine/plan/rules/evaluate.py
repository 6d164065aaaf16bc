"""The plan's encoding and the scoring of a whole population at once.

A chromosome holds two genes per slot, interleaved: ``[product_0, level_0, product_1, level_1,
...]``; ``product = EMPTY`` (-1) leaves the slot empty, ``level`` indexes the allowed discount
levels. Interleaving keeps a slot's product and discount together under crossover.

``evaluate`` scores a population with numpy (objective and every rule's violations, no Python
loop over chromosomes): the value-table lookup times the cannibalisation factor, then each rule
unit counts its broken units on the shared arrays of an :class:`Evaluation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..cannibal import factors, page_category_counts
from .base import EMPTY


def split(population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(products, levels) views, each (n, S), of an (n, 2S) population."""
    return population[:, 0::2], population[:, 1::2]


@dataclass
class Evaluation:
    objective: np.ndarray  # (n,)
    violations: np.ndarray  # (n,) count of broken rule units; 0 = feasible
    category_counts: np.ndarray  # (n, C)
    discounts: np.ndarray  # (n, S) discount fraction, 0 where empty
    placed: np.ndarray  # (n, S) bool
    factor: np.ndarray  # (n, S) cannibalisation multiplier on each slot's forecast (1 = none)
    products: np.ndarray  # (n, S) product index, 0 where empty (use with ``placed``)
    prod: np.ndarray = field(repr=False, default=None)  # (n, S) raw product genes
    lev: np.ndarray = field(repr=False, default=None)  # (n, S) raw level genes
    levels: np.ndarray = field(repr=False, default=None)  # (n, S) level index clipped to range
    n_products: int = 0

    @cached_property
    def presence(self) -> np.ndarray:
        """(n, P) bool: the product is in the plan (shared by the rules that need it)."""
        n, S = self.placed.shape
        P = self.n_products
        out = np.zeros((n, P + 1), dtype=bool)
        out[np.repeat(np.arange(n), S), np.where(self.placed, self.prod, P).reshape(-1)] = True
        return out[:, :P]


def evaluate(inst, population: np.ndarray) -> Evaluation:
    """Objective (value-table lookup x cannibalisation) and rule violations for every chromosome
    at once: numpy over the whole population, no Python loop over chromosomes."""
    prod, lev = split(np.asarray(population))
    n, S = prod.shape
    P, T, D = inst.value.shape
    placed = prod >= 0
    p = np.where(placed, prod, 0)
    d = np.clip(lev, 0, D - 1)
    values = inst.value.reshape(-1)[(p * T + inst.slot_type[None, :]) * D + d]
    C = len(inst.categories)
    if inst.cannibalisation < 1.0:
        counts_on_page = page_category_counts(inst.page_index, inst.category[p], placed, inst.n_pages, C)
        factor = factors(counts_on_page, inst.cannibalisation)
    else:
        factor = np.ones(prod.shape)
    objective = np.where(placed, values * factor, 0.0).sum(axis=1)
    cats = np.where(placed, inst.category[p], C)
    flat = (np.arange(n)[:, None] * (C + 1) + cats).reshape(-1)
    counts = np.bincount(flat, minlength=n * (C + 1)).reshape(n, C + 1)[:, :C]
    discounts = np.where(placed, inst.levels[d], 0.0)
    ev = Evaluation(objective, np.zeros(n, dtype=int), counts, discounts, placed, factor, p,
                    prod=prod, lev=lev, levels=d, n_products=P)
    ev.violations = inst.rules.violations(inst, ev)
    return ev


def rule_report(inst, chromosome: np.ndarray) -> list[dict]:
    """Every hard rule with its limit, the plan's value and whether it holds (the final,
    independent check of a returned plan)."""
    chromosome = np.asarray(chromosome)
    return inst.rules.report(inst, chromosome[0::2], chromosome[1::2])


__all__ = ["EMPTY", "Evaluation", "evaluate", "rule_report", "split"]
