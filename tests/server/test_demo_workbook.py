"""The demo workbook the server builds and keeps: rebuilt when the generator changes."""

import io

import openpyxl

from server.api.workbooks import ensure_demo_workbook


def test_a_demo_workbook_built_by_an_older_generator_is_replaced(tmp_path):
    stale = tmp_path / "demo" / "folio-demo.xlsx"  # the name every build had before it carried a digest
    stale.parent.mkdir()
    stale.write_bytes(b"an older build")
    path = ensure_demo_workbook(tmp_path)
    assert path != stale and not stale.exists()
    header = [c.value for c in next(openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True)["history"].rows)]
    assert header[:2] == ["campaign", "start_date"]
    assert ensure_demo_workbook(tmp_path) == path  # kept, not rebuilt
    assert [p.name for p in path.parent.iterdir()] == [path.name]
