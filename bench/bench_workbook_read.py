"""Reading an uploaded workbook: Folio's reader against a plain openpyxl read-only pass.

Run: ``.venv/bin/python bench/bench_workbook_read.py [runs]`` (default 5). The file is the demo
workbook (``engine.demo``: ~27k history rows, 1.3 MB). Folio's way (``read_workbook``) keeps
every safety check: the zip directory's declared sizes and ratios, every part inflated with its
real size and CRC checked, worksheet cells counted in the XML against the cap, then calamine
reads the re-packed parts and cells are converted like Excel ranges. The naive way is what the
reader was before: ``openpyxl.load_workbook(read_only=True, data_only=True)`` and
``iter_rows(values_only=True)`` over every sheet, nothing else. Median seconds of each, measured
in the same run, and their ratio.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.data.workbook_io import read_workbook  # noqa: E402
from engine.demo import demo_workbook, make_demo  # noqa: E402


def openpyxl_pass(data: bytes) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
    wb.close()
    return cells


def timed(fn, data: bytes, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(data)
        out.append(time.perf_counter() - start)
    return out


def main(runs: int = 5) -> None:
    data = demo_workbook(make_demo())
    sheets = read_workbook(data, "folio-demo.xlsx")
    rows = {name: len(table) for name, table in sheets.items()}
    print(f"demo workbook: {len(data) / 1e6:.2f} MB, rows per sheet {rows}")
    ours = timed(lambda d: read_workbook(d, "folio-demo.xlsx"), data, runs)
    naive = timed(openpyxl_pass, data, runs)
    m_ours, m_naive = statistics.median(ours), statistics.median(naive)
    print(f"Folio read_workbook (checks + calamine): median {m_ours:.3f} s "
          f"(min {min(ours):.3f}, max {max(ours):.3f}) over {runs} runs")
    print(f"plain openpyxl read-only pass:           median {m_naive:.3f} s "
          f"(min {min(naive):.3f}, max {max(naive):.3f})")
    print(f"ratio: {m_naive / m_ours:.1f}x faster")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
