"""The kinds registry: a new kind is one module in server/kinds/; requests are checked by their
kind; a plan's settings are parsed once; jobs load the tables validated at upload."""

from __future__ import annotations

import io
import textwrap

import openpyxl
import orjson
import pytest

import server.kinds as kinds
from engine.errors import FolioError
from server.lifecycle import JobLife
from server.openapi import openapi_document
from server.store import Store

ECHO = '''
"""A throwaway kind: counts the rows of a table."""

from .base import JobKind, bad, run_record


def check(body, base, store):
    if not isinstance(body.get("say"), str):
        raise bad("'say' must be text", "say")
    return {"say": body["say"]}


def run(ctx, body):
    from ..validated import load_validated

    rows = len(load_validated(ctx.store, body["dataset"]).history)
    ctx.progress({"step": 1, "of": 1})
    return {"said": body["say"], "rows": rows, "run": run_record(ctx.job, ctx.store)}


def export(result, run):
    from engine.export import result_workbook

    return result_workbook("echo", result, run)


def openapi():
    return {"request": {"say": {"type": "string"}},
            "result": {"type": "object", "properties": {"said": {"type": "string"}}}}


KIND = JobKind(name="echo", check=check, run=run, export=export, openapi=openapi)
'''


def test_the_registry_holds_every_kind_module():
    assert set(kinds.NAMES) == {"explore", "forecast", "plan", "scenarios", "score", "train"}
    assert all(kinds.get(name).name == name for name in kinds.NAMES)


@pytest.mark.parametrize("kind", [None, "dance", {}, [], 3])
def test_an_unknown_kind_is_a_422_naming_the_field(kind, tmp_path):
    with pytest.raises(FolioError) as refused:
        kinds.check_request({"kind": kind, "dataset": "ds_0000000000000000"}, Store(tmp_path))
    assert refused.value.code == "invalid_job" and refused.value.problems[0].column == "kind"


@pytest.fixture
def stored(tmp_path, demo_raw):
    from engine.data.tables import dataset_hash, read_tables

    from server.validated import keep_validated

    store = Store(tmp_path / "data")
    dataset = read_tables(demo_raw)
    record = store.save_dataset("demo", demo_raw, data_hash=dataset_hash(demo_raw), row_counts={},
                                warnings=[], auto_retrain=False)
    keep_validated(store, record["id"], dataset, record["hash"])
    return store, record["id"]


def test_a_new_kind_is_one_new_module(tmp_path, monkeypatch, stored):
    """Drop a module into the package's path: the request check, the runner, the export and the
    OpenAPI document all know the kind, with no other change."""
    folder = tmp_path / "more_kinds"
    folder.mkdir()
    (folder / "echo.py").write_text(textwrap.dedent(ECHO))
    monkeypatch.setattr(kinds, "__path__", [*kinds.__path__, str(folder)])
    found = kinds._discover()
    assert set(found) == {"echo", "explore", "forecast", "plan", "scenarios", "score", "train"}
    monkeypatch.setattr(kinds, "KINDS", found)
    monkeypatch.setattr(kinds, "NAMES", tuple(found))

    store, dataset = stored
    with pytest.raises(FolioError) as refused:
        kinds.check_request({"kind": "echo", "dataset": dataset}, store)
    assert refused.value.problems[0].column == "say"
    body = kinds.check_request({"kind": "echo", "dataset": dataset, "say": "hi"}, store)
    events = []
    life = JobLife(store, submit=lambda job_id: None, publish=events.append)
    job = life.accept(body)
    assert life.run(job["id"]) == "succeeded"
    done = store.get_job(job["id"])
    record = kinds.job_record(done, store.load_result(job["id"]))
    assert record["result"]["said"] == "hi" and record["result"]["rows"] > 0
    assert [e["type"] for e in events] == ["progress", "finished"]
    book = openpyxl.load_workbook(io.BytesIO(kinds.get("echo").export(record["result"], {})))
    assert "Summary" in book.sheetnames
    document = openapi_document("test")
    schemas = document["components"]["schemas"]
    assert "echo" in schemas["JobCreate"]["properties"]["kind"]["enum"]
    assert schemas["JobCreate"]["properties"]["say"] == {"type": "string"}
    assert schemas["EchoResult"]["properties"]["said"] == {"type": "string"}


def test_two_kinds_documenting_one_field_differently_are_refused(monkeypatch):
    plan = kinds.get("plan")
    other = kinds.base.JobKind(name="other", check=plan.check, run=plan.run, export=plan.export,
                               openapi=lambda: {"request": {"settings": {"type": "string"}},
                                                "result": {"type": "object"}})
    monkeypatch.setattr(kinds, "KINDS", {**kinds.KINDS, "other": other})
    with pytest.raises(ValueError, match="settings"):
        openapi_document("test")


def test_plan_settings_are_parsed_once(monkeypatch, stored):
    from engine.plan.settings import PlanSettings

    from server.kinds.plan import stored_settings

    store, dataset = stored
    calls = []
    parse = PlanSettings.from_dict.__func__

    def counted(cls, d):
        calls.append(d)
        return parse(cls, d)

    monkeypatch.setattr(PlanSettings, "from_dict", classmethod(counted))
    sent = {"population": 12, "discount_levels": [0.3, 0, 0.1], "time_limit_s": 5,
            "max_discounted_share": 0.5}
    body = kinds.check_request({"kind": "plan", "dataset": dataset, "settings": sent}, store)
    assert len(calls) == 1
    stored_body = orjson.loads(orjson.dumps(body))  # as the store keeps it
    settings = stored_settings(stored_body["settings"])
    assert len(calls) == 1  # the worker does not parse again
    assert settings.to_dict() == parse(PlanSettings, sent).to_dict()  # the same settings
    assert settings.discount_levels == (0.0, 0.1, 0.3) and settings.max_discounted_share == 0.5
    # settings kept by another version (not the normalised form) are parsed, so checked
    assert stored_settings({"population": 12}).to_dict() == \
        parse(PlanSettings, {"population": 12}).to_dict()
    assert len(calls) == 2
    with pytest.raises(FolioError):
        stored_settings({"population": -1})


def test_jobs_load_the_tables_validated_at_upload(monkeypatch, stored, demo_raw):
    import engine.data.tables as tables

    from server.validated import load_validated

    store, dataset = stored
    validations = []
    real = tables.read_tables
    monkeypatch.setattr(tables, "read_tables", lambda raw: validations.append(1) or real(raw))
    first = load_validated(store, dataset)
    assert validations == [] and len(first.history) == len(demo_raw["history"]) - 1
    store.validated_path(dataset).write_bytes(b"not a pickle")  # unreadable: validated again
    assert len(load_validated(store, dataset).history) == len(first.history)
    assert validations == [1]
    assert load_validated(store, dataset) is not None and validations == [1]  # and kept again
    shorter = {**demo_raw, "history": demo_raw["history"][:50]}  # the tables changed elsewhere
    store.save_dataset("demo", shorter, data_hash="another", row_counts={}, warnings=[],
                       auto_retrain=False, dataset_id=dataset)
    assert len(load_validated(store, dataset).history) == 49 and validations == [1, 1]


def test_every_plan_setting_is_documented():
    """The OpenAPI PlanSettings schema names every setting the engine parses (rule units'
    settings come from their own declarations, engine.plan.rules.RULE_SETTINGS)."""
    from engine.plan import rules
    from engine.plan.settings import PlanSettings

    documented = openapi_document("test")["components"]["schemas"]["PlanSettings"]["properties"]
    assert set(PlanSettings().to_dict()) <= set(documented)  # the names a client sends
    for setting in getattr(rules, "RULE_SETTINGS", ()):
        assert setting.name in documented


def test_a_scenarios_job_none_could_plan_names_each_scenario_in_its_errors():
    """When every scenario failed the parent fails, each problem carrying ``scenario``."""
    from server.kinds.scenarios import _gather

    class NoStore:  # what the last catalogue sold cannot be read: the comparison stands without it
        store = None

    asked = [{"name": n, "settings": {}, "tables": {}} for n in ("A", "B")]
    parent = {"id": "job_p", "body": {"dataset": "ds", "settings": {}, "scenarios": asked}}
    outcomes = [{"scenario": n, "status": "failed", "job": f"job_{n}", "result": None,
                 "error": {"code": "infeasible", "status": 422, "detail": f"{n} cannot hold",
                           "errors": [{"message": f"{n} cannot hold", "column": "locks"}]}} for n in ("A", "B")]
    result, status, error = _gather(NoStore(), parent, outcomes, "model_x")
    assert status == "failed" and error["code"] == "infeasible"
    assert [(e["scenario"], e["column"]) for e in error["errors"]] == [("A", "locks"), ("B", "locks")]
    assert [row[0] for row in result["comparison"][1:]] == ["A", "B"]
