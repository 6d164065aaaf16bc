"""What a plan rule is: one unit with one small interface, so the next rule is one new module.

A rule unit (a subclass of :class:`Rule`, listed once in ``engine.plan.rules.REGISTRY``) does
everything about its rule and nothing else:

* **read** its settings (declared in ``SETTINGS``, validated with the other plan settings) and its
  table (``build``: None when the request does not use the rule);
* **check** at once that it can hold (``check``: raise ``infeasible(name, ...)``), before any
  forecast is made;
* **keep** itself, by construction (``allowed_levels``, ``allowed_slots``: what a plan may hold at
  all) or by repair, in the phases the :class:`~engine.plan.rules.repair.Repairer` runs over a
  whole population with numpy: ``trim`` (remove what breaks the rule), ``place`` (one row that
  ``lacking`` flagged: add what is missing), ``filler`` (which products the rule lets into an
  empty slot while the repair fills slots), ``admits`` (may a product go into a slot, evicting
  its occupant, for ``place`` steps of every rule) and ``finish`` (last touches, e.g. discounts);
* **judge** a population (``violations``: broken units per plan, 0 = keeps the rule);
* **report** one plan (``report``: ``{"rule", "limit", "value", "kept", ...}`` entries, with the
  slots that break it under ``"slots"`` for callers that point at cells, and its words for a
  planner: ``label``, ``limit_text``, ``value_text``, which the workbook and the pane show as they
  are, so a new rule needs no label elsewhere);
* **bound** (``lp_rows``: its rows of the LP relaxation over slot types, engine.plan.bound).

Every hook has a do-nothing default: a unit implements only what its rule needs. The arrays are
the plan's encoding (engine.plan.rules.encoding): ``prod``/``lev`` are ``(n, S)`` views of a
population (product index or ``EMPTY``, level index), edited in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from engine.errors import Problem

EMPTY = -1


@dataclass(frozen=True)
class Setting:
    """A plan setting a rule reads: validated with the others (engine.plan.settings)."""

    name: str
    kind: str  # "number", "integer" or "flag"
    low: float | None = None
    high: float | None = None
    default: Any = None
    low_open: bool = False

    def problem(self, value) -> str | None:
        """Why ``value`` is not acceptable, or None."""
        if self.kind == "flag":
            return None if isinstance(value, bool) else "must be true or false"
        is_int = isinstance(value, int) and not isinstance(value, bool)
        is_num = (is_int or isinstance(value, float)) and np.isfinite(float(value))
        if self.kind == "integer" and not is_int:
            return f"must be an integer from {self.low:g} to {self.high:g}"
        if not is_num:
            return f"must be a number {'>' if self.low_open else '>='} {self.low:g} and <= {self.high:g}"
        low_ok = value > self.low if self.low_open else value >= self.low
        if not (low_ok and value <= self.high):
            if self.kind == "integer":
                return f"must be an integer from {self.low:g} to {self.high:g}"
            return f"must be a number {'>' if self.low_open else '>='} {self.low:g} and <= {self.high:g}"
        return None

    def coerce(self, value):
        if value is None:
            return self.default
        return float(value) if self.kind == "number" else value


@dataclass
class BuildContext:
    """What a rule may read when it is built: the tables, the settings and the instance's
    arrays (products, slots, levels; no forecasts yet), and where each table row came from."""

    dataset: Any  # engine.data.dataset.Dataset
    settings: Any  # engine.plan.settings.PlanSettings
    products: Any  # the products table, canonical columns, in instance order
    inst: Any  # engine.plan.instance.PlanInstance without units/value

    def setting(self, name: str):
        return self.settings.rule_setting(name)

    def table(self, name: str):
        return getattr(self.dataset, name, None)

    def where(self, table: str, index, column: str | None = None) -> dict:
        """``table``/``row``/``column``/``cell`` of one row of a rule table (for problems)."""
        return self.dataset.locate(table, index, column)


class Rule:
    """A hard rule of a plan. Subclasses set ``name`` and implement the hooks they need."""

    name: ClassVar[str] = ""
    SETTINGS: ClassVar[tuple[Setting, ...]] = ()
    # the column of a planner's plan row that breaks the rule (engine.plan.score points at it)
    plan_column: ClassVar[str] = "product_id"
    protects: np.ndarray | None = None  # (P,) bool: products no repair step may remove

    @classmethod
    def build(cls, ctx: BuildContext) -> "Rule | None":
        return cls()

    # -- at once -------------------------------------------------------------------------
    def check(self, inst) -> None:
        """Raise ``infeasible(self.name, ...)`` when no plan can keep the rule."""

    # -- construction --------------------------------------------------------------------
    def allowed_levels(self, inst) -> np.ndarray | None:
        """(P, D) bool: the discount levels each product may take, or None (all)."""
        return None

    def allowed_slots(self, inst) -> np.ndarray | None:
        """(P, S) bool: the slots each product may take, or None (all)."""
        return None

    def locked_slots(self, inst) -> np.ndarray | None:
        """(S,) bool: slots whose content the rule fixes (no move or repair changes them)."""
        return None

    def pinned_pages(self, inst) -> np.ndarray | None:
        """(P,) int: the page index a rule puts the product on (-1 = anywhere), or None."""
        return None

    def prepare(self, inst) -> None:
        """Adjust the forecast table once it is built (``inst.units``), before values."""

    # -- repair (rep: the Repairer; prod/lev (n, S) views, edited in place) ----------------
    def trim(self, rep, prod: np.ndarray, lev: np.ndarray) -> None:
        """Remove, in every row, what breaks the rule (vectorised over rows)."""

    def lacking(self, rep, prod: np.ndarray, lev: np.ndarray) -> np.ndarray | None:
        """(n,) bool: rows that miss something only ``place`` adds."""
        return None

    def place(self, rep, prod: np.ndarray, lev: np.ndarray) -> None:
        """One row (1-D views): add what the rule needs (uses ``rep.best_slot_for``)."""

    def filler(self, rep, prod: np.ndarray) -> "Filler | None":
        """The rule's view while the repair fills empty slots, or None (it admits anything)."""
        return None

    def admits(self, rep, prod: np.ndarray, products: np.ndarray, slots: np.ndarray) -> np.ndarray | None:
        """One row: (k, m) bool, may ``products[i]`` go into ``slots[j]`` (evicting its occupant)."""
        return None

    def finish(self, rep, prod: np.ndarray, lev: np.ndarray) -> None:
        """Last repair step over every row (after empty slots are filled)."""

    # -- judging ---------------------------------------------------------------------------
    def violations(self, inst, ev) -> np.ndarray | int:
        """Broken units of the rule per plan of ``ev`` (engine.plan.rules.evaluate.Evaluation)."""
        return 0

    def report(self, inst, prod: np.ndarray, lev: np.ndarray) -> list[dict]:
        """One plan (1-D arrays): the rule's entries for the result's ``rules``."""
        return []

    # -- bound -----------------------------------------------------------------------------
    def lp_rows(self, inst, cols) -> list["RowFamily"]:
        """Its rows of the LP relaxation (engine.plan.bound)."""
        return []


class Filler:
    """A rule's state while empty slots are filled (engine.plan.rules.repair), for every row.

    The repair keeps ONE (n, P) availability matrix for all rules: ``start`` clears in it the
    products the rule does not let into any empty slot of a row, ``add`` updates the rule's state
    after placements and clears what became unavailable. A rule whose answer depends on the
    slot (per page) answers ``mask`` for each step instead."""

    def start(self, avail: np.ndarray) -> None:
        """Clear (in place) the products no empty slot of the row may take."""

    def add(self, avail: np.ndarray, rows: np.ndarray, slots: np.ndarray, products: np.ndarray) -> None:
        """``products[i]`` went into ``slots[i]`` of ``rows[i]``: update, clear what is now full."""

    def mask(self, rows: np.ndarray, slots: np.ndarray) -> np.ndarray | None:
        """(m, P) bool for slot-dependent rules: products allowed in ``slots[i]`` of ``rows[i]``."""
        return None

    def ok(self, row: int, product: int, slot: int) -> bool:
        """One pair, for slot-dependent rules (the greedy start asks pair by pair)."""
        return True


class RowFamily:
    """Rows ``A x <= b`` of the LP over columns ``x[p, t, z]`` (engine.plan.bound).

    ``entries(p, t, z)`` gives, for the columns listed, the (row, column position, coefficient)
    triples; ``price(y)`` gives this family's part of ``A^T y`` for EVERY column, as an array
    that broadcasts to (P, T, Z) together with its ``shape`` tag: ``"p"`` (P,), ``"t"`` (T,),
    ``"z"`` (Z,) or ``"ptz"`` (P, T, Z)."""

    shape = "ptz"

    def __init__(self, b: np.ndarray):
        self.b = np.asarray(b, dtype=float)

    def entries(self, p, t, z) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        raise NotImplementedError

    def price(self, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class ProductRows(RowFamily):
    """One row per listed product: ``sum over its columns of coef * x <= b``."""

    shape = "p"

    def __init__(self, products: np.ndarray, n_products: int, b, coef: float = 1.0):
        super().__init__(b)
        self.products = np.asarray(products, dtype=int)
        self.coef = float(coef)
        self.row_of = -np.ones(n_products, int)
        self.row_of[self.products] = np.arange(len(self.products))

    def entries(self, p, t, z):
        r = self.row_of[p]
        ok = r >= 0
        j = np.flatnonzero(ok)
        return r[ok], j, np.full(j.size, self.coef)

    def price(self, y):
        return np.where(self.row_of >= 0, self.coef * y[np.maximum(self.row_of, 0)], 0.0) \
            if len(self.products) else 0.0


def problem_at(message: str, where: dict | None = None, column: str | None = None) -> Problem:
    where = dict(where or {})
    return Problem(message=message, table=where.get("table"), row=where.get("row"),
                   column=where.get("column") or column, cell=where.get("cell"))
