"""The built add-in (``static/``): the standalone page at ``/`` and the task pane."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory

from engine.errors import FolioError

bp = Blueprint("pages", __name__)


def _static_dir() -> Path:
    return Path(current_app.config["STATIC_DIR"])


def _serve(name: str):
    folder = _static_dir()
    if not (folder / name).is_file():
        if name.endswith(".html"):
            raise FolioError(code="not_built", status=404,
                             detail="static/ has no build of the add-in: run 'npm ci && npm run build'")
        raise FolioError(code="not_found", status=404, detail=f"no file {name!r}")
    response = send_from_directory(folder, name, max_age=0 if name.endswith(".html") else 3600)
    return response


@bp.get("/")
def index():
    return _serve("index.html")


@bp.get("/<path:name>")
def static_file(name: str):
    return _serve(name)
