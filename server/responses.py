"""JSON responses (orjson) and gzip of responses for clients that accept it."""

from __future__ import annotations

import gzip

import orjson
from flask import Flask, Response, request

COMPRESSIBLE = ("application/json", "application/problem+json", "text/", "application/javascript",
                "image/svg+xml")
MIN_GZIP_BYTES = 1024


def json_response(value, status: int = 200, headers: dict | None = None) -> Response:
    body = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
    return Response(body, status=status, mimetype="application/json", headers=headers)


def _accepts_gzip() -> bool:
    header = request.headers.get("Accept-Encoding", "")
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*") and "q=0" not in params.replace(" ", ""):
            return True
    return False


def register_gzip(app: Flask) -> None:
    @app.after_request
    def _gzip(response: Response) -> Response:
        if (response.direct_passthrough or response.status_code < 200 or response.status_code == 204
                or "Content-Encoding" in response.headers or not _accepts_gzip()
                or not (response.mimetype or "").startswith(COMPRESSIBLE)):
            return response
        data = response.get_data()
        if len(data) < MIN_GZIP_BYTES:
            return response
        response.set_data(gzip.compress(data, compresslevel=5))
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(response.get_data()))
        response.vary.add("Accept-Encoding")
        return response
