"""The OpenAPI 3.1 document of the HTTP API (contract section 3), built from small pieces.

The job kinds' pieces (their request fields, record fields and result schemas) are theirs:
``server/kinds/<kind>.py``, ``openapi()``; this module only puts them in place.
"""

from __future__ import annotations

from . import kinds
from .jobs import TABLES

TABLE = {"type": "array", "description": "Excel range values: header row, then one array per row",
         "items": {"type": "array", "items": {"type": ["string", "number", "boolean", "null"]}}}
PROBLEM_CODES = ["invalid_json", "invalid_table", "invalid_request", "invalid_job", "invalid_settings",
                 "invalid_encoding", "invalid_workbook", "payload_too_large", "queue_full", "storage_full", "unsupported_encoding",
                 "not_found", "conflict", "infeasible", "unauthorized", "forbidden", "rate_limited",
                 "method_not_allowed", "internal", "worker_lost", "not_built", "invalid_share",
                 "insufficient_data",
                 "model_incompatible"]

# Every code a failed job's `error` may carry, and what the user can do about it. `internal` is a
# bug of ours (tests/hardening/test_odd_datasets.py fails on it); the others are the user's to act on.
JOB_ERROR_CODES = {
    "invalid_table": "the stored tables break the contract, or a table the job needs is missing "
                     "(a plan needs `products`); `errors` locates each problem",
    "invalid_settings": "a setting does not fit the data (e.g. holdout_campaigns or gap longer than "
                        "the history); `errors[].column` names the setting",
    "invalid_job": "the job asks for something the dataset does not have (explore of an absent table)",
    "insufficient_data": "valid tables that hold too little to learn from: one campaign, or no unit "
                         "sold in any row; `errors` names the table and column",
    "infeasible": "the plan's hard rules cannot all be met; `errors[].column` names the rule",
    "model_incompatible": "the model file was refused (other library versions, checksum, class)",
    "not_found": "the model or dataset named was deleted after the job was accepted",
    "worker_lost": "the job's worker died on every attempt (Celery runner)",
    "storage_full": "the server's disk is full: the result could not be stored",
    "internal": "a bug: the traceback is in the server log",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _json(description: str, schema: dict, headers: dict | None = None) -> dict:
    out = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


ERRORS = {"400": _problem("Bad request (invalid JSON or encoding)"),
          "401": _problem("Missing or wrong bearer token"),
          "404": _problem("Not found"), "413": _problem("Body too large (before or after gzip)"),
          "415": _problem("Unsupported Content-Encoding"),
          "422": _problem("Invalid tables, settings or request"),
          "429": _problem("Too many requests from this client (see Retry-After)"),
          "503": _problem("The job queue is full (see Retry-After)")}
LOCATION = {"Location": {"schema": {"type": "string"}}}
JOB_ID = {"name": "job_id", "in": "path", "required": True,
          "schema": {"type": "string", "pattern": "^job_[0-9a-f]{16}$"}}
DATASET_ID = {"name": "dataset_id", "in": "path", "required": True,
              "schema": {"type": "string", "pattern": "^ds_[0-9a-f]{16}$"}}
MODEL_ID = {"name": "model_id", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^model_[0-9a-f]{16}$"}}


def _result_name(kind: str) -> str:
    return f"{kind.capitalize()}Result"


def _merged(parts: dict, key: str) -> dict:
    """The ``key`` pieces of every kind's OpenAPI part, refusing two kinds that disagree."""
    out: dict = {}
    for kind, part in parts.items():
        for name, schema in part.get(key, {}).items():
            if name in out and out[name] != schema:
                raise ValueError(f"job kind {kind!r} documents {key} {name!r} unlike another kind")
            out[name] = schema
    return out


def _job_create(parts: dict) -> dict:
    """``POST /api/jobs``: the fields every kind shares, then each kind's own."""
    return {"type": "object", "required": ["kind", "dataset"], "properties": {
        "kind": {"enum": list(parts)}, "dataset": {"type": "string"},
        "model": {"type": "string", "description": "a model id, or \"champion\" (the default)"},
        **_merged(parts, "request")}}


def _schemas(parts: dict) -> dict:
    """Shared schemas, then each kind's result and the components its part names."""
    results = {_result_name(name): part["result"] for name, part in parts.items()}
    return {**_shared_schemas(parts), **results, **_merged(parts, "components")}


def _shared_schemas(parts: dict) -> dict:
    return {
        "Table": TABLE,
        "Problem": {
            "type": "object", "required": ["type", "title", "status", "detail", "code", "errors"],
            "properties": {
                "type": {"type": "string"}, "title": {"type": "string"},
                "status": {"type": "integer"}, "detail": {"type": "string"},
                "code": {"type": "string", "examples": PROBLEM_CODES},
                "instance": {"type": ["string", "null"]},
                "errors": {"type": "array", "items": {"type": "object", "properties": {
                    "table": {"type": ["string", "null"]}, "row": {"type": ["integer", "null"]},
                    "column": {"type": ["string", "null"]}, "cell": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                    "scenario": {"type": ["string", "integer"], "description": (
                        "only on a problem of one what-if scenario: its name, or its 0-based place "
                        "in the request's `scenarios` when the name itself is what is wrong")}}}},
            }},
        "Tables": {"type": "object", "required": ["history"], "additionalProperties": False,
                   "properties": {name: _ref("Table") for name in TABLES}},
        "DatasetCreate": {"type": "object", "required": ["tables"], "properties": {
            "name": {"type": "string", "maxLength": 200}, "tables": _ref("Tables"),
            "auto_retrain": {"type": "boolean", "default": False}}},
        "Dataset": {"type": "object", "required": ["id", "name", "row_counts", "warnings"],
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                   "hash": {"type": "string"}, "created_at": {"type": "string"},
                                   "updated_at": {"type": "string"},
                                   "row_counts": {"type": "object"}, "warnings": {"type": "array"},
                                   "auto_retrain": {"type": "boolean"},
                                   "tables": _ref("Tables")}},
        "JobCreate": _job_create(parts),
        "Job": {"type": "object",
                "required": ["id", "kind", "status", "progress", "created_at", "started_at",
                             "finished_at"],
                "properties": {
                    "id": {"type": "string"}, "kind": {"type": "string"},
                    "status": {"enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
                    "progress": {"type": ["object", "null"]},
                    "result": {"anyOf": [_ref(_result_name(name)) for name in parts],
                               "description": "the result of the job's kind"},
                    "error": {"type": "object", "description": "why a failed job failed (problem "
                              "fields without `type`)", "required": ["code", "detail"], "properties": {
                                  "code": {"enum": list(JOB_ERROR_CODES), "description": "; ".join(
                                      f"`{code}`: {meaning}" for code, meaning in JOB_ERROR_CODES.items())},
                                  "title": {"type": "string"}, "status": {"type": "integer"},
                                  "detail": {"type": "string"}, "errors": {"type": "array"}}},
                    "dataset": {"type": ["string", "null"]},
                    "created_at": {"type": "string"},
                    "started_at": {"type": ["string", "null"]},
                    "finished_at": {"type": ["string", "null"]},
                    "parent": {"type": "string",
                               "description": "the job this one is part of (e.g. one country "
                                              "of a multi-country plan)"},
                    **_merged(parts, "record")}},
        "Share": {"type": "object", "required": ["id", "job", "created_at", "expires_at", "active"],
                  "properties": {"id": {"type": "string"}, "job": {"type": "string"},
                                 "created_at": {"type": "string"}, "expires_at": {"type": "string"},
                                 "revoked_at": {"type": ["string", "null"]},
                                 "active": {"type": "boolean"}}},
        "ShareCreated": {"allOf": [_ref("Share"), {"type": "object", "required": ["url"],
                                                   "properties": {"url": {"type": "string"}}}]},
        "Model": {"type": "object", "required": ["id", "metrics", "champion"], "properties": {
            "id": {"type": "string"}, "dataset": {"type": "string"}, "name": {"type": "string"},
            "family": {"type": "string"}, "metrics": {"type": "object"},
            "champion": {"type": "boolean"}}},
    }


def openapi_document(version: str) -> dict:
    """The document, with each job kind's part (``server/kinds/``, ``KIND.openapi()``)."""
    parts = {name: kind.openapi() for name, kind in kinds.KINDS.items()}
    xlsx = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
            {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}
    paths = {
        "/api/health": {"get": {"operationId": "health", "security": [], "responses": {
            "200": _json("Alive", {"type": "object"})}}},
        "/api/openapi.json": {"get": {"operationId": "openapi", "responses": {
            "200": _json("This document", {"type": "object"})}}},
        "/api/datasets": {"post": {
            "operationId": "createDataset",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref("DatasetCreate")}}},
            "responses": {"201": _json("Stored", _ref("Dataset"), LOCATION), **ERRORS}}},
        "/api/datasets/{dataset_id}": {"get": {
            "operationId": "getDataset", "parameters": [DATASET_ID],
            "responses": {"200": _json("The dataset", _ref("Dataset")), **ERRORS}}},
        "/api/datasets/{dataset_id}/history": {"post": {
            "operationId": "appendHistory", "parameters": [DATASET_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["history"],
                "properties": {"history": _ref("Table")}}}}},
            "responses": {"200": _json("Appended", {"type": "object"}),
                          "201": _json("Appended; retrain job started", {"type": "object"},
                                       LOCATION), **ERRORS}}},
        "/api/jobs": {
            "post": {"operationId": "createJob",
                     "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                                     "schema": {"type": "string", "maxLength": 200}}],
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": _ref("JobCreate")}}},
                     "responses": {"201": _json("Accepted", _ref("Job"), {
                         **LOCATION, "Retry-After": {"schema": {"type": "string"}}}), **ERRORS}},
            "get": {"operationId": "listJobs", "responses": {
                "200": _json("Recent jobs", {"type": "object"})}}},
        "/api/jobs/{job_id}": {
            "get": {"operationId": "getJob", "parameters": [JOB_ID],
                    "responses": {"200": _json("The job", _ref("Job")), **ERRORS}},
            "delete": {"operationId": "cancelJob", "parameters": [JOB_ID],
                       "responses": {"200": _json("Cancel requested", _ref("Job")),
                                     "409": _problem("Already finished"), **ERRORS}}},
        "/api/jobs/{job_id}/result.xlsx": {"get": {
            "operationId": "jobWorkbook", "parameters": [JOB_ID, {
                "name": "tz", "in": "query", "required": False,
                "description": "An IANA time zone (e.g. Europe/Berlin): the run record's times on that "
                               "clock, as the page shows them; left out, UTC",
                "schema": {"type": "string", "maxLength": 64}}],
            "responses": {"200": {"description": "The result workbook", "content": xlsx},
                          "409": _problem("No result yet"), **ERRORS}}},
        "/api/models": {"get": {"operationId": "listModels", "parameters": [
            {"name": "dataset", "in": "query", "required": False, "schema": {"type": "string"}}],
            "responses": {"200": _json("Registered models", {"type": "object", "properties": {
                "models": {"type": "array", "items": _ref("Model")}}})}}},
        "/api/models/{model_id}/promote": {"post": {
            "operationId": "promoteModel", "parameters": [MODEL_ID],
            "responses": {"200": _json("Now the champion", _ref("Model")), **ERRORS}}},
        "/api/workbooks": {"post": {
            "operationId": "readWorkbook",
            "description": "Reads an uploaded xlsx or csv (raw body) into tables, one per sheet.",
            "parameters": [{"name": "X-Filename", "in": "header", "required": False,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {
                **xlsx, "text/csv": {"schema": {"type": "string"}}}},
            "responses": {"200": _json("The sheets", {"type": "object", "properties": {
                "sheets": {"type": "object", "additionalProperties": _ref("Table")}}}),
                **ERRORS}}},
        "/api/demo/workbook.xlsx": {"get": {"operationId": "demoWorkbook", "responses": {
            "200": {"description": "The demo workbook", "content": xlsx}}}},
        "/api/jobs/{job_id}/shares": {
            "post": {"operationId": "shareJob", "parameters": [JOB_ID],
                     "description": "A read-only page of this finished plan behind an unguessable "
                                    "link (`url`, shown once) that needs no API token, expires and "
                                    "can be revoked; it opens that page and nothing else.",
                     "requestBody": {"required": False, "content": {"application/json": {
                         "schema": {"type": "object", "properties": {"expires_in_days": {
                             "type": "number", "exclusiveMinimum": 0, "maximum": 90,
                             "default": 7}, "tz": {
                             "type": "string", "maxLength": 64,
                             "description": "The sharer's IANA time zone (e.g. Europe/Berlin): "
                                            "the page says its times on that clock; left out, UTC"}}}}}},
                     "responses": {"201": _json("The link", _ref("ShareCreated")),
                                   "409": _problem("Not a finished plan"),
                                   "422": _problem("Invalid expiry or time zone"), **ERRORS}},
            "get": {"operationId": "listShares", "parameters": [JOB_ID],
                    "responses": {"200": _json("The job's links (without their tokens)", {
                        "type": "object", "properties": {"shares": {
                            "type": "array", "items": _ref("Share")}}}), **ERRORS}}},
        "/api/jobs/{job_id}/shares/{share_id}": {"delete": {
            "operationId": "revokeShare", "parameters": [JOB_ID, {
                "name": "share_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _json("Revoked: the link answers 404 from now on", _ref("Share")),
                          **ERRORS}}},
        "/s/{token}": {"get": {
            "operationId": "sharedPage", "security": [],
            "description": "The read-only page of one shared plan (HTML; no API token). A wrong, "
                           "expired or revoked token answers 404.",
            "parameters": [{"name": "token", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The page", "content": {"text/html": {
                "schema": {"type": "string"}}}}, "404": {
                "description": "No such link (a short HTML page for browsers, else a problem)",
                "content": {"text/html": {"schema": {"type": "string"}},
                            "application/problem+json": {"schema": _ref("Problem")}}}}}},
    }
    for path, operations in paths.items():  # every guarded route may answer these
        for operation in operations.values():
            if path.startswith("/api/") and path != "/api/health":
                for status in ("401", "429"):
                    operation["responses"].setdefault(status, ERRORS[status])
    return {
        "openapi": "3.1.0",
        "info": {"title": "Folio API", "version": version,
                 "description": "Catalogue planning with the forecast in the loop. Request bodies "
                                "may be gzip-compressed (Content-Encoding: gzip). Errors are "
                                "application/problem+json with a stable code. Progress streams "
                                "over the websocket /ws."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": _schemas(parts), "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "Required only when the server runs with FOLIO_TOKEN"}}},
    }
