"""Helpers every view uses: the store, runner and job lifecycle of this app, id checks."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from engine.errors import FolioError, Problem

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


ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]{0,29}(/[A-Za-z0-9_+-]{1,30}){0,2}")


def time_zone(value: str | None) -> str | None:
    """The ``tz`` a page sends (its IANA time zone, e.g. ``Europe/Berlin``) checked: a workbook's
    or a shared page's times are written on that clock, the one the pane shows them on. None = UTC."""
    if value is None or value in ("", "UTC", "Etc/UTC"):
        return None
    try:
        if ZONE_NAME.fullmatch(value):
            ZoneInfo(value)
            return value
    except (ZoneInfoNotFoundError, ValueError, OSError):  # no such zone; a folder (Europe); a bad name
        pass
    message = "tz must be an IANA time zone such as Europe/Berlin (or left out for UTC)"
    raise FolioError(code="invalid_request", status=422, detail=message,
                     problems=[Problem(message=message, column="tz")])
