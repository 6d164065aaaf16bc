"""Explore figures equal pandas' own; clusters, SOM and findings are sane and JSON-ready."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from engine.demo import make_demo
from engine.explore import explore_table, train_som


@pytest.fixture(scope="module")
def history():
    return make_demo(campaigns=12)["history"]


@pytest.fixture(scope="module")
def result(history):
    return explore_table(history)


def test_json_ready(result):
    json.dumps(result, allow_nan=False)


def test_a_date_column_is_described_by_its_span_not_a_histogram(history, result):
    dates = next(c for c in result["columns"] if c["column"] == "start_date")
    assert dates["kind"] == "date" and dates["distinct"] == 12
    assert (dates["first"], dates["last"]) == (history["start_date"].min(), history["start_date"].max())
    assert "histogram" not in dates and "mean" not in dates
    assert "start_date" not in result["correlations"]["columns"]


def test_number_columns_match_pandas(history, result):
    by_name = {c["column"]: c for c in result["columns"]}
    assert list(by_name) == list(history.columns)
    for col in ["units", "price", "discount", "page", "slot_size"]:
        s = history[col].astype(float)
        c = by_name[col]
        assert c["count"] == s.notna().sum() and c["missing"] == s.isna().sum()
        assert c["mean"] == pytest.approx(s.mean())
        assert c["median"] == pytest.approx(s.median())
        assert c["std"] == pytest.approx(s.std())
        assert c["min"] == s.min() and c["max"] == s.max()
        for q in (5, 25, 50, 75, 95):
            assert c["quantiles"][str(q)] == pytest.approx(s.quantile(q / 100))
        hist = c["histogram"]
        counts, _ = np.histogram(s.dropna(), bins=np.array(hist["edges"]))
        assert hist["counts"] == counts.tolist()
        assert sum(hist["counts"]) == s.notna().sum()
    assert by_name["page"]["missing"] > 0


def test_a_flag_and_a_few_whole_numbers_are_counted_per_value(history, result):
    """A 0/1 column (featured) is two bars, 0 and 1, with the rows at each (not bins from -0.5 to
    1.5); a whole-number column over a small range (page) one bar per number from its lowest to
    its highest, a number no row has counted 0; a column of fractions (price) keeps its bins."""
    by_name = {c["column"]: c for c in result["columns"]}
    featured = by_name["featured"]["histogram"]
    assert featured["values"] == [0, 1]
    assert featured["counts"] == [int((history["featured"] == 0).sum()), int((history["featured"] == 1).sum())]
    pages = pd.Series([1, 1, 2, 4, 4, 4, None], name="page")  # page 3 holds nothing
    page = explore_table(pd.DataFrame({"page": pages, "units": [3, 1, 4, 1, 5, 9, 2]}))["columns"][0]["histogram"]
    assert page["values"] == [1, 2, 3, 4] and page["counts"] == [2, 1, 0, 3]
    assert "values" not in by_name["price"]["histogram"]
    discount = by_name["discount"]["histogram"]  # the demo's levels 0, 0.1 ... 0.5: a bar each
    levels = history["discount"].value_counts().sort_index()
    assert discount["values"] == pytest.approx(levels.index.tolist())
    assert discount["counts"] == levels.tolist()
    from engine.explore import _histogram
    gap = _histogram(np.array([2.0, 2.0, 5.0]))  # 3 and 4 never seen: counted 0
    assert gap == {"values": [2, 3, 4, 5], "counts": [2, 0, 0, 1], "edges": [1.5, 2.5, 3.5, 4.5, 5.5]}
    assert _histogram(np.array([7.0, 7.0]))["values"] == [7]


def test_text_columns_top_values(history, result):
    top = {c["column"]: c for c in result["columns"]}["category"]
    expected = history["category"].value_counts()
    assert top["kind"] == "text" and top["distinct"] == len(expected)
    assert top["top"][0] == {"value": expected.index[0], "count": int(expected.iloc[0])}


def test_correlations_match_pandas(history, result):
    corr = result["correlations"]
    cols = corr["columns"]
    assert "units" in cols and "category" not in cols
    expected = history[cols].astype(float).corr()
    got = np.array([[np.nan if v is None else v for v in row] for row in corr["matrix"]])
    np.testing.assert_allclose(got, expected.to_numpy(), rtol=1e-9, atol=1e-12)


def test_clusters(result):
    cl = result["clusters"]
    assert [s["k"] for s in cl["scores"]] == [2, 3, 4, 5, 6]
    best = max(s["silhouette"] for s in cl["scores"])
    assert cl["silhouette"] == best and 2 <= cl["k"] <= 6
    assert len(cl["profiles"]) == cl["k"]
    assert sum(p["size"] for p in cl["profiles"]) == cl["rows"]
    assert set(cl["profiles"][0]["means"]) == set(cl["features"])


def test_som(result):
    som = result["som"]
    rows, cols = som["grid"]
    assert 4 <= rows <= 12 and 4 <= cols <= 12
    assert len(som["u_matrix"]) == rows and len(som["u_matrix"][0]) == cols
    assert set(som["planes"]) == set(som["features"])
    assert sum(map(sum, som["hits"])) == som["samples"]
    assert all(v is None or v >= 0 for row in som["u_matrix"] for v in row)


def test_som_learns_two_groups():
    rng = np.random.default_rng(1)
    z = np.vstack([rng.normal(-3, 0.3, size=(200, 2)), rng.normal(3, 0.3, size=(200, 2))])
    w = train_som(z, 4, 4)
    assert w.min() < -2 and w.max() > 2
    assert np.array_equal(w, train_som(z, 4, 4))  # seeded


def test_findings_carry_numbers(history, result):
    texts = [f["text"] for f in result["findings"]]
    featured = next(f for f in result["findings"] if f["text"].startswith("featured rows"))
    ratio = history.loc[history["featured"] == 1, "units"].mean() / \
        history.loc[history["featured"] == 0, "units"].mean()
    assert featured["value"] == pytest.approx(ratio, abs=1e-3)
    assert featured["n"] == int((history["featured"] == 1).sum())
    assert any(t.startswith("page 1 sells") for t in texts)
    assert any(t.startswith("discounted rows") for t in texts)
    # each number held to its sign or unit by a no-break space, as the pane and the workbooks
    # print percents: a 320 px findings list wrapped "(n" over "= 444)"
    assert featured["text"].endswith(f"(n\u00a0=\u00a0{featured['n']:,})"), featured["text"]
    shares = [t for t in texts if "%" in t]
    assert shares and all("\u00a0%" in t and " %" not in t and not any(ch.isdigit() and nxt == "%" for ch, nxt in zip(t, t[1:]))
                          for t in shares), shares


def test_small_and_text_only_tables():
    df = pd.DataFrame({"name": ["a", "b", None], "x": [1.0, np.nan, np.inf]})
    out = explore_table(df)
    json.dumps(out, allow_nan=False)
    assert out["clusters"] is None and out["som"] is None
    x = out["columns"][1]
    assert x["count"] == 2 and x["mean"] == 1.0  # inf ignored in statistics
    assert math.isclose(out["columns"][0]["missing"], 1)


def test_progress_reported(history):
    seen = []
    explore_table(history.head(500), progress=seen.append)
    assert seen[0]["generation"] == 0 and seen[-1]["generation"] == seen[-1]["of"]
    assert all(p["phase"] == "explore" for p in seen)
