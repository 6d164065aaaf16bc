"""The model registry: list with holdout metrics, promote a champion."""

from __future__ import annotations

from flask import Blueprint, request

from ..responses import json_response
from .common import checked_id, not_found, store

bp = Blueprint("models", __name__)


@bp.get("/api/models")
def list_models():
    dataset = request.args.get("dataset")
    return json_response({"models": store().list_models(dataset)})


@bp.post("/api/models/<model_id>/promote")
def promote(model_id: str):
    checked_id(model_id, "model", "model")
    model = store().promote(model_id)
    if model is None:
        raise not_found("model", model_id)
    return json_response(model)
