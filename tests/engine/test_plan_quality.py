"""The demo's truth is the one its history was drawn from, and Folio's plans earn close to the
best any plan truly earns on it (engine.demo.demo_truth, engine.plan.quality)."""

import numpy as np
import pandas as pd
import pytest

from engine.data.tables import read_tables, to_values
from engine.demo import demo_truth, make_demo
from engine.forecast import train
from engine.plan.planner import plan_catalogue
from engine.demo_oracle import KnowableDemand
from engine.plan.bound import solve_exact
from engine.plan.quality import chromosome_of, realised_profits, true_optimum, truth_instance, value_of
from engine.plan.rules import rule_report


@pytest.fixture(scope="module")
def small():
    tables, truth = demo_truth(seed=5, countries=("DE",), campaigns=24, products=150)
    return read_tables({name: to_values(df) for name, df in tables.items()}), tables, truth


def test_truth_is_what_the_history_was_drawn_from():
    tables, truth = demo_truth(seed=7)
    history = tables["history"]
    pd.testing.assert_frame_equal(history, make_demo(seed=7)["history"])
    mu = truth.expected_units(history)
    assert history["units"].sum() / mu.sum() == pytest.approx(1.0, abs=0.02)
    for key in ("country", "discount", "featured", "category"):
        ratio = history.assign(mu=mu).groupby(key)[["units", "mu"]].sum()
        assert np.allclose(ratio["units"] / ratio["mu"], 1.0, atol=0.06), key
    z = (history["units"] - mu) / np.sqrt(mu + mu ** 2 / 6.0)  # negative binomial, shape 6
    assert z.var() == pytest.approx(1.0, abs=0.1)


def test_truth_of_the_next_catalogue(small):
    _, tables, truth = small
    launch = tables["products"]["product_id"].iloc[-1]
    assert launch.startswith("N")
    rows = pd.DataFrame({"product_id": launch, "page": [2, 23, 24], "slot_size": 0.167,
                         "featured": 0, "discount": [0.0, 0.0, 0.0]})
    units = truth.expected_units(rows)
    assert units[0] > units[1] and units[2] / units[1] == pytest.approx(1.25, rel=0.02)  # back cover
    lifted = truth.expected_units(rows.assign(discount=0.3))
    elasticity = truth.params.set_index("product_id").loc[launch, "_elasticity"]
    assert np.allclose(lifted / units, np.exp(0.3 * elasticity))
    with pytest.raises(KeyError):
        truth.expected_units(rows.assign(product_id="nobody"))


def test_the_true_optimum_is_exact_and_keeps_the_rules(small):
    dataset, _, truth = small
    inst = truth_instance(dataset, truth, {})
    best = true_optimum(inst)
    assert best["proved_optimal"]
    assert all(r["kept"] for r in rule_report(inst, best["plan"]))
    assert best["value"] >= best["greedy"] - 1e-6
    assert best["value"] <= best["lp_bound"] + 1e-6


@pytest.fixture(scope="module")
def planned(small):
    """Folio's own train + plan with default settings (a 5 s plan) on the small case, and the
    truth's instance with the plan in its encoding."""
    dataset, _, truth = small
    model = train(dataset.history).best
    result = plan_catalogue(dataset, model, {"time_limit_s": 5})
    inst = truth_instance(dataset, truth, {"time_limit_s": 5})
    return result, inst, chromosome_of(inst, result["plan"])


def test_folio_plans_earn_95_percent_of_the_true_optimum(planned):
    """Folio's plan valued on the truth. With the gbm alone this case earns 87.5 %
    (bench/bench_plan_quality.py --cases small5 --candidates gbm)."""
    _, inst, chromosome = planned
    ratio = value_of(inst, chromosome) / true_optimum(inst)["value"]
    assert ratio >= 0.95


def test_the_80_percent_range_holds_about_80_percent_of_what_the_plan_can_realise(small, planned):
    """engine.plan.promise: the range of ``expected_profit`` against 1,000 outcomes of the plan
    drawn with the demo's own demand noise around the truth. An honest 80 % range holds most but
    not nearly all of them: before the catalogue term left out what the rows' own uncertainty
    already counts (and the noise was summed market by market) it held 99 % here; now 86 %
    (bench/bench_plan_quality.py: 83 % on average over its 9 cases)."""
    _, _, truth = small
    result, inst, chromosome = planned
    totals = result["totals"]
    low, high = totals["expected_profit_low"], totals["expected_profit_high"]
    assert low <= value_of(inst, chromosome) <= high
    realised = realised_profits(inst, truth, chromosome)
    share = float(np.mean((realised >= low) & (realised <= high)))
    assert 0.70 <= share <= 0.95
    parts = result["promise"]["log_sigma_parts"]
    assert result["promise"]["log_sigma"] == pytest.approx(np.sqrt(sum(v ** 2 for v in parts.values())))
    # the noise part is the demo's own noise (one market here): the spread of the realised profits
    assert parts["noise"] == pytest.approx(np.std(np.log(realised)), rel=0.2)


def test_the_noise_of_a_plan_sold_in_several_markets_is_summed_market_by_market():
    """A plan row's units are a sum over markets, each drawn on its own: its variance is the sum
    of the markets' (mu + mu^2 / theta), not (sum mu) + (sum mu)^2 / theta (which made the noise
    part 1.4x the truth's on the 2-market thin4 case of bench/bench_plan_quality.py)."""
    tables, truth = demo_truth(seed=4, countries=("DE", "FR"), campaigns=4, products=120)
    dataset = read_tables({name: to_values(df) for name, df in tables.items()})
    model = train(dataset.history, candidates=["pooled"]).best
    result = plan_catalogue(dataset, model, {"time_limit_s": 2})
    inst = truth_instance(dataset, truth, {"time_limit_s": 2})
    realised = realised_profits(inst, truth, chromosome_of(inst, result["plan"]))
    assert result["promise"]["log_sigma_parts"]["noise"] == pytest.approx(np.std(np.log(realised)), rel=0.2)


def test_the_knowable_ceiling_is_the_truth_seen_through_the_history(small):
    """The Bayes-optimal forecast of this history (engine.demo_oracle): a launch gets its
    category-and-price prior, a product with history lands near its truth, and planning on it
    exactly earns close to, never above, the true optimum (bench: 98.1 % on this case)."""
    dataset, tables, truth = small
    oracle = KnowableDemand(truth, dataset.history)
    rows = pd.DataFrame({"product_id": tables["products"]["product_id"], "page": 5, "slot_size": 0.167,
                         "featured": 0, "discount": 0.2})
    ratio = oracle.predict(rows) / truth.expected_units(rows)
    launch = rows["product_id"].str.startswith("N").to_numpy()
    assert np.abs(np.log(ratio[~launch])).mean() < 0.15 < np.abs(np.log(ratio[launch])).mean()
    inst = truth_instance(dataset, truth, {})
    plan = solve_exact(truth_instance(dataset, oracle, {}), lower=0.0)["plan"]
    share = value_of(inst, plan) / true_optimum(inst)["value"]
    assert 0.97 <= share <= 1.0 + 1e-9
