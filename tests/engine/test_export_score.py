"""result.xlsx of a score job says its rules in the planner's words (engine.export.score_sheets):
the pane and the plan's Summary say 'Share of products discounted: at most 40 %', the score's
Rules sheet said 'max_discounted_share 0.4 1 BROKEN', and 'What Folio's plan earns on top'
listed the result's keys (forecast_profit, profit_share, basis)."""

import io

import openpyxl
import pytest

from engine.export import result_workbook
from engine.plan.planner import plan_catalogue
from engine.plan.score import score_plan

from test_plan_score import SETTINGS, own, sold_like_the_model
from test_planner import PageModel, small_dataset


def test_the_rules_sheet_and_what_folio_earns_on_top_are_in_words_with_the_cells():
    ds = sold_like_the_model(small_dataset(must=("p4",), limits=[["skin", 1, 3]]))
    folio = plan_catalogue(ds, PageModel(), SETTINGS)

    def edit(table):
        table[2][2] = table[1][2]  # a product twice (rows 2 and 3)
        for row in table[1:]:
            row[3] = 0.1  # every row discounted: beyond the 34 % share

    out = score_plan(ds, PageModel(), SETTINGS, own(folio, edit), folio=folio)
    book = openpyxl.load_workbook(io.BytesIO(result_workbook("score", out, {"job": "job_1", "kind": "score"})))
    rows = list(book["Rules"].iter_rows(values_only=True))
    assert rows[0] == ("rule", "limit", "your plan", "kept", "cells")
    by = {row[0]: row for row in rows[1:] if row and row[0]}
    share = next(r for r in out["rules"] if r["rule"] == "max_discounted_share")
    assert by[share["label"]][1:4] == (share["limit_text"], share["value_text"], "BROKEN")
    assert by["Each product at most once"][3:] == ("BROKEN", "C2, C3")
    skin = by["Products of category skin"]  # min and max on one line, as on the plan's Summary
    assert skin[1] == "1 to 3" and sum(1 for row in rows if row and row[0] == "Products of category skin") == 1
    assert not any(row and row[0] in ("unique_products", "max_discounted_share", "forecast_profit", "basis") for row in rows)
    at = next(i for i, row in enumerate(rows) if row and row[0] == "What Folio's plan earns on top")
    lines = {row[0]: row[1] for row in rows[at + 1:] if row and row[0]}
    assert lines["Expected profit on top"] == pytest.approx(out["lift"]["profit"])
    assert lines["As a share of your plan's expected profit"] == pytest.approx(out["lift"]["profit_share"])
