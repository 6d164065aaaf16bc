"""The settings of a plan job (contract section 3), validated with every problem at once.

The search's own settings are fields here; the settings of the hard rules (e.g.
``max_discounted_share``) are declared by their rule units (engine.plan.rules, ``SETTINGS``) and
validated here with the others, so a new rule's setting needs no edit in this module.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from engine.errors import Problem, settings_error

from .rules import RULE_SETTINGS

OBJECTIVES = ("profit", "revenue", "units")
STRATEGIES = ("ga", "coevolution")
DEFAULT_LEVELS = (0.0, 0.1, 0.2, 0.3)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v))


@dataclass(frozen=True)
class PlanSettings:
    """What the planner may do and how hard it searches.

    ``pages`` x ``slots_per_page`` is the layout when the dataset has no ``slots`` table.
    ``anomaly_weight``: the penalty is ``anomaly_weight * |greedy objective| * (anomaly_score -
    median past catalogue's score, if positive)`` (engine.plan.anomaly). ``time_limit_s`` counts from
    the start of the job (forecast table included).

    Additions to the contract's settings: ``strategy`` "ga" (one population over the whole plan)
    or "coevolution" (sub-populations per group of pages, engine.plan.coevolution);
    ``cannibalisation``: the per-sibling sales factor of engine.plan.cannibal, None = estimated
    from the history, 1 = off; ``generations``: a cap on generations, by default none: the search
    uses the ``time_limit_s`` it is given and stops early only when its plan reaches the bound
    (nothing better exists under this forecast) or stagnates; ``stagnation_generations``: stop after this many generations
    without a better plan (0 = never stop early: not on stagnation, not at the bound); ``local_search``: improve the best plan every generation
    with batched structured moves (engine.plan.local).
    """

    pages: int | None = None
    slots_per_page: int = 6
    discount_levels: tuple[float, ...] = field(default=DEFAULT_LEVELS)
    objective: str = "profit"
    anomaly_weight: float = 0.0
    population: int = 40
    generations: int | None = None  # None: as many as the time limit allows (see the docstring)
    time_limit_s: float = 30.0
    seed: int = 0
    strategy: str = "ga"
    cannibalisation: float | None = None
    stagnation_generations: int = 30
    local_search: bool = True
    rules: dict = field(default_factory=dict)  # the rule units' settings, by name (RULE_SETTINGS)

    def rule_setting(self, name: str):
        """A rule's setting: the value asked for, else its declared default."""
        spec = _RULE_SETTINGS[name]
        return spec.coerce(self.rules.get(name))

    def __getattr__(self, name: str):
        # rule settings read like the others (settings.max_discounted_share)
        if name != "rules" and name in _RULE_SETTINGS:
            return self.rule_setting(name)
        raise AttributeError(name)

    @classmethod
    def from_dict(cls, d: dict | None) -> "PlanSettings":
        """Validated settings; unknown keys and bad values raise ``invalid_settings`` naming the key."""
        d = dict(d or {})
        problems: list[Problem] = []

        def bad(name: str, message: str) -> None:
            problems.append(Problem(message=f"{name} {message}, got {d.get(name)!r}", column=name))

        allowed = (set(cls.__dataclass_fields__) - {"rules"}) | set(_RULE_SETTINGS)
        for key in sorted(set(d) - allowed):
            problems.append(Problem(message=f"unknown setting {key!r}; allowed: {sorted(allowed)}", column=key))
        values = {k: v for k, v in d.items() if k in allowed and v is not None}
        rules = {k: values.pop(k) for k in list(values) if k in _RULE_SETTINGS}
        for name, value in rules.items():
            message = _RULE_SETTINGS[name].problem(value)
            if message:
                bad(name, message)

        def integer(name, low, high):
            if name in values and not (_is_int(values[name]) and low <= values[name] <= high):
                bad(name, f"must be an integer from {low} to {high}")

        def number(name, low, high, low_open=False):
            v = values.get(name)
            if name in values and not (_is_number(v) and (v > low if low_open else v >= low) and v <= high):
                bad(name, f"must be a number {'>' if low_open else '>='} {low} and <= {high}")

        integer("pages", 1, 1000)
        integer("slots_per_page", 1, 100)
        integer("population", 4, 2000)
        integer("generations", 1, 100000)
        integer("seed", 0, 2**32 - 1)
        number("anomaly_weight", 0.0, 1e6)
        number("time_limit_s", 0.0, 86400.0, low_open=True)
        integer("stagnation_generations", 0, 100000)
        number("cannibalisation", 0.5, 1.0)
        if "strategy" in values and values["strategy"] not in STRATEGIES:
            bad("strategy", f"must be one of {list(STRATEGIES)}")
        if "local_search" in values and not isinstance(values["local_search"], bool):
            bad("local_search", "must be true or false")
        if "objective" in values and values["objective"] not in OBJECTIVES:
            bad("objective", f"must be one of {list(OBJECTIVES)}")
        if "discount_levels" in values:
            levels = values["discount_levels"]
            if not isinstance(levels, (list, tuple)) or not levels or len(levels) > 20 \
                    or not all(_is_number(x) and 0.0 <= x <= 0.9 for x in levels):
                bad("discount_levels", "must be a list of 1 to 20 fractions in [0, 0.9]")
            elif len(set(float(x) for x in levels)) != len(levels):
                bad("discount_levels", "must not repeat a level")
            else:
                values["discount_levels"] = tuple(sorted(float(x) for x in levels))
        if problems:
            raise settings_error(problems)
        for name in ("anomaly_weight", "time_limit_s", "cannibalisation"):
            if name in values:
                values[name] = float(values[name])
        values["rules"] = {name: _RULE_SETTINGS[name].coerce(v) for name, v in rules.items()}
        return cls(**values)

    def to_dict(self) -> dict:
        """Every setting by name, the rules' ones (with their defaults) beside the search's."""
        out = asdict(self)
        out.pop("rules")
        out["discount_levels"] = list(self.discount_levels)
        for name in _RULE_SETTINGS:
            out[name] = self.rule_setting(name)
        return out


_RULE_SETTINGS = {spec.name: spec for spec in RULE_SETTINGS}
