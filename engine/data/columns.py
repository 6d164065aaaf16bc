"""Column helpers every part shares: contract names, numbers and texts read leniently.

Column names are matched case-insensitively after trimming (the contract); a missing column reads
as all-missing; text values are trimmed Python strings with one token, ``MISSING``, for empty and
missing cells (encoders and group-bys need one).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

MISSING = "(missing)"
# ISO dates, optionally with a time and a zone: what a workbook's date cells read as (the add-in
# and engine.data.workbook_io turn Excel dates into this text).
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
# Day-first or month-first dates (31/01/2024, 01.31.2024): read when only one order fits them all.
DAY_MONTH_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{4}$")


def canonical_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with trimmed, lower-case column names (the contract matches names that way)."""
    renamed = {c: str(c).strip().lower() for c in frame.columns}
    if all(k == v for k, v in renamed.items()):
        return frame
    return frame.rename(columns=renamed)


def numeric_column(frame: pd.DataFrame, name: str, default: float = np.nan) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def text_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as Python strings with one token for missing values (encoders need that)."""
    if name not in frame.columns:
        return np.full(len(frame), MISSING, dtype=object)
    codes, labels = text_codes(frame, name)
    return labels[codes]


def text_codes(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, labels)`` of a column read as text: ``labels`` sorted and distinct, and
    ``labels[codes]`` the trimmed strings of the values (``MISSING`` for empty or missing cells).

    The values are hashed first (``pandas.factorize``) and only the distinct ones turned into
    strings: planner tables have millions of rows and few products. Object columns that mix
    types are converted value by value (1 and 1.0 hash alike but read "1" and "1.0")."""
    if name not in frame.columns:
        return np.zeros(len(frame), dtype=np.int64), np.array([MISSING], dtype=object)
    column = frame[name]
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if column.dtype == object and not all(isinstance(v, str) for v in uniques):
        values = column.astype(object).to_numpy(dtype=object)
        missing = column.isna().to_numpy()
        text = np.array([str(v).strip() for v in values], dtype=object)
        text[missing | (text == "")] = MISSING
        labels, inverse = np.unique(text, return_inverse=True)
        return inverse.astype(np.int64), labels
    names = np.array([str(v).strip() or MISSING for v in uniques] + [MISSING], dtype=object)
    labels, inverse = np.unique(names, return_inverse=True)  # "a" and " a" are one label
    return inverse[np.where(codes < 0, len(uniques), codes)].astype(np.int64), labels


class TextColumns:
    """The text columns of one frame, each hashed once (:func:`text_codes`).

    A transform reads ``product_id`` for several features; planner tables have millions of rows
    and few distinct values, so per-value work (mapping to a learned number, say) is done on the
    distinct values and broadcast by code."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in self._codes:
            self._codes[name] = text_codes(self.frame, name)
        return self._codes[name]

    def values(self, name: str) -> np.ndarray:
        """What :func:`text_column` gives."""
        codes, labels = self.codes(name)
        return labels[codes]

    def map(self, name: str, mapping: dict, default: float = np.nan) -> np.ndarray:
        """``mapping[value]`` per row as floats (``default`` for values it lacks)."""
        codes, labels = self.codes(name)
        return np.array([mapping.get(label, default) for label in labels], dtype=float)[codes]

    def lookup(self, name: str, known: np.ndarray) -> np.ndarray:
        """Index of each row's value in the sorted labels ``known`` (-1 where it is not there)."""
        codes, labels = self.codes(name)
        if not len(known):
            return np.full(len(codes), -1, dtype=np.int64)
        where = np.minimum(np.searchsorted(known, labels), len(known) - 1)
        return np.where(known[where] == labels, where, -1)[codes]


def date_values(column: pd.Series) -> pd.Series | None:
    """The column as (UTC) datetimes when every filled value is a date (ISO text, a date or a
    datetime), else None.

    Why here: a date column (a campaign's ``start_date``, say) means one thing to every part: the
    forecast reads the cadence from it and does not make a feature of it, explore describes it as
    dates, validation says what it is for. A sample of the values is checked before anything is
    parsed, so a text column costs almost nothing, and only the distinct values are parsed (a
    history of a million rows has a few dozen campaign dates)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
        return None
    values = column.dropna()
    if values.empty:
        return None
    sample = values.iloc[:: max(1, len(values) // 50)]
    if not all(isinstance(v, (dt.date, pd.Timestamp)) or (isinstance(v, str) and ISO_DATE.match(v.strip()))
               for v in sample):
        return _day_month_dates(column, sample)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    parsed = pd.to_datetime(pd.Series(np.asarray(uniques, dtype=object)), errors="coerce", utc=True, format="mixed")
    if parsed.isna().any():
        return None
    out = parsed.iloc[np.maximum(codes, 0)].set_axis(column.index)
    return out.where(codes >= 0)


def _day_month_dates(column: pd.Series, sample: pd.Series) -> pd.Series | None:
    """Dates written ``31/01/2024`` or ``01/31/2024`` (``/``, ``.`` or ``-``), as a csv export or a
    script sends them: read when exactly one of day-first and month-first reads every value (a
    column of a year's campaigns has a day above 12). Both reading all (every day <= 12) is
    ambiguous: not a date column, as before. Through the API a dd/mm/yyyy ``start_date`` was
    taken as a text feature and its cadence was lost."""
    if not all(isinstance(v, str) and DAY_MONTH_DATE.match(v.strip()) for v in sample):
        return None
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    text = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip().str.replace(r"[.-]", "/", regex=True)
    readings = [pd.to_datetime(text, errors="coerce", utc=True, format=fmt) for fmt in ("%d/%m/%Y", "%m/%d/%Y")]
    whole = [r for r in readings if not r.isna().any()]
    if len(whole) != 1:
        return None
    out = whole[0].iloc[np.maximum(codes, 0)].set_axis(column.index)
    return out.where(codes >= 0)


def is_date_column(column: pd.Series) -> bool:
    """Does every filled value of ``column`` read as a date (:func:`date_values`)?"""
    return date_values(column) is not None
