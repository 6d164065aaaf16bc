"""Uploaded workbooks read into tables, and the demo workbook (for the standalone page)."""

from __future__ import annotations

import hashlib
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
    """The demo workbook under the data folder, built once (~2.5 s) and kept.

    Its name carries a digest of the generator's source, so a data folder kept across an upgrade
    that changes the demo (a new column, say) serves the new workbook, not the one built before;
    the older builds are removed."""
    import engine.demo as demo

    digest = hashlib.sha256(Path(demo.__file__).read_bytes()).hexdigest()[:12]
    path = root / "demo" / f"folio-demo-{digest}.xlsx"
    if not path.exists():
        write_atomic(path, demo.demo_workbook(demo.make_demo()))
        for old in path.parent.glob("folio-demo*.xlsx"):
            if old != path:
                old.unlink(missing_ok=True)
    return path


@bp.get("/api/demo/workbook.xlsx")
def demo_workbook():
    path = ensure_demo_workbook(store().root)
    return send_file(path, mimetype=XLSX, as_attachment=True, download_name="folio-demo.xlsx")
