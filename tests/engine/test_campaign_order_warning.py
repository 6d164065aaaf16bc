"""Text campaign ids that do not sort in time get a dataset warning naming the campaign Folio takes
as the latest (engine.data.campaigns): seen through the API, 'C1' .. 'C11' made 'C9' the last
catalogue of the business case, dates written 11/02/2024 and 'Nov 2024' sorted as text, and no
warning said so."""

import datetime as dt

import pytest

from engine.data.campaigns import natural_key
from engine.data.tables import read_tables


def history(ids, *, header=("campaign", "product_id", "units")):
    rows = [{"campaign": c, "product_id": p, "units": 5} for c in ids for p in ("A", "B")]
    return {"history": [list(header)] + [[row[h.lower()] for h in header] for row in rows]}


def order_warnings(ids, **kw):
    return [w for w in read_tables(history(ids, **kw)).warnings if w.column == "campaign"]


DAYS = [dt.date(2024, 11, 2) + dt.timedelta(days=21 * i) for i in range(8)]


@pytest.mark.parametrize("ids, latest, why, at", [
    ([f"C{i}" for i in range(1, 12)], "C9", "'C10' sorts before 'C2'", "C10"),
    ([d.strftime("%d/%m/%Y") for d in DAYS], "29/03/2025", "sort as text, not by date", "04/01/2025"),
    ([d.strftime("%m/%d/%Y") for d in DAYS], "12/14/2024", "sort as text, not by date", "01/04/2025"),
    ([d.strftime("%b %Y") for d in DAYS[::2]], "Nov 2024", "sort as text, not by date", "Dec 2024"),
    (["Spring 25", "Summer 25", "Autumn 25", "Winter 25", "Spring 26"], "Winter 25",
     "season and month names such as 'Autumn 25' sort alphabetically", "Autumn 25"),
])
def test_text_ids_out_of_time_order_are_warned_at_their_cell(ids, latest, why, at):
    (warning,) = order_warnings(ids)
    assert f"{latest!r} is taken as the latest campaign" in warning.message and why in warning.message
    assert "2025-03-01" in warning.message  # how to write them instead
    row = 2 + 2 * ids.index(at)  # its first row (header = row 1, two products per campaign)
    assert (warning.table, warning.row, warning.cell) == ("history", row, f"A{row}")


def test_the_cell_follows_the_campaign_column_where_it_is():
    (warning,) = order_warnings(["C1", "C2", "C10"], header=("product_id", "units", "Campaign"))
    assert warning.cell == "C6"  # 'C10' first on row 6 (rows as sent), campaign in column C


@pytest.mark.parametrize("ids", [
    [f"C{i:02d}" for i in range(1, 12)],                                     # one width
    [d.isoformat() for d in DAYS],                                           # ISO dates
    [f"{2024 + i // 17}-{i % 17 + 1:02d}" for i in range(20)],               # the demo's ids
    ["2025-W01", "2025-W04", "2025-W07"], ["2024-Q3", "2024-Q4", "2025-Q1"],
    ["camp-a000", "camp-a001", "camp-a002"],
    [1, 2, 10, 11],                                                           # numbers sort numerically
])
def test_ids_that_sort_in_time_get_no_warning(ids):
    assert order_warnings(ids) == []


def test_natural_key_orders_numbers_inside_text():
    assert sorted(["C10", "c2", "C1", "B3"], key=natural_key) == ["B3", "C1", "c2", "C10"]


def dated_history(ids, dates):
    rows = [["campaign", "start_date", "product_id", "units"]]
    rows += [[c, d, p, 5] for c, d in zip(ids, dates) for p in ("A", "B")]
    return {"history": rows}


def test_campaigns_dated_against_their_sort_order_are_warned_at_the_early_one():
    """Numbers too: campaign 3 dated before campaign 2. The start dates say when they ran."""
    read = read_tables(dated_history([1, 2, 3, 4], ["2024-01-01", "2024-01-22", "2024-01-15", "2024-02-05"]))
    (warning,) = [w for w in read.warnings if w.column == "campaign"]
    assert "campaign 3 started 2024-01-15 ('start_date'), before campaign 2 (2024-01-22)" in warning.message
    assert "read 2 as the later one" in warning.message
    assert (warning.row, warning.cell) == (6, "A6")  # campaign 3's first row


def test_the_latest_date_is_named_when_the_sort_order_ends_elsewhere():
    read = read_tables(dated_history(["C1", "C2", "C10"], ["2024-01-01", "2024-01-22", "2024-02-12"]))
    (warning,) = [w for w in read.warnings if w.column == "campaign"]
    assert "'C2' is taken as the latest campaign although 'C10' has the latest date" in warning.message


def test_dates_in_sort_order_silence_the_text_rules():
    """'Spring 25' … would be doubted as text; dated in their sort order (alphabetical here), they
    are taken as they ran, and nothing is said."""
    ids = ["Autumn 25", "Spring 26", "Summer 26"]
    read = read_tables(dated_history(ids, ["2025-09-01", "2026-03-01", "2026-06-01"]))
    assert not [w for w in read.warnings if w.column == "campaign"]
    assert [w for w in read_tables(history(ids)).warnings if w.column == "campaign"]  # undated: doubted
