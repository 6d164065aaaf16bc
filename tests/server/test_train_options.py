"""The pane's forecast settings (addin/src/state/trainSettings.ts) offer what the server accepts.

The add-in lists the presets and the integer options' ranges itself (no round trip to draw the
form); these tests read that file and fail when the engine gains or renames a preset, or the
server changes a range, without the pane following.
"""

from __future__ import annotations

import re
from pathlib import Path

from engine.forecast import PRESETS, SELECT_BY
from server.kinds.train import INTEGER_OPTIONS

PANE = Path(__file__).resolve().parents[2] / "addin" / "src" / "state" / "trainSettings.ts"


def _pane() -> str:
    return PANE.read_text(encoding="utf-8")


def test_the_pane_offers_every_preset_in_the_engines_order():
    block = _pane().split("export const PRESETS", 1)[1].split("];", 1)[0]
    assert re.findall(r'name: "([a-z_]+)"', block) == list(PRESETS)


def test_the_pane_checks_the_servers_ranges():
    block = _pane().split("const INTEGERS", 1)[1].split("];", 1)[0]
    ranges = {name: (int(low), int(high))
              for name, low, high in re.findall(r'\["([a-z_]+)", "[^"]+", (\d+), (\d+)\]', block)}
    assert ranges == {name: (low, high) for name, low, high in INTEGER_OPTIONS}


def test_the_pane_offers_every_way_to_pick_the_model():
    block = _pane().split("SELECT_BY_CHOICES", 1)[1].split("];", 1)[0]
    assert re.findall(r'value: "([a-z]+)"', block) == list(SELECT_BY)


def test_the_panes_dominicks_options_are_accepted():
    """What the README's Dominick's figure sends (bench/dominicks_protocol.py) passes the server's
    check, and each option is one the pane sets."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from dominicks_protocol import TRAIN_OPTIONS

    from server.kinds.train import check

    assert check(dict(TRAIN_OPTIONS), {}, None) == {"family": "auto", **TRAIN_OPTIONS}
    pane = _pane()
    for name in TRAIN_OPTIONS:
        assert f"{name}:" in pane.split("export interface TrainForm", 1)[1].split("}", 1)[0]
