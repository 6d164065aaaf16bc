"""A plan for several countries: one child plan job per country, gathered into one result.

``POST /api/jobs`` with ``{"kind": "plan", "countries": [...] | "all", ...}`` records a *parent*
job, advanced by the fan-out machinery (``server/kinds/fanout.py``: children created once each,
in parallel on the runner, one pinned model, idempotent from any process, cancel, recovery);
this module says what is particular to countries: the parts are the countries, each child is
an ordinary plan job with ``country`` set, and the gather is
:func:`engine.plan.countries.gather_plans` (a country that fails fails the parent, with the
other countries' plans kept in its result).
"""

from __future__ import annotations

from functools import partial

from .. import wire
from . import fanout


def is_parent(job: dict | None) -> bool:
    return bool(job) and job["kind"] == "plan" and "countries" in (job.get("body") or {})


def queued_jobs(body: dict) -> int:
    """Queue places a plan request takes: one per country (a parent itself never queues work)."""
    return len(body.get("countries") or ()) or 1


def check_countries(store, dataset_id: str, countries) -> list[str]:
    """The ``countries`` of a job request, checked against the dataset's history (422 if unknown)."""
    from engine.data.tables import column_texts
    from engine.plan.countries import check_countries as check

    raw = store.load_tables(dataset_id)  # validated when stored: read the one column, not it all
    history = next((table for name, table in raw.items() if str(name).strip().lower() == "history"), None)
    return check(sorted(column_texts(history, "country")), countries)


def _child_body(body: dict, country: str, model: str) -> dict:
    return {"kind": "plan", "dataset": body["dataset"], "model": model,
            "settings": body.get("settings") or {}, "country": country}


def _gather(life, parent: dict, outcomes: list[dict], model: str):
    from engine.plan.countries import gather_plans

    result = gather_plans(outcomes)
    failed = [o for o in outcomes if o["status"] == "failed"]
    if not failed:
        return result, "succeeded", None
    first = failed[0]["error"] or {}
    error = wire.problem(
        first.get("code", "internal"),
        "; ".join(f"{o['country']}: {(o['error'] or {}).get('detail', 'failed')}" for o in failed),
        status=first.get("status", 422), title=first.get("title", "Plan failed"),
        errors=[{**problem, "message": f"{o['country']}: {problem.get('message', '')}"}
                for o in failed for problem in (o["error"] or {}).get("errors", [])][:100])
    return result, "failed", error


SPEC = fanout.FanOut(label="country", phase="countries", parts=lambda body: list(body["countries"]),
                     child_body=_child_body, gather=_gather)
advance = partial(fanout.advance, SPEC)
cancel = partial(fanout.cancel, SPEC)
