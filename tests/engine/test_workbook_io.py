"""Uploads: xlsx and csv read like Excel ranges; hostile files refused before parsing."""

import datetime as dt
import io
import time
import zipfile

import openpyxl
import pytest

from engine.demo import demo_workbook, make_demo
from engine.errors import FolioError
from engine.data.tables import read_tables
from engine.data.workbook_io import MAX_FILE_BYTES, read_workbook


def xlsx_bytes(fill) -> bytes:
    wb = openpyxl.Workbook()
    fill(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_sheets_dates_and_trimming():
    def fill(wb):
        ws = wb.active
        ws.title = "history"
        ws.append(["campaign", "product_id", "units", "start"])
        ws.append(["2024-01", "A", 3, dt.datetime(2024, 1, 2)])
        ws.append(["2024-02", "B", 4.5, dt.datetime(2024, 1, 23, 10, 30)])
        ws["F10"] = ""  # touched but empty: trimmed away
        ws2 = wb.create_sheet("products")
        ws2.append(["product_id", "price"])
        ws2.append(["A", None])
        ws2["A5"] = "X"

    sheets = read_workbook(xlsx_bytes(fill), "plan.xlsx")
    assert list(sheets) == ["history", "products"]
    assert sheets["history"] == [
        ["campaign", "product_id", "units", "start"],
        ["2024-01", "A", 3, "2024-01-02"],
        ["2024-02", "B", 4.5, "2024-01-23T10:30:00"],
    ]
    assert sheets["products"] == [["product_id", "price"], ["A", None], [None, None], [None, None],
                                  ["X", None]]


def test_demo_workbook_round_trips_through_read_tables():
    demo = make_demo(campaigns=3, products=40)
    sheets = read_workbook(demo_workbook(demo), "folio-demo.xlsx")
    tables = {k: v for k, v in sheets.items() if k != "about"}
    ds = read_tables(tables)
    assert ds.row_counts() == {k: len(v) for k, v in demo.items()}
    assert ds.history["units"].sum() == demo["history"]["units"].sum()


def test_csv_semicolon_decimal_comma_and_bom():
    text = "\ufeffcampaign;product_id;units;price\n2024-01;00123;5;12,5\n2024-02;B7;;3\n\n"
    sheets = read_workbook(text.encode("utf-8"), "history.csv")
    assert sheets == {"history": [["campaign", "product_id", "units", "price"],
                                  ["2024-01", "00123", 5, 12.5],
                                  ["2024-02", "B7", None, 3]]}


def test_csv_comma_and_quotes():
    text = 'product_id,name,price\nA,"Rose, the cream",9.99\nB,"=HYPERLINK(""x"")",4\n'
    sheets = read_workbook(text.encode("cp1252"), "products.csv")
    rows = sheets["products"]
    assert rows[1] == ["A", "Rose, the cream", 9.99]
    assert rows[2][1] == '=HYPERLINK("x")'


def test_zip_bomb_refused_quickly():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 200_000
    start = time.perf_counter()
    with pytest.raises(FolioError) as info:
        read_workbook(data, "bomb.xlsx")
    assert time.perf_counter() - start < 0.5
    assert info.value.code == "invalid_workbook" and info.value.status == 413
    assert "zip bomb" in info.value.detail


def test_declared_total_too_large_refused(monkeypatch):
    import engine.data.workbook_io as wio
    monkeypatch.setattr(wio, "MAX_UNCOMPRESSED_BYTES", 1000)
    data = xlsx_bytes(lambda wb: wb.active.append(["a"] * 200))
    with pytest.raises(FolioError) as info:
        read_workbook(data, "big.xlsx")
    assert info.value.status == 413


def test_cell_cap(monkeypatch):
    import engine.data.workbook_io as wio
    monkeypatch.setattr(wio, "MAX_CELLS", 50)
    data = xlsx_bytes(lambda wb: [wb.active.append(list(range(10))) for _ in range(6)])
    with pytest.raises(FolioError) as info:
        read_workbook(data, "many.xlsx")
    assert info.value.status == 413 and "cells" in info.value.detail
    with pytest.raises(FolioError):
        read_workbook(("a,b\n" * 30).encode(), "many.csv")


@pytest.mark.parametrize("data,name,fragment", [
    (b"PK\x03\x04not really a zip", "x.xlsx", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", ".xls"),
    (b"", "empty.csv", "empty"),
    (b"%PDF-1.4", "doc.pdf", "unsupported"),
])
def test_broken_files(data, name, fragment):
    with pytest.raises(FolioError) as info:
        read_workbook(data, name)
    assert info.value.code == "invalid_workbook" and info.value.status == 422
    assert fragment in info.value.detail


def test_file_size_cap():
    with pytest.raises(FolioError) as info:
        read_workbook(b"a" * (MAX_FILE_BYTES + 1), "huge.csv")
    assert info.value.status == 413


def _lying_zip(declared: int) -> bytes:
    """A workbook whose sheet part says it unpacks to ``declared`` bytes but holds far more."""
    buf = io.BytesIO()
    sheet = b"<worksheet>" + b"<row/>" * 200_000 + b"</worksheet>"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    data = bytearray(buf.getvalue())
    real = len(sheet).to_bytes(4, "little")
    lie = declared.to_bytes(4, "little")
    # the size sits in both the local header and the central directory: change every copy
    start = 0
    while (at := data.find(real, start)) >= 0:
        data[at:at + 4] = lie
        start = at + 4
    return bytes(data)


def test_a_part_that_lies_about_its_size_is_refused_before_any_reader():
    data = _lying_zip(declared=1000)
    with pytest.raises(FolioError) as info:
        read_workbook(data, "liar.xlsx")
    assert info.value.code == "invalid_workbook" and info.value.status == 422
    assert "cannot be unpacked" in info.value.detail


def test_cells_are_counted_in_the_xml_before_parsing(monkeypatch):
    import engine.data.workbook_io as wio

    monkeypatch.setattr(wio, "MAX_CELLS", 50)
    parsed = []
    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike",
                        lambda *a, **k: parsed.append(1) or pytest.fail("the reader was reached"))
    data = xlsx_bytes(lambda wb: [wb.active.append(list(range(10))) for _ in range(6)])
    with pytest.raises(FolioError):
        read_workbook(data, "many.xlsx")
    assert parsed == []


def test_numbers_booleans_and_positions_read_as_excel_shows_them():
    def fill(wb):
        ws = wb.active
        ws.title = "history"
        ws["B3"], ws["C3"], ws["D3"] = "campaign", "units", "flag"
        ws["B4"], ws["C4"], ws["D4"] = "2024-01", 3.0, True
        ws["B5"], ws["C5"], ws["D5"] = "007", 2.5, False

    rows = read_workbook(xlsx_bytes(fill), "x.xlsx")["history"]
    assert rows[2] == [None, "campaign", "units", "flag"]  # header where Excel has it: row 3
    assert rows[3] == [None, "2024-01", 3, True] and isinstance(rows[3][2], int)
    assert rows[4] == [None, "007", 2.5, False]  # text that looks like a number stays text
