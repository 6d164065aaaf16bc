"""Fixtures shared by every suite: demo tables as Excel-style arrays, a live server process."""

from __future__ import annotations

import pytest

from tests.support.live import LiveServer


@pytest.fixture(scope="session")
def demo_raw() -> dict:
    """The demo tables as ``range.values``-style 2-D arrays (small enough to train in seconds)."""
    from engine.demo import make_demo
    from engine.data.tables import to_values

    tables = make_demo(seed=11, campaigns=24, products=120)
    return {name: to_values(df) for name, df in tables.items()}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live") / "data").start()
    yield server
    server.stop()
