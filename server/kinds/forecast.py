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
    import pandas as pd

    from engine.data.tables import to_values
    from engine.forecast import forecast_rows

    from ..validated import load_validated

    dataset = load_validated(ctx.store, body["dataset"])
    model, model_id = resolve_model(ctx, body, dataset)
    header = [str(h).strip().lower() for h in body["rows"][0]]
    rows = pd.DataFrame(body["rows"][1:], columns=header)
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
