"""Does the campaigns' sort order look like their time order? A warning when it plainly does not.

The contract takes a history's campaigns in sort order as their time order (numbers numerically,
text as text), and every part of the engine reads time that way: the backtest's held-out
campaigns, the sales lags, the last catalogue of a business case. Text ids a planner writes
often do not sort in time: ``C1 … C11`` puts ``C10`` and ``C11`` before ``C2`` (so ``C9`` is
taken as the latest), dates written ``02/11/2024`` sort by their day, ``Spring 25`` / ``Nov 2024``
alphabetically. Nothing is reordered here (that would change what the contract says); the
dataset's warning says which campaign Folio takes as the latest and how to write ids that sort.

A history with a date column (``start_date``) says when each campaign ran, so there the dates
decide: a campaign whose first date comes before the one sorted ahead of it is warned about
(numbers too: campaign 12 dated before campaign 11), and ids the text rules would doubt
(``Spring 25`` …) are not, when the dates show their sort order is their time order. Seen through
the API: campaigns ``B, A, C`` dated A first were taken in id order, the cadence read only the
steps forward, and nothing said so.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from engine.errors import Problem, a1_cell

from .columns import date_values

# day-first before month-first: both are tried, and when they order the ids differently the
# ids are ambiguous (every day <= 12), which the warning says
_DATE_FORMATS = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%d/%m/%y", "%m/%d/%y",
                 "%b %Y", "%B %Y", "%b-%Y", "%b %y", "%B %y", "%Y %b", "%Y %B")
_NAMES = re.compile(r"(?i)\b(spring|summer|autumn|fall|winter|jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|"
                    r"june?|july?|aug(ust)?|sep(t|tember)?|oct(ober)?|nov(ember)?|dec(ember)?)\b")
_ADVICE = ("If they ran in another order, write ids that sort in time: numbers of one width "
           "(C01 … C11) or dates as 2025-03-01.")


def natural_key(text: str) -> tuple:
    """'C2' before 'C10': digit runs compared as numbers, the rest as lower-case text."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", text) if part)


def _date_orders(ids: list[str]) -> list[list[str]]:
    """The ids in date order, once for every date format that reads all of them."""
    orders = []
    for fmt in _DATE_FORMATS:
        try:
            dates = {i: dt.datetime.strptime(i.strip(), fmt) for i in ids}
        except ValueError:
            continue
        order = sorted(ids, key=lambda i: dates[i])
        if order not in orders:
            orders.append(order)
    return orders


def _why(ids: list[str]) -> tuple[str, str] | None:
    """(why the sort order is not the time order, the id to point at), or None when it may be."""
    dated = _date_orders(ids)
    if len(dated) > 1:
        return (f"ids such as {ids[0]!r} read as dates both day-first and month-first, and sorted as "
                "text they are in neither order", ids[0])
    if dated and dated[0] != ids:
        wrong = next(a for a, b in zip(ids, dated[0]) if a != b)
        return f"dates written like {wrong!r} sort as text, not by date", wrong
    if not dated:
        natural = sorted(ids, key=natural_key)
        if natural != ids:
            i = next(i for i, (a, b) in enumerate(zip(ids, natural)) if a != b)
            later = next(b for b in ids[i + 1:] if natural_key(b) < natural_key(ids[i]))
            return f"{ids[i]!r} sorts before {later!r}", ids[i]
    named = next((i for i in ids if _NAMES.search(i)), None)
    if named is not None and not dated:
        return f"season and month names such as {named!r} sort alphabetically, not in time", named
    return None


# columns of the contract: never a campaign's date
_CONTRACT = frozenset({"campaign", "product_id", "units", "country", "category", "brand", "price",
                       "discount", "page", "slot_size", "featured"})


def _sort_order(campaigns: pd.Series) -> list:
    """Distinct campaigns in the order the engine takes as time (engine.forecast.backtest's
    campaign_order: numbers numerically, text as text, a mix as text)."""
    values = pd.unique(campaigns.dropna())
    try:
        return sorted(values.tolist())
    except TypeError:
        return sorted(values.tolist(), key=str)


def campaign_dates(history: pd.DataFrame) -> tuple[str, pd.Series] | None:
    """(the date column's name, each campaign's first date in sort order), for the history's first
    column (outside the contract's) whose every value is a date and that dates two campaigns or
    more; None when there is none. The one reading of "when did each campaign run" (the cadence
    reads its season from it, the order warning checks the sort order against it)."""
    for name in history.columns:
        if name in _CONTRACT:
            continue
        dates = date_values(history[name])
        if dates is None:
            continue
        first = dates.groupby(history["campaign"].astype("object")).min()
        first = first.reindex(_sort_order(history["campaign"])).dropna()
        if len(first) >= 2:
            return name, first
    return None


def _located(history: pd.DataFrame, rows: list[int], header: list, at) -> tuple[int | None, str | None]:
    position = int((history["campaign"].astype("object") == at).to_numpy().argmax())
    row = rows[position] if position < len(rows) else None
    cell = a1_cell(row, header.index("campaign")) if row is not None and "campaign" in header else None
    return row, cell


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _date_order_warning(history: pd.DataFrame, rows: list[int], header: list,
                        name: str, first: pd.Series) -> Problem | None:
    """The warning when the campaigns' dates run against their sort order, else None."""
    ids, dates = list(first.index), first.to_numpy()
    back = next((i for i in range(1, len(ids)) if dates[i] < dates[i - 1]), None)
    if back is None:
        return None
    late, early = ids[back - 1], ids[back]
    latest = ids[int(np.argmax(dates))]
    row, cell = _located(history, rows, header, early)
    taken = (f"{ids[-1]!r} is taken as the latest campaign although {latest!r} has the latest date"
             if latest != ids[-1] else "the backtest, the sales of earlier campaigns and the cadence read "
             f"{late!r} as the later one")
    return Problem(f"campaign {early!r} started {_day(dates[back])} ('{name}'), before campaign {late!r} "
                   f"({_day(dates[back - 1])}), but Folio takes the campaigns' sort order as their time order: "
                   f"{taken}. Give the campaigns ids that sort in the order they ran (numbers of one width, or their "
                   "start dates written 2025-03-01).", "history", row, "campaign", cell)


def campaign_order_warning(history: pd.DataFrame, rows: list[int], header: list) -> Problem | None:
    """A warning when the history's campaigns plainly do not sort in time (see the module
    docstring), located at the first row of the id it names; None otherwise."""
    if "campaign" not in history.columns:
        return None
    dated = campaign_dates(history)
    if dated is not None:  # the dates say when the campaigns ran: they decide
        return _date_order_warning(history, rows, header, *dated)
    values = history["campaign"].dropna()
    ids = sorted({str(v) for v in values if isinstance(v, str)})
    if len(ids) < 2 or len(ids) != values.nunique():
        return None  # numbers (sorted numerically) or a mix the contract compares as text anyway
    found = _why(ids)
    if found is None:
        return None
    why, at = found
    row, cell = _located(history, rows, header, at)
    return Problem(f"campaign ids are text and Folio takes their sort order as their time order, but "
                   f"{why}: {ids[-1]!r} is taken as the latest campaign and {ids[0]!r} as the first. "
                   + _ADVICE, "history", row, "campaign", cell)
