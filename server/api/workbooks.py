"""Uploaded workbooks read into tables, and the demo workbook (for the standalone page)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from flask import Blueprint, current_app, request, send_file

from ..blobs import write_atomic
from ..bodies import decoded_body
from ..responses import json_response
from .common import store

bp = Blueprint("workbooks", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename() -> str:
    name = unquote(request.headers.get("X-Filename") or "")  # the page percent-encodes non-ASCII
    if name:
        return name[-200:]
    return "upload.csv" if (request.mimetype or "").startswith("text/") else "upload.xlsx"


@bp.post("/api/workbooks")
def read_uploaded_workbook():
    from engine.data.workbook_io import read_workbook

    data = decoded_body(current_app.config["MAX_UPLOAD_BYTES"])
    return json_response({"sheets": read_workbook(data, _filename())})


def ensure_demo_workbook(root: Path) -> Path:
    """The demo workbook under the data folder, built once (~2.5 s) and kept."""
    path = root / "demo" / "folio-demo.xlsx"
    if not path.exists():
        from engine.demo import demo_workbook as build
        from engine.demo import make_demo

        write_atomic(path, build(make_demo()))
    return path


@bp.get("/api/demo/workbook.xlsx")
def demo_workbook():
    path = ensure_demo_workbook(store().root)
    return send_file(path, mimetype=XLSX, as_attachment=True, download_name="folio-demo.xlsx")
