"""A plan whose figures run into billions (units of 1e7 a row) reads whole at 320 px: the
expected profit's 80 % range wraps instead of cutting its high end ("8 in 10 between
4,896,357,741 and 5,744,92…" before), and nothing scrolls sideways."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest

from tests.e2e.test_browser import _fill, browser, page  # noqa: F401  (Debian's chromium)

pytestmark = pytest.mark.browser


def _huge_company(path) -> None:
    rng = np.random.default_rng(1)
    ids = [f"P{i:03d}" for i in range(20)]
    price = {p: float(rng.choice([9.99, 19.5, 42.0])) for p in ids}
    history = [["campaign", "product_id", "units", "category", "price", "discount", "page"]]
    for c in range(1, 9):
        for j, p in enumerate(rng.permutation(ids)[:14]):
            history.append([c, p, int(rng.poisson(20)) * 10**6, f"cat{int(p[1:]) % 3}", price[p], 0.0, 1 + j // 4])
    products = [["product_id", "price", "unit_cost", "category"]] + [[p, price[p], round(price[p] * 0.45, 2), f"cat{int(p[1:]) % 3}"] for p in ids]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, grid in (("history", history), ("products", products)):
        sheet = book.create_sheet(name)
        for row in grid:
            sheet.append(row)
    book.save(path)


def test_a_plan_in_billions_reads_whole_at_320_px(browser, live_server, tmp_path):  # noqa: F811
    context = browser.new_context(viewport={"width": 320, "height": 900})
    try:
        page = context.new_page()
        path = tmp_path / "huge.xlsx"
        _huge_company(path)
        page.goto(live_server.url + "/")
        page.get_by_test_id("upload-input").set_input_files(str(path))
        page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=60_000)
        for testid, value in (("setting-pages", "3"), ("setting-slots-per-page", "4"), ("setting-population", "12"),
                              ("setting-generations", "10"), ("setting-time-limit", "10")):
            _fill(page, testid, value)
        page.get_by_test_id("run-plan").click()
        rng = page.get_by_test_id("key-profit-range")
        rng.wait_for(timeout=300_000)
        text = rng.inner_text()
        assert text.startswith("8 in 10 between ") and len(text.split(" and ")[-1].replace(",", "")) >= 10, text
        # the whole sentence shows: nothing cut off inside the element, nothing past the window
        cut = rng.evaluate("e => e.scrollWidth > e.clientWidth + 1")
        assert not cut, f"the range is cut off at 320 px: {text!r}"
        box = rng.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
