"""The standalone page in headless Chromium against a live server: demo -> train -> plan -> xlsx.

Uses Debian's /usr/bin/chromium through Playwright (no browser download). Screenshots land in
``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
import requests

from tests.support.live import REPO

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
# The README's screenshots are refreshed only on request (FOLIO_UPDATE_SCREENSHOTS=1), so a test
# run does not change tracked files; otherwise they land beside the other test artifacts.
SCREENSHOTS = (REPO / "docs" / "screenshots" if os.environ.get("FOLIO_UPDATE_SCREENSHOTS")
               else REPO / "test-artifacts" / "docs")
FAKE_OFFICE = Path(__file__).with_name("fake_office.js")
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


# Screenshots are artifacts, not assertions: a full page of 144 plan rows took over Playwright's
# default 30 s to capture once on a loaded CI machine, so they get longer and no animation to wait on.
SHOT = {"timeout": 120_000, "animations": "disabled"}


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, **SHOT)


def _doc_shot(target, name: str) -> None:
    """A screenshot for the README (docs/screenshots), of a page or of one element."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = getattr(target, "page", target)
    # the sticky header would cover the top of an element scrolled into view
    page.add_style_tag(content=".chrome{position:static!important}")
    target.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **SHOT)


def _fill(page, testid: str, value: str) -> None:
    field = page.get_by_test_id(testid)
    field.fill(value)
    field.blur()


def test_demo_train_plan_download(page, live_server, tmp_path):
    page.goto(live_server.url + "/")
    page.get_by_test_id("load-demo").click()
    page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=30_000)
    # counts and a preview of the columns, never the 27k history rows (bench/bench_page_demo.py
    # times click -> tables shown)
    assert "campaign" in page.get_by_test_id("columns-history").inner_text()
    assert page.locator("table").count() == 0
    _shot(page, "01-demo-loaded")

    page.get_by_test_id("run-train").click()
    page.get_by_test_id("job-status").filter(has_text="succeeded").wait_for(timeout=120_000)
    train_table = page.get_by_test_id("train-table")
    train_table.wait_for()
    assert "naive" in train_table.inner_text().lower()
    # at 1280 px the full table, not the narrow cards
    assert not page.get_by_test_id("train-cards").is_visible()
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
    _wait_results_in_view(page)
    # at 1280 px: the key numbers and the table's product, name, discount, units and profit on screen
    for testid in KEY_NUMBERS:
        _inside_horizontally(page, page.get_by_test_id(testid), testid)
    assert not page.get_by_test_id("plan-compact").is_visible()
    _business_case_reads(page)
    headers = plan_table.locator("thead th").all_inner_texts()
    first = plan_table.locator("tbody tr").first
    for label in ("Product", "Name", "Discount", "Units", "Profit"):
        _inside_horizontally(page, first.locator("td").nth(headers.index(label)), f"first row's {label}")
    _doc_shot(page.get_by_test_id("results"), "page-plan")
    # a link for colleagues, at 1280 px, copied through the clipboard
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    _share_a_plan(page, live_server.url)
    assert page.evaluate("navigator.clipboard.readText()").startswith(live_server.url + "/s/")
    # the train tab's scores explained on hover, inside the window
    page.get_by_role("tab", name="Train").click()
    page.get_by_test_id("explain-wape").hover()
    _in_viewport(page, page.get_by_test_id("explain-wape-text"), "WAPE's explanation")
    page.mouse.move(0, 0)
    page.get_by_role("tab", name="Plan").click()
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


# What a finished plan must show without sideways scrolling (issue 16): its key numbers, and for
# each row the product, discount, units and profit.
KEY_NUMBERS = ("key-profit", "key-revenue", "key-units", "key-gap", "key-rules", "key-stopped")
ROW_PARTS = ("plan-row-product", "plan-row-discount", "plan-row-units", "plan-row-profit")
# The business case (issue 16 part 3): the lift first, each figure beside the last catalogue's,
# the last catalogue in words
BUSINESS_CASE = ("case-lift", "case-profit-plan", "case-profit-last_catalogue", "case-revenue-plan",
                 "case-units-last_catalogue", "case-basis")


def _business_case_reads(page) -> None:
    """The business case's parts lie inside the window, and say what they compare."""
    for testid in BUSINESS_CASE:
        _inside_horizontally(page, page.get_by_test_id(testid), testid)
    lift = page.get_by_test_id("case-lift").inner_text()
    assert lift.startswith(("+", "−")) and lift.endswith("%"), lift
    assert "over the last catalogue" in page.get_by_test_id("case-headline").inner_text()
    basis = page.get_by_test_id("case-basis").inner_text()
    assert "“Last catalogue” is campaign" in basis and "in page order" in basis, basis


def _inside_horizontally(page, locator, what: str) -> dict:
    """Scroll the element into view (vertically) and check its box lies inside the viewport."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None, f"{what} is not rendered"
    assert box["width"] > 0 and box["height"] > 0, f"{what} has no size: {box}"
    assert box["x"] >= -0.5 and box["x"] + box["width"] <= width + 0.5, f"{what} is outside 0..{width}px: {box}"
    return box


def _in_viewport(page, locator, what: str) -> None:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None, f"{what} is not rendered"
    assert box["x"] >= -0.5 and box["x"] + box["width"] <= size["width"] + 0.5, f"{what} sticks out sideways: {box}"
    assert box["y"] >= -0.5 and box["y"] + box["height"] <= size["height"] + 0.5, f"{what} sticks out vertically: {box}"


SHARE_PARTS = ("share-panel", "share-expiry", "share-create", "share-url", "share-copy", "share-copied")


def _share_a_plan(page, base_url: str, shot: str | None = None) -> None:
    """Share the shown plan: a link with an expiry, copied (clipboard or selected for Ctrl+C),
    opened without the API token, listed live, then revoked: the same link answers 404."""
    page.get_by_test_id("share-open").click()
    page.get_by_test_id("share-panel").wait_for()
    page.get_by_test_id("share-none").wait_for(timeout=30_000)
    page.get_by_test_id("share-expiry").select_option("1")
    page.get_by_test_id("share-create").click()
    url = page.get_by_test_id("share-url")
    url.wait_for(timeout=30_000)
    link = url.input_value()
    assert "/s/" in link, link
    page.get_by_test_id("share-copy").click()
    page.wait_for_function(
        "() => /Link copied|Ctrl\\+C/.test(document.querySelector('[data-testid=share-copied]').textContent)",
        timeout=10_000)
    for testid in SHARE_PARTS:
        _inside_horizontally(page, page.get_by_test_id(testid), testid)
    live = page.get_by_test_id("share-link")
    assert live.count() == 1 and "expires in 24 hours" in live.first.inner_text(), live.first.inner_text()
    _inside_horizontally(page, live.first.get_by_test_id("share-revoke"), "the link's Revoke")
    opened = requests.get(link, timeout=30)
    assert opened.status_code == 200 and "Business case" in opened.text, opened.status_code
    if shot:
        _doc_shot(page.get_by_test_id("share-panel"), shot)
    live.first.get_by_test_id("share-revoke").click()
    page.get_by_test_id("share-revoke-confirm").click()
    page.get_by_test_id("share-none").wait_for(timeout=30_000)
    assert requests.get(link, timeout=30).status_code == 404
    page.get_by_test_id("share-close").click()


def _wait_results_in_view(page) -> None:
    """A finished job scrolls its results into view (smoothly): their top is on screen."""
    page.wait_for_function(
        "() => { const r = document.querySelector('[data-testid=results]')?.getBoundingClientRect();"
        " return r && r.top >= 0 && r.top < window.innerHeight / 2; }", timeout=10_000)


def test_a_finished_plan_reads_at_320_px(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 720})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server.url + "/")
        page.get_by_test_id("load-demo").click()
        page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=30_000)
        _small_plan(page, generations="20")
        page.get_by_test_id("run-plan").click()
        page.get_by_test_id("job-status").filter(has_text="succeeded").wait_for(timeout=240_000)
        _wait_results_in_view(page)
        announced = page.get_by_test_id("results-announcement")
        assert announced.get_attribute("aria-live") == "polite"
        assert announced.inner_text().startswith("Plan ready:"), announced.inner_text()

        for testid in KEY_NUMBERS:
            _inside_horizontally(page, page.get_by_test_id(testid), testid)
        assert "of the best plan possible under this forecast" in page.get_by_test_id("key-gap").inner_text()
        assert page.get_by_test_id("key-rules").inner_text().startswith("✓ All")
        stopped = page.get_by_test_id("key-stopped").inner_text()
        assert stopped.startswith(("Ran all", "Stopped", "Cancelled")), stopped
        _business_case_reads(page)
        rows = page.get_by_test_id("plan-row")
        assert rows.count() > 10
        for i in range(3):
            for part in ROW_PARTS:
                _inside_horizontally(page, rows.nth(i).get_by_test_id(part), f"row {i + 1} {part}")
        # products by name (the demo's products table has a name column), not by id
        product = rows.first.get_by_test_id("plan-row-product").inner_text()
        assert product and not product.startswith("P0"), product
        _rules_read_at_this_width(page)
        # the table is there on demand (and scrolls inside its own box)
        assert not page.get_by_test_id("plan-table").is_visible()
        page.get_by_test_id("plan-full-table").click()
        assert page.get_by_test_id("plan-table").is_visible()
        page.get_by_test_id("plan-full-table").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320

        # a score explained on tap, the explanation inside the 320 px
        button = page.get_by_test_id("explain-gap")
        button.scroll_into_view_if_needed()
        button.click()
        bubble = page.get_by_test_id("explain-gap-text")
        bubble.wait_for()
        _in_viewport(page, bubble, "the bound gap's explanation")
        assert "upper bound" in bubble.inner_text()
        button.click()
        bubble.wait_for(state="detached")
        page.evaluate("document.activeElement?.blur()")
        page.mouse.move(0, 0)
        page.get_by_test_id("results").scroll_into_view_if_needed()
        _doc_shot(page.get_by_test_id("results"), "pane-plan")
        # a link for colleagues, at 320 px (no clipboard permission: the fallback selects it)
        _share_a_plan(page, live_server.url, shot="pane-share")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320

        # the models' scores read at 320 px too: one card per model, WAPE first
        page.get_by_test_id("run-train").click()
        page.get_by_test_id("train-cards").wait_for(timeout=300_000)
        cards = page.get_by_test_id("train-card")
        assert cards.count() >= 3
        for i in range(cards.count()):
            _inside_horizontally(page, cards.nth(i), f"model card {i + 1}")
        assert "WAPE" in cards.first.inner_text()
        assert not page.get_by_test_id("train-table").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


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
    # titled in a planner's words, not the server's developer wording
    assert "Some cells in your tables need fixing" in text and "contract" not in text, text
    _shot(page, "04-error")


def test_lone_csv_maps_by_its_header_and_buttons_wait_for_data(page, live_server, tmp_path):
    page.goto(live_server.url + "/")
    page.get_by_test_id("load-demo").wait_for()
    for testid in ("run-explore", "run-train", "run-plan"):
        assert page.get_by_test_id(testid).is_disabled(), testid
    hint = page.get_by_test_id("run-hint")
    assert "Load your sales history first" in hint.inner_text()
    assert hint.is_visible()

    # a csv whose name says nothing: its header (any case, any spacing) says history
    csv = tmp_path / "export (3).csv"
    csv.write_text(" Campaign ,PRODUCT_ID,Units,price\n2024-01,P1,12,9.5\n2024-02,P1,10,9.5\n")
    page.get_by_test_id("upload-input").set_input_files(str(csv))
    page.get_by_test_id("rows-history").filter(has_text="2 rows").wait_for(timeout=30_000)
    assert page.get_by_test_id("map-history").input_value() == "sheet:export (3)"
    assert "Campaign" in page.get_by_test_id("columns-history").inner_text()
    assert page.get_by_test_id("run-train").is_enabled()
    assert page.get_by_test_id("run-plan").is_disabled()
    assert "candidate products" in page.get_by_test_id("run-hint").inner_text()


def test_a_reload_keeps_the_uploaded_data(page, live_server, tmp_path):
    """The page holds an upload in memory and a reload loses it, but the dataset made from it
    stays on the server: the page remembers its id and finds it again (its tables back as the
    page's sheets, the same dataset for the next run); a dataset the server lost is dropped."""
    page.goto(live_server.url + "/")
    csv = tmp_path / "sales.csv"
    csv.write_text("campaign,product_id,units,price\n" + "".join(
        f"2024-{c:02d},P{p},{10 + c + p},9.5\n" for c in range(1, 7) for p in range(3)))
    page.get_by_test_id("upload-input").set_input_files(str(csv))
    page.get_by_test_id("rows-history").filter(has_text="18 rows").wait_for(timeout=30_000)
    page.get_by_test_id("run-explore").click()
    status = page.get_by_test_id("dataset-status")
    # the dataset by the planner's words (its file, campaigns, rows); its id apart, for support
    status.filter(has_text="sales.csv · 6 campaigns · history 18 rows").wait_for(timeout=30_000)
    assert "ds_" not in status.inner_text()
    dataset_id = page.get_by_test_id("dataset-id").locator("code")
    dataset = dataset_id.text_content()
    assert dataset.startswith("ds_"), dataset
    page.get_by_test_id("job-status").filter(has_text="succeeded").wait_for(timeout=120_000)

    page.reload()
    status.filter(has_text="sales.csv · 6 campaigns · history 18 rows").wait_for(timeout=30_000)
    assert dataset_id.text_content() == dataset
    assert page.get_by_test_id("workbook-name").inner_text() == "sales.csv"
    assert page.get_by_test_id("map-history").input_value() == "sheet:sales"  # its sheet named as before the reload (was: by its role)
    page.get_by_test_id("histogram").first.wait_for(timeout=30_000)  # the explore result shown again, from its job
    assert page.get_by_test_id("run-train").is_enabled()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and r.url.endswith("/api/datasets") else None)
    jobs: list[dict] = []  # the bodies the page sends are gzipped (api/gzip.ts)
    page.on("request", lambda r: jobs.append(json.loads(gzip.decompress(r.post_data_buffer)))
            if r.method == "POST" and r.url.endswith("/api/jobs") else None)

    page.get_by_test_id("run-explore").click()  # on the same dataset: nothing sent again
    page.get_by_test_id("job-status").filter(has_text="succeeded").wait_for(timeout=120_000)
    assert dataset_id.text_content() == dataset
    assert sent == [] and [job["dataset"] for job in jobs] == [dataset]

    # a dataset the server no longer has: forgotten quietly on the next load
    page.evaluate("localStorage.setItem('folio.page.folio.dataset', JSON.stringify({id: 'ds_00000000deadbeef', name: 'gone.xlsx'}))")
    page.reload()
    page.wait_for_function("() => localStorage.getItem('folio.page.folio.dataset') === null", timeout=30_000)
    assert page.get_by_test_id("error-bar").count() == 0
    assert "No data loaded" in status.inner_text()


def test_task_pane_width(page, live_server):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + "/")
    page.get_by_test_id("load-demo").wait_for()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 330, f"the page scrolls sideways at 320 px ({scroll_width}px)"
    _shot(page, "05-narrow")


def test_forecast_settings_at_320_px_reach_the_train_job(browser, live_server):
    """The pane's forecast settings (what the README's Dominick's figure sets) fit the 320 px
    pane and are what the train job runs with: only the models ticked compete."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server.url + "/")
        page.get_by_test_id("load-demo").click()
        page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=30_000)
        settings = page.get_by_test_id("train-settings")
        assert not page.get_by_test_id("train-gap").is_visible()  # folded away by default
        settings.locator("summary").click()
        page.get_by_test_id("train-select_by").select_option("mape")
        _fill(page, "train-gap", "1")
        _fill(page, "train-holdout_campaigns", "2")
        page.get_by_test_id("train-candidate-linear").check()
        assert page.get_by_test_id("train-summary").inner_text() == "by MAPE, 2 ahead, gap 1, 1 model"
        for testid in ("train-select_by", "train-gap", "train-season", "train-folds", "train-candidates",
                       "train-candidate-gbm_mape_bag"):
            _inside_horizontally(page, page.get_by_test_id(testid), testid)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        ARTIFACTS.mkdir(exist_ok=True)
        settings.screenshot(path=str(ARTIFACTS / "pane-forecast-settings.png"), **SHOT)
        page.get_by_test_id("run-train").click()
        page.get_by_test_id("train-cards").wait_for(timeout=300_000)
        names = page.get_by_test_id("train-card").locator(".card-row__name").all_inner_texts()
        assert [n.split()[0] for n in names if not n.startswith(("naive", "seasonal", "mean"))] == ["linear"], names
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def _rules_read_at_this_width(page) -> None:
    """The rules in the engine's words (long ones: "used 0 %, 10 %, ... (limit 0 %, ...)"), each
    rule's name and its words side by side or the words under it, never over each other and
    never squeezed to a word a line (what the pane showed before its words moved under)."""
    page.get_by_test_id("rules-section").locator("summary").click()
    items = page.get_by_test_id("rules").locator("li.rule")
    assert items.count() >= 5
    said = page.get_by_test_id("rules").inner_text()
    assert "Discounts from the allowed levels" in said and "(limit 0\u00a0%, 10\u00a0%, 20\u00a0%, 30\u00a0%)" in said, said
    for i in range(items.count()):
        items.nth(i).scroll_into_view_if_needed()  # then both boxes at the same scroll
        name = _inside_horizontally(page, items.nth(i).locator(".rule__name"), f"rule {i + 1}")
        value = _inside_horizontally(page, items.nth(i).locator(".rule__value"), f"rule {i + 1} words")
        apart = value["y"] >= name["y"] + name["height"] - 1 or value["x"] >= name["x"] + name["width"] - 1
        assert apart, f"rule {i + 1}: its words overlap its name: {name} {value}"
        assert name["height"] <= 40, f"rule {i + 1}'s name is squeezed onto {name['height']:.0f}px of lines"


def _small_plan(page, generations: str = "40", time_limit: str = "60",
                stagnation: str = "30") -> None:
    _fill(page, "setting-population", "16")
    _fill(page, "setting-generations", generations)
    _fill(page, "setting-time-limit", time_limit)
    _fill(page, "setting-stagnation", stagnation)
    _fill(page, "setting-seed", "4")


def _wait_generation(page, at_least: int, timeout: float = 120_000) -> None:
    """Until the plan phase (a best value shown) reaches a generation."""
    page.wait_for_function(
        f"() => Number(document.querySelector('[data-testid=progress-bar]')"
        f"?.getAttribute('data-generation') ?? -1) >= {at_least} && !['', '–'].includes("
        "document.querySelector('[data-testid=progress-best]')?.textContent.trim() ?? '')",
        timeout=timeout)


def test_explore_charts_then_plan_progress_and_cancel(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_test_id("load-demo").click()
    page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=30_000)
    page.get_by_test_id("run-explore").click()
    page.get_by_test_id("explore-result").wait_for(timeout=120_000)
    assert page.get_by_test_id("histogram").count() >= 4
    assert "featured rows sold" in page.get_by_test_id("findings").inner_text()
    for testid in ("explore-table", "correlation-heatmap", "cluster-table", "som-umatrix", "som-plane"):
        assert page.get_by_test_id(testid).is_visible(), testid
    # wide: the tables themselves, not the narrow cards or the list of strongest pairs
    for testid in ("explore-cards", "correlation-pairs", "cluster-cards", "explore-columns-toggle"):
        assert not page.get_by_test_id(testid).is_visible(), testid
    page.get_by_test_id("som-feature").select_option("units")
    _doc_shot(page.locator("section[aria-label=Results]"), "page-explore")

    _small_plan(page, generations="5000", time_limit="300", stagnation="0")
    page.get_by_test_id("run-plan").click()
    _wait_generation(page, 8)
    assert page.get_by_test_id("job-status").inner_text().strip() == "running"
    _doc_shot(page.locator(".slot-progress"), "page-progress")
    page.get_by_test_id("cancel-job").click()
    page.get_by_test_id("job-status").filter(has_text="cancelled").wait_for(timeout=60_000)
    page.get_by_test_id("plan-table").wait_for(timeout=30_000)
    assert "Cancelled" in page.locator("section[aria-label=Results]").inner_text()


def demo_sheets(base_url: str) -> dict:
    """The demo workbook's sheets as the server reads them (GET the demo, POST /api/workbooks)."""
    xlsx = requests.get(base_url + "/api/demo/workbook.xlsx", timeout=60).content
    return requests.post(base_url + "/api/workbooks", data=xlsx, timeout=60, headers={
        "X-Filename": "demo.xlsx",
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }).json()["sheets"]


def fake_excel_pane(browser, book: dict, width: int = 340):
    """A browser context in which the task pane runs in the fake Excel host holding ``book``
    (fake_office.js; Office.js itself is not fetched): the context, its page and the page
    errors seen (a list that fills as the page runs). The caller closes the context."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    errors: list[str] = []
    context.add_init_script(script="window.__FAKE_WORKBOOK__ = " + json.dumps(book) + ";")
    context.add_init_script(path=str(FAKE_OFFICE))
    context.route("https://appsforoffice.microsoft.com/**",
                  lambda route: route.fulfill(status=200, content_type="text/javascript", body=""))
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def _demo_workbook(base_url: str) -> dict:
    """The demo workbook as the fake Excel holds it: one sheet per role, each a named table."""
    sheets = demo_sheets(base_url)
    names = {"history": ("Sales", "History"), "products": ("Candidates", "Products"),
             "slots": ("Layout", "Slots"), "category_limits": ("Limits", "CategoryLimits")}
    book = {"sheets": {}, "tables": {}, "selection": {"sheet": "Layout", "row": 0, "column": 0,
                                                     "rows": 5, "columns": 2}}
    for role, (sheet, table) in names.items():
        grid = sheets[role]
        book["sheets"][sheet] = grid
        book["tables"][table] = {"sheet": sheet, "row": 0, "column": 0, "rows": len(grid),
                                 "columns": len(grid[0])}
    return book


def test_task_pane_in_a_fake_excel_host(browser, live_server):
    """The whole pane flow in a real browser with a mocked Office host: map named tables,
    plan with live convergence into a sheet with a line chart, close and reopen the pane
    (reattach from the workbook's settings), cancel, results written as sheets."""
    context, page, errors = fake_excel_pane(browser, _demo_workbook(live_server.url))
    try:
        page.goto(live_server.url + "/taskpane.html")
        assert page.evaluate("document.documentElement.dataset.host") == "excel"
        page.wait_for_function(
            "() => document.querySelector('[data-testid=map-history]')?.value === 'table:History'",
            timeout=30_000)
        assert page.get_by_test_id("map-category_limits").input_value() == "table:CategoryLimits"
        assert page.get_by_test_id("load-demo").count() == 0

        _small_plan(page, generations="5000", time_limit="300", stagnation="0")
        page.get_by_test_id("run-plan").click()
        _wait_generation(page, 2)
        # convergence rows reach a sheet while the job runs, with a native line chart over them
        page.wait_for_function("() => window.__fakeExcel.sheets.has('Folio Convergence')",
                               timeout=30_000)
        chart = page.evaluate("window.__fakeExcel.charts.map(c => [c.sheet, c.type, c.title.text])")
        assert ["Folio Convergence", "Line"] == chart[0][:2], chart
        _wait_generation(page, 6)
        page.add_style_tag(content=".chrome{position:static!important}")
        page.evaluate("document.querySelector('.slot-progress').scrollIntoView()")
        _doc_shot(page, "pane-running")

        # close and reopen the pane: the job id kept in the document settings brings it back
        page.reload()
        page.get_by_test_id("notice").filter(has_text="Reattached").wait_for(timeout=30_000)
        _wait_generation(page, 3)
        page.get_by_test_id("cancel-job").click()
        page.get_by_test_id("job-status").filter(has_text="cancelled").wait_for(timeout=60_000)
        # written one sheet after another, Folio Plan last: wait for the pane's word that all are
        page.get_by_test_id("notice").filter(has_text="The plan is on the sheet").wait_for(timeout=30_000)
        state = page.evaluate("""() => {
            const b = window.__fakeExcel;
            const plan = b.sheets.get('Folio Plan');
            const t = b.tables.get('FolioPlan');
            return {sheets: [...b.sheets.keys()], frozen: plan.frozen, header: plan.grid[0],
                    rows: t.rows, formats: [...plan.formats.values()].slice(0, 2000),
                    summary: b.sheets.get('Folio Summary').grid.map(r => r && r[0]),
                    charts: b.charts.map(c => [c.sheet, c.type])};
        }""")
        assert {"Folio Plan", "Folio Summary", "Folio Convergence"} <= set(state["sheets"])
        assert state["frozen"] == 1 and state["header"][:3] == ["page", "slot", "product_id"]
        assert state["rows"] > 10
        assert "0%" in state["formats"] and any("€" in f for f in state["formats"])
        assert "Gap to the bound" in state["summary"] and "Rules" in state["summary"]
        assert ["Folio Convergence", "Line"] in state["charts"]
        # the business case: its sheet, lift first, a native column chart of plan vs last catalogue
        case = page.evaluate("""() => {
            const s = window.__fakeExcel.sheets.get('Folio Business case');
            return s && {grid: s.grid.map(r => r && r[0]), charts: s.charts.map(c => [c.type, c.series.length]),
                         from: s.charts.map(c => c.valueAxis.minimum)};
        }""")
        assert case, "no Folio Business case sheet"
        assert case["grid"][0] == "Business case: this plan against the last catalogue"
        # the demo plan carries the honest promise, so the case compares expected figures
        assert "Lift in expected profit" in case["grid"] and "Profit and revenue" in case["grid"]
        assert case["charts"] == [["ColumnClustered", 2]], case["charts"]
        assert case["from"] == [0], case["from"]  # bars from 0 (Excel's own axis may start above it)
        # a cancelled plan keeps its best plan: it can be shared from the pane as well
        _share_a_plan(page, live_server.url)
        assert not page.evaluate("localStorage.getItem('fake-office-document-settings')").count(
            '"folio.job":{')

        page.get_by_test_id("run-explore").click()
        # at 340 px the explore tables read without sideways scrolling: cards, strongest pairs
        page.get_by_test_id("explore-cards").wait_for(timeout=120_000)
        for testid in ("explore-card", "cluster-card"):
            items = page.get_by_test_id(testid)
            assert items.count() >= 2, testid
            for i in range(items.count()):
                _inside_horizontally(page, items.nth(i), f"{testid} {i + 1}")
        _inside_horizontally(page, page.get_by_test_id("correlation-pairs"), "correlation pairs")
        for testid in ("explore-table", "cluster-table", "correlation-heatmap"):
            assert not page.get_by_test_id(testid).is_visible(), testid
        assert page.evaluate("document.documentElement.scrollWidth") <= 340
        # the full table is there on demand, scrolling inside its own box
        page.get_by_test_id("explore-columns-toggle").click()
        assert page.get_by_test_id("explore-table").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 340
        page.get_by_test_id("explore-columns-toggle").click()
        # the SOM sheet's colour scale is the last thing written for an explore result
        page.wait_for_function(
            "() => window.__fakeExcel.log.some(e => e[0] === 'conditionalFormat' && e[1] === 'Folio SOM')",
            timeout=120_000)
        explore = page.evaluate("""() => {
            const b = window.__fakeExcel;
            return {charts: b.charts.filter(c => c.sheet === 'Folio Histograms').map(c => c.type),
                    scales: b.log.filter(e => e[0] === 'conditionalFormat').map(e => e[1])};
        }""")
        assert explore["charts"] and set(explore["charts"]) == {"ColumnClustered"}
        assert "Folio SOM" in explore["scales"] and "Folio Correlations" in explore["scales"]
        page.locator("section[aria-label=Results]").scroll_into_view_if_needed()
        _doc_shot(page, "pane-explore")
    finally:
        context.close()
    assert not errors, f"uncaught errors in the pane: {errors}"
