"""A real spreadsheet program opens every exported workbook: LibreOffice (headless) re-saves each
one and every sheet, with its values, comes back. Catches files that openpyxl writes but Excel or
Calc would 'repair'."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from engine.demo import make_demo
from engine.explore import explore_table
from engine.export import result_workbook
from test_export import RUN, sample_plan_result


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail("LibreOffice is required for this test: apt-get install libreoffice-calc "
                    "(.ci/run installs it)")
    return path


def round_trip(data: bytes, tmp_path: Path, name: str) -> openpyxl.Workbook:
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180)
    converted = out / f"{name}.xlsx"
    assert converted.exists(), f"LibreOffice could not read {name}: {result.stdout} {result.stderr}"
    return openpyxl.load_workbook(io.BytesIO(converted.read_bytes()))


def _values(ws) -> list[tuple]:
    return [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]


def test_every_result_workbook_opens_in_libreoffice(tmp_path):
    explore = explore_table(make_demo(seed=3, campaigns=8, products=40)["history"])
    train = {"candidates": [{"name": "linear (global)", "family": "linear", "chosen": True,
                             "metrics": {"wape": 0.41, "mape": 0.55, "bias": -0.1}}],
             "baselines": [{"name": "naive", "metrics": {"wape": 0.88, "mape": 2.4, "bias": 0.0}}],
             "holdout": {"campaigns": ["2024-16", "2024-17"], "rows": 1515}}
    books = {"plan": ("plan", sample_plan_result()), "train": ("train", train),
             "explore": ("explore", explore)}
    for name, (kind, result) in books.items():
        original = openpyxl.load_workbook(io.BytesIO(result_workbook(kind, result, RUN)))
        reread = round_trip(result_workbook(kind, result, RUN), tmp_path, name)
        assert reread.sheetnames == original.sheetnames, name
        if kind == "plan":
            plan = reread["Plan"]
            assert _values(plan)[:3] == _values(original["Plan"])[:3]
            # formula-looking product names come back as text, never as formulas
            assert plan["D2"].value.startswith("=HYPERLINK") and plan["D2"].data_type == "s"
        for sheet in original.sheetnames:
            assert reread[sheet].max_row >= 1
