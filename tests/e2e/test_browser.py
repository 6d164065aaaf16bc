"""The standalone page in headless Chromium against a live server: demo -> train -> plan -> xlsx.

Uses Debian's /usr/bin/chromium through Playwright (no browser download). Screenshots land in
``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.support.live import REPO

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("FOLIO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is required for the browser tests: apt-get install chromium "
                    "(.ci/run installs it)")
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True,
                                    args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _fill(page, testid: str, value: str) -> None:
    field = page.get_by_test_id(testid)
    field.fill(value)
    field.blur()


def test_demo_train_plan_download(page, live_server, tmp_path):
    page.goto(live_server.url + "/")
    page.get_by_test_id("load-demo").click()
    page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=30_000)
    _shot(page, "01-demo-loaded")

    page.get_by_test_id("run-train").click()
    page.get_by_test_id("job-status").filter(has_text="succeeded").wait_for(timeout=120_000)
    train_table = page.get_by_test_id("train-table")
    train_table.wait_for()
    assert "naive" in train_table.inner_text().lower()
    _shot(page, "02-trained")

    _fill(page, "setting-population", "16")
    _fill(page, "setting-generations", "40")
    _fill(page, "setting-time-limit", "60")
    _fill(page, "setting-seed", "4")
    page.get_by_test_id("run-plan").click()
    bar = page.get_by_test_id("progress-bar")
    bar.wait_for(timeout=60_000)
    seen = set()
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=progress-bar]')"
        "?.getAttribute('data-generation') ?? -1) >= 1", timeout=120_000)
    seen.add(bar.get_attribute("data-generation"))
    assert page.get_by_test_id("progress-best").inner_text().strip()
    page.get_by_test_id("job-status").filter(has_text="succeeded").wait_for(timeout=120_000)
    plan_table = page.get_by_test_id("plan-table")
    plan_table.wait_for()
    show_all = page.get_by_role("button", name="Show all")
    if show_all.count():
        show_all.click()
    rows_on_page = plan_table.locator("tbody tr").count()
    assert rows_on_page > 10
    _shot(page, "03-planned")

    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_test_id("download-xlsx").click()
    target = tmp_path / "result.xlsx"
    download_info.value.save_as(target)
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert {"Plan", "Summary", "Convergence"} <= set(book.sheetnames)
    plan = book["Plan"]
    header = [c.value for c in plan[1]]
    assert header[:3] == ["page", "slot", "product_id"]
    assert plan.max_row - 1 == rows_on_page


def test_bad_upload_shows_the_cell(page, live_server, tmp_path):
    csv = tmp_path / "history.csv"
    csv.write_text("campaign,product_id,units\n2024-01,P1,12\n2024-01,P2,many\n2024-02,P1,-3\n")
    page.goto(live_server.url + "/")
    page.get_by_test_id("upload-input").set_input_files(str(csv))
    page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=30_000)
    page.get_by_test_id("run-train").click()
    bar = page.get_by_test_id("error-bar")
    bar.wait_for(timeout=30_000)
    text = bar.inner_text()
    assert "C3" in text and "C4" in text, text
    _shot(page, "04-error")


def test_task_pane_width(page, live_server):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + "/")
    page.get_by_test_id("load-demo").wait_for()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 330, f"the page scrolls sideways at 320 px ({scroll_width}px)"
    _shot(page, "05-narrow")
