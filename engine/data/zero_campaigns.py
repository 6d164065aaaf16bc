"""A campaign in which every history row sold 0 units: warned at its first row, left out of the
forecast.

Seen through the API: a history whose first or last campaign had all-zero units (a campaign
exported before its sales were loaded) trained and planned, but the model learnt that the
catalogue sold nothing, so the campaign level's variance grew to a log sigma of 3.5-4.6 and the
plan's 80 % range shrank to a sliver far below its expected value (0.03 to 4,408 around
444,782). Zero for every product at once is almost never demand, so the upload warns where
(:func:`zero_campaign_warning`) and training leaves those campaigns out
(:func:`without_zero_campaigns`, used by ``engine.forecast.train`` and the plan's valuer), saying
so in its ``degraded`` notes (``zero_campaigns_left_out``). Measured (demo 40 products x 2
markets x 12 campaigns, one campaign zeroed, /tmp/tiny/zero.py seeds 3-8): with the campaign
learnt, the last one zeroed promised 51 against a true 295,225 (range 0-79), the first one
zeroed 2.3x the truth with a range 3-53,404 below its own figure; left out, see README.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.errors import Problem, a1_cell


def zero_campaigns(history: pd.DataFrame) -> list:
    """The campaigns whose every row sold 0 units, when some other campaign sold (a history with
    one campaign, or nothing sold at all, is ``insufficient_data``'s case, not this one)."""
    if history is None or history.empty or "campaign" not in history or "units" not in history:
        return []
    units = pd.to_numeric(history["units"], errors="coerce").fillna(0)
    if history["campaign"].nunique() < 2 or not (units > 0).any():
        return []
    sold = units.groupby(history["campaign"].to_numpy()).sum()
    return [c for c in sold.index[sold <= 0]]


def without_zero_campaigns(history: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, list]:
    """``history`` without the rows of :func:`zero_campaigns`, the mask of the rows kept (over
    ``history``'s rows) and the campaigns left out. Unchanged (the same frame) when there are
    none."""
    empty = zero_campaigns(history)
    if not empty:
        return history, np.ones(0 if history is None else len(history), dtype=bool), []
    kept = ~history["campaign"].isin(empty).to_numpy()
    return history[kept].reset_index(drop=True), kept, empty


def describe(empty: list) -> str:
    """``'2024-02', '2024-03' and 2 more`` for messages."""
    names = ", ".join(repr(c) for c in empty[:3]) + (f" and {len(empty) - 3} more" if len(empty) > 3 else "")
    return ("campaign " if len(empty) == 1 else "campaigns ") + names


def zero_campaign_warning(history: pd.DataFrame, rows: list[int], header: list) -> Problem | None:
    """One warning naming the campaigns whose every row sold 0 units (when some other campaign
    sold), at the units cell of the first such row."""
    empty = zero_campaigns(history)
    if not empty:
        return None
    first = int((history["campaign"].isin(empty)).to_numpy().argmax())
    row = rows[first]
    column = header.index("units") if "units" in header else 0
    return Problem(f"{describe(empty)} sold 0 units in every row: the forecast leaves "
                   f"{'it' if len(empty) == 1 else 'them'} out (zero for every product at once is almost never "
                   "demand, more often sales not yet loaded); if the sales are missing, fill them in or remove "
                   "those rows", "history", row, "units", a1_cell(row, column))
