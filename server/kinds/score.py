"""``score``: the planner's own plan scored: the rules it breaks (with cells), what it is expected
to earn (with a range), and what Folio's plan earns on top of it, change by change.

Body: ``{"kind": "score", "dataset", "model"?, "plan": table (page, slot, product_id, discount),
"settings"?: plan settings, "against"?: the id of a succeeded plan job of the same dataset}``.
With ``against`` the planner's plan is compared with that job's plan (its settings, model, rule
tables and country: a scenario's plan is scored under that scenario's rules; nothing is planned
again); without it Folio plans with ``settings`` first (an ordinary plan run
inside this job, its progress streamed like a plan's). The engine does the work
(``engine.plan.score.score_plan``).
"""

from __future__ import annotations

from engine.errors import FolioError, Problem

from .base import JobKind, bad, run_record, unknown
from .plan import check_tables, plan_dataset, stored_settings
from .train import resolve_model


def check(body: dict, base: dict, store) -> dict:
    from engine.data.tables import read_input_table
    from engine.plan.settings import PlanSettings

    plan = body.get("plan")
    if not isinstance(plan, list) or len(plan) < 2:
        raise bad("'plan' must be a table: a header row and at least one row", "plan")
    read_input_table("plan", plan)  # every problem at once, with its cell (invalid_table)
    clean: dict = {"plan": plan}
    against = body.get("against")
    if against is not None:
        job = store.get_job(against) if isinstance(against, str) else None
        if job is None:
            raise unknown("job", against, "against")
        if job["kind"] != "plan" or job["status"] != "succeeded" or not job.get("has_result") \
                or job["body"].get("dataset") != base["dataset"] or "countries" in job["body"]:
            raise bad("'against' must be a succeeded plan job of one catalogue of the same dataset (a "
                      "scenario's or one country's plan job will do)", "against")
        if body.get("settings") is not None:
            raise bad("give 'settings' or 'against', not both: the plan job's settings are used", "settings")
        clean["against"] = against
        clean["settings"] = job["body"].get("settings") or {}
        # the catalogue that plan was made for: a scenario's own rule tables, one country's rows
        clean.update({k: job["body"][k] for k in ("tables", "country") if job["body"].get(k) is not None})
    else:
        settings = body.get("settings") or {}
        if not isinstance(settings, dict):
            raise bad("'settings' must be an object", "settings")
        clean["settings"] = PlanSettings.from_dict(settings).to_dict()
        check_tables(store, base["dataset"], None, settings=clean["settings"])  # Folio plans first: its locks' levels
    return clean


def run(ctx, body: dict) -> dict:
    from engine.plan.score import score_plan

    from ..validated import load_validated

    dataset = load_validated(ctx.store, body["dataset"])
    if dataset.products is None:
        detail = "scoring a plan needs a 'products' table in the dataset"
        raise FolioError(code="invalid_table", status=422, detail=detail,
                         problems=[Problem(message=detail, table="products")])
    dataset = plan_dataset(dataset, body)  # the rules and the catalogue of the plan compared with
    folio, against = None, body.get("against")
    if against is not None:
        folio = ctx.store.load_result(against)
        model_id = (folio.get("run") or {}).get("model")
        body = {**body, "model": model_id or body.get("model")}
    model, model_id = resolve_model(ctx, body, dataset)
    settings = stored_settings(body.get("settings") or {})
    result = score_plan(dataset, model, settings, body["plan"], folio=folio, progress=ctx.progress,
                        should_stop=ctx.should_stop)
    result["cancelled"] = bool((result.get("folio") or {}).get("cancelled"))
    result["run"] = run_record(ctx.job, ctx.store, model=model_id, seed=settings.seed,
                               settings=result.get("settings"), against=against)
    return result


def export(result: dict, run: dict, tz: str | None = None) -> bytes:
    from engine.export import result_workbook

    return result_workbook("score", result, run, tz=tz)


def openapi() -> dict:
    return {
        "request": {
            "settings": {"$ref": "#/components/schemas/PlanSettings"},
            "plan": {"$ref": "#/components/schemas/Table",
                     "description": "score only: the planner's own plan, columns page, slot, product_id, "
                                    "discount (Folio's Plan sheet edited by hand works too)"},
            "against": {"type": "string", "description": "score only: a succeeded plan job of the same "
                        "dataset to compare with (its settings, model, rule tables and country are "
                        "used: one scenario's or one country's plan job will do; nothing is planned)"}},
        "result": {"type": "object", "description": "score: the planner's plan against the rules and "
                   "against Folio's plan", "properties": {
                       "plan": {"$ref": "#/components/schemas/Table",
                                "description": "the planner's plan forecast like Folio's (plan columns, "
                                               "plus `row`: its row in the table sent)"},
                       "totals": {"type": "object", "description": "as a plan's: units, revenue, profit "
                                  "under the search's forecast; expected_units/revenue/profit with "
                                  "`_low`/`_high` (an 80 % range): what the plan can be expected to earn "
                                  "(the honest promise, see `promise`)"},
                       "promise": {"type": "object", "description": "how the expected figures were made "
                                   "(valued_by, log_sigma, level, catalogue_log_error, catalogue_source, "
                                   "log_sigma_parts)"},
                       "objective": {"type": "number", "description": "the plan's objective under the "
                                     "search's forecast"},
                       "expected_objective": {"type": "number", "description": "the same, valued like "
                                              "the expected figures (the changes add up to Folio's minus this)"},
                       "rules": {"type": "array", "description": "each rule: rule, limit, value, kept; a "
                                 "broken one lists `cells` ({row, cell}) of the rows that break it; "
                                 "`known_products` and `layout` for rows that could not be placed"},
                       "broken": {"type": "integer"},
                       "folio": {"type": "object", "description": "Folio's plan: plan, totals (same "
                                 "keys), objective, expected_objective, bound, rules"},
                       "lift": {"type": "object", "description": "what Folio's plan earns on top, in "
                                "expected figures: profit, revenue, units, profit_share (of your "
                                "expected profit); forecast_profit/_revenue/_units: the same under the "
                                "search's forecast, which overrates the cells the search chose"},
                       "business_case": {"type": "object", "description": "Folio's plan, the planner's "
                                         "(`own`) and the last catalogue on the same layout and model"},
                       "comparison": {"$ref": "#/components/schemas/Table",
                                      "description": "one row per slot: your and Folio's product, "
                                                     "discount, expected profit, difference (the "
                                                     "differences add up to lift.profit)"},
                       "settings": {"type": "object", "description": "the plan settings Folio's plan "
                                    "and the rules were read with"},
                       "objective_name": {"type": "string", "description": "profit, revenue or units: "
                                          "what `objective` and the changes' `gain` count"},
                       "cancelled": {"type": "boolean", "description": "Folio's plan was planned in this "
                                     "job and cancelled: it is the best found so far"},
                       "changes": {"$ref": "#/components/schemas/Table",
                                   "description": "the single-slot changes from your plan to Folio's "
                                                  "(a swapped pair is one change), best first; gain "
                                                  "(objective) and profit_gain in expected figures: "
                                                  "they add up to the lift"}}},
        "record": {"against": {"type": "string", "description": "score: the plan job compared with"}},
    }


KIND = JobKind(name="score", check=check, run=run, export=export, openapi=openapi,
               record_fields=("against",))
