"""How many campaigns make a year, read from the data when the user does not say.

The seasonal features (the same campaign a season ago, the phase in the season) and the
seasonal-naive baseline need ``season``: campaigns per year. A planner rarely knows to set it, and
a wrong default (17, the demo's three-week catalogues) quietly feeds weekly or monthly data a
meaningless lag. So the cadence is inferred, in this order, and the train result says how:

1. a date column of the history (ISO dates or datetimes, e.g. ``start_date``): the median number
   of days between consecutive campaigns' first dates, 365.25 / that;
2. campaign ids that are dates (``2023-01-02``), ISO weeks (``2023-W05``) or quarters
   (``2023-Q2``): the same, from the dates the ids name;
3. campaign ids numbering the campaigns within a year (``2023-01`` .. ``2023-17``, numbers without
   gaps): the number of the last campaign of each year the history has left, lower median
   (``YYYY-NN`` numbers with gaps, all <= 12, are read as months instead);
4. otherwise (plain numbers, free text, or one year not yet complete): none, and it says why.

Pure functions over a history frame; no guessing beyond what these rules can defend.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.data.campaigns import campaign_dates
from engine.data.columns import ISO_DATE, canonical_columns

from .backtest import campaign_order

MIN_SEASON, MAX_SEASON = 2, 104  # a period outside this range is not a yearly catalogue season
DAYS_PER_YEAR = 365.25
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})[-_/ ]?Q([1-4])$", re.IGNORECASE)
_YEAR_NUMBER = re.compile(r"^(\d{4})[-_/. ](\d{1,3})$")


@dataclass(frozen=True)
class Cadence:
    """Campaigns per year (``season``; 0 = unknown), where that came from and in words."""

    season: int
    source: str  # "user", "date column", "campaign ids" or "none"
    detail: str

    def to_dict(self) -> dict:
        return {"value": int(self.season), "source": self.source, "detail": self.detail}


def infer_cadence(history: pd.DataFrame) -> Cadence:
    """The season of ``history`` (see the module docstring for the rules, in order)."""
    history = canonical_columns(history)
    if "campaign" not in history.columns:
        return Cadence(0, "none", "the history has no campaign column")
    order = campaign_order(history["campaign"])
    if len(order) < 2:
        return Cadence(0, "none", "one campaign says nothing about how often campaigns come")
    found = _from_date_column(history)
    if found is not None:
        return found
    texts = [_as_text(c) for c in order]
    if any(t is None for t in texts):
        return Cadence(0, "none", "campaign ids are numbers or mixed, with no date column: the cadence "
                                  "cannot be read from them; set 'season' (campaigns per year) to use "
                                  "seasonal features")
    for reader in (_ids_as_dates, _ids_as_weeks, _ids_as_quarters, _ids_as_year_numbers):
        found = reader(texts)
        if found is not None:
            return found
    return Cadence(0, "none", f"campaign ids such as {texts[0]!r} name no date and there is no date "
                              "column: set 'season' (campaigns per year) to use seasonal features")


def _as_text(value) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (dt.date, pd.Timestamp, np.datetime64)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    return None


def _from_days(dates: list, what: str, source: str) -> Cadence:
    """The cadence of campaigns starting on ``dates`` (in campaign order), found in ``what``."""
    days = np.diff(np.array([pd.Timestamp(d).value for d in dates], dtype=float) / 86_400e9)
    days = days[days > 0]
    if days.size == 0:
        return Cadence(0, "none", f"{what}: every campaign has the same date")
    step = float(np.median(days))
    per_year = DAYS_PER_YEAR / step
    season = int(round(per_year))
    spread = "" if np.allclose(days, step, rtol=0.25) else \
        f"; steps vary from {days.min():.0f} to {days.max():.0f} days (irregular)"
    if not MIN_SEASON <= season <= MAX_SEASON:
        return Cadence(0, "none", f"{what}: a campaign every {step:g} days is {per_year:.1f} per year, "
                                  f"outside {MIN_SEASON}-{MAX_SEASON}: no yearly season used")
    return Cadence(season, source, f"{what}: a campaign every {step:g} days (median{spread}) = "
                                   f"{per_year:.1f} per year")


def _from_date_column(history: pd.DataFrame) -> Cadence | None:
    dated = campaign_dates(history)
    if dated is None:
        return None
    name, first = dated
    return _from_days(list(first), f"date column '{name}'", "date column")


def _ids_as_dates(texts: list[str]) -> Cadence | None:
    if not all(ISO_DATE.match(t) for t in texts):
        return None
    dates = pd.to_datetime(pd.Series(texts), errors="coerce", utc=True, format="mixed")
    if dates.isna().any():
        return None
    return _from_days(list(dates), "campaign ids (dates)", "campaign ids")


def _ids_as_weeks(texts: list[str]) -> Cadence | None:
    matches = [_WEEK.match(t) for t in texts]
    if not all(matches):
        return None
    try:
        dates = [dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1) for m in matches]
    except ValueError:
        return None
    return _from_days(dates, "campaign ids (ISO weeks)", "campaign ids")


def _ids_as_quarters(texts: list[str]) -> Cadence | None:
    matches = [_QUARTER.match(t) for t in texts]
    if not all(matches):
        return None
    dates = [dt.date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1) for m in matches]
    return _from_days(dates, "campaign ids (quarters)", "campaign ids")


def _ids_as_year_numbers(texts: list[str]) -> Cadence | None:
    """``YYYY-NN`` ids: campaign numbers within each year, or months.

    Numbers that run without a gap inside each year are campaign numbers (months 1..12 are that
    too): a year the history has left (the next year appears) had as many campaigns as its last
    number. Numbers with gaps, all <= 12, are months: the median step between them. A history
    that has completed no year cannot say (``2023-01`` .. ``2023-08`` may be months or the first
    eight of 17 catalogues), and is reported as such.
    """
    matches = [_YEAR_NUMBER.match(t) for t in texts]
    if not all(matches):
        return None
    pairs = [(int(m.group(1)), int(m.group(2))) for m in matches]
    years = sorted({y for y, _ in pairs})
    numbers = {y: sorted(n for yy, n in pairs if yy == y) for y in years}
    runs = all(v == list(range(v[0], v[-1] + 1)) for v in numbers.values())
    months = all(1 <= n <= 12 for _, n in pairs)
    if not runs:
        if not months:
            return Cadence(0, "none", "campaign ids look like YYYY-NN, but the numbers skip values and "
                                      "go above 12: neither months nor a count of campaigns; set 'season'")
        dates = [dt.date(y, n, 1) for y, n in pairs]
        return _from_days(dates, "campaign ids (year-month)", "campaign ids")
    complete = [numbers[y][-1] for y in years if y + 1 in numbers and numbers[y + 1][0] == 1]
    if not complete:
        last = years[-1]
        return Cadence(0, "none", f"campaign ids number the campaigns within a year ({texts[0]} .. {texts[-1]}: "
                                  f"at least {numbers[last][-1]} in {last}) but no year is complete in the "
                                  "history, so campaigns per year are not known: set 'season'")
    counts = sorted(complete)
    season = counts[(len(counts) - 1) // 2]  # lower median: 17 and 18 (three-week catalogues) give 17
    if not MIN_SEASON <= season <= MAX_SEASON:
        return Cadence(0, "none", f"campaign ids: {season} campaigns a year is outside "
                                  f"{MIN_SEASON}-{MAX_SEASON}: no yearly season used")
    years_text = ", ".join(f"{numbers[y][-1]} in {y}" for y in years if y + 1 in numbers and numbers[y + 1][0] == 1)
    return Cadence(season, "campaign ids", f"campaign ids number the campaigns within each year "
                                           f"(YYYY-NN): {years_text}")
