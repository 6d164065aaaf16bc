"""One planning problem as arrays: products, slots, rules and the forecast value table.

Building it is where the forecast enters the loop. The model is asked ONCE per run for every
(product, slot type, discount level[, market]) combination; a slot type is a distinct
(page, slot_size, featured), the only slot attributes the model sees. The genetic algorithm then
looks values up in ``value[product, slot_type, level]`` instead of predicting again: that is
what lets it run many generations per second while every fitness still comes from the model.
The one effect that couples slots, products of one category competing on a page, is the
planner's cannibalisation term (engine.plan.cannibal), applied per generation on top of the
table: the model is a per-row model and cannot see the rest of the page.

The hard rules are checked here before any search, so an impossible request fails at once with
the rule that cannot be met.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from engine.data.columns import MISSING, canonical_columns
from engine.data.dataset import Dataset
from engine.errors import Problem, infeasible, settings_error, table_error

from .history_bounds import reference_units
from .rules import BuildContext, RuleSet, build_rules
from .settings import PlanSettings

PREDICT_THREADS = 1  # jobs run side by side in worker processes: do not oversubscribe the cores
PLAN_ONLY = ("must_include", "max_units", "unit_cost")
CHUNK_ROWS = 200_000  # rows per model call when building the forecast table


@dataclass
class PlanInstance:
    product_ids: np.ndarray  # (P,) str
    price: np.ndarray  # (P,)
    unit_cost: np.ndarray | None  # (P,) or None when the products table has none
    category: np.ndarray  # (P,) int index into categories
    categories: list[str]
    must: np.ndarray  # (P,) bool: the products table's must_include
    slots: pd.DataFrame  # page, slot, slot_size, featured (one row per slot, in plan order)
    slot_type: np.ndarray  # (S,) int index of the slot's type
    levels: np.ndarray  # (D,) discount fractions, ascending
    units: np.ndarray  # (P, T, D) forecast units, capped at max_units
    value: np.ndarray  # (P, T, D) objective contribution of one placement
    objective: str
    page_index: np.ndarray | None = None  # (S,) int: the slot's page as 0..n_pages-1
    cannibalisation: float = 1.0  # per-sibling sales factor (engine.plan.cannibal); 1 = none
    beyond: np.ndarray | None = None  # (P, T, D) bool: the forecast went beyond history, shrunk
    reference: np.ndarray | None = None  # (P, T, D, K) the best ever sold, moved to the cell, per market
    stock: np.ndarray | None = None  # (P,) max_units (inf = no cap)
    products: pd.DataFrame | None = None  # the products table as the forecast saw it
    rules: RuleSet | None = None  # the hard rules this request uses (engine.plan.rules)
    brand: np.ndarray | None = None  # (P,) int index into brands, -1 where none
    brands: list[str] = field(default_factory=list)

    @property
    def page_numbers(self) -> np.ndarray:
        """The page number (as in the slots table) of each page index."""
        return np.unique(self.slots["page"].to_numpy())

    @property
    def n_pages(self) -> int:
        return int(self.page_index.max()) + 1 if self.page_index is not None and self.page_index.size else 0

    @property
    def n_products(self) -> int:
        return len(self.product_ids)

    @property
    def n_slots(self) -> int:
        return len(self.slot_type)

    @property
    def zero_level(self) -> int | None:
        hits = np.flatnonzero(self.levels == 0.0)
        return int(hits[0]) if hits.size else None

    def revenue(self, p, t, d) -> np.ndarray:
        return self.units[p, t, d] * self.price[p] * (1.0 - self.levels[d])

    def profit(self, p, t, d) -> np.ndarray | None:
        if self.unit_cost is None:
            return None
        return self.units[p, t, d] * (self.price[p] * (1.0 - self.levels[d]) - self.unit_cost[p])


def _text(series: pd.Series) -> np.ndarray:
    out = series.astype(object).where(series.notna(), MISSING).map(lambda v: str(v).strip() or MISSING)
    return out.to_numpy(dtype=object)


def _products(dataset: Dataset, settings: PlanSettings) -> pd.DataFrame:
    if dataset.products is None or len(dataset.products) == 0:
        raise table_error([Problem(message="a plan needs a products table with at least one row", table="products")])
    products = canonical_columns(dataset.products).reset_index(drop=True)
    problems = [Problem(message=f"products has no column '{c}'", table="products", column=c)
                for c in ("product_id", "price") if c not in products.columns]
    if settings.objective == "profit" and "unit_cost" not in products.columns:
        problems.append(Problem(message="objective 'profit' needs a unit_cost column in products",
                                table="products", column="unit_cost"))
    if problems:
        raise table_error(problems)
    ids = products["product_id"].astype(str)
    if ids.duplicated().any():
        first = ids[ids.duplicated()].iloc[0]
        hint = (" (the products table names countries: plan one catalogue per country with "
                "'countries')") if "country" in products.columns else ""
        raise table_error([Problem(message=f"product_id {first!r} appears more than once{hint}",
                                   table="products", column="product_id")])
    return products


def _slots(dataset: Dataset, settings: PlanSettings) -> pd.DataFrame:
    if dataset.slots is not None and len(dataset.slots):
        slots = canonical_columns(dataset.slots)
        out = pd.DataFrame({"page": pd.to_numeric(slots["page"]).astype(int).to_numpy(),
                            "slot": pd.to_numeric(slots["slot"]).astype(int).to_numpy()})
        per_page = out.groupby("page")["slot"].transform("count").to_numpy()
        size = pd.to_numeric(slots["slot_size"], errors="coerce").to_numpy(dtype=float, na_value=np.nan) \
            if "slot_size" in slots.columns else np.full(len(out), np.nan)
        out["slot_size"] = np.where(np.isfinite(size), size, 1.0 / per_page)
        featured = pd.to_numeric(slots["featured"], errors="coerce").to_numpy(dtype=float, na_value=np.nan) \
            if "featured" in slots.columns else np.zeros(len(out))
        out["featured"] = np.nan_to_num(featured, nan=0.0).astype(int)
        return out.sort_values(["page", "slot"], kind="stable").reset_index(drop=True)
    if settings.pages is None:
        raise settings_error([Problem(message="the dataset has no slots table: set 'pages' (and 'slots_per_page')",
                                      column="pages")])
    k = settings.slots_per_page
    page = np.repeat(np.arange(1, settings.pages + 1), k)
    return pd.DataFrame({"page": page, "slot": np.tile(np.arange(1, k + 1), settings.pages),
                         "slot_size": np.full(len(page), 1.0 / k),
                         "featured": (page == 1).astype(int)})  # a generated layout's cover is page 1


def _categories(products: pd.DataFrame, dataset: Dataset) -> tuple[np.ndarray, list[str]]:
    """Each product's category index and the category names: the products' (sorted), then any
    named only by category_limits (a limit on a category without candidates)."""
    names = _text(products["category"]) if "category" in products.columns else np.full(len(products), MISSING, object)
    categories = sorted(set(names.tolist()))
    if dataset.category_limits is not None:
        for name in canonical_columns(dataset.category_limits)["category"]:
            name = str(name).strip()
            if name not in categories:
                categories.append(name)
    return np.array([categories.index(c) for c in names], dtype=int), categories


def _brands(products: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    if "brand" not in products.columns:
        return -np.ones(len(products), int), []
    names = products["brand"].astype("string").str.strip()
    brands = sorted(set(names.dropna()[names.dropna() != ""].tolist()))
    index = {b: i for i, b in enumerate(brands)}
    return np.array([index.get(b, -1) if isinstance(b, str) else -1 for b in names.tolist()], dtype=int), brands


def check_feasible(inst: PlanInstance) -> None:
    """Raise ``infeasible(rule, detail)`` when the hard rules cannot all hold in any plan: each
    rule unit checks its own (engine.plan.rules)."""
    if inst.n_slots == 0:
        raise infeasible("slots", "the catalogue has no slots")
    inst.rules.check(inst)


def _candidate_rows(products: pd.DataFrame, slot_types: pd.DataFrame, levels: np.ndarray,
                    countries: list[str]) -> pd.DataFrame:
    """Every (product, slot type, level[, country]) as a history-like row, in C order."""
    P, T, D = len(products), len(slot_types), len(levels)
    K = max(len(countries), 1)
    p = np.repeat(np.arange(P), T * D * K)
    t = np.tile(np.repeat(np.arange(T), D * K), P)
    d = np.tile(np.repeat(np.arange(D), K), P * T)
    attrs = products.drop(columns=[c for c in PLAN_ONLY if c in products.columns])
    # Text attributes as categoricals: repeating them T x D x K times is then a take on codes,
    # and a model can map each distinct value once instead of hashing millions of strings.
    attrs = attrs.astype({c: "category" for c in attrs.columns if not pd.api.types.is_numeric_dtype(attrs[c])})
    rows = attrs.iloc[p].reset_index(drop=True)
    for name in ("page", "slot_size", "featured"):
        rows[name] = slot_types[name].to_numpy()[t]
    rows["discount"] = levels[d]
    if countries:
        rows["country"] = pd.Categorical.from_codes(np.tile(np.arange(K), P * T * D), categories=list(countries))
    return rows


def build_instance(dataset: Dataset, model, settings: PlanSettings, *, history_bounds: bool = True) -> PlanInstance:
    """Arrays, rules and forecast value table for one plan job; raises ``infeasible`` early
    (before the model is asked anything).

    ``history_bounds``: forecasts beyond history are flagged and shrunk (engine.plan.history_bounds);
    off only for a model that is the truth (engine.plan.quality), which is never beyond itself."""
    products = _products(dataset, settings)
    slots = _slots(dataset, settings)
    category, categories = _categories(products, dataset)
    brand, brands = _brands(products)
    must = (pd.to_numeric(products["must_include"], errors="coerce").fillna(0).to_numpy() > 0) \
        if "must_include" in products.columns else np.zeros(len(products), bool)
    types = slots[["page", "slot_size", "featured"]].drop_duplicates().reset_index(drop=True)
    slot_type = slots.merge(types.reset_index(), on=["page", "slot_size", "featured"], how="left")["index"].to_numpy()
    levels = np.asarray(settings.discount_levels, dtype=float)
    price = pd.to_numeric(products["price"], errors="coerce").to_numpy(dtype=float)
    unit_cost = pd.to_numeric(products["unit_cost"], errors="coerce").fillna(0.0).to_numpy(dtype=float) \
        if "unit_cost" in products.columns else None
    inst = PlanInstance(
        product_ids=products["product_id"].astype(str).to_numpy(dtype=object), price=price,
        unit_cost=unit_cost, category=category, categories=categories, must=must, slots=slots,
        slot_type=slot_type.astype(int), levels=levels, units=np.zeros(0), value=np.zeros(0),
        objective=settings.objective, page_index=pd.factorize(slots["page"], sort=True)[0].astype(int),
        brand=brand, brands=brands,
    )
    if inst.n_slots == 0:
        raise infeasible("slots", "the catalogue has no slots")
    inst.rules = build_rules(BuildContext(dataset=dataset, settings=settings, products=products, inst=inst))
    check_feasible(inst)
    inst.products = products
    per_market = forecast_table(model, products, types, levels, per_market=True)  # (P, T, D, K)
    if history_bounds:
        reference = reference_units(dataset.history, products, types, levels, forecast_markets(model, products))
        inst.beyond = (per_market > reference).any(axis=3)
        inst.reference = reference
        per_market = np.minimum(per_market, reference)
    inst.units = per_market.sum(axis=3)
    _cap(inst, products)
    inst.rules.prepare(inst)
    inst.value = objective_values(inst)
    return inst


def forecast_markets(model, products: pd.DataFrame) -> list[str]:
    """The markets a plan's forecast is summed over: the model's, unless the products table names
    its country (then none: each row is forecast for its own)."""
    return [] if "country" in products.columns else list(getattr(model, "countries_", []) or [])


def forecast_table(model, products: pd.DataFrame, slot_types: pd.DataFrame, levels: np.ndarray,
                   chunk_rows: int = CHUNK_ROWS, per_market: bool = False) -> np.ndarray:
    """Units for every (product, slot type, level), summed over the model's markets when the
    products table names none (one catalogue for every market); ``per_market``: not summed,
    (P, T, D, K) with K = the markets (1 without).

    Forecasts depend on (product, page, slot_size, featured, discount), never on the slot's
    index, so slots are deduplicated into types first. The rows are built and predicted in
    chunks of whole products (about ``chunk_rows`` rows each): 2,000 products x 200 slot types x
    5 levels x 3 markets would be 6 M rows, too much memory as one DataFrame. Chunks give the
    same numbers as one call (the model is per row)."""
    countries = forecast_markets(model, products)
    T, D, K = len(slot_types), len(levels), max(len(countries), 1)
    per_product = max(T * D * K, 1)
    step = max(1, chunk_rows // per_product)
    out = np.zeros((len(products), T, D, K) if per_market else (len(products), T, D))
    predict = _planned_predict(model, products)
    with threadpool_limits(limits=PREDICT_THREADS):
        for start in range(0, len(products), step):
            part = products.iloc[start:start + step]
            rows = _candidate_rows(part, slot_types, levels, countries)
            units = np.asarray(predict(rows), dtype=float)
            units = np.nan_to_num(np.clip(units, 0.0, None), nan=0.0)
            units = units.reshape(len(part), T, D, K)
            out[start:start + len(part)] = units if per_market else units.sum(axis=3)
    return out


def _planned_predict(model, products: pd.DataFrame):
    """``rows -> units`` for planned rows. A model that reads the market context (Folio's
    Forecaster: ``predict(rows, reference=...)``) judges each row against the whole candidate
    products table, the catalogue being planned, rather than against the other rows of its chunk
    (engine.forecast.context); any other model is asked ``predict(rows)``."""
    try:
        takes_reference = "reference" in inspect.signature(model.predict).parameters
    except (TypeError, ValueError):
        takes_reference = False
    if takes_reference:
        return lambda rows: model.predict(rows, reference=products)
    return model.predict


def _cap(inst: PlanInstance, products: pd.DataFrame) -> None:
    inst.stock = np.full(inst.n_products, np.inf)
    if "max_units" in products.columns:
        cap = pd.to_numeric(products["max_units"], errors="coerce").to_numpy(dtype=float)
        inst.stock = np.where(np.isfinite(cap) & (cap > 0), cap, np.inf)
        inst.units = np.minimum(inst.units, inst.stock[:, None, None])


def objective_values(inst: PlanInstance) -> np.ndarray:
    """(P, T, D) the objective one placement adds: its units, revenue or profit."""
    net = inst.price[:, None] * (1.0 - inst.levels[None, :])  # (P, D)
    if inst.objective == "units":
        return inst.units.copy()
    if inst.objective == "revenue":
        return inst.units * net[:, None, :]
    return inst.units * (net - inst.unit_cost[:, None])[:, None, :]
