"""How long the standalone page takes to show the demo: "Load demo workbook" clicked -> tables shown.

Issue 12's goal is under 2 s. The figure is measured where a user feels it, in headless Chromium
against a live server (the e2e harness: Debian's chromium, ``python -m server``), each run in a
fresh browser context (no cache). The page's own Resource Timing splits it into

- ``xlsx``: GET /api/demo/workbook.xlsx (request start -> last byte),
- ``read``: POST /api/workbooks with that file (upload, the server's reader, the JSON back),
- ``client``: everything else: before the first request, between the two, and from the last
  byte of the JSON to the row counts on screen (JSON parse, holding the sheets, mapping the
  roles, React's render).

Usage: ``.venv/bin/python bench/bench_page_demo.py [--runs 5]`` (~30 s on 2 shared cores).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.test_browser import CHROMIUM_FLAGS, chromium_path  # noqa: E402
from tests.support.live import LiveServer  # noqa: E402

# Records the click and the moment the history's row count is on screen, in page time.
WATCH = """
window.__t = {};
document.addEventListener('click', (e) => {
  if (e.target.closest('[data-testid=load-demo]') && !window.__t.click) window.__t.click = performance.now();
}, true);
document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
  const el = document.querySelector('[data-testid=rows-history]');
  if (el && /rows/.test(el.textContent) && !window.__t.shown) window.__t.shown = performance.now();
}).observe(document.body, {subtree: true, childList: true, characterData: true}));
"""

TIMINGS = """() => {
  const pick = (part) => performance.getEntriesByType('resource').find((e) => e.name.includes(part));
  const span = (e) => e ? {start: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize} : null;
  return {click: window.__t.click, shown: window.__t.shown,
          xlsx: span(pick('/api/demo/workbook.xlsx')), read: span(pick('/api/workbooks'))};
}"""


def one_run(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(script=WATCH)
        page.goto(url + "/")
        page.get_by_test_id("load-demo").wait_for()
        page.get_by_test_id("health").filter(has_text="Connected").wait_for(timeout=30_000)
        page.get_by_test_id("load-demo").click()
        page.get_by_test_id("rows-history").filter(has_text="rows").wait_for(timeout=60_000)
        t = page.evaluate(TIMINGS)
    finally:
        context.close()
    total = t["shown"] - t["click"]
    xlsx = t["xlsx"]["end"] - t["xlsx"]["start"]
    read = t["read"]["end"] - t["read"]["start"]
    return {"total_ms": total, "xlsx_ms": xlsx, "read_ms": read, "client_ms": total - xlsx - read,
            "after_json_ms": t["shown"] - t["read"]["end"], "json_bytes": t["read"]["bytes"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data").start()
        try:
            # the demo workbook is built once (in the background at start): not part of a click
            requests.get(server.url + "/api/demo/workbook.xlsx", timeout=120).raise_for_status()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
                one_run(browser, server.url)  # warm-up: the server's first read imports its reader
                runs = [one_run(browser, server.url) for _ in range(args.runs)]
                browser.close()
        finally:
            server.stop()
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(json.dumps({"runs": runs, "median": median}, indent=1))
    print(f"\nclick -> tables shown, median of {args.runs}: {median['total_ms'] / 1000:.2f} s "
          f"(xlsx {median['xlsx_ms']:.0f} ms, read {median['read_ms']:.0f} ms, "
          f"client {median['client_ms']:.0f} ms of which {median['after_json_ms']:.0f} ms after the JSON; "
          f"JSON {median['json_bytes'] / 1e6:.2f} MB on the wire)")


if __name__ == "__main__":
    main()
