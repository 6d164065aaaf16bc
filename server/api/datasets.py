"""Datasets: validated tables stored once, referenced by jobs (contract section 3)."""

from __future__ import annotations

from flask import Blueprint, url_for

from engine.errors import FolioError, Problem

from ..bodies import json_body
from ..jobs import TABLES
from ..responses import json_response
from ..validated import keep_validated
from .common import checked_id, not_found, store
from .jobs import accept_job

bp = Blueprint("datasets", __name__)


def _invalid(message: str, column: str) -> FolioError:
    return FolioError(code="invalid_request", status=422, detail=message,
                      problems=[Problem(message=message, column=column)])


def _validated(tables: dict):
    """Validate the tables with the engine; returns (dataset, hash, warnings as dicts)."""
    from engine.data.tables import dataset_hash, read_tables

    dataset = read_tables(tables)
    return dataset, dataset_hash(tables), [w.to_dict() for w in dataset.warnings]


def _check_tables(tables) -> dict:
    if not isinstance(tables, dict) or "history" not in tables:
        raise _invalid("'tables' must be an object with at least a 'history' table", "tables")
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise _invalid(f"unknown tables {unknown}; expected some of {list(TABLES)}", "tables")
    return {name: value for name, value in tables.items() if value is not None}


@bp.post("/api/datasets")
def create_dataset():
    body = json_body()
    if not isinstance(body, dict):
        raise _invalid("the body must be a JSON object", "body")
    name = body.get("name") or "dataset"
    if not isinstance(name, str) or len(name) > 200:
        raise _invalid("'name' must be a string of at most 200 characters", "name")
    auto_retrain = body.get("auto_retrain", False)
    if not isinstance(auto_retrain, bool):
        raise _invalid("'auto_retrain' must be true or false", "auto_retrain")
    tables = _check_tables(body.get("tables"))
    dataset, data_hash, warnings = _validated(tables)
    record = store().save_dataset(name, tables, data_hash=data_hash, row_counts=dataset.row_counts(),
                                  warnings=warnings, auto_retrain=auto_retrain)
    keep_validated(store(), record["id"], dataset, data_hash)  # jobs load these, not the raw tables
    location = url_for("datasets.get_dataset", dataset_id=record["id"])
    return json_response(record, 201, {"Location": location})


def _load_record(dataset_id: str) -> dict:
    """The dataset record named in the URL, or a 404 problem."""
    checked_id(dataset_id, "ds", "dataset")
    record = store().get_dataset(dataset_id)
    if record is None:
        raise not_found("dataset", dataset_id)
    return record


@bp.get("/api/datasets/<dataset_id>")
def get_dataset(dataset_id: str):
    record = _load_record(dataset_id)
    return json_response({**record, "tables": store().load_tables(dataset_id)})


def _append_rows(history: list, new: list) -> list:
    """Append ``new`` rows (own header) to ``history``, aligning columns by canonical name."""
    def canon(name) -> str:
        return str(name).strip().lower() if name is not None else ""

    header = list(history[0])
    index = {canon(h): i for i, h in enumerate(header)}
    new_header = [canon(h) for h in new[0]]
    for name, raw in zip(new_header, new[0]):
        if name and name not in index:
            index[name] = len(header)
            header.append(raw)
    width = len(header)
    rows = [list(r) + [None] * (width - len(r)) for r in history[1:]]
    for row in new[1:]:
        out = [None] * width
        for name, value in zip(new_header, row):
            if name:
                out[index[name]] = value
        rows.append(out)
    return [header] + rows


@bp.post("/api/datasets/<dataset_id>/history")
def append_history(dataset_id: str):
    record = _load_record(dataset_id)
    body = json_body()
    new = body.get("history", body.get("rows")) if isinstance(body, dict) else None
    if not isinstance(new, list) or len(new) < 2 or not all(isinstance(r, list) for r in new):
        raise _invalid("'history' must be a table: a header row and at least one row", "history")
    from engine.data.tables import read_tables

    read_tables({"history": new})  # problems located in the rows as the user sent them
    tables = store().load_tables(dataset_id)
    tables["history"] = _append_rows(tables["history"], new)
    dataset, data_hash, warnings = _validated(tables)
    updated = store().save_dataset(record["name"], tables, data_hash=data_hash,
                                   row_counts=dataset.row_counts(), warnings=warnings,
                                   auto_retrain=record["auto_retrain"], dataset_id=dataset_id)
    keep_validated(store(), dataset_id, dataset, data_hash)
    payload = {"dataset": updated, "appended_rows": len(new) - 1}
    if not record["auto_retrain"]:
        return json_response(payload, 200)
    job, location = accept_job({"kind": "train", "dataset": dataset_id, "model": "champion",
                                "family": "auto"})
    return json_response({**payload, "job": job}, 201, {"Location": location, "Retry-After": "1"})
