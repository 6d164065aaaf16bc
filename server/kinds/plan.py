"""``plan``: which product in each slot at which discount, searched with the forecast in the loop.

Settings are parsed once, by the engine (``PlanSettings.from_dict``), when the request is checked:
a bad setting is a 422 naming it, and the job body keeps the normalised settings, which the
worker turns back into ``PlanSettings`` without parsing again (:func:`stored_settings`).

With ``countries`` the job is a *parent*: one plan job per country, gathered into one result
(``server/kinds/plan_fanout.py``).
"""

from __future__ import annotations

from engine.errors import FolioError

from . import plan_fanout
from .base import Coordinator, JobKind, bad, run_record, workbook
from .train import resolve_model


def check(body: dict, base: dict, store) -> dict:
    from engine.plan.settings import PlanSettings  # heavy import only where needed

    settings = body.get("settings") or {}
    if not isinstance(settings, dict):
        raise bad("'settings' must be an object", "settings")
    clean = {"settings": PlanSettings.from_dict(settings).to_dict()}  # invalid_settings names it
    if body.get("countries") is not None:
        clean["countries"] = plan_fanout.check_countries(store, base["dataset"], body["countries"])
    if body.get("tables") is not None:
        if body.get("countries") is not None:
            raise bad("'tables' and 'countries' do not go together: give the tables a country column", "tables")
        clean["tables"] = check_tables(store, base["dataset"], body["tables"], settings=clean["settings"])
    else:
        check_tables(store, base["dataset"], None, settings=clean["settings"])
    return clean


def check_tables(store, dataset_id: str, tables, name: str | None = None, settings: dict | None = None):
    """Rule tables that replace the dataset's for one plan (``engine.plan.scenarios.TABLES``; null
    removes one), read at the door: every problem at once with its cell (422 ``invalid_table``).
    With the plan's normalised ``settings``, the locks it plans with (these tables' or the
    dataset's) are held to its discount levels too: a lock at a discount the plan may not use is
    refused here with its cell, not found when the job starts. ``tables`` None: the dataset's."""
    from engine.plan.scenarios import TABLES, scenario_dataset

    from ..validated import load_validated

    if tables is not None and (not isinstance(tables, dict) or set(tables) - set(TABLES)):
        raise bad(f"'tables' may replace {', '.join(TABLES)} (a table, or null to leave it out)", "tables")
    levels = settings is not None and ("locks" in (tables or {}) or _has_locks(store, dataset_id))
    if not tables and not levels:
        return tables  # nothing to read: no tables sent, no locks to hold to the levels
    dataset = scenario_dataset(load_validated(store, dataset_id), tables, name)
    if levels:
        _check_lock_discounts(dataset, settings, name)
    return tables


def _has_locks(store, dataset_id: str) -> bool:
    return bool(((store.get_dataset(dataset_id) or {}).get("row_counts") or {}).get("locks"))


def _check_lock_discounts(dataset, settings: dict, name: str | None) -> None:
    from dataclasses import replace

    from engine.errors import table_error
    from engine.plan.rules.locks import discount_problems

    problems = discount_problems(dataset, settings.get("discount_levels") or ())
    if problems:
        if name:
            problems = [replace(p, message=f"scenario {name!r}: {p.message}", scenario=name) for p in problems]
        raise table_error(problems)


def _frozen(value):
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def stored_settings(settings: dict):
    """``PlanSettings`` from the normalised settings the check stored (``to_dict`` of a parsed
    one), rebuilt without parsing: JSON lists become tuples again, and settings that are not
    fields (the rule units' own, when the engine keeps them apart) go to its ``rules`` field. The
    rebuilt settings must give back exactly what was stored, else (a job stored by another
    version, or settings not normalised) they are parsed, so they are checked all the same."""
    from engine.plan.settings import PlanSettings

    fields = PlanSettings.__dataclass_fields__
    values = {k: _frozen(v) for k, v in settings.items() if k in fields}
    others = {k: v for k, v in settings.items() if k not in fields}
    if others and "rules" in fields:
        values["rules"] = others
        others = {}
    try:
        rebuilt = PlanSettings(**values)
        if not others and rebuilt.to_dict() == settings:
            return rebuilt
    except (TypeError, ValueError, KeyError):
        pass
    return PlanSettings.from_dict(settings)


def plan_dataset(dataset, body: dict):
    """The dataset a plan job's body plans on: its own rule tables (a scenario's) in place of the
    dataset's, then one country's rows (a country's part of a multi-country plan). The score kind
    reads a plan job's dataset the same way."""
    if body.get("tables"):
        from engine.plan.scenarios import scenario_dataset

        dataset = scenario_dataset(dataset, body["tables"], body.get("scenario"))
    if body.get("country") is not None:
        from engine.plan.countries import for_country

        dataset = for_country(dataset, body["country"])
    return dataset


def run(ctx, body: dict) -> dict:
    from engine.plan.planner import plan_catalogue

    from ..validated import load_validated

    dataset = load_validated(ctx.store, body["dataset"])
    if dataset.products is None:
        raise FolioError(code="invalid_table", status=422,
                         detail="a plan needs a 'products' table in the dataset")
    settings = stored_settings(body.get("settings") or {})
    model, model_id = resolve_model(ctx, body, dataset)
    dataset = plan_dataset(dataset, body)
    country = {}
    if body.get("country") is not None:
        country = {"country": body["country"], "parent": body.get("parent")}
    result = plan_catalogue(dataset, model, settings, progress=ctx.progress,
                            should_stop=ctx.should_stop)
    scenario = {k: body[k] for k in ("scenario", "parent") if body.get("scenario") is not None}
    result["run"] = run_record(ctx.job, ctx.store, model=model_id,
                               seed=result.get("settings", {}).get("seed"),
                               settings=result.get("settings"), **country, **scenario,
                               **({"tables": sorted(body["tables"])} if body.get("tables") else {}))
    return result


def _rule_settings() -> dict:
    """The settings the engine's plan rule units declare (``engine.plan.rules.RULE_SETTINGS``,
    when the engine has them), as JSON schemas: a new rule's setting is documented without a
    change here."""
    from engine.plan import rules

    out = {}
    for setting in getattr(rules, "RULE_SETTINGS", ()):
        if setting.kind == "flag":
            out[setting.name] = {"type": "boolean"}
            continue
        schema = {"type": "integer" if setting.kind == "integer" else "number"}
        if setting.low is not None:
            schema["exclusiveMinimum" if setting.low_open else "minimum"] = setting.low
        if setting.high is not None:
            schema["maximum"] = setting.high
        out[setting.name] = schema
    return out


def _business_case() -> dict:
    """A plan's ``result.business_case`` (engine.plan.business_case; docs/engine-api.md)."""
    figures = {name: {"type": ["number", "null"]} for name in (
        "profit", "revenue", "units", *(f"expected_{k}{end}" for k in ("profit", "revenue", "units")
                                         for end in ("", "_low", "_high")))}
    lift = {"type": ["object", "null"], "description": "(plan - last catalogue) / |last catalogue| "
            "per figure, on expected figures when both have them",
            "properties": {k: {"type": ["number", "null"]} for k in ("profit", "revenue", "units")}}
    option = {"type": "object", "required": ["name", "label"], "properties": {
        "name": {"enum": ["plan", "own", "last_catalogue"]}, "label": {"type": "string"},
        "campaign": {}, "products": {"type": "integer"}, "lift": lift, **figures}}
    mapping = {"type": "object", "description": "how the latest campaign's catalogue was mapped "
               "onto the planned layout (its products in page order fill the slots in order)",
               "properties": {"campaign": {}, "shown": {"type": "integer"},
                              "left_out": {"type": "integer"}, "dropped": {"type": "integer"},
                              "empty_slots": {"type": "integer"},
                              "discounts_changed": {"type": "integer"}, "reason": {"type": "string"}}}
    return {"type": ["object", "null"], "required": ["options", "lift"],
            "description": "the plan beside the last catalogue, both scored by the same model on "
                           "the same layout; a multi-country plan sums the countries' cases",
            "properties": {"options": {"type": "array", "items": option}, "lift": lift,
                           "last_catalogue": mapping, "basis": {"type": "string"},
                           "countries": {"type": "array", "items": {"type": "object"}}}}


def openapi() -> dict:
    from engine.plan.scenarios import TABLES
    from engine.plan.settings import OBJECTIVES, STRATEGIES

    return {
        "request": {
            "settings": {"$ref": "#/components/schemas/PlanSettings"},
            "countries": {
                "description": "plan only: one catalogue per country, each planned as its own job "
                               "(in parallel on the runner) and gathered into this job's result "
                               "(plan rows with a country column, totals summed, `countries` "
                               "breakdown). \"all\" = every country of the history.",
                "oneOf": [{"const": "all"}, {"type": "array", "minItems": 1, "maxItems": 200,
                                             "uniqueItems": True,
                                             "items": {"type": "string", "minLength": 1}}]},
            "tables": {"type": "object", "description": "plan only: rule tables that replace the "
                       f"dataset's for this plan ({', '.join(TABLES)}; null leaves one out), validated "
                       "like the dataset's, cells and all",
                       "additionalProperties": False,
                       "properties": {name: {"oneOf": [{"$ref": "#/components/schemas/Table"}, {"type": "null"}]}
                                      for name in TABLES}}},
        "record": {
            "countries": {"type": "array", "items": {"type": "string"},
                          "description": "a multi-country plan: its countries"},
            "country": {"type": "string",
                        "description": "one country's plan job of a multi-country plan"},
            "scenario": {"type": "string", "description": "one scenario's plan job of a scenarios job"}},
        "result": {"type": "object", "description": "plan: the catalogue and how good it is",
                   "properties": {
                       "plan": {"$ref": "#/components/schemas/Table"},
                       "totals": {"type": "object", "description": (
                           "`units`, `revenue`, `profit`: the plan under the forecast it was searched on "
                           "(its own figure, overstated by the optimizer's curse); `expected_units`, "
                           "`expected_revenue`, `expected_profit` (each with `_low`/`_high`, the 80 % "
                           "range): what it can be expected to earn, valued by the pooled model; "
                           "`beyond_history`: plan rows whose forecast went beyond what the product or "
                           "its peers ever sold in a comparable placement (shrunk); `products`, "
                           "`slots_used`"),
                           "properties": {k: {"type": ["number", "null"]} for k in (
                               "units", "revenue", "profit", "expected_units", "expected_units_low",
                               "expected_units_high", "expected_revenue", "expected_revenue_low",
                               "expected_revenue_high", "expected_profit", "expected_profit_low",
                               "expected_profit_high")} | {
                               "beyond_history": {"type": "integer", "minimum": 0},
                               "products": {"type": "integer"}, "slots_used": {"type": "integer"}}},
                       "bound_gap": {"type": ["number", "null"],
                                     "description": "how far below the bound the plan is (share of the bound)"},
                       "bound_note": {"type": "string", "description": "the bound is about the "
                                      "forecast, not the future: what the gap to it means"},
                       "promise": {"type": "object", "description": "how the expected figures were "
                                   "made: `valued_by`, `log_sigma` (the range's spread), `level`, "
                                   "`catalogue_log_error` (the error the whole catalogue shares), "
                                   "`catalogue_source`, `log_sigma_parts` (catalogue, products, noise), "
                                   "`pages_beyond_history` (null, or `rows`, `last_page`, `valued_as_page`: "
                                   "rows on pages the history never showed)"},
                       "rules": {"type": "array", "description": "each hard rule: rule, limit, value, kept, "
                                 "and in a planner's words `label`, `limit_text`, `value_text` (what the "
                                 "pane and result.xlsx show)"},
                       "convergence": {"$ref": "#/components/schemas/Table"},
                       "bound": {"type": ["number", "null"],
                                 "description": "upper bound on the objective, when known"},
                       "anomaly_score": {"type": "number"},
                       "countries": {"type": "array", "description": "a multi-country plan: one "
                                     "entry per country"},
                       "business_case": {"$ref": "#/components/schemas/BusinessCase"}}},
        "components": {"BusinessCase": _business_case(), "PlanSettings": {"type": "object", "properties": {
            "pages": {"type": "integer", "minimum": 1},
            "slots_per_page": {"type": "integer", "minimum": 1},
            "discount_levels": {"type": "array", "items": {"type": "number", "minimum": 0,
                                                           "maximum": 0.9}},
            "objective": {"enum": list(OBJECTIVES)},
            "max_discounted_share": {"type": "number", "minimum": 0, "maximum": 1},
            "anomaly_weight": {"type": "number", "minimum": 0},
            "population": {"type": "integer", "minimum": 4},
            "generations": {"type": ["integer", "null"], "minimum": 1,
                            "description": "a cap on generations; default none: the time limit"},
            "time_limit_s": {"type": "number", "exclusiveMinimum": 0},
            "seed": {"type": "integer"},
            "strategy": {"enum": list(STRATEGIES)},
            "stagnation_generations": {"type": "integer", "minimum": 0, "maximum": 100000},
            "local_search": {"type": "boolean"},
            "cannibalisation": {"type": ["number", "null"], "minimum": 0.5, "maximum": 1},
            **_rule_settings()}}},
    }


KIND = JobKind(
    name="plan", check=check, run=run, export=workbook("plan"), openapi=openapi,
    record_fields=("countries", "country", "scenario"),
    coordinator=Coordinator(is_parent=plan_fanout.is_parent, advance=plan_fanout.advance,
                            cancel=plan_fanout.cancel, queued_jobs=plan_fanout.queued_jobs),
)
