"""engine.forecast.cadence: campaigns per year read from campaign ids or a date column."""

import pandas as pd
import pytest

from engine.demo import campaign_calendar
from engine.forecast.cadence import infer_cadence


def _history(campaigns, **columns):
    return pd.DataFrame({"campaign": campaigns, "product_id": "P1", "units": 1, **columns})


def _dates(periods, freq):
    return [str(d.date()) for d in pd.date_range("2023-01-02", periods=periods, freq=freq)]


@pytest.mark.parametrize("campaigns, season", [
    ([c for c, _ in campaign_calendar(36)], 17),  # the demo: 18 in 2023, 17 in 2024 -> lower median
    ([c for c, _ in campaign_calendar(24)], 18),  # one completed year: 2023 had 18
    ([f"2023-W{w:02d}" for w in range(1, 53)] + ["2024-W01"], 52),
    ([f"2023-W{w:02d}" for w in range(1, 53, 2)], 26),
    (_dates(30, "7D"), 52),
    (_dates(30, "21D"), 17),
    (_dates(30, "MS"), 12),
    ([f"2023-{m:02d}" for m in range(1, 13, 2)] + ["2024-01"], 6),  # gaps, all <= 12: months
    ([f"2023-{m:02d}" for m in range(1, 13)] + ["2024-01", "2024-02"], 12),
    (["2022-Q3", "2022-Q4", "2023-Q1", "2023-Q2"], 4),
])
def test_season_is_read_from_campaign_ids(campaigns, season):
    cadence = infer_cadence(_history(campaigns))
    assert (cadence.season, cadence.source) == (season, "campaign ids"), cadence


def test_a_date_column_gives_the_cadence_of_numeric_ids():
    cadence = infer_cadence(_history(list(range(1, 31)), start_date=_dates(30, "14D")))
    assert (cadence.season, cadence.source) == (26, "date column")
    assert "start_date" in cadence.detail


@pytest.mark.parametrize("campaigns, why", [
    (list(range(1, 31)), "numbers"),
    (["spring", "summer", "autumn"], "name no date"),
    ([c for c, _ in campaign_calendar(17)], "no year is complete"),  # 2023-01 .. 2023-17: 17 or 18?
    (["2023-01"], "one campaign"),
    (_dates(30, "D"), "outside"),  # daily: 365 per year is not a catalogue season
])
def test_when_the_cadence_cannot_be_read_it_says_why(campaigns, why):
    cadence = infer_cadence(_history(campaigns))
    assert cadence.season == 0 and cadence.source == "none"
    assert why in cadence.detail, cadence.detail


def test_irregular_dates_use_the_median_step_and_say_so():
    dates = ["2023-01-02", "2023-01-23", "2023-02-13", "2023-03-27", "2023-04-17", "2023-05-08"]
    cadence = infer_cadence(_history(dates))
    assert cadence.season == 17 and "irregular" in cadence.detail
