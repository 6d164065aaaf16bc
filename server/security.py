"""Access checks: the bearer token (``FOLIO_TOKEN``) and the websocket's Origin."""

from __future__ import annotations

import hmac

from flask import Flask, request

from .problems import problem_response

OPEN_PATHS = ("/api/health",)


def _presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    if request.path == "/ws":
        return request.args.get("token")
    return None


def _origin_allowed(allowed: list[str]) -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return True  # not a browser, or same-origin navigation
    own = f"{request.scheme}://{request.host}"
    return origin == own or origin in allowed or "*" in allowed


def register_security(app: Flask) -> None:
    from .ratelimit import register_rate_limits

    @app.before_request
    def _check_access():
        guarded = request.path.startswith("/api/") or request.path == "/ws"
        if not guarded or request.path in OPEN_PATHS:
            return None
        if request.path == "/ws" and not _origin_allowed(app.config["ALLOWED_ORIGINS"]):
            return problem_response(403, "forbidden", "this Origin may not open the websocket")
        token = app.config.get("TOKEN")
        if token:
            presented = _presented_token()
            if not presented or not hmac.compare_digest(presented.encode(), token.encode()):
                return problem_response(401, "unauthorized",
                                        "a valid 'Authorization: Bearer <token>' header is required",
                                        headers={"WWW-Authenticate": 'Bearer realm="folio"'})
        return None

    register_rate_limits(app)  # after the token check: unauthenticated floods cost nothing

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response


# Office.js comes from Microsoft's CDN; the page talks only to its own origin (HTTP and websocket).
# No frame-ancestors/X-Frame-Options limit: Excel on the web shows the task pane in an iframe.
CSP = ("default-src 'self'; script-src 'self' https://appsforoffice.microsoft.com; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'")
