"""``explore``: statistics, correlations, clusters and a self-organising map of one table."""

from __future__ import annotations

from engine.errors import FolioError

from ..jobs import TABLES
from .base import JobKind, bad, run_record, workbook


def check(body: dict, base: dict, store) -> dict:
    table = body.get("table", "history")
    if table not in TABLES:
        raise bad(f"'table' must be one of {', '.join(TABLES)}; got {table!r}", "table")
    return {"table": table}


def run(ctx, body: dict) -> dict:
    from engine.explore import explore_table

    from ..validated import load_validated

    dataset = load_validated(ctx.store, body["dataset"])
    table = getattr(dataset, body.get("table", "history"), None)
    if table is None:
        raise FolioError(code="invalid_job", status=422,
                         detail=f"the dataset has no {body['table']!r} table")
    result = explore_table(table, progress=ctx.progress)
    result["run"] = run_record(ctx.job, ctx.store, table=body.get("table", "history"))
    return result


def openapi() -> dict:
    return {
        "request": {"table": {"enum": list(TABLES)}},
        "result": {"type": "object", "description": "explore: one table described", "properties": {
            "columns": {"type": "array", "description": "per column: count, missing; numbers: "
                        "mean, median, std, min, max, quantiles, histogram (edges, counts; a "
                        "column of few whole numbers, a 0/1 flag, counted per value: values, the "
                        "number each count is of); text: top; dates (kind date, e.g. a "
                        "history's start_date): top, distinct and the span first, last (ISO)"},
            "correlations": {"type": "object"}, "clusters": {"type": "object"},
            "som": {"type": "object", "description": "grid size, U-matrix, per-feature planes"},
            "findings": {"type": "array"}}},
    }


KIND = JobKind(name="explore", check=check, run=run, export=workbook("explore"), openapi=openapi)
