"""``forecast``: units (and an 80 % band) for rows the client sends, from a registered model."""

from __future__ import annotations

from .base import JobKind, bad, run_record, workbook
from .train import resolve_model


def check(body: dict, base: dict, store) -> dict:
    rows = body.get("rows")
    if not isinstance(rows, list) or len(rows) < 2 or not all(isinstance(r, list) for r in rows):
        raise bad("'rows' must be a table: a header row and at least one data row", "rows")
    return {"rows": rows}


def run(ctx, body: dict) -> dict:
    from engine.data.tables import read_rows, to_values
    from engine.forecast import forecast_rows

    from ..validated import load_validated

    rows = read_rows(body["rows"])  # typed like history, every problem located in table 'rows'
    dataset = load_validated(ctx.store, body["dataset"])
    model, model_id = resolve_model(ctx, body, dataset)
    out = forecast_rows(model, rows)
    return {"rows": to_values(out), "run": run_record(ctx.job, ctx.store, model=model_id)}


def openapi() -> dict:
    return {
        "request": {"rows": {"$ref": "#/components/schemas/Table"}},
        "result": {"type": "object", "description": "forecast: the rows sent, in order, with "
                   "forecast_units, forecast_low and forecast_high added",
                   "properties": {"rows": {"$ref": "#/components/schemas/Table"}}},
    }


KIND = JobKind(name="forecast", check=check, run=run, export=workbook("forecast"), openapi=openapi)
