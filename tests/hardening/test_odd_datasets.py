"""Valid but unusual companies, through the product's own API: every job ends ``succeeded`` or
fails with a documented code, never ``internal``.

Hypothesis generates datasets unlike the demo: 1-40 campaigns with numeric, date, ISO-week,
year-number or text ids (some with a date column), 1-5 countries, optional columns absent,
constant columns, never-discounted products, products with no history (cold start), zero,
constant and huge units, one category, more slots than products, loose or impossible category
limits. Each is uploaded (``POST /api/datasets``), explored, trained, forecast and planned on an
app built from the factory with the embedded runner (the path a user's data takes).

Reproducible and bounded for CI: ``derandomize=True`` (no example database; the same examples on
every run), small sizes, plans of a second. ``FOLIO_ODD_EXAMPLES=300`` (and
``FOLIO_ODD_RANDOM=1`` for fresh examples each run) hunts further on a workstation.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from server import create_app
from server.openapi import JOB_ERROR_CODES

ROOT = Path(__file__).resolve().parents[2]
FINISHED = ("succeeded", "failed", "cancelled")
# What a job may fail with and still be correct: every documented code but a bug of ours.
DOCUMENTED = set(JOB_ERROR_CODES) - {"internal"}
COUNTRIES = ["DE", "FR", "PL", "IT", "ES"]
OPTIONAL = ["country", "category", "brand", "price", "discount", "page", "slot_size", "featured"]
EXAMPLES = int(os.environ.get("FOLIO_ODD_EXAMPLES", "30"))
SETTINGS = dict(derandomize=not os.environ.get("FOLIO_ODD_RANDOM"), database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("odd")), "WORKERS": 1,
                      "PROGRESS_DB_INTERVAL_S": 0.2, "RATE_LIMIT_WRITES_PER_MIN": 100_000,
                      "RATE_LIMIT_READS_PER_MIN": 1_000_000})
    yield app
    app.extensions["folio.runner"].stop()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def no_job_ends_internal(app):
    """Fail the test if any job that finished during it failed with ``internal`` (or a code the
    API does not document): the traceback is in the log, the user would see only 'internal'."""
    store = app.extensions["folio.store"]
    before = {j["id"] for j in store.jobs_with_status("failed")}
    yield
    bad = [j for j in store.jobs_with_status("failed")
           if j["id"] not in before and (j["error"] or {}).get("code") not in DOCUMENTED]
    if bad:
        pytest.fail("jobs failed with an undocumented or internal code: "
                    + "; ".join(f"{j['kind']} {j['id']}: {j['error']}" for j in bad))


# -- the companies ------------------------------------------------------------------------------
def _campaign_ids(kind: str, n: int, start: int) -> list:
    if kind == "number":
        return [start + 3 * i for i in range(n)]
    if kind == "date":
        first = dt.date(2021, 1, 4) + dt.timedelta(days=start)
        return [(first + dt.timedelta(days=14 * i)).isoformat() for i in range(n)]
    if kind == "week":
        first = dt.date(2021, 1, 4) + dt.timedelta(weeks=start % 40)
        return ["{0}-W{1:02d}".format(*(first + dt.timedelta(weeks=i)).isocalendar()[:2]) for i in range(n)]
    if kind == "year_number":  # 17 catalogues a year, numbered within the year (the demo's ids)
        return [f"{2021 + (start % 17 + i) // 17}-{(start % 17 + i) % 17 + 1:02d}" for i in range(n)]
    return [f"camp-{chr(97 + (start % 5))}{i:03d}" for i in range(n)]  # free text, sortable


@st.composite
def companies(draw) -> dict:
    """Raw tables (Excel-style arrays) of a small, valid, unusual company."""
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n_campaigns = draw(st.integers(1, 40))
    id_kind = draw(st.sampled_from(["number", "date", "week", "year_number", "text"]))
    campaigns = _campaign_ids(id_kind, n_campaigns, draw(st.integers(0, 30)))
    countries = COUNTRIES[:draw(st.integers(1, 5))]
    columns = set(draw(st.sets(st.sampled_from(OPTIONAL))))
    if len(countries) > 1:
        columns.add("country")
    n_products = draw(st.integers(1, 8))
    n_cold = draw(st.integers(0, 2))  # candidates never sold before
    n_categories = draw(st.integers(1, 3))
    ids = [f"P{i:02d}" for i in range(n_products + n_cold)]
    category = {p: f"cat{rng.integers(n_categories)}" for p in ids}
    price = {p: float(rng.choice([9.99, 19.5, 42.0, 120.0])) for p in ids}
    units_kind = draw(st.sampled_from(["poisson", "poisson", "sparse", "zero", "constant", "huge"]))
    discounted = draw(st.sampled_from(["never", "some", "constant"]))
    keep = draw(st.sampled_from([1.0, 0.7, 0.3]))  # share of (campaign, country, product) rows present
    date_column = id_kind == "number" and draw(st.booleans())
    extra = draw(st.sampled_from([None, "constant", "blank_start"]))

    header = ["campaign", "product_id", "units"] + sorted(columns)
    header += ["start_date"] * date_column + (["competitor_price"] if extra else [])
    rows = []
    for t, campaign in enumerate(campaigns):
        for country in countries:
            for p in ids[:n_products]:
                if rng.random() > keep and (t, country, p) != (0, countries[0], ids[0]):
                    continue  # sparse, but a company has at least one row of history
                shown = rng.random() < 0.7
                discount = {"never": 0.0, "constant": 0.2}.get(discounted, float(rng.choice([0, 0, 0.1, 0.3])))
                mean = (40 if shown else 8) * (1 + 2 * discount)
                units = {"zero": 0, "constant": 5, "huge": int(rng.poisson(mean) * 10**7),
                         "sparse": int(rng.poisson(mean) if rng.random() < 0.2 else 0)}.get(
                    units_kind, int(rng.poisson(mean)))
                cell = {"campaign": campaign, "product_id": p, "units": units, "country": country,
                        "category": category[p], "brand": "House", "price": price[p],
                        "discount": discount, "page": int(rng.integers(1, 6)) if shown else None,
                        "slot_size": 0.5 if shown else None, "featured": int(shown and rng.random() < 0.1)}
                row = [cell[c] for c in header if c in cell]
                if date_column:
                    row.append((dt.date(2022, 1, 3) + dt.timedelta(days=21 * t)).isoformat())
                if extra:
                    row.append(7.5 if extra == "constant" else (None if t < n_campaigns // 2 else 8.0 + t))
                rows.append(row)
    tables = {"history": [header] + rows}

    with_cost = draw(st.booleans())
    product_header = ["product_id", "price"] + ["unit_cost"] * with_cost + ["category"] * ("category" in columns)
    must = draw(st.sampled_from([None, "cold", "first"]))
    if must:
        product_header.append("must_include")
    products = []
    for i, p in enumerate(ids):
        row = [p, price[p]] + [round(price[p] * 0.4, 2)] * with_cost + [category[p]] * ("category" in columns)
        if must:
            row.append(int((must == "cold" and i >= n_products) or (must == "first" and i == 0)))
        products.append(row)
    tables["products"] = [product_header] + products

    n_slots = draw(st.integers(1, n_products + n_cold + 4))  # more slots than products, at times
    if draw(st.booleans()):
        tables["slots"] = [["page", "slot"]] + [[1 + s // 3, 1 + s % 3] for s in range(n_slots)]
    limits = draw(st.sampled_from([None, "loose", "tight"]))
    if limits and "category" in columns:
        cats = sorted(set(category.values()))
        bound = (0, n_slots) if limits == "loose" else (n_slots, n_slots)  # tight: every category fills all
        tables["category_limits"] = [["category", "min", "max"]] + [[c, *bound] for c in cats]
    return {"tables": tables, "pages": 1 + n_slots // 3, "with_cost": with_cost,
            "summary": f"{n_campaigns} {id_kind} campaigns, {len(countries)} countries, {n_products}+{n_cold} "
                       f"products, units {units_kind}, discount {discounted}, columns {sorted(columns)}"}


# -- the API ------------------------------------------------------------------------------------
def _post(client, path: str, body: dict):
    return client.post(path, data=orjson.dumps(body), content_type="application/json")


def _run(client, body: dict, timeout: float = 300) -> dict:
    """Start a job and wait for its end; a refusal at the door (4xx) is returned as a failed job."""
    response = _post(client, "/api/jobs", body)
    assert response.status_code != 500, response.get_json()
    if response.status_code != 201:
        return {"status": "refused", "error": response.get_json(), "kind": body["kind"]}
    job_id = response.get_json()["id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").get_json()
        if job["status"] in FINISHED:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def _check(job: dict, summary: str) -> None:
    event(f"{job['kind']}: {job['status']} {(job.get('error') or {}).get('code') or ''}".strip())
    assert job["status"] in ("succeeded", "failed", "refused"), (summary, job)
    if job["status"] != "succeeded":
        code = (job.get("error") or {}).get("code")
        assert code in DOCUMENTED | {"invalid_request"}, (summary, job["kind"], job.get("error"))
        assert job["error"].get("detail"), job


def _upload(client, company: dict) -> str:
    response = _post(client, "/api/datasets", {"name": "odd", "tables": company["tables"]})
    assert response.status_code == 201, (company["summary"], response.get_json())
    return response.get_json()["id"]


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(company=companies())
def test_odd_datasets_are_stored_and_explored(client, company):
    dataset = _upload(client, company)
    for table in ("history", "products", "slots", "category_limits"):
        job = _run(client, {"kind": "explore", "dataset": dataset, "table": table})
        _check(job, company["summary"])
        if table in company["tables"]:
            assert job["status"] == "succeeded", (company["summary"], table, job.get("error"))
        else:
            assert job["error"]["code"] == "invalid_job", (table, job.get("error"))


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(company=companies())
def test_odd_datasets_train_forecast_and_plan(client, company):
    summary = company["summary"]
    dataset = _upload(client, company)
    train = _run(client, {"kind": "train", "dataset": dataset})
    _check(train, summary)
    if train["status"] == "succeeded":
        result = train["result"]
        assert {"season", "degraded"} <= set(result), summary
        assert result["season"]["source"] in ("campaign ids", "date column", "none")
        assert all(note["code"] and note["message"] for note in result["degraded"])
    else:
        assert train["error"]["code"] == "insufficient_data", (summary, train["error"])
    products = company["tables"]["products"]
    rows = [products[0] + ["page", "discount"]] + [r + [1, 0.1] for r in products[1:]]
    forecast = _run(client, {"kind": "forecast", "dataset": dataset, "rows": rows})
    _check(forecast, summary)
    if forecast["status"] == "succeeded":
        out = forecast["result"]["rows"]
        column = out[0].index("forecast_units")
        assert all(isinstance(r[column], (int, float)) and r[column] >= 0 for r in out[1:]), summary
    plan_settings = {"time_limit_s": 1, "generations": 4, "population": 6, "seed": 0,
                     "pages": company["pages"], "slots_per_page": 3}
    if not company["with_cost"]:
        plan_settings["objective"] = "revenue"
    plan = _run(client, {"kind": "plan", "dataset": dataset, "settings": plan_settings})
    _check(plan, summary)
    if plan["status"] == "succeeded":
        placed = [r[2] for r in plan["result"]["plan"][1:]]
        assert len(placed) == len(set(placed)), summary


def test_every_job_error_code_is_documented_in_the_readme_and_openapi(client):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("Error codes"):]
    listed = set(re.findall(r"`([a-z_]+)`", section[:section.index("\n\n")]))
    assert set(JOB_ERROR_CODES) <= listed, set(JOB_ERROR_CODES) - listed
    document = client.get("/api/openapi.json").get_json()
    error = document["components"]["schemas"]["Job"]["properties"]["error"]
    assert error["properties"]["code"]["enum"] == list(JOB_ERROR_CODES)
