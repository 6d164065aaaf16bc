"""Planning: which product goes in which slot at which discount, with the forecast in the loop.

The parts: ``settings`` (what the planner is asked), ``instance`` (the problem built once per run:
forecast table), ``rules`` (the hard rules, one unit each, with the shared evaluation and repair;
engine/plan/rules/__init__.py says how to add one), ``moves``
(greedy start and structured mutations), ``local`` (local search), ``ga`` (PyGAD, behind this one
module), ``coevolution`` (the cooperative variant), ``cannibal`` (products of a category competing
on a page), ``anomaly`` (how unlike past catalogues a plan is), ``bound`` (LP upper bound, exact
solve), ``progress`` (the per-generation monitor), ``countries`` (one plan per market, gathered)
and ``planner`` (the whole run, :func:`plan_catalogue`).
"""

from .planner import plan_catalogue
from .settings import PlanSettings

__all__ = ["PlanSettings", "plan_catalogue"]
