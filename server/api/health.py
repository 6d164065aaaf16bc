"""Liveness and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint

import engine

from ..openapi import openapi_document
from ..responses import json_response
from .common import runner

bp = Blueprint("health", __name__)


@bp.get("/api/health")
def health():
    active = runner()
    return json_response({"status": "ok", "version": engine.__version__, "runner": active.name,
                          "subscribers": active.hub.subscriber_count()})


@bp.get("/api/openapi.json")
def openapi():
    return json_response(openapi_document(engine.__version__))
