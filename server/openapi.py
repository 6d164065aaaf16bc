"""The OpenAPI 3.1 document of the HTTP API (contract section 3), built from small pieces."""

from __future__ import annotations

TABLE = {"type": "array", "description": "Excel range values: header row, then one array per row",
         "items": {"type": "array", "items": {"type": ["string", "number", "boolean", "null"]}}}
PROBLEM_CODES = ["invalid_json", "invalid_table", "invalid_request", "invalid_job", "invalid_settings",
                 "invalid_encoding", "invalid_workbook", "payload_too_large", "queue_full", "storage_full", "unsupported_encoding",
                 "not_found", "conflict", "infeasible", "unauthorized", "forbidden", "rate_limited",
                 "method_not_allowed", "internal", "worker_lost", "not_built"]


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


def _schemas() -> dict:
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
                    "message": {"type": "string"}}}},
            }},
        "Tables": {"type": "object", "required": ["history"], "additionalProperties": False,
                   "properties": {name: _ref("Table") for name in
                                  ("history", "products", "slots", "category_limits")}},
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
        "PlanSettings": {"type": "object", "properties": {
            "pages": {"type": "integer", "minimum": 1},
            "slots_per_page": {"type": "integer", "minimum": 1},
            "discount_levels": {"type": "array", "items": {"type": "number", "minimum": 0,
                                                           "maximum": 0.9}},
            "objective": {"enum": ["profit", "revenue", "units"]},
            "max_discounted_share": {"type": "number", "minimum": 0, "maximum": 1},
            "anomaly_weight": {"type": "number", "minimum": 0},
            "population": {"type": "integer", "minimum": 4},
            "generations": {"type": "integer", "minimum": 1},
            "time_limit_s": {"type": "number", "exclusiveMinimum": 0},
            "seed": {"type": "integer"},
            "strategy": {"enum": ["ga", "coevolution"]},
            "stagnation_generations": {"type": "integer", "minimum": 0, "maximum": 100000},
            "local_search": {"type": "boolean"},
            "cannibalisation": {"type": ["number", "null"], "minimum": 0.5, "maximum": 1}}},
        "JobCreate": {"type": "object", "required": ["kind", "dataset"], "properties": {
            "kind": {"enum": ["explore", "train", "forecast", "plan"]},
            "dataset": {"type": "string"}, "model": {"type": "string"},
            "table": {"enum": ["history", "products", "slots", "category_limits"]},
            "family": {"enum": ["auto", "linear", "gbm"]},
            "holdout_campaigns": {"type": "integer", "minimum": 1, "maximum": 52},
            "folds": {"type": "integer", "minimum": 1, "maximum": 20},
            "gap": {"type": "integer", "minimum": 0, "maximum": 52},
            "season": {"type": "integer", "minimum": 1, "maximum": 104},
            "select_by": {"enum": ["wape", "mape"]},
            "candidates": {"type": "array", "minItems": 1, "items": {
                "enum": ["linear", "gbm", "linear_by_country", "gbm_by_country", "gbm_log",
                         "gbm_log_by_country", "gbm_log_bag"]}},
            "rows": _ref("Table"), "settings": _ref("PlanSettings"),
            "countries": {
                "description": "plan only: one catalogue per country, each planned as its own job "
                               "(in parallel on the runner) and gathered into this job's result "
                               "(plan rows with a country column, totals summed, `countries` "
                               "breakdown). \"all\" = every country of the history.",
                "oneOf": [{"const": "all"}, {"type": "array", "minItems": 1, "maxItems": 200,
                                             "uniqueItems": True,
                                             "items": {"type": "string", "minLength": 1}}]}}},
        "Job": {"type": "object",
                "required": ["id", "kind", "status", "progress", "created_at", "started_at",
                             "finished_at"],
                "properties": {
                    "id": {"type": "string"}, "kind": {"type": "string"},
                    "status": {"enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
                    "progress": {"type": ["object", "null"]}, "result": {"type": "object"},
                    "error": {"type": "object"}, "dataset": {"type": ["string", "null"]},
                    "created_at": {"type": "string"},
                    "started_at": {"type": ["string", "null"]},
                    "finished_at": {"type": ["string", "null"]},
                    "countries": {"type": "array", "items": {"type": "string"},
                                  "description": "a multi-country plan: its countries"},
                    "country": {"type": "string",
                                "description": "one country's plan job of a multi-country plan"},
                    "parent": {"type": "string",
                               "description": "the multi-country plan this job is part of"}}},
        "Model": {"type": "object", "required": ["id", "metrics", "champion"], "properties": {
            "id": {"type": "string"}, "dataset": {"type": "string"}, "name": {"type": "string"},
            "family": {"type": "string"}, "metrics": {"type": "object"},
            "champion": {"type": "boolean"}}},
    }


def openapi_document(version: str) -> dict:
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
            "operationId": "jobWorkbook", "parameters": [JOB_ID],
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
    }
    for path, operations in paths.items():  # every guarded route may answer these
        for operation in operations.values():
            if path != "/api/health":
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
        "components": {"schemas": _schemas(), "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "Required only when the server runs with FOLIO_TOKEN"}}},
    }
