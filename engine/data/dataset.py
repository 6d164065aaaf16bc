"""The validated tables of one dataset, as the rest of the engine sees them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from engine.errors import Problem


@dataclass
class Dataset:
    """Validated, typed tables; column names are canonical (trimmed, lower-case).

    ``history`` is required; the others are present only when the user sent them. ``warnings``
    are problems that do not stop the work (e.g. unknown extra columns kept as features).
    """

    history: pd.DataFrame
    products: pd.DataFrame | None = None
    slots: pd.DataFrame | None = None
    category_limits: pd.DataFrame | None = None
    warnings: list[Problem] = field(default_factory=list)

    def row_counts(self) -> dict[str, int]:
        tables = {
            "history": self.history,
            "products": self.products,
            "slots": self.slots,
            "category_limits": self.category_limits,
        }
        return {name: int(len(df)) for name, df in tables.items() if df is not None}
