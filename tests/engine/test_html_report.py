"""engine.export.html_report: the read-only page of a plan holds the plan, its business case and
charts, escapes every user text, and needs nothing but itself (no script, one hashed style)."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

from engine.demo import make_demo
from engine.explore import explore_table
from engine.export.html_report import STYLE_CSP_SOURCE, plan_page
from test_export import countries_result, planner_result


class Page(HTMLParser):
    """Tags, attributes and text of a page, the way a browser would parse them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)


def test_the_page_shows_the_plan_its_business_case_and_the_convergence():
    result = planner_result()
    page = Page(plan_page(result, expires_at="2026-12-08 10:00"))
    text = " ".join(t.strip() for t in page.text if t.strip())
    for said in ("Profit (forecast)", "Gap to the bound 0.07\u00a0%", "Business case",
                 "Last catalogue (2024-06)", "+25.0\u00a0%", "How the search converged",
                 "The plan (32 products)", "Products of category skincare", "2026-12-08 10:00 (UTC)",
                 "The same in every row: slot_size 0.25; cannibalisation 1.00"):
        assert said in text, said
    ids = [row[2] for row in result["plan"][1:]]
    assert all(pid in text for pid in ids)
    assert sum(1 for tag, _ in page.tags if tag == "tr") >= 33
    assert [tag for tag, _ in page.tags].count("svg") == 1  # convergence; no explore given


def test_a_figure_is_never_broken_inside_its_number():
    """A large money figure reads as the pane writes a total (whole from 10,000), and a tile
    breaks only between words: at 1280 px the tile broke "1,302,937.0" over "5"."""
    result = planner_result()
    result["totals"]["profit"] = 1_302_937.05
    html = plan_page(result)
    assert "<dd>1,302,937</dd>" in html
    assert "overflow-wrap:anywhere" not in html


def test_user_text_is_escaped_and_the_page_runs_nothing():
    result = planner_result(slots=4)
    result["plan"][1][2] = '<script>alert("id")</script>'
    result["plan"][2][7] = '"><img src=x onerror=alert(1)>'
    html = plan_page(result)
    page = Page(html)
    assert not any(tag in ("script", "img", "iframe", "link") for tag, _ in page.tags)
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert '<script>alert("id")</script>' in " ".join(page.text)  # shown as text
    assert not any("style" in attrs for _, attrs in page.tags)  # only the one hashed <style>
    (style,) = page.styles
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert STYLE_CSP_SOURCE == f"'sha256-{digest}'"


def test_multi_country_page_and_explore_charts():
    explore = explore_table(make_demo(seed=3, campaigns=6, products=40)["history"])
    html = plan_page(countries_result(slots=8), explore=explore)
    page = Page(html)
    text = " ".join(page.text)
    assert "Last catalogues" in text and "What the history shows" in text
    assert any("featured rows sold" in t for t in page.text)
    assert [tag for tag, _ in page.tags].count("svg") >= 3  # convergence + histograms
    header = [t for t in page.text if t.strip()]
    assert "Country" in header and "DE" in text and "PL" in text
    assert not re.search(r"\bnan\b|None", text)
