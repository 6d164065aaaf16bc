"""Tables as Excel sends them (2-D arrays) -> validated, typed DataFrames, and back.

Why one module: every entry point (add-in, page upload, scripts) sends the same ``range.values``
shape, and a planner fixing a sheet wants *every* problem at once, each with its table, row (as
sent, header = row 1), column and A1 cell, so one pass collects them all before raising.

Typing rules (contract section 1), chosen so the rest of the engine never re-checks:

- column names are trimmed and lower-cased; unknown columns are kept (numbers if every value is
  a number, else text) and reported as a warning (except a history column of dates, e.g.
  ``start_date``: the forecast reads the cadence from it, and the train result says so);
- numbers may arrive as numbers or numeric strings (``"12.5"``, ``"20%"`` -> 0.2); booleans are
  not numbers, except in 0/1 columns where Excel's TRUE/FALSE are accepted;
- 0/1 columns (``featured``, ``must_include``) come back as int64 with empty = 0; ``discount``
  empty = 0; other empty numbers are NaN; integer columns are int64 when complete, else float64;
- ``campaign`` stays sortable: all numbers -> numbers (int64 when whole), all text -> text;
- text columns are pandas strings, numbers written as text without a spurious ``.0``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np
import pandas as pd

from .campaigns import campaign_order_warning
from .columns import is_date_column
from .dataset import RULE_TABLES, TABLE_NAMES, Dataset
from .duplicates import duplicate_rows_warning
from .zero_campaigns import zero_campaign_warning
from .prices import price_warnings
from engine.errors import FolioError, Problem, a1_cell, table_error

MAX_PROBLEMS = 200  # listed in the error; the detail still gives the full count
_KEPT_PROBLEMS = 20_000  # gathered before sorting by table, row and cell, then cut to MAX_PROBLEMS

TEXT, NUMBER, INTEGER, FLAG, KEY = "text", "number", "integer", "flag", "key"


@dataclass(frozen=True)
class Column:
    """What one canonical column must hold.

    ``low``/``high`` bound the value; ``low_open`` makes the lower bound strict (price > 0).
    ``fill`` replaces empty cells (e.g. discount empty = no discount).
    """

    kind: str
    required: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    fill: float | None = None

    def rule(self) -> str:
        if self.kind == FLAG:
            return "0 or 1"
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {_fmt(self.low)}")
        if self.high is not None:
            parts.append(f"<= {_fmt(self.high)}")
        noun = "an integer" if self.kind == INTEGER else "a number"
        return f"{noun} {' and '.join(parts)}".strip()


SCHEMAS: dict[str, dict[str, Column]] = {
    "history": {
        "campaign": Column(KEY, required=True),
        "product_id": Column(TEXT, required=True),
        "units": Column(NUMBER, required=True, low=0),
        "country": Column(TEXT),
        "category": Column(TEXT),
        "brand": Column(TEXT),
        "price": Column(NUMBER, low=0, low_open=True),
        "discount": Column(NUMBER, low=0, high=0.9, fill=0.0),
        "page": Column(INTEGER, low=1),
        "slot_size": Column(NUMBER, low=0, low_open=True),
        "featured": Column(FLAG, fill=0),
    },
    "products": {
        "product_id": Column(TEXT, required=True),
        "price": Column(NUMBER, required=True, low=0, low_open=True),
        "unit_cost": Column(NUMBER, low=0),
        "name": Column(TEXT),
        "category": Column(TEXT),
        "brand": Column(TEXT),
        "must_include": Column(FLAG, fill=0),
        "max_units": Column(NUMBER, low=0, low_open=True),
    },
    "slots": {
        "page": Column(INTEGER, required=True, low=1),
        "slot": Column(INTEGER, required=True, low=1),
        "slot_size": Column(NUMBER, low=0, low_open=True),
        "featured": Column(FLAG, fill=0),
    },
    "category_limits": {
        "category": Column(TEXT, required=True),
        "min": Column(INTEGER, low=0),
        "max": Column(INTEGER, low=0),
        "max_per_page": Column(INTEGER, low=1),
    },
    # plan-rule tables (engine.plan.rules): each row one thing the plan must keep
    "locks": {
        "page": Column(INTEGER, required=True, low=1),
        "slot": Column(INTEGER, low=1),
        "product_id": Column(TEXT, required=True),
        "discount": Column(NUMBER, low=0, high=0.9),  # empty = any allowed level
        "country": Column(TEXT),
    },
    "brand_limits": {
        "brand": Column(TEXT, required=True),
        "min": Column(INTEGER, low=0),
        "max": Column(INTEGER, low=0),
        "country": Column(TEXT),
    },
    "page_conflicts": {
        "group": Column(TEXT, required=True),
        "product_id": Column(TEXT, required=True),
        "country": Column(TEXT),
    },
}

# Cells of these columns must be filled on every row (beyond the column being present).
NOT_EMPTY = {
    "history": ("campaign", "product_id", "units"),
    "products": ("product_id", "price"),
    "slots": ("page", "slot"),
    "category_limits": ("category",),
    "locks": ("page", "product_id"),
    "brand_limits": ("brand",),
    "page_conflicts": ("group", "product_id"),
}

# Tables a job sends besides its dataset (not stored with it): a planner's own plan to score.
INPUT_SCHEMAS: dict[str, dict[str, Column]] = {
    "plan": {
        "page": Column(INTEGER, required=True, low=1),
        "slot": Column(INTEGER, required=True, low=1),
        "product_id": Column(TEXT, required=True),
        "discount": Column(NUMBER, low=0, high=0.9, fill=0.0),
    },
}
NOT_EMPTY["plan"] = ("page", "slot", "product_id")

# Rule tables whose header alone (no rows) means "no such rules": a planner clears a locks sheet
# to its header to plan without locks. Read as absent (None), never as an empty DataFrame.
MAY_BE_EMPTY = ("category_limits", *RULE_TABLES)

_MISSING = object()
_TRUE = {"true", "wahr", "vrai", "yes"}
_FALSE = {"false", "falsch", "faux", "no"}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


class _Collector:
    """Gathers problems (bounded memory) and counts them all."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.count = 0

    def add(self, message: str, table: str | None = None, row: int | None = None,
            column: str | None = None, cell: str | None = None) -> None:
        self.count += 1
        if len(self.found) < _KEPT_PROBLEMS:
            self.found.append(Problem(message, table, row, column, cell))

    @property
    def problems(self) -> list[Problem]:
        """The first MAX_PROBLEMS in reading order: table, row, then column of the cell."""
        order = {name: i for i, name in enumerate(SCHEMAS)}

        def key(p: Problem) -> tuple:
            letters = "".join(ch for ch in (p.cell or "") if ch.isalpha())
            return (order.get(p.table or "", -1), p.row or 0, len(letters), letters)

        return sorted(self.found, key=key)[:MAX_PROBLEMS]


def _parse_number(value: Any) -> float | str:
    """A finite float, NaN for empty, or an error message (str)."""
    t = type(value)
    if t is float or t is int:
        x = float(value)
    elif value is None:
        return math.nan
    elif t is bool or isinstance(value, (bool, np.bool_)):
        return f"expected a number, got {'TRUE' if value else 'FALSE'}"
    elif isinstance(value, (int, float, np.integer, np.floating)):
        x = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return math.nan
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], 0.01
        try:
            x = float(text) * scale
        except ValueError:
            return f"expected a number, got {_show(value)}"
    else:
        return f"expected a number, got {type(value).__name__}"
    if not math.isfinite(x):
        return f"expected a finite number, got {_show(value)}"
    return x


def _parse_flag(value: Any) -> float | str:
    """1.0/0.0, NaN for empty, or an error message. Excel TRUE/FALSE accepted."""
    if isinstance(value, (bool, np.bool_)):
        return 1.0 if value else 0.0
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return 1.0 if value.strip().lower() in _TRUE else 0.0
    x = _parse_number(value)
    if isinstance(x, float) and math.isnan(x):
        return x
    if isinstance(x, str) or x not in (0.0, 1.0):
        return f"expected 0 or 1, got {_show(value)}"
    return x


def _as_text(value: Any) -> str | None:
    """Cell -> trimmed text; whole numbers without '.0'; empty -> None."""
    if _is_empty(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            return None
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value)


def column_texts(raw: Any, column: str) -> set[str]:
    """The distinct non-empty texts of one column of a raw 2-D table, read the way validation
    reads text cells (trimmed; whole numbers without '.0'); empty when the column is absent.

    Cheap: nothing else of the table is read, for questions about a table that was validated when
    it was stored (e.g. which countries a dataset has: 0.01 s where validating 330k rows takes 1.4 s).
    """
    if not isinstance(raw, list) or not raw or not isinstance(raw[0], list):
        return set()
    names = ["" if h is None else str(h).strip().lower() for h in raw[0]]
    if column not in names:
        return set()
    j = names.index(column)
    texts = {_as_text(row[j]) for row in raw[1:] if isinstance(row, list) and j < len(row)}
    return {t for t in texts if t}


def _header(table: str, header: Any, out: _Collector) -> list[str | None]:
    """Canonical names per sent column (None = unnamed); reports duplicates."""
    names: list[str | None] = []
    seen: dict[str, int] = {}
    for j, raw in enumerate(header):
        name = _as_text(raw)
        name = name.lower() if name is not None else None
        if name is not None and name in seen:
            out.add(f"column '{name}' appears twice (also in {a1_cell(1, seen[name])})",
                    table, 1, name, a1_cell(1, j))
        elif name is not None:
            seen[name] = j
        names.append(name)
    return names


# A real history has a few dozen columns; thousands are a mistake (a whole sheet's used range) or
# hostile, and would cost seconds of validation for nothing.
MAX_COLUMNS = 1_000


def _check_shape(table: str, raw: Any, out: _Collector) -> list[list] | None:
    """The array itself: a list of lists with a header and at least one data row."""
    if not isinstance(raw, (list, tuple)) or any(not isinstance(r, (list, tuple)) for r in raw):
        out.add("expected a 2-D array: a list of rows, the first row holding column names", table)
        return None
    if len(raw) == 0 or all(_is_empty(v) for v in raw[0]):
        out.add("the table is empty: the first row must hold the column names", table, 1)
        return None
    if len(raw[0]) > MAX_COLUMNS:
        out.add(f"the table has {len(raw[0])} columns; at most {MAX_COLUMNS} are accepted",
                table, 1, None, a1_cell(1, MAX_COLUMNS))
        return None
    return [list(r) for r in raw]


def _rows_of(table: str, rows: list[list], width: int, out: _Collector) -> tuple[list[list], list[int]]:
    """Data rows padded to the header width, fully empty rows dropped; their sheet row numbers."""
    kept: list[list] = []
    numbers: list[int] = []
    for i, row in enumerate(rows[1:]):
        sheet_row = i + 2
        if len(row) > width:
            extra = [k for k in range(width, len(row)) if not _is_empty(row[k])]
            if extra:
                out.add(f"row has {len(row)} cells but the header has {width} columns",
                        table, sheet_row, None, a1_cell(sheet_row, extra[0]))
            row = row[:width]
        elif len(row) < width:
            if any(not _is_empty(v) for v in row):
                out.add(f"row has {len(row)} cells but the header has {width} columns",
                        table, sheet_row, None, a1_cell(sheet_row, len(row)))
            row = row + [None] * (width - len(row))
        if all(_is_empty(v) for v in row):
            continue
        kept.append(row)
        numbers.append(sheet_row)
    return kept, numbers


def _numeric_column(table: str, name: str, spec: Column, values: list, j: int,
                    rows: list[int], out: _Collector) -> np.ndarray:
    parse: Callable[[Any], float | str] = _parse_flag if spec.kind == FLAG else _parse_number
    arr = np.empty(len(values))
    for i, value in enumerate(values):
        x = parse(value)
        if isinstance(x, str):
            out.add(f"{name}: {x}", table, rows[i], name, a1_cell(rows[i], j))
            x = math.nan
        arr[i] = x
    bad = np.zeros(len(arr), dtype=bool)
    with np.errstate(invalid="ignore"):
        if spec.kind == INTEGER:
            bad |= ~np.isnan(arr) & (arr != np.floor(arr))
        if spec.low is not None:
            bad |= (arr <= spec.low) if spec.low_open else (arr < spec.low)
        if spec.high is not None:
            bad |= arr > spec.high
    for i in np.flatnonzero(bad):
        out.add(f"{name} must be {spec.rule()}, got {_show(values[i])}",
                table, rows[i], name, a1_cell(rows[i], j))
        arr[i] = math.nan
    return arr


def _key_column(table: str, name: str, values: list, j: int, rows: list[int],
                out: _Collector) -> pd.Series:
    """``campaign``: numbers stay numbers, text stays text; a mix cannot sort, so it is refused."""
    parsed = [_parse_number(v) for v in values]
    is_num = [isinstance(x, float) and not math.isnan(x) for x in parsed]
    is_text = [not _is_empty(v) and not n for v, n in zip(values, is_num)]
    n_num, n_text = sum(is_num), sum(is_text)
    if n_num and n_text:
        minority = is_num if n_num < n_text else is_text
        i = minority.index(True)
        out.add(f"{name} mixes numbers and text ({n_num} numbers, {n_text} texts), so campaigns "
                f"cannot be put in time order; use one kind", table, rows[i], name,
                a1_cell(rows[i], j))
    if n_num and not n_text:
        arr = np.array([x if isinstance(x, float) else math.nan for x in parsed])
        finite = arr[~np.isnan(arr)]
        # whole numbers become integers, but only where a float holds them exactly (|x| < 2**53):
        # a campaign id like 1e20 stays a float instead of wrapping to a wrong int64
        if (len(finite) == len(arr) and np.all(finite == np.floor(finite))
                and np.all(np.abs(finite) < 2.0 ** 53)):
            return pd.Series(arr.astype(np.int64))
        return pd.Series(arr)
    return pd.Series([_as_text(v) for v in values], dtype="str")


def _extra_column(values: list) -> pd.Series:
    """An unknown column: numbers when every filled cell is one, otherwise text."""
    parsed = [_parse_number(v) for v in values]
    if all(isinstance(x, float) for x in parsed) and any(not math.isnan(x) for x in parsed):
        return pd.Series(np.array(parsed, dtype=float))
    return pd.Series([_as_text(v) for v in values], dtype="str")


def _extra_column_note(table: str, name: str, column: pd.Series) -> str | None:
    """The warning an unknown column earns: it will be a model feature (check the name is not a
    misspelt contract column), or, for a column of dates, what it is used for. A history's date
    column (a campaign's start date, as planners' exports carry) is read for the cadence and
    reported in the train result's ``season``: nothing to check, so no warning."""
    if not is_date_column(column):
        return f"unknown column '{name}' kept as an extra feature"
    if table == "history":
        return None
    return f"column '{name}' holds dates: kept, not used as a feature"


def _finish_numeric(arr: np.ndarray, spec: Column) -> pd.Series:
    if spec.fill is not None:
        arr = np.where(np.isnan(arr), spec.fill, arr)
    if spec.kind in (INTEGER, FLAG) and not np.isnan(arr).any():
        return pd.Series(arr.astype(np.int64))
    return pd.Series(arr)


def _read_table(table: str, raw: Any, out: _Collector,
                warnings: list[Problem]) -> tuple[pd.DataFrame, list[int], list] | None:
    """One table -> typed DataFrame and the sheet row of each of its rows (None if its shape is
    unusable). Problems go to ``out``."""
    schema = SCHEMAS[table] if table in SCHEMAS else INPUT_SCHEMAS[table]
    rows = _check_shape(table, raw, out)
    if rows is None:
        return None
    names = _header(table, rows[0], out)
    width = len(names)
    data, sheet_rows = _rows_of(table, rows, width, out)
    for col, spec in schema.items():
        if spec.required and col not in names:
            out.add(f"required column '{col}' is missing", table, 1, col, a1_cell(1, width))
    if not data and table not in MAY_BE_EMPTY:
        out.add("the table has no data rows", table, 2)
    columns: dict[str, pd.Series] = {}
    for j, name in enumerate(names):
        values = [r[j] for r in data]
        if name is None:
            filled = [i for i, v in enumerate(values) if not _is_empty(v)]
            if filled:
                out.add("a column with values has no name in the header row", table, 1, None,
                        a1_cell(1, j))
            continue
        if name in columns:
            continue  # duplicate header, already reported
        spec = schema.get(name)
        if spec is None:
            columns[name] = _extra_column(values)
            note = _extra_column_note(table, name, columns[name])
            if note:
                warnings.append(Problem(note, table, 1, name, a1_cell(1, j)))
            continue
        if name in NOT_EMPTY.get(table, ()):
            for i, v in enumerate(values):
                if _is_empty(v):
                    out.add(f"{name} is empty; every row needs one", table, sheet_rows[i], name,
                            a1_cell(sheet_rows[i], j))
        if spec.kind == KEY:
            columns[name] = _key_column(table, name, values, j, sheet_rows, out)
        elif spec.kind == TEXT:
            columns[name] = pd.Series([_as_text(v) for v in values], dtype="str")
        else:
            arr = _numeric_column(table, name, spec, values, j, sheet_rows, out)
            columns[name] = _finish_numeric(arr, spec)
    df = pd.DataFrame(columns)
    if not columns:
        df = pd.DataFrame(index=range(len(data)))
    _table_rules(table, df, names, sheet_rows, out)
    return df, sheet_rows, names


def _duplicates(table: str, df: pd.DataFrame, keys: list[str], names: list, sheet_rows: list[int],
                out: _Collector) -> None:
    if not all(k in df.columns for k in keys) or df.empty:
        return
    sub = df[keys]
    if "country" in keys:  # an empty country (= every country) is a key value of its own
        sub = sub.assign(country=sub["country"].fillna(""))
    dup = sub.duplicated(keep="first") & sub.notna().all(axis=1)
    if not dup.any():
        return
    first_at = {}
    for i, key in enumerate(map(tuple, sub.itertuples(index=False, name=None))):
        first_at.setdefault(key, sheet_rows[i])
    j = names.index(keys[-1])
    label = ", ".join(keys)
    for i in np.flatnonzero(dup.to_numpy()):
        key = tuple(sub.iloc[i])
        shown = ", ".join(_as_text(k) or "" for k in key)
        out.add(f"({label}) = ({shown}) appears twice (first in row {first_at[key]})" if len(keys) > 1
                else f"{label} '{shown}' appears twice (first in row {first_at[key]})",
                table, sheet_rows[i], keys[-1], a1_cell(sheet_rows[i], j))


def _table_rules(table: str, df: pd.DataFrame, names: list, sheet_rows: list[int],
                 out: _Collector) -> None:
    """Rules across cells of one table: unique keys (per country where the table names
    countries: one catalogue per country, see engine/plan_countries.py), min <= max."""
    per = ["country"] if table != "history" and "country" in df.columns else []
    if table == "products":
        _duplicates(table, df, per + ["product_id"], names, sheet_rows, out)
    elif table == "slots":
        _duplicates(table, df, per + ["page", "slot"], names, sheet_rows, out)
    elif table in ("category_limits", "brand_limits"):
        _duplicates(table, df, per + [table.split("_")[0]], names, sheet_rows, out)
        if "min" in df.columns and "max" in df.columns:
            bad = (df["min"] > df["max"]).to_numpy()
            j = names.index("min")
            for i in np.flatnonzero(bad):
                r = sheet_rows[i]
                out.add(f"min ({_fmt(df['min'].iloc[i])}) is greater than max "
                        f"({_fmt(df['max'].iloc[i])})", table, r, "min", a1_cell(r, j))
    elif table == "locks":
        _duplicates(table, df, per + ["product_id"], names, sheet_rows, out)
        if "slot" in df.columns:
            placed = df[df["slot"].notna()] if "slot" in df.columns else df
            keep = [sheet_rows[i] for i in np.flatnonzero(df["slot"].notna().to_numpy())]
            _duplicates(table, placed.reset_index(drop=True), per + ["page", "slot"], names, keep, out)
    elif table == "page_conflicts":
        _duplicates(table, df, per + ["group", "product_id"], names, sheet_rows, out)


def _cross_rules(tables: dict[str, pd.DataFrame], rows: dict[str, list[int]], names: dict[str, list],
                 out: _Collector, warnings: list[Problem]) -> None:
    """Rule tables against the products (and slots) they name: every problem at once. A table
    that lacks a column (already reported) is not checked for it."""

    def cell(table: str, row: int, column: str) -> str | None:
        header = names.get(table) or []
        return a1_cell(row, header.index(column)) if column in header else None

    def has(table: str, *columns: str) -> bool:
        df = tables.get(table)
        return df is not None and all(c in df.columns for c in columns)

    products = tables.get("products")
    known = set(products["product_id"].dropna()) if has("products", "product_id") else None
    for table in (t for t in RULE_TABLES if "product_id" in SCHEMAS[t]):  # every rule table naming products
        if not has(table, "product_id"):
            continue
        if known is None:
            out.add(f"{table} names products, so a products table is needed", table, 1, "product_id",
                    cell(table, 1, "product_id"))
            continue
        for i, pid in enumerate(tables[table]["product_id"]):
            if isinstance(pid, str) and pid not in known:
                r = rows[table][i]
                out.add(f"product '{pid}' is not in the products table", table, r, "product_id",
                        cell(table, r, "product_id"))
    if has("locks", "page") and has("slots", "page", "slot") and not has("slots", "country") \
            and not has("locks", "country"):
        locks, slots = tables["locks"], tables["slots"]
        pages = set(slots["page"].dropna().astype(int))
        both = slots[["page", "slot"]].dropna().astype(int)
        places = set(zip(both["page"], both["slot"]))
        for i, page in enumerate(locks["page"]):
            if pd.isna(page):
                continue
            r = rows["locks"][i]
            slot = locks["slot"].iloc[i] if "slot" in locks.columns else None
            if int(page) not in pages:
                out.add(f"page {int(page)} is not in the slots table", "locks", r, "page", cell("locks", r, "page"))
            elif slot is not None and pd.notna(slot) and (int(page), int(slot)) not in places:
                out.add(f"page {int(page)} has no slot {int(slot)} in the slots table", "locks", r, "slot",
                        cell("locks", r, "slot"))
    if has("brand_limits", "brand") and products is not None:
        if "brand" not in products.columns:
            out.add("brand_limits needs a brand column in products", "brand_limits", 1, "brand",
                    cell("brand_limits", 1, "brand"))
        else:
            have = set(products["brand"].dropna())
            for i, brand in enumerate(tables["brand_limits"]["brand"]):
                if isinstance(brand, str) and brand not in have:
                    warnings.append(Problem(f"brand '{brand}' has no product among the candidates",
                                            "brand_limits", rows["brand_limits"][i], "brand"))
    if has("page_conflicts", "group", "product_id"):
        conflicts = tables["page_conflicts"]
        sizes = conflicts.groupby("group")["product_id"].nunique()
        for group in sizes.index[sizes < 2]:
            i = int(np.flatnonzero((conflicts["group"] == group).to_numpy())[0])
            warnings.append(Problem(f"group '{group}' has one product: nothing to keep apart",
                                    "page_conflicts", rows["page_conflicts"][i], "group"))


def _dataset_warnings(tables: dict[str, pd.DataFrame], rows: dict[str, list[int]],
                      warnings: list[Problem], headers: dict[str, list]) -> None:
    history, products = tables.get("history"), tables.get("products")
    if history is not None:
        order = campaign_order_warning(history, rows["history"], headers.get("history") or [])
        if order is not None:
            warnings.append(order)
        repeated = duplicate_rows_warning(history, rows["history"], headers.get("history") or [])
        if repeated is not None:
            warnings.append(repeated)
        empty = zero_campaign_warning(history, rows["history"], headers.get("history") or [])
        if empty is not None:
            warnings.append(empty)
        if products is not None:
            warnings.extend(price_warnings(history, products, rows["products"], headers.get("products") or []))
    products = tables.get("products")
    if products is not None and "unit_cost" not in products.columns:
        warnings.append(Problem("products has no unit_cost column: objective 'profit' is not "
                                "available, use 'revenue' or 'units'", "products", 1, "unit_cost"))
    limits = tables.get("category_limits")
    if products is not None and limits is not None and "category" in products.columns:
        known = set(products["category"].dropna())
        for i, cat in enumerate(limits.get("category", pd.Series(dtype="str"))):
            if isinstance(cat, str) and cat not in known:
                r = rows["category_limits"][i]
                warnings.append(Problem(f"category '{cat}' has no product among the candidates",
                                        "category_limits", r, "category"))


def read_tables(raw: dict[str, Any]) -> Dataset:
    """Validate and type every table sent; raise ``FolioError('invalid_table')`` with all problems.

    ``raw`` maps table names (``history`` required; ``products``, ``slots``,
    ``category_limits`` and the plan-rule tables ``locks``, ``brand_limits``, ``page_conflicts``
    optional) to Excel-style 2-D arrays. Table names are matched like
    column names (trimmed, case-insensitive); unknown tables are ignored with a warning.
    """
    out = _Collector()
    warnings: list[Problem] = []
    if not isinstance(raw, dict):
        out.add("expected an object mapping table names to 2-D arrays")
        raise table_error(out.problems)
    given: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).strip().lower()
        if name in SCHEMAS:
            if value is not None:
                given[name] = value
        else:
            warnings.append(Problem(f"unknown table '{key}' ignored", str(key)))
    if "history" not in given:
        out.add("the history table is required", "history")
    tables: dict[str, pd.DataFrame] = {}
    sheet_rows: dict[str, list[int]] = {}
    headers: dict[str, list] = {}
    for name in SCHEMAS:
        if name in given:
            read = _read_table(name, given[name], out, warnings)
            if read is not None:
                tables[name], sheet_rows[name], headers[name] = read
    _cross_rules(tables, sheet_rows, headers, out, warnings)  # cells already refused read as empty
    if out.count:
        raise _error(out)
    _dataset_warnings(tables, sheet_rows, warnings, headers)
    for name in RULE_TABLES:  # indexed by their sheet rows (engine.data.dataset.RULE_TABLES)
        if name in tables:
            tables[name].index = pd.Index(sheet_rows[name], name="row")
    for name in MAY_BE_EMPTY:  # a header alone: no such rules
        if name in tables and len(tables[name]) == 0:
            del tables[name]
    return Dataset(**{name: tables.get(name) for name in TABLE_NAMES}, warnings=warnings, headers=headers)


# Rows to forecast (the forecast job's ``rows``): history's columns, none required, typed and
# checked the same way; every row kept, in order, so the answer lines up with what was sent.
ROWS_SCHEMA = {name: replace(spec, required=False) for name, spec in SCHEMAS["history"].items()}


def read_rows(raw: Any, table: str = "rows") -> pd.DataFrame:
    """History-like rows to forecast -> a typed DataFrame (same rows, same order), or
    ``FolioError('invalid_table')`` with every problem located in ``table`` (A1 cells as sent)."""
    out = _Collector()
    rows = _check_shape(table, raw, out)
    if rows is None:
        raise _error(out)
    names = _header(table, rows[0], out)
    width = len(names)
    data = []
    for i, row in enumerate(rows[1:]):
        sheet_row = i + 2
        cut = [k for k in range(width, len(row)) if not _is_empty(row[k])]
        if cut:
            out.add(f"row has {len(row)} cells but the header has {width} columns",
                    table, sheet_row, None, a1_cell(sheet_row, cut[0]))
        data.append(list(row[:width]) + [None] * (width - len(row)))
    if not data:
        out.add("the table has no data rows", table, 2)
    sheet_rows = list(range(2, len(data) + 2))
    columns: dict[str, pd.Series] = {}
    for j, name in enumerate(names):
        if name is None or name in columns:
            continue
        values = [r[j] for r in data]
        spec = ROWS_SCHEMA.get(name)
        if spec is None:
            columns[name] = _extra_column(values)
        elif spec.kind == KEY:
            columns[name] = _key_column(table, name, values, j, sheet_rows, out)
        elif spec.kind == TEXT:
            columns[name] = pd.Series([_as_text(v) for v in values], dtype="str")
        else:
            columns[name] = _finish_numeric(_numeric_column(table, name, spec, values, j, sheet_rows, out), spec)
    if out.count:
        raise _error(out)
    return pd.DataFrame(columns) if columns else pd.DataFrame(index=range(len(data)))


def read_rule_tables(raw: dict[str, Any], products: pd.DataFrame | None,
                     slots: pd.DataFrame | None) -> tuple[dict[str, pd.DataFrame], dict[str, list]]:
    """Rule tables sent apart from a dataset (a scenario's own ``locks`` or ``category_limits``),
    validated like the dataset's (every problem at once, with its cell) and against its
    ``products`` and ``slots``; each DataFrame indexed by its sheet rows (as in ``read_tables``).
    Returns the tables and their headers as sent."""
    out = _Collector()
    warnings: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    rows: dict[str, list[int]] = {}
    headers: dict[str, list] = {}
    for name, value in raw.items():
        if name not in SCHEMAS or name in ("history", "products", "slots"):
            out.add(f"'{name}' cannot be given here", str(name))
            continue
        read = _read_table(name, value, out, warnings)
        if read is not None:
            tables[name], rows[name], headers[name] = read
    context = {k: v for k, v in (("products", products), ("slots", slots)) if v is not None}
    _cross_rules({**context, **tables}, rows, headers, out, warnings)
    if out.count:
        raise _error(out)
    for name in tables:
        if name in RULE_TABLES:
            tables[name].index = pd.Index(rows[name], name="row")
    # a header alone: no such rules for this plan (as a table given as null)
    return {name: None if len(df) == 0 else df for name, df in tables.items()}, headers


def read_input_table(name: str, raw: Any) -> tuple[pd.DataFrame, list]:
    """One table a job sends (``INPUT_SCHEMAS``, e.g. a planner's ``plan``), validated like the
    dataset's tables (every problem at once, with its cell); the DataFrame is indexed by the
    sheet row of each line (header = row 1), an optional column left out holds its default
    (a plan without ``discount``: none), and the header as sent comes back for A1 cells."""
    out = _Collector()
    warnings: list[Problem] = []
    read = _read_table(name, raw, out, warnings)
    if out.count or read is None:
        raise _error(out)
    df, rows, header = read
    df.index = pd.Index(rows, name="row")
    for column, spec in INPUT_SCHEMAS[name].items():  # an optional column left out: its default
        if column not in df.columns and spec.fill is not None:
            df[column] = spec.fill
    return df, header


def _error(out: _Collector) -> FolioError:
    listed = out.problems
    first = listed[0]
    where = f" ({first.table} {first.cell})" if first.table and first.cell else ""
    if out.count == 1:
        detail = f"{first.message}{where}"
    elif out.count > len(listed):
        detail = (f"{out.count} problems in the tables (the first {len(listed)} are "
                  f"listed); first: {first.message}{where}")
    else:
        detail = f"{out.count} problems in the tables; first: {first.message}{where}"
    return table_error(listed, detail)


def _plain(value: Any) -> Any:
    """One cell as a JSON-ready value: NaN/NA/inf -> None, numpy -> Python, dates -> ISO."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def to_values(df: pd.DataFrame) -> list[list]:
    """A DataFrame as an Excel-style 2-D array: header row, then rows; NaN -> None."""
    header = [str(c) for c in df.columns]
    body = df.astype(object).to_numpy().tolist()
    return [header] + [[_plain(v) for v in row] for row in body]


def dataset_hash(raw: dict[str, Any]) -> str:
    """Stable sha256 of the tables as sent (table order does not matter, cell values do)."""
    digest = hashlib.sha256()
    for name in sorted(raw, key=str):
        digest.update(json.dumps(str(name)).encode())
        table = raw[name]
        if not isinstance(table, (list, tuple)):
            digest.update(json.dumps(table, default=str, sort_keys=True).encode())
            continue
        digest.update(b"[")
        for row in table:
            digest.update(json.dumps(row, default=str, separators=(",", ":")).encode())
            digest.update(b"\n")
        digest.update(b"]")
    return digest.hexdigest()
