"""The served build (static/, written by `npm run build`) carries no source maps: they would hand
our 1.5 MB of sources to anyone and weigh more than the app itself."""

from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "static"


def test_the_served_build_has_no_source_maps():
    if not (STATIC / "index.html").is_file():
        pytest.fail("static/ is not built: run `npm run build` (make test does)")
    assets = [p for p in STATIC.rglob("*") if p.is_file()]
    assert [p.name for p in assets if p.suffix == ".map"] == []
    scripts = [p for p in assets if p.suffix in (".js", ".css")]
    assert scripts, "the build holds no scripts"
    assert [p.name for p in scripts if b"sourceMappingURL" in p.read_bytes()] == []
