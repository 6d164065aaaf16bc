"""Uploaded xlsx/csv files -> sheets as Excel-style 2-D arrays, refusing hostile files early.

Why the care: an upload is untrusted input. A 1 MB zip can declare gigabytes of XML, and a sheet
can hold millions of cells; both would take the worker's memory before any table check runs. So
the zip directory (declared sizes, ratios, entry count) is checked first; then every part is
inflated by Python's zipfile, which stops at the declared size and checks the CRC, so the real
total is bounded too, and the cells of each worksheet are counted in its XML (``<c`` elements)
before any parser builds them. Only then does a reader see the parts, re-packed uncompressed.

The reader is calamine (``python-calamine``: Rust's calamine, whose XML parser expands no
entities and fetches nothing): 16x faster than openpyxl's read-only mode on the demo workbook
(``bench/bench_workbook_read.py``). Errors are ``FolioError(code="invalid_workbook")``, status
413 when the file is too large, 422 otherwise.

The arrays match what the add-in sends from ``range.values``: rectangular rows, empty cells as
None, trailing empty rows and columns trimmed, dates as ISO strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from pathlib import PurePath
from typing import Any

from engine.errors import FolioError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELLS = 5_000_000
MAX_UNCOMPRESSED_BYTES = 600 * 1024 * 1024  # all entries together, as the zip declares them
MAX_ENTRY_RATIO = 200  # uncompressed / compressed for any entry larger than RATIO_FLOOR
RATIO_FLOOR = 5 * 1024 * 1024
MAX_ENTRIES = 5_000
MAX_SHEETS = 100

_INT = re.compile(r"^[+-]?(0|[1-9]\d{0,14})$")
_FLOAT = re.compile(r"^[+-]?(0|[1-9]\d*)?\.\d+([eE][+-]?\d+)?$|^[+-]?(0|[1-9]\d*)[eE][+-]?\d+$")
_COMMA_FLOAT = re.compile(r"^[+-]?(0|[1-9]\d*),\d+$")


def _invalid(detail: str, status: int = 422) -> FolioError:
    title = "The file is too large" if status == 413 else "The file cannot be read"
    return FolioError(code="invalid_workbook", detail=detail, status=status, title=title)


def read_workbook(data: bytes, filename: str) -> dict[str, list[list]]:
    """Sheets of an uploaded xlsx (or a csv: one sheet named after the file) as 2-D arrays."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _invalid("expected the file's bytes")
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise _invalid(f"the file is {len(data) / 1e6:.1f} MB; the limit is "
                       f"{MAX_FILE_BYTES / 1e6:.0f} MB", status=413)
    if not data:
        raise _invalid("the file is empty")
    name = PurePath(filename or "upload").name
    suffix = PurePath(name).suffix.lower()
    if data[:4] == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or suffix == ".xls":
        raise _invalid("old .xls files are not supported: save the workbook as .xlsx")
    if suffix in ("", ".csv", ".txt", ".tsv"):
        return {PurePath(name).stem or "sheet1": _read_csv(data)}
    raise _invalid(f"unsupported file type '{suffix}': upload an .xlsx or .csv file")


# --- xlsx ---------------------------------------------------------------------------------------

def check_zip(data: bytes) -> None:
    """Refuse zip bombs from the central directory alone (nothing is decompressed here)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _invalid(f"not a valid .xlsx file (the zip container is broken: {exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _invalid(f"the workbook holds {len(infos)} parts; the limit is {MAX_ENTRIES}")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _invalid(f"the workbook unpacks to {total / 1e6:.0f} MB; the limit is "
                           f"{MAX_UNCOMPRESSED_BYTES / 1e6:.0f} MB", status=413)
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > MAX_ENTRY_RATIO:
                raise _invalid(f"the workbook part '{info.filename}' expands {ratio:.0f} times "
                               "when unpacked; refused as a possible zip bomb", status=413)
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise _invalid("not an Excel .xlsx workbook (no workbook part in the zip)")


def _read_xlsx(data: bytes) -> dict[str, list[list]]:
    check_zip(data)
    verified = _verified_copy(data)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(verified))
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine raises its own kinds for malformed parts
        raise _invalid(f"the workbook cannot be opened: {type(exc).__name__}") from None
    if len(names) > MAX_SHEETS:
        raise _invalid(f"the workbook has {len(names)} sheets; the limit is {MAX_SHEETS}")
    sheets: dict[str, list[list]] = {}
    try:
        for name in names:
            # skip_empty_area=False: rows and columns keep their Excel positions (A1 is [0][0]),
            # so the cells named in validation errors are the user's cells
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name] = _trim([[_cell(v) for v in row] for row in rows])
    except FolioError:
        raise
    except Exception as exc:
        raise _invalid(f"the workbook cannot be read: {type(exc).__name__}") from None
    finally:
        wb.close()
    return sheets


def _verified_copy(data: bytes) -> bytes:
    """The workbook's parts re-packed without compression, after their real sizes and the cells
    of every worksheet were counted against the caps (nothing hostile reaches the reader)."""
    out = io.BytesIO()
    total = cells = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
            for info in src.infolist():
                if info.is_dir():
                    continue
                part = src.read(info)  # stops at the declared size; a wrong CRC raises
                total += len(part)
                if total > MAX_UNCOMPRESSED_BYTES:
                    raise _invalid(f"the workbook unpacks to more than {MAX_UNCOMPRESSED_BYTES / 1e6:.0f} MB",
                                   status=413)
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    cells += part.count(b"<c ") + part.count(b"<c>")
                    if cells > MAX_CELLS:
                        raise _invalid(f"the workbook holds more than {MAX_CELLS:,} cells", 413)
                dst.writestr(info.filename, part)
    except FolioError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError, RuntimeError) as exc:
        raise _invalid(f"not a valid .xlsx file (a part cannot be unpacked: {type(exc).__name__})") from None
    return out.getvalue()


def _cell(value: Any) -> Any:
    """A cell as JSON-ready: dates -> ISO text (date only at midnight), NaN/inf -> None, whole
    numbers as integers (Excel stores every number as a double; ``3`` reads back as ``3``)."""
    kind = type(value)  # exact types first: this runs once per cell
    if kind is str:
        return value if value else None
    if kind is float:
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value if math.isfinite(value) else None
    if kind is int or kind is bool or value is None:
        return value
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400.0  # Excel's duration unit: days
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def _filled(value: Any) -> bool:
    return value is not None and not (type(value) is str and value.strip() == "")


def _trim(rows: list[list]) -> list[list]:
    """Drop trailing empty rows and columns; pad rows to one width (a rectangle like Excel)."""
    last_row = len(rows) - 1
    while last_row >= 0 and not any(_filled(v) for v in rows[last_row]):
        last_row -= 1
    width = 0
    for row in rows[: last_row + 1]:
        for j in range(len(row) - 1, width - 1, -1):  # only cells right of `width` can widen it
            if _filled(row[j]):
                width = j + 1
                break
    out = []
    for row in rows[: last_row + 1]:
        if len(row) == width:
            out.append(row)
        else:
            row = row[:width]
            out.append(row + [None] * (width - len(row)))
    return out


# --- csv ----------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _delimiter(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in (";", ",", "\t")}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _csv_value(text: str, decimal_comma: bool) -> Any:
    """A csv field as Excel would read it: numbers become numbers, ids with leading zeros stay."""
    s = text.strip()
    if s == "":
        return None
    if _INT.match(s):
        return int(s)
    if _FLOAT.match(s):
        return float(s)
    if decimal_comma and _COMMA_FLOAT.match(s):
        return float(s.replace(",", "."))
    return text


def _read_csv(data: bytes) -> list[list]:
    text = _decode(data)
    delimiter = _delimiter(text)
    decimal_comma = delimiter == ";"
    rows: list[list] = []
    cells = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            cells += len(record)
            if cells > MAX_CELLS:
                raise _invalid(f"the file holds more than {MAX_CELLS:,} cells", 413)
            rows.append([_csv_value(v, decimal_comma) for v in record])
    except csv.Error as exc:
        raise _invalid(f"the csv file cannot be read: {exc}") from None
    rows = _trim(rows)
    if not rows:
        raise _invalid("the csv file holds no values")
    return rows
