"""Every stable error code the engine or the server can raise has a title in a planner's words
(engine.errors.TITLES) and is listed in the README's error codes, so a code never reaches the
pane as a bare word and no code is undocumented."""

from __future__ import annotations

import re
from pathlib import Path

from engine.errors import TITLES, FolioError, title_for

ROOT = Path(__file__).resolve().parents[2]
RAISED = re.compile(r"""code=["']([a-z_]+)["']|problem\(\s*["']([a-z_]+)["']|"code":\s*"([a-z_]+)\"""")


def codes_in_source() -> set[str]:
    found = set()
    for folder in ("engine", "server"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "openapi.py":
                continue
            for match in RAISED.finditer(path.read_text()):
                found.add(next(g for g in match.groups() if g))
    return found


def test_the_code_finder_sees_raised_codes():
    assert {"invalid_table", "infeasible", "queue_full", "internal"} <= codes_in_source()


def test_every_raised_code_has_a_planner_title():
    assert sorted(codes_in_source() - set(TITLES)) == []


def test_every_titled_code_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert sorted(c for c in TITLES if f"`{c}`" not in readme) == []


def test_titles_come_from_the_code_unless_given():
    assert FolioError(code="infeasible", detail="x").title == TITLES["infeasible"]
    assert FolioError(code="invalid_workbook", detail="x", title="The file is too large").title \
        == "The file is too large"
    assert title_for("made_up_code") == "Made up code"
