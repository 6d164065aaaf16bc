"""History rows that repeat an earlier row exactly: a dataset warning at the first repeat.

A sheet pasted twice, or two exports of one campaign stacked, doubles what those products sold,
and the forecast learns it as demand. Rows that differ in anything (a page, a country) may be
real (a product shown twice); only exact repeats are suspicious enough to say so.
"""

from __future__ import annotations

import pandas as pd

from engine.errors import Problem, a1_cell


def duplicate_rows_warning(history: pd.DataFrame, rows: list[int], header: list) -> Problem | None:
    """One warning naming the first row that repeats an earlier one and how many do."""
    if history is None or history.empty:
        return None
    repeated = history.duplicated(keep="first").to_numpy()  # NaN equals NaN here, as in a sheet
    if not repeated.any():
        return None
    first = int(repeated.argmax())
    same = history.iloc[: first + 1]
    earlier = int(same.duplicated(keep="last").to_numpy().argmax())  # the first row it repeats
    row, earlier_row = rows[first], rows[earlier]
    count = int(repeated.sum())
    more = f" ({count} rows repeat an earlier one)" if count > 1 else ""
    column = header.index("campaign") if "campaign" in header else 0
    return Problem(f"row {row} repeats row {earlier_row} exactly{more}: if they are copies, remove them, since "
                   "each one counts as units sold", "history", row, "campaign", a1_cell(row, column))
