"""A history's date column written day-first or month-first (31/01/2024, as a csv export or a
script sends it) is a date column like an ISO one: read for the cadence, not a feature, no
'unknown column' warning (engine.data.columns.date_values). Through the API a dd/mm/yyyy
``start_date`` was kept as a text feature and the cadence fell back to the campaign ids."""

import pandas as pd
import pytest

from engine.data.columns import date_values
from engine.data.tables import read_tables
from engine.demo import make_demo
from engine.forecast.cadence import infer_cadence


def raw(frame: pd.DataFrame) -> dict:
    """The history as Excel's range.values (an empty cell as "")."""
    return {"history": [list(frame.columns)] + frame.astype(object).where(frame.notna(), "").values.tolist()}


@pytest.mark.parametrize("fmt", ["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y"])
def test_a_start_date_written_day_or_month_first_is_read_for_the_cadence(fmt):
    history = make_demo(seed=3, countries=("DE",), campaigns=12, products=20)["history"]
    iso = read_tables(raw(history))
    history = history.assign(campaign=[f"K{i}" for i in pd.factorize(history["campaign"])[0]],
                             start_date=pd.to_datetime(history["start_date"]).dt.strftime(fmt))
    dataset = read_tables(raw(history))
    assert not any(w.column == "start_date" for w in dataset.warnings)
    cadence, expected = infer_cadence(dataset.history), infer_cadence(iso.history)
    assert cadence.source == "date column" and cadence.season == expected.season


def test_dates_that_read_both_ways_or_not_at_all_are_not_dates():
    assert date_values(pd.Series(["02/01/2023", "03/01/2023"], dtype=object)) is None  # every day <= 12
    assert date_values(pd.Series(["02/13/2023", "13/02/2023"], dtype=object)) is None  # neither order reads both
    assert date_values(pd.Series(["02/13/2023", "soon"], dtype=object)) is None
    read = date_values(pd.Series(["23/01/2023", None, "13.02.2023"], dtype=object))
    assert str(read[0].date()) == "2023-01-23" and pd.isna(read[1]) and str(read[2].date()) == "2023-02-13"
