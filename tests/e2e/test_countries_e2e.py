"""One catalogue per country on the standalone page: the Countries control, live lines per
country, the by-country table and the plan's country column, against a live server."""

from __future__ import annotations

import pytest

# the page fixtures and helpers of the other browser tests (Debian's chromium, no download)
from tests.e2e.test_browser import (  # noqa: F401
    _doc_shot, _fill, _inside_horizontally, _shot, browser, page)

pytestmark = pytest.mark.browser


def test_one_catalogue_per_country(page, live_server):  # noqa: F811
    page.goto(live_server.url + "/")
    page.get_by_test_id("load-demo").click()
    page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=30_000)
    hint = page.get_by_test_id("setting-countries-hint")
    hint.filter(has_text="DE, FR, PL").wait_for(timeout=10_000)

    # choosing none is refused in the form, before anything is sent
    page.get_by_test_id("setting-countries").select_option("choose")
    for country in ("DE", "FR", "PL"):
        page.get_by_test_id(f"setting-country-{country}").uncheck()
    page.get_by_test_id("run-plan").click()
    page.locator("#setting-countries-error").filter(has_text="at least one country").wait_for(timeout=5_000)

    page.get_by_test_id("setting-country-DE").check()
    page.get_by_test_id("setting-country-PL").check()
    _fill(page, "setting-population", "16")
    _fill(page, "setting-generations", "8")
    _fill(page, "setting-seed", "4")
    page.get_by_test_id("run-plan").click()
    page.get_by_test_id("country-progress").wait_for(timeout=60_000)
    assert page.get_by_test_id("country-progress-FR").count() == 0
    page.get_by_test_id("job-status").filter(has_text="succeeded").wait_for(timeout=240_000)

    # why the run as a whole stopped, not only each country (the countries' own reasons, in words)
    stopped = page.get_by_test_id("key-stopped").inner_text()
    assert stopped == "Every country (DE and PL) ran all 8 generations.", stopped
    bar = page.get_by_test_id("progress-bar")
    assert bar.get_attribute("aria-valuetext") == "Succeeded · 2 of 2 countries finished"
    for country in ("DE", "PL"):
        line = page.get_by_test_id(f"country-progress-{country}")
        assert line.get_attribute("data-status") == "succeeded"
        assert "8 of 8" in line.inner_text()
        row = page.get_by_test_id(f"country-row-{country}")
        assert "succeeded" in row.inner_text()
    plan = page.get_by_test_id("plan-table")
    show_all = page.get_by_role("button", name="Show all")
    if show_all.count():
        show_all.click()
    assert plan.locator("thead th").first.inner_text().strip() == "Country"
    countries = set(plan.locator("tbody tr td:first-child").all_inner_texts())
    assert countries == {"DE", "PL"}
    _shot(page, "06-countries")
    _doc_shot(page.locator("section[aria-label=Results]"), "page-countries")

    # at 320 px: each country as a card (status, profit, why it ended), no sideways scrolling
    page.set_viewport_size({"width": 320, "height": 720})
    for country in ("DE", "PL"):
        card = page.get_by_test_id(f"country-card-{country}")
        _inside_horizontally(page, card, f"{country}'s card")
        assert "profit" in card.inner_text() and "ended: all generations" in card.inner_text()
        _inside_horizontally(page, page.get_by_test_id(f"case-country-{country}"), f"{country}'s business case")
    _inside_horizontally(page, page.get_by_test_id("key-stopped"), "why the run stopped")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
