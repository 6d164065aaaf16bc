"""Random tables never crash validation: the answer is a Dataset or an ``invalid_table`` error
whose every problem is located (table, 1-based row as sent, column, A1 cell)."""

from __future__ import annotations

import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import FolioError
from engine.data.tables import read_tables

CONTRACT = ["campaign", "product_id", "units", "country", "category", "brand", "price", "discount",
            "page", "slot_size", "featured", " Units ", "PRICE", "units"]
cells = st.one_of(
    st.none(), st.just(""), st.booleans(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["=1+1", "+33", "@SUM(A1)", "1,5", "12.5", "NaN", "Infinity", "ü€😀", "0x1F"]),
)
headers = st.lists(st.one_of(st.sampled_from(CONTRACT), st.text(max_size=8), st.none(),
                             st.integers()), min_size=0, max_size=8)
A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")


@st.composite
def tables(draw):
    header = draw(headers)
    width = len(header)
    rows = draw(st.lists(st.lists(cells, min_size=max(0, width - 1), max_size=width + 1),
                         max_size=6))
    return [header] + rows


def _check_error(exc: FolioError) -> None:
    assert exc.code == "invalid_table" and exc.status == 422
    assert exc.problems
    for problem in exc.problems:
        assert problem.message
        assert problem.table in ("history", "products", "slots", "category_limits", None)
        if problem.cell is not None:
            assert A1.match(problem.cell), problem
            assert problem.row is None or problem.cell.endswith(str(problem.row))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(history=tables(), products=st.one_of(st.none(), tables()))
def test_random_tables_are_accepted_or_located(history, products):
    raw = {"history": history} if products is None else {"history": history, "products": products}
    try:
        dataset = read_tables(raw)
    except FolioError as exc:
        _check_error(exc)
        return
    units = dataset.history["units"].to_numpy(dtype=float)
    assert all(math.isfinite(u) and u >= 0 for u in units)


@settings(max_examples=200, deadline=None)
@given(history=st.one_of(st.none(), st.integers(), st.text(), st.lists(st.integers()),
                         st.dictionaries(st.text(), st.integers()), st.just([]), st.just([[]])))
def test_not_even_a_table(history):
    try:
        read_tables({"history": history})
    except FolioError as exc:
        _check_error(exc)


def test_a_hundred_thousand_columns():
    header = ["campaign", "product_id", "units"] + [f"extra{i}" for i in range(100_000)]
    row = ["2024-01", "P1", 3] + [1] * 100_000
    try:
        read_tables({"history": [header, row]})
    except FolioError as exc:
        _check_error(exc)
        assert "at most 1000 are accepted" in exc.problems[0].message
        assert exc.problems[0].cell == "ALM1"  # the first column past the limit
    else:
        raise AssertionError("100k columns must be refused")


def test_duplicated_headers_are_located():
    try:
        read_tables({"history": [["campaign", "product_id", "units", "Units"], ["1", "P", 1, 2]]})
    except FolioError as exc:
        _check_error(exc)
        assert any(p.cell == "D1" for p in exc.problems)
    else:
        raise AssertionError("a duplicated header must be an error")
