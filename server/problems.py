"""problem+json everywhere: one shape for every error a client can see, never a traceback."""

from __future__ import annotations

import logging

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from engine.errors import FolioError

from .wire import problem

log = logging.getLogger("folio.http")

# Werkzeug's HTTP errors mapped to our stable codes.
HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited",
    500: "internal", 503: "unavailable",
}


def problem_response(status: int, code: str, detail: str, *, title: str | None = None,
                     errors: list | None = None, headers: dict | None = None) -> Response:
    body = {"type": f"https://folio.example/problems/{code}",
            **problem(code, detail, status=status, title=title, errors=errors or []),
            "instance": request.path if request else None}
    return Response(orjson.dumps(body), status=status, mimetype="application/problem+json",
                    headers=headers)


def error_response(exc: FolioError) -> Response:
    body = exc.to_problem()
    headers = {"Retry-After": "5"} if exc.status in (429, 503) else None
    return problem_response(body["status"], body["code"], body["detail"], title=body["title"],
                            errors=body["errors"], headers=headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(FolioError)
    def _folio(exc: FolioError):
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        code = HTTP_CODES.get(status)
        response = problem_response(status, code or "error", exc.description or exc.name,
                                    title=None if code else exc.name)
        if status == 405 and exc.get_response().headers.get("Allow"):
            response.headers["Allow"] = exc.get_response().headers["Allow"]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(500, "internal", "an unexpected error occurred; it has been logged")
