"""The hard rules of a plan, one unit each, and the machinery they share.

Adding a rule is adding one unit (a :class:`~engine.plan.rules.base.Rule` subclass in its own
module) and listing it in :data:`REGISTRY`; its settings are declared on the unit, its table (if
any) has a schema in engine.data.tables. The order of the registry is the order of the repair's
phases and of the report.

* ``base``: the unit interface (``Rule``, ``Filler``, ``RowFamily``, ``Setting``);
* ``evaluate``: the encoding, ``evaluate`` (a population scored at once) and ``rule_report``;
* ``repair``: the ``Repairer``, which runs the units' repair phases over a whole population;
* ``ruleset``: the units one request uses and their combined construction masks;
* ``groups``: the shared counting rule (category, brand, per page, page conflicts);
* one module per rule.
"""

from __future__ import annotations

from .base import EMPTY, BuildContext, Rule, Setting
from .brand_limits import BrandLimits
from .category_limits import CategoryLimits
from .category_per_page import CategoryPerPage
from .discounted_share import MaxDiscountedShare
from .evaluate import Evaluation, evaluate, rule_report, split
from .levels import DiscountLevels
from .locks import Locks
from .min_margin import MinMargin
from .must_include import MustInclude
from .page_conflicts import PageConflicts
from .repair import Repairer
from .ruleset import RuleSet
from .unique import UniqueProducts

REGISTRY: tuple[type[Rule], ...] = (
    Locks,
    UniqueProducts,
    MustInclude,
    DiscountLevels,
    CategoryLimits,
    BrandLimits,
    CategoryPerPage,
    PageConflicts,
    MinMargin,
    MaxDiscountedShare,
)

RULE_SETTINGS: tuple[Setting, ...] = tuple(s for unit in REGISTRY for s in unit.SETTINGS)


def build_rules(ctx: BuildContext) -> RuleSet:
    """The rule units this request uses (a unit whose table or setting is absent is left out)."""
    return RuleSet.build(REGISTRY, ctx)


__all__ = ["EMPTY", "REGISTRY", "RULE_SETTINGS", "BuildContext", "Evaluation", "Repairer", "Rule", "RuleSet",
           "Setting", "build_rules", "evaluate", "rule_report", "split"]
