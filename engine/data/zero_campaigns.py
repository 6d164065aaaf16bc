"""A campaign in which every history row sold 0 units: a dataset warning at its first row.

Seen through the API: a history whose first or last campaign had all-zero units (a campaign
exported before its sales were loaded) trained and planned, but the model learnt that the
catalogue sold nothing, so the campaign level's variance grew to a log sigma of 3.5-4.6 and the
plan's 80 % range shrank to a sliver far below its expected value (0.03 to 4,408 around
444,782). Zero for every product at once is almost never demand; the planner is told where.
"""

from __future__ import annotations

import pandas as pd

from engine.errors import Problem, a1_cell


def zero_campaign_warning(history: pd.DataFrame, rows: list[int], header: list) -> Problem | None:
    """One warning naming the campaigns whose every row sold 0 units (when some other campaign
    sold), at the units cell of the first such row."""
    if history is None or history.empty or "campaign" not in history or "units" not in history:
        return None
    units = pd.to_numeric(history["units"], errors="coerce").fillna(0)
    if history["campaign"].nunique() < 2 or not (units > 0).any():
        return None  # one campaign, or nothing sold at all: insufficient_data says so when trained
    sold = units.groupby(history["campaign"].to_numpy()).sum()
    empty = [c for c in sold.index[sold <= 0]]
    if not empty:
        return None
    first = int((history["campaign"].isin(empty)).to_numpy().argmax())
    row = rows[first]
    column = header.index("units") if "units" in header else 0
    names = ", ".join(repr(c) for c in empty[:3]) + (f" and {len(empty) - 3} more" if len(empty) > 3 else "")
    what = "campaign" if len(empty) == 1 else "campaigns"
    return Problem(f"{what} {names} sold 0 units in every row: if the sales are missing, fill them in or "
                   "remove those rows, since the forecast learns that the catalogue sold nothing",
                   "history", row, "units", a1_cell(row, column))
