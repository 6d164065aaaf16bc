"""``scenarios``: 2 to 8 variants of one catalogue planned side by side (what if?).

Body: ``{"kind": "scenarios", "dataset", "model"?, "settings"?: the base plan settings,
"scenarios": [{"name", "settings"?: changes to the base, "tables"?: {<a rule table>: table or null}},
...]}``; the rule tables are ``engine.plan.scenarios.TABLES`` (category_limits and every
``engine.data.dataset.RULE_TABLES``: locks, brand_limits, page_conflicts).

The job is a *parent* (``server/kinds/fanout.py``): each scenario is an ordinary ``plan`` job
(``scenario`` names it, its ``settings`` merged, its ``tables`` in place of the dataset's), run in
parallel on the configured runner, every one with the same model; each counts against the
queue limit. When the last one has finished the parent gathers them
(``engine.plan.scenarios.gather_scenarios``): the comparison table, each scenario's plan, the lift
over the last catalogue. A scenario that fails (its rules cannot all hold) fails alone, with its
reason in its row; the parent fails only when none could be planned. Cancel stops them all.
"""

from __future__ import annotations

import logging
from functools import partial

from .. import wire
from . import fanout
from .base import Coordinator, JobKind, bad
from .plan import check_tables


def check(body: dict, base: dict, store) -> dict:
    from engine.plan.scenarios import check_scenarios

    settings = body.get("settings") or {}
    if not isinstance(settings, dict):
        raise bad("'settings' must be an object", "settings")
    for field in ("countries", "tables"):
        if body.get(field) is not None:
            raise bad(f"'{field}' is not for a scenarios job: give each scenario its own tables", field)
    scenarios = check_scenarios(body.get("scenarios"), settings)  # 422 naming the scenario and setting
    for scenario in scenarios:  # every problem with its cell, named by scenario; locks held to its levels
        check_tables(store, base["dataset"], scenario["tables"] or None, scenario["name"], scenario["settings"])
    return {"settings": settings, "scenarios": scenarios}


def run(ctx, body: dict) -> dict:  # pragma: no cover - a parent is advanced, never run
    raise RuntimeError("a scenarios job is advanced by its coordinator, never run by a worker")


def is_parent(job: dict | None) -> bool:
    return bool(job) and job["kind"] == "scenarios"


def queued_jobs(body: dict) -> int:
    """Queue places a scenarios request takes: one per scenario."""
    return len(body.get("scenarios") or ()) or 1


def _child_body(body: dict, name: str, model: str) -> dict:
    scenario = next(s for s in body["scenarios"] if s["name"] == name)
    child = {"kind": "plan", "dataset": body["dataset"], "model": model, "settings": scenario["settings"],
             "scenario": name}
    if scenario.get("tables"):
        child["tables"] = scenario["tables"]
    return child


def _gather(life, parent: dict, outcomes: list[dict], model: str):
    from engine.plan.scenarios import gather_scenarios, last_catalogue_sold

    from ..validated import load_validated

    try:
        last = last_catalogue_sold(load_validated(life.store, parent["body"]["dataset"]))
    except Exception:  # the comparison stands without the lift; the reason goes to the log
        logging.getLogger(__name__).exception("scenarios %s: what the last catalogue sold not read", parent["id"])
        last = None
    body = parent["body"]  # what each scenario was: a failed one says it too
    result = gather_scenarios(outcomes, last, asked=body.get("scenarios"), base_settings=body.get("settings"))
    result["settings"] = parent["body"].get("settings") or {}
    planned = [o for o in outcomes if o.get("result")]
    if planned or not outcomes:
        return result, "succeeded", None
    failed = [o for o in outcomes if o["status"] == "failed"]
    if not failed:  # every scenario cancelled before it had a plan
        return result, "cancelled", None
    first = failed[0]["error"] or {}
    error = wire.problem(first.get("code", "internal"),
                         "no scenario could be planned: " + "; ".join(
                             f"{o['scenario']}: {(o['error'] or {}).get('detail', 'failed')}" for o in failed),
                         status=first.get("status", 422), title=first.get("title", "Plan failed"),
                         errors=[{**p, "message": f"{o['scenario']}: {p.get('message', '')}", "scenario": o["scenario"]}
                                 for o in failed for p in (o["error"] or {}).get("errors", [])][:100])
    return result, "failed", error


SPEC = fanout.FanOut(label="scenario", phase="scenarios",
                     parts=lambda body: [s["name"] for s in body["scenarios"]],
                     child_body=_child_body, gather=_gather)


def export(result: dict, run: dict, tz: str | None = None) -> bytes:
    from engine.export import result_workbook

    return result_workbook("scenarios", result, run, tz=tz)


def openapi() -> dict:
    from engine.plan.scenarios import TABLES

    return {
        "request": {
            "settings": {"$ref": "#/components/schemas/PlanSettings"},
            "scenarios": {
                "type": "array", "minItems": 2, "maxItems": 8,
                "description": "scenarios only: each variant's name, its changes to the base settings and "
                               "the rule tables it replaces; each is planned as its own plan job, in parallel",
                "items": {"type": "object", "additionalProperties": False, "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 60},
                    "settings": {"$ref": "#/components/schemas/PlanSettings"},
                    "tables": {"type": "object", "additionalProperties": False, "properties": {
                        name: {"oneOf": [{"$ref": "#/components/schemas/Table"}, {"type": "null"}]}
                        for name in TABLES}}}}}},
        "record": {"scenarios": {"type": "array", "items": {"type": "object"},
                                 "description": "a scenarios job: its scenarios (name, settings, tables)"}},
        "result": {"type": "object", "description": "scenarios: the variants side by side", "properties": {
            "comparison": {"$ref": "#/components/schemas/Table",
                           "description": "one row per scenario: status, changes (what it changes from "
                                          "the base plan, in words: settings and the rule tables it brings or "
                                          "leaves out; 'as the base plan' for none), expected_profit with "
                                          "expected_profit_low/_high (its 80 % range: each plan's honest "
                                          "promise), expected_revenue, expected_units, discounted_share, anomaly_score, rules_kept of rules, lift_profit and "
                                          "lift_revenue over the last catalogue, bound_gap, note (why it failed)"},
            "scenarios": {"type": "array", "description": "per scenario: scenario, status, job, settings "
                          "(what it planned with; a failed one: what it asked for), changes (the words of "
                          "the comparison's changes column, a list), plan, totals, rules, objective, bound, "
                          "bound_gap, anomaly_score, discounted_share, error"},
            "last_catalogue": {"type": ["object", "null"], "description": "the latest campaign's catalogue "
                               "on the same layout, scored by the same model (the business case's), as "
                               "replayed by the scenario that moved fewest of its discounts: the one "
                               "yardstick of every lift in the comparison: campaign, units, revenue, "
                               "profit, expected_*, scenario, discounts_changed"},
            "last_catalogue_sold": {"type": ["object", "null"], "description": "what the latest campaign "
                                    "actually sold: campaign, units, revenue, profit, cost_share"},
            "best": {"type": ["string", "null"], "description": "the scenario with the highest expected profit"},
            "runner_up": {"type": ["string", "null"], "description": "the one with the next highest"},
            "best_clear": {"type": ["boolean", "null"], "description": "false when the best one's 80 % range "
                           "overlaps the runner-up's: no clear winner (the forecast cannot tell which earns "
                           "more); true when its range is above, or it is the only one planned"},
            "cancelled": {"type": "boolean", "description": "a scenario was cancelled (its plan, if any, is "
                          "the best found so far)"},
            "settings": {"type": "object", "description": "the base plan settings of the request"}}},
    }


KIND = JobKind(
    name="scenarios", check=check, run=run, export=export, openapi=openapi, record_fields=("scenarios",),
    coordinator=Coordinator(is_parent=is_parent, advance=partial(fanout.advance, SPEC),
                            cancel=partial(fanout.cancel, SPEC), queued_jobs=queued_jobs),
)
