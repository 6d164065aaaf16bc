"""Helpers every view uses: the store, runner and job lifecycle of this app, id checks."""

from __future__ import annotations

from flask import current_app

from engine.errors import FolioError

from ..blobs import valid_id
from ..lifecycle import JobLife
from ..store import Store


def store() -> Store:
    return current_app.extensions["folio.store"]


def runner():
    return current_app.extensions["folio.runner"]


def life() -> JobLife:
    """Every transition of a job goes through the runner's lifecycle (``server.lifecycle``)."""
    return runner().life


def not_found(what: str, ident: str) -> FolioError:
    return FolioError(code="not_found", status=404,
                      detail=f"{what} {ident!r} does not exist")


def checked_id(value: str, prefix: str, what: str) -> str:
    """Ids from URLs must have our shape; anything else is simply not found."""
    if not valid_id(value, prefix):
        raise not_found(what, value)
    return value
