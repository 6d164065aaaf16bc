"""engine.forecast: candidates compared in a rolling-origin backtest, the winner beats the baselines."""

import json

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from engine.forecast import backtest
from engine.demo import make_demo
from engine.errors import FolioError
from engine.forecast import Forecaster, forecast_rows, score, train


@pytest.fixture(scope="module")
def history():
    return make_demo(seed=7, campaigns=24, products=120)["history"]


@pytest.fixture(scope="module")
def outcome(history):
    return train(history, family="auto", holdout_campaigns=2, folds=2, seed=0)


def _metric(items, name, key="wape"):
    return next(i["metrics"][key] for i in items if i["name"] == name)


def test_report_is_json_ready_and_complete(outcome, history):
    report = outcome.report
    json.dumps(report, allow_nan=False)
    names = [c["name"] for c in report["candidates"]]
    # every family, global + per country (the pooled family has its own market terms)
    assert names == ["linear", "linear_by_country", "gbm", "gbm_by_country", "pooled"]
    assert sum(c["chosen"] for c in report["candidates"]) == 1
    assert {b["name"] for b in report["baselines"]} == {"naive", "seasonal_naive", "mean"}
    order = backtest.campaign_order(history["campaign"])
    assert report["holdout"]["campaigns"] == order[-2:]
    rows = int(history["campaign"].isin(order[-2:]).sum())
    tested = int(history["campaign"].isin(order[-4:]).sum())
    assert report["holdout"]["rows"] == rows
    for c in report["candidates"]:
        assert c["n_holdout"] == rows and c["n_train"] == len(history) - rows and c["n_backtest"] == tested
        assert set(c["metrics"]) == set(c["holdout_metrics"]) == {"wape", "mape", "bias"}
    assert [f["campaigns"] for f in report["folds"]] == [order[-4:-2], order[-2:]]
    assert [f["origin"] for f in report["folds"]] == [order[-5], order[-3]]
    # season read from the demo's start dates: a catalogue every 21 days (the ids alone would say
    # 18: 2023-01 .. 2023-18 then 2024-01)
    assert report["backtest"] == {"folds": 2, "horizon": 2, "gap": 0, "min_lag": 2, "season": 17, "cadence": 17,
                                  "select_by": "decision", "scale": 1.0, "rows": tested,
                                  "metrics": "pooled over the rows of every fold"}
    assert report["season"]["value"] == 17 and report["season"]["source"] == "date column"
    assert report["season"]["used"] is True
    assert report["season"]["form"] == "full" and report["season"]["learnt"].startswith("season learnt from")
    lagged = any(f.startswith("lag_own_") for f in report["features"])
    assert lagged or outcome.best.family == "pooled" and "product_discount" in report["features"]


def test_chosen_model_beats_every_baseline_in_the_backtest(outcome):
    report = outcome.report
    chosen = next(c for c in report["candidates"] if c["chosen"])
    decision = [c["decision_metrics"]["decision"] for c in report["candidates"]]
    assert chosen["decision_metrics"]["decision"] == min(decision)  # chosen by how it serves decisions
    assert set(chosen["decision_metrics"]) == {"lift_error", "level_error", "rank_corr", "decision"}
    for baseline in ("naive", "seasonal_naive", "mean"):
        assert chosen["metrics"]["wape"] < 0.8 * _metric(report["baselines"], baseline)
        assert chosen["metrics"]["mape"] < _metric(report["baselines"], baseline, "mape")
    assert outcome.best.candidate_name_ == chosen["name"]
    assert outcome.best.interval_source_ == "backtest"


def test_pooled_metrics_are_the_metrics_of_the_fold_rows_together(outcome, history):
    """Pooled WAPE = sum of absolute errors over every fold / sum of units over every fold."""
    report = outcome.report
    y = history["units"].to_numpy(dtype=float)
    units = {tuple(f["campaigns"]): y[history["campaign"].isin(f["campaigns"]).to_numpy()].sum()
             for f in report["folds"]}
    for c in report["candidates"]:
        abs_err = sum(f["candidates"][c["name"]]["wape"] * units[tuple(f["campaigns"])] for f in report["folds"])
        assert c["metrics"]["wape"] == pytest.approx(abs_err / sum(units.values()))
        assert c["holdout_metrics"] == report["folds"][-1]["candidates"][c["name"]]


def test_candidates_never_see_the_rows_they_are_scored_on(history, monkeypatch):
    seen = []
    original = Forecaster.fit

    def spy(self, X, y=None):
        seen.append(set(X["campaign"]))
        return original(self, X, y)

    monkeypatch.setattr(Forecaster, "fit", spy)
    result = train(history, family="linear", candidates=["linear"], holdout_campaigns=2, folds=2, gap=1)
    folds = result.report["folds"]
    order = backtest.campaign_order(history["campaign"])
    assert len(seen) == 3
    for fitted, fold in zip(seen[:2], folds):
        assert max(fitted) == fold["origin"]
        assert order.index(fold["campaigns"][0]) == order.index(fold["origin"]) + 2  # one campaign of gap
        assert not fitted & set(fold["campaigns"])
    assert set(order) == seen[2]  # the final refit uses every campaign


def test_model_learned_that_featured_and_front_pages_sell_more(outcome, history):
    """Summed over 40 placed products (a tree may be flat for any single one)."""
    base = history[history["page"].notna()].drop_duplicates("product_id").head(40)
    def total(page, featured, discount):
        return outcome.best.predict(base.assign(page=page, featured=featured, discount=discount)).sum()
    featured, front, late = total(1, 1, 0.0), total(1, 0, 0.0), total(20, 0, 0.0)
    assert featured > front > late  # featured > plain front page > page 20
    assert total(20, 0, 0.3) > late  # a discount lifts units


def test_plan_rows_without_campaign_or_units_are_forecast(outcome, history):
    """The planner sends product attributes + slot + discount, no campaign and no units."""
    rows = history.drop(columns=["units", "campaign"]).head(30)
    units = outcome.best.predict(rows)
    assert units.shape == (30,) and np.all(np.isfinite(units)) and np.all(units >= 0)
    assert units.std() > 0


def test_forecast_rows_adds_band_in_order_and_pickles(outcome, history, tmp_path):
    rows = history.sample(50, random_state=0)
    out = forecast_rows(outcome.best, rows)
    assert list(out.columns) == list(rows.columns) + ["forecast_units", "forecast_low", "forecast_high"]
    assert out.index.equals(rows.index)
    assert np.all(out["forecast_low"] <= out["forecast_units"])
    assert np.all(out["forecast_units"] <= out["forecast_high"])
    assert np.all(out["forecast_low"] >= 0)
    path = tmp_path / "model.joblib"
    joblib.dump(outcome.best, path)
    loaded = joblib.load(path)
    assert np.allclose(loaded.predict(rows), outcome.best.predict(rows))


def test_band_covers_about_eighty_percent_of_unseen_campaigns(history):
    order = backtest.campaign_order(history["campaign"])
    past = history[~history["campaign"].isin(order[-2:])]
    result = train(past, family="linear", candidates=["linear"], holdout_campaigns=2, folds=3)
    future = history[history["campaign"].isin(order[-2:])]
    band = forecast_rows(result.best, future.drop(columns=["units"]))
    inside = ((future["units"] >= band["forecast_low"]) & (future["units"] <= band["forecast_high"])).mean()
    assert 0.65 <= inside <= 0.95


def test_score_uses_the_latest_campaigns_or_the_ones_named(outcome, history):
    metrics = score(outcome.best, history, holdout_campaigns=2)
    assert set(metrics) == {"wape", "mape", "bias"}
    last = backtest.campaign_order(history["campaign"])[-1]
    assert score(outcome.best, history, campaigns=[last]) != metrics


def test_progress_reports_each_fold(history):
    calls = []
    train(history, family="linear", candidates=["linear"], folds=3, progress=calls.append)
    assert [c["generation"] for c in calls] == [0, 1, 2, 3, 4]
    assert all(c["phase"] == "train" and c["of"] == 4 for c in calls)
    assert calls[0]["message"].startswith("fold 1 of 3")


def test_cancel_stops_training(history):
    with pytest.raises(FolioError) as info:
        train(history, family="linear", should_stop=lambda: True)
    assert info.value.code == "cancelled"


@pytest.mark.parametrize("kwargs, column", [
    ({"holdout_campaigns": 40}, "holdout_campaigns"),
    ({"holdout_campaigns": 0}, "holdout_campaigns"),
    ({"folds": 0}, "folds"),
    ({"gap": -1}, "gap"),
    ({"family": "forest"}, "family"),
    ({"candidates": ["forest"]}, "candidates"),
    ({"seed": -1}, "seed"),
    ({"select_by": "rmse"}, "select_by"),
])
def test_bad_train_settings_are_invalid_settings(history, kwargs, column):
    with pytest.raises(FolioError) as info:
        train(history, **kwargs)
    assert info.value.code == "invalid_settings"
    assert info.value.problems[0].column == column


@pytest.mark.parametrize("param, value", [("alpha", -1), ("family", "tree"), ("max_iter", 0),
                                          ("interval", 1.5), ("loss", "l1"), ("min_lag", 0),
                                          ("n_models", 0), ("subsample", 0.0), ("max_features", 1.5),
                                          ("quantile", 1.0), ("product_trend", "yes")])
def test_forecaster_validates_params_at_fit_naming_them(history, param, value):
    model = Forecaster(**{param: value})  # the constructor only stores
    assert model.get_params()[param] == value
    with pytest.raises(ValueError, match=rf"{param} must be .*{value!r}"):
        model.fit(history.head(200))


@pytest.mark.parametrize("family", ["linear", "gbm"])
def test_per_country_global_model_is_fitted_when_a_market_needs_it(history, family):
    """The global model of a per-country fit is deferred until a row of a market without its own
    model asks for it (or the model is saved): the same fit as a global Forecaster's, before and
    after pickling, and the saved model carries no training rows."""
    past = history[history["campaign"] < history["campaign"].max()]
    rows = history[history["campaign"] == history["campaign"].max()].copy()
    kwargs = dict(family=family, max_iter=30)
    per_country = Forecaster(per_country=True, **kwargs).fit(past)
    own = per_country.predict(rows)  # every market has its own model: the global one not needed
    assert per_country.model_ is None
    rows["country"] = "XX"  # a market the history never had
    glob = Forecaster(**kwargs).fit(past).predict(rows)
    saved = joblib.load(_dump(Forecaster(per_country=True, **kwargs).fit(past)))
    assert "_pending_global" not in saved.__dict__ and saved.model_ is not None
    assert np.array_equal(saved.predict(rows), glob)
    assert np.array_equal(per_country.predict(rows), glob)
    assert not np.array_equal(own, glob)


def test_shared_features_derive_a_frame_once_with_the_same_forecasts(history):
    """train's backtest fits several candidates on each fold's rows: inside shared_features they
    share one fitted CatalogueFeatures (same settings, same frame object), forecasts unchanged."""
    from engine.forecast.model import shared_features

    past = history[history["campaign"] < history["campaign"].max()]
    rows = history[history["campaign"] == history["campaign"].max()]
    with shared_features():
        linear = Forecaster(family="linear").fit(past)
        gbm = Forecaster(family="gbm", max_iter=30, per_country=True).fit(past)
        other = Forecaster(family="gbm", max_iter=30, min_lag=2).fit(past)
        copy = Forecaster(family="gbm", max_iter=30, per_country=True).fit(past.copy())
    assert gbm.features_ is linear.features_
    assert other.features_ is not linear.features_ and copy.features_ is not linear.features_
    alone = Forecaster(family="gbm", max_iter=30, per_country=True).fit(past)
    assert alone.features_ is not Forecaster(family="gbm", max_iter=30, per_country=True).fit(past).features_
    assert np.array_equal(gbm.predict(rows), alone.predict(rows))
    assert np.array_equal(linear.predict(rows), Forecaster(family="linear").fit(past).predict(rows))


def _dump(model) -> "io.BytesIO":
    import io

    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return buffer


def test_forecaster_is_a_proper_estimator(history):
    model = Forecaster(family="linear", alpha=3.0, per_country=True)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    assert twin.fit(history.head(1500)) is twin
    assert set(twin.country_models_) <= set(history["country"])
    assert not hasattr(model, "model_")


def test_bagged_gbm_averages_its_fits_in_log_space_and_is_reproducible(history):
    past = history[history["campaign"] < history["campaign"].max()]
    rows = history[history["campaign"] == history["campaign"].max()]
    kwargs = dict(family="gbm", loss="log", max_iter=30, n_models=3, subsample=0.7, max_features=0.8)
    bag = Forecaster(**kwargs).fit(past)
    frame = bag.features_.transform(rows)
    members = [m.predict(frame) for m in bag.model_.models]
    assert len(members) == 3 and not np.allclose(members[0], members[1])  # different rows and seeds
    assert np.allclose(bag.predict(rows), np.clip(np.expm1(np.mean(members, axis=0)), 0, None))
    assert np.array_equal(bag.predict(rows), Forecaster(**kwargs).fit(past).predict(rows))
    single = Forecaster(family="gbm", loss="log", max_iter=30).fit(past)
    assert not np.allclose(bag.predict(rows), single.predict(rows))


def test_select_by_mape_judges_each_candidate_after_its_own_scale(history):
    out = train(history, candidates=["gbm_log", {"name": "gbm_log_small", "family": "gbm", "loss": "log",
                                                 "max_iter": 20}],
                holdout_campaigns=2, folds=2, select_by="mape")
    cands = out.report["candidates"]
    scaled = [c["scaled_metrics"]["mape"] for c in cands]
    assert all(c["scaled_metrics"]["mape"] <= c["metrics"]["mape"] + 1e-12 for c in cands)
    chosen = next(c for c in cands if c["chosen"])
    assert chosen["scaled_metrics"]["mape"] == min(scaled)
    assert out.best.scale_ == chosen["scale"] == out.report["backtest"]["scale"]


def test_quantile_of_log_units_forecasts_lower_than_their_mean(history):
    past = history[history["campaign"] < history["campaign"].max()]
    rows = history[history["campaign"] == history["campaign"].max()]
    low = Forecaster(family="gbm", loss="log_quantile", quantile=0.25, max_iter=40).fit(past).predict(rows)
    mean = Forecaster(family="gbm", loss="log", max_iter=40).fit(past).predict(rows)
    assert np.median(low / np.maximum(mean, 1e-9)) < 0.95


def test_judged_by_mape_the_defaults_add_the_log_presets_and_latest_lags_read_gap_plus_one():
    from engine.forecast.train import MAPE_DEFAULTS, PRESETS, _candidates

    names = [c.name for c in _candidates("auto", None, 3, "mape")]
    assert names == ["linear", "linear_by_country", "gbm", "gbm_by_country", "pooled", *MAPE_DEFAULTS]
    assert [c.name for c in _candidates("auto", None, 3)] == names[:5]
    assert [c.name for c in _candidates("linear", None, 1, "mape")] == ["linear"]
    latest = _candidates("auto", ["gbm_mape"], 1)[0]
    assert PRESETS["gbm_mape"]["lags"] == "latest"
    assert latest.estimator(min_lag=4, gap=3).min_lag == 4  # gap + 1
    assert _candidates("auto", ["gbm"], 1)[0].estimator(min_lag=5, gap=3).min_lag == 5
    with pytest.raises(FolioError) as info:
        _candidates("auto", [{"name": "x", "lags": "oldest"}], 1)
    assert info.value.problems[0].column == "candidates"
    from engine.forecast import PRESET_NOTES

    assert set(PRESET_NOTES) == set(PRESETS)  # every preset said in words (the pane shows them)


def _moving_history(kind: str, products: int = 80, campaigns: int = 14, seed: int = 0) -> pd.DataFrame:
    """A one-market history whose products either each follow their own trend (``"trend"``) or
    swing with a season longer than the history (``"swing"``: no season readable from integer
    campaign ids, so in-sample it looks like a trend that then turns)."""
    rng = np.random.default_rng(seed)
    level = rng.normal(0, 0.5, products)
    slope = rng.normal(0, 0.8, products) if kind == "trend" else np.zeros(products)
    swing = rng.normal(0, 0.6, products) if kind == "swing" else np.zeros(products)
    rows = []
    for t in range(campaigns):
        x = (t - (campaigns - 1) / 2) / (campaigns - 1)
        for p in range(products):
            discount, page = rng.choice([0.0, 0.0, 0.2]), int(rng.integers(1, 12))
            mu = np.exp(2.5 + level[p] + 1.5 * slope[p] * x + swing[p] * np.sin(2 * np.pi * t / 20)
                        + 1.5 * discount - 0.05 * page)
            rows.append({"campaign": t + 1, "product_id": f"P{p:03d}", "category": f"C{p % 4}",
                         "price": 10.0 + p % 7, "discount": discount, "page": page, "slot_size": 0.25,
                         "featured": 0, "units": int(rng.poisson(rng.gamma(6.0, mu / 6.0)))})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("kind, keeps_trend", [("trend", True), ("swing", False)])
def test_the_backtest_keeps_each_products_trend_only_where_it_extrapolates(kind, keeps_trend):
    """The pooled preset is tried with and without its per-product trend (PRESET_VARIANTS) and
    competes as the version with the lower backtest decision error: real trends are kept, a
    swing the history cannot read as a season (it looks like a trend in-sample) is not."""
    outcome = train(_moving_history(kind), candidates=["pooled"])
    entry = outcome.report["candidates"][0]
    versions = entry["variants"]
    assert [v["params"].get("product_trend", True) for v in versions] == [True, False]
    chosen = next(v for v in versions if v["chosen"])
    other = next(v for v in versions if not v["chosen"])
    assert chosen["params"].get("product_trend", True) is keeps_trend
    # (the swing is also the products' shared movement, which both versions learn as such
    # (engine.forecast.factor): there the trends matter less and the margin is small)
    margin = 0.01 if keeps_trend else 0.0
    assert chosen["decision_metrics"]["decision"] < other["decision_metrics"]["decision"] - margin
    assert entry["params"] == chosen["params"] and entry["decision_metrics"] == chosen["decision_metrics"]
    assert outcome.best.product_trend is keeps_trend  # the refit is the chosen version
    assert ("product_trend" in outcome.best.model_.block_) is keeps_trend
    # a pooled candidate the user configured is theirs: tried as given, no variants
    mine = train(_moving_history(kind), candidates=[{"name": "mine", "family": "pooled"}])
    assert "variants" not in mine.report["candidates"][0]


def test_a_season_every_fold_learns_is_not_mistaken_for_trends(outcome):
    """With a season every backtest fold can learn (24 campaigns, season 17, folds fitting on
    20 and 22), the pooled preset is tried as it is: no variants, its product trend kept."""
    assert outcome.report["season"]["used"] is True
    pooled = next(c for c in outcome.report["candidates"] if c["name"] == "pooled")
    assert "variants" not in pooled and pooled["params"] == {"family": "pooled"}


def test_naive_baseline_uses_last_training_campaign():
    history = pd.DataFrame({
        "campaign": [1, 2, 3, 1, 2, 3, 3],
        "product_id": ["a", "a", "a", "b", "b", "b", "c"],
        "units": [5.0, 7.0, 100.0, 1.0, 3.0, 40.0, 9.0],
    })
    split = backtest.split_holdout(history, 1, min_train_campaigns=2)
    assert list(backtest.naive_forecast(history, split)) == [7.0, 3.0, 4.0]  # c: global mean
    assert list(backtest.mean_forecast(history, split)) == [6.0, 2.0, 4.0]
    assert backtest.metrics([10, 0], [5, 1]) == {"wape": 0.6, "mape": 0.5, "bias": -0.4}


def test_decision_metrics_reward_the_right_differences():
    """A forecast with every product's level right but no response to discounts loses to one
    that gets each product's lift right with levels a little off; WAPE says the opposite."""
    from engine.forecast.decision import decision_metrics

    rng = np.random.default_rng(0)
    products = np.repeat([f"P{i}" for i in range(60)], 8)
    level = np.repeat(rng.normal(4.0, 0.8, 60), 8)
    lift = np.repeat(rng.uniform(1.0, 3.2, 60), 8)
    discount = np.tile([0.0, 0.3, 0.0, 0.1, 0.0, 0.2, 0.0, 0.4], 60)
    mu = np.exp(level + lift * discount)
    history = pd.DataFrame({"product_id": products, "campaign": np.tile(np.arange(8), 60), "units": mu})
    fold = np.zeros(len(history), dtype=int)
    flat = np.exp(level + lift.mean() * 0.125)  # right level on average, no lift per product
    responsive = mu * 1.35  # every lift right, 35 % too high
    a = decision_metrics(history, mu, flat, fold)
    b = decision_metrics(history, mu, responsive, fold)
    assert b["lift_error"] < 0.01 < a["lift_error"]
    assert b["decision"] < a["decision"]
    assert b["rank_corr"] == pytest.approx(1.0)
    assert backtest.metrics(mu, responsive)["wape"] > backtest.metrics(mu, flat)["wape"]
    assert decision_metrics(history, mu, mu, np.full(len(mu), -1))["decision"] is None


def test_decision_metrics_ignore_an_error_common_to_a_whole_catalogue():
    """A forecast 30 % high on every row of one held-out catalogue and 20 % low on another picks
    the same plan in each as the exact forecast: its decision metrics are the exact one's (the
    catalogue error measures that level instead)."""
    from engine.forecast.decision import catalogue_error, decision_metrics

    rng = np.random.default_rng(1)
    products = np.tile([f"P{i}" for i in range(40)], 4)
    campaign = np.repeat([0, 1, 2, 3], 40)
    mu = np.exp(rng.normal(3.0, 0.7, 160))
    history = pd.DataFrame({"product_id": products, "campaign": campaign, "units": mu})
    fold = np.where(campaign >= 2, 0, -1)
    shifted = mu * np.where(campaign == 2, 1.3, 0.8)
    noisy = mu * np.exp(rng.normal(0.0, 0.3, 160))
    exact, common = decision_metrics(history, mu, mu, fold), decision_metrics(history, mu, shifted, fold)
    assert common["decision"] == pytest.approx(exact["decision"], abs=0.02)
    assert decision_metrics(history, mu, noisy, fold)["decision"] > common["decision"] + 0.1
    assert catalogue_error(history, mu, shifted, fold) > 0.2 > catalogue_error(history, mu, mu, fold)


def _held_out_catalogues(shared_sd: float, product_sd: float, seed: int = 3):
    """60 held-out campaigns x 2 markets x 80 products (fold 1; fold 0 is older and far off):
    units drawn negative binomial (shape 6) around the forecast times a campaign-wide factor
    (sd ``shared_sd``, the same in both markets) and a per-product factor (sd ``product_sd``)."""
    rng = np.random.default_rng(seed)
    n_c, n_m, n_p = 60, 2, 80
    campaign = np.repeat(np.arange(n_c), n_m * n_p)
    market = np.tile(np.repeat(["DE", "FR"], n_p), n_c)
    product = np.tile([f"P{i}" for i in range(n_p)], n_c * n_m)
    forecast = np.exp(rng.normal(3.0, 0.8, len(campaign)))
    shift = rng.normal(0.0, shared_sd, n_c)[campaign] + rng.normal(0.0, product_sd, len(campaign))
    mean = forecast * np.exp(shift - 0.5 * (shared_sd ** 2 + product_sd ** 2))
    units = rng.poisson(rng.gamma(6.0, mean / 6.0)).astype(float)
    fold = np.where(campaign >= 20, 1, 0)
    forecast = np.where(fold == 0, forecast * 3.0, forecast)  # the older fold: far off, not counted
    history = pd.DataFrame({"campaign": campaign, "country": market, "product_id": product, "units": units})
    return history, units, forecast, np.full(len(units), product_sd ** 2), np.full(len(units), 6.0), fold


def test_the_shared_catalogue_error_is_what_rows_do_not_explain():
    """engine.forecast.decision.shared_catalogue_variance: a held-out catalogue's total misses by
    its rows' noise, its products' own errors and what all its rows share; only the last is the
    shared variance (the first two would be counted twice in a plan's range), and only the
    newest fold counts. The RMS catalogue error keeps the noise and the products in."""
    from engine.forecast.decision import catalogue_error, shared_catalogue_variance

    history, y, forecast, row_var, theta, fold = _held_out_catalogues(shared_sd=0.0, product_sd=0.3)
    none = shared_catalogue_variance(history, y, forecast, row_var, theta, fold)
    assert none["fold"] == 1 and none["campaigns"] == 40
    rms = catalogue_error(history, y, forecast, np.where(fold == 1, 0, -1))
    assert rms > 0.07 and none["variance"] < 0.25 * rms ** 2  # what is left is sampling (80 catalogues)
    history, y, forecast, row_var, theta, fold = _held_out_catalogues(shared_sd=0.1, product_sd=0.3)
    some = shared_catalogue_variance(history, y, forecast, row_var, theta, fold)
    assert np.sqrt(some["variance"]) == pytest.approx(0.1, abs=0.03)
    assert shared_catalogue_variance(history, y, forecast, np.full(len(y), np.nan), theta, fold) is None


@pytest.mark.parametrize("family", ["linear", "pooled"])
def test_rows_without_a_country_column_read_as_an_unknown_market(history, family):
    """A multi-market model asked about rows with no country column (a forecast job's rows):
    the product's lags over all markets, no own or country lag; never a KeyError."""
    model = Forecaster(family=family, min_lag=2).fit(history)
    rows = history.drop(columns=["country", "units", "campaign"]).head(20)  # the next catalogue
    if family == "linear":
        frame = model.features_.transform(rows)
        assert frame["lag_own_mean3"].isna().all() and frame["lag_product_mean8"].notna().any()
    units = model.predict(rows)
    assert np.all(np.isfinite(units)) and np.all(units >= 0)
