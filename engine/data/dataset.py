"""The validated tables of one dataset, as the rest of the engine sees them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from engine.errors import Problem, a1_cell

# The plan-rule tables: their DataFrames are indexed by the row each line had in the table as
# sent (header = row 1), so a problem found when planning (a lock outside the layout) can name
# its cell even after rows were filtered (one country's rows).
RULE_TABLES = ("locks", "brand_limits", "page_conflicts")
TABLE_NAMES = ("history", "products", "slots", "category_limits", *RULE_TABLES)  # a Dataset field each


@dataclass
class Dataset:
    """Validated, typed tables; column names are canonical (trimmed, lower-case).

    ``history`` is required; the others are present only when the user sent them. ``warnings``
    are problems that do not stop the work (e.g. unknown extra columns kept as features).
    ``headers`` holds, per table read from a 2-D array, its column names in the order sent (for
    A1 cells, see :meth:`locate`).
    """

    history: pd.DataFrame
    products: pd.DataFrame | None = None
    slots: pd.DataFrame | None = None
    category_limits: pd.DataFrame | None = None
    locks: pd.DataFrame | None = None
    brand_limits: pd.DataFrame | None = None
    page_conflicts: pd.DataFrame | None = None
    warnings: list[Problem] = field(default_factory=list)
    headers: dict[str, list] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLE_NAMES if getattr(self, name) is not None}

    def row_counts(self) -> dict[str, int]:
        return {name: int(len(df)) for name, df in self.tables().items()}

    def locate(self, table: str, index, column: str | None = None) -> dict:
        """``table``, ``row``, ``column`` and ``cell`` of row ``index`` of a rule table, as far as
        known (a table built in Python, not read from a 2-D array, has no sheet rows)."""
        where = {"table": table, "column": column}
        header = getattr(self, "headers", {}).get(table)  # a Dataset pickled before headers: none
        if header is None or table not in RULE_TABLES:
            return where
        row = int(index)
        where["row"] = row
        if column is not None and column in header:
            where["cell"] = a1_cell(row, header.index(column))
        return where
