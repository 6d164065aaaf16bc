"""History rows that repeat an earlier row exactly are warned (engine.data.duplicates): through
the API a history with a row pasted twice was taken silently, its units counted twice."""

from engine.data.tables import read_tables

HEADER = ["campaign", "product_id", "units", "page"]


def warnings(rows):
    return [w for w in read_tables({"history": [HEADER] + rows}).warnings if "repeats row" in w.message]


def test_an_exact_repeat_is_warned_at_its_row_naming_the_first():
    rows = [[1, "A", 5, 1], [1, "B", 3, 2], [2, "A", 6, 1], [1, "A", 5, 1], [1, "B", 3, 2]]
    (warning,) = warnings(rows)
    assert (warning.table, warning.row, warning.cell) == ("history", 5, "A5")
    assert warning.message.startswith("row 5 repeats row 2 exactly (2 rows repeat an earlier one)")


def test_rows_that_differ_in_anything_are_not_repeats():
    rows = [[1, "A", 5, 1], [1, "A", 5, 3], [1, "A", 4, 1], [2, "A", 5, 1], [1, "A", 5, None]]
    assert warnings(rows) == []
