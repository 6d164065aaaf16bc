"""The market context of a row: its price against its usual price there and against the other
products of the same catalogue.

A product's sales depend on what else is on offer in the same campaign and market: a juice at
2.50 sells well when the others cost 3 and badly when one costs 1.50 on a deal; a product on a
page full of discounts sells less than alone. Every catalogue history carries this (the rows of
one campaign and market are the catalogue), so the pipeline derives it itself, for any data set,
instead of asking the user (or a data loader) to compute it. Nothing here reads units.

Features (``numeric_`` lists those a fitted context gives; NaN where a row has no comparison):

* ``price_index_market``: the effective price, ``price x (1 - discount)``, against the product's
  usual (median) price in that market in the fitted history: a price cut reads as a low index
  even where markets price differently (the product-wide ``price_index`` cannot tell a cheap
  store from a promotion).
* ``context_price_vs_mean``, ``context_price_vs_min``: the effective price against the mean and
  against the cheapest effective price of the OTHER products of the same campaign and market;
  ``context_price_rank``: the share of those others that are cheaper (0 = cheapest, 1 = dearest).
* with a ``category`` column: ``context_price_vs_category`` and ``context_category_rank``, the same
  within the row's category.
* ``context_others_<flag>``: the share of the other products of the campaign and market with a
  promotion flag set: ``discounted`` (discount > 0), ``featured``, and every extra 0/1 column of
  the history (a deal or display flag, say).

Which rows are a catalogue:

* History rows and forecast rows: rows with the same campaign and market (``country``; one
  market when there is none) are each other's context. A forecast request is read the same way,
  as whole catalogues: send every product of the campaign and market (as a planner's forecast
  request does) and each row is judged against the others sent; a row sent alone has no
  comparison (NaN, which the models treat as "unknown"). Rows without a campaign form one
  catalogue per market (the next one).
* Planned rows (:meth:`MarketContext.features` with a ``reference``, what the planner does): every
  (product, slot, discount) row is judged against the REFERENCE CATALOGUE, the candidate products
  of that market at their regular price, the row's own product left out. Which of the others are
  discounted or featured is what the plan decides, unknown while each row is forecast on its own:
  planned rows get the market's typical shares instead, the mean over its latest
  ``RECENT_CAMPAIGNS`` campaigns of the fitted history.

Planner rows come by the million (2,000 products x 200 slot types x 5 levels), so text columns
are hashed first (``engine.data.columns.text_codes``) and planned rows are computed once per
distinct (product, effective price, category) and broadcast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.data.columns import TextColumns, numeric_column, text_codes

RECENT_CAMPAIGNS = 8  # campaigns averaged for a market's typical promotion shares (planned rows)
PRICE = ("context_price_vs_mean", "context_price_vs_min", "context_price_rank")
CATEGORY = ("context_price_vs_category", "context_category_rank")


def effective_price(frame: pd.DataFrame) -> np.ndarray:
    """``price x (1 - discount)``; NaN where the price is missing or not positive."""
    price = numeric_column(frame, "price")
    discount = np.nan_to_num(numeric_column(frame, "discount"), nan=0.0)
    effective = price * (1.0 - discount)
    return np.where(np.isfinite(effective) & (effective > 0), effective, np.nan)


def _is_flag(values: np.ndarray) -> bool:
    seen = np.unique(values[np.isfinite(values)])
    return seen.size == 2 and set(seen.tolist()) == {0.0, 1.0}


def _flag_values(frame: pd.DataFrame, flag: str) -> np.ndarray:
    if flag == "discounted":
        return (np.nan_to_num(numeric_column(frame, "discount"), nan=0.0) > 0).astype(float)
    return (np.nan_to_num(numeric_column(frame, flag), nan=0.0) > 0).astype(float)


class MarketContext:
    """Learns at :meth:`fit` which comparisons the history allows; :meth:`features` computes
    them for any rows (see the module docstring). Plain state, pickled with the model."""

    def fit(self, X: pd.DataFrame, extra_numeric: list[str]) -> "MarketContext":
        """``X``: canonical history rows; ``extra_numeric``: its extra numeric columns (those
        holding only 0 and 1 become promotion flags)."""
        cols = set(X.columns)
        self.has_price = "price" in cols
        self.has_category = "category" in cols
        self.flags = (["discounted"] if "discount" in cols else []) + (["featured"] if "featured" in cols else []) \
            + [c for c in extra_numeric if _is_flag(numeric_column(X, c))]
        self._fit_usual_price(X)
        self._fit_typical_shares(X)
        return self

    @property
    def numeric_(self) -> list[str]:
        names = []
        if self.has_price:
            if self.usual_ is not None:
                names.append("price_index_market")
            names += list(PRICE)
            if self.has_category:
                names += list(CATEGORY)
        names += [f"context_others_{f}" for f in self.flags]
        return names

    def _fit_usual_price(self, X: pd.DataFrame) -> None:
        self.usual_ = None
        if not self.has_price or "product_id" not in X.columns:
            return
        price = numeric_column(X, "price")
        ok = np.isfinite(price) & (price > 0)
        product, self.products_ = text_codes(X, "product_id")
        market, self.markets_ = text_codes(X, "country")
        usual = pd.Series(price[ok]).groupby([product[ok], market[ok]]).median()
        table = np.full((len(self.products_), len(self.markets_)), np.nan)
        table[usual.index.get_level_values(0), usual.index.get_level_values(1)] = usual.to_numpy()
        self.usual_ = table

    def _fit_typical_shares(self, X: pd.DataFrame) -> None:
        """Per market: the mean of each flag over its latest campaigns (planned rows' shares)."""
        self.typical_, self.typical_all_ = {}, {}
        if not self.flags:
            return
        market, labels = text_codes(X, "country")
        recent = np.ones(len(X), dtype=bool)
        if "campaign" in X.columns:
            from .backtest import campaign_order

            order = campaign_order(X["campaign"])
            recent = X["campaign"].isin(order[-RECENT_CAMPAIGNS:]).to_numpy()
        for flag in self.flags:
            values = _flag_values(X, flag)[recent]
            means = pd.Series(values).groupby(market[recent]).mean()
            self.typical_[flag] = {labels[k]: float(v) for k, v in means.items()}
            self.typical_all_[flag] = float(values.mean()) if values.size else 0.0

    # -- features ---------------------------------------------------------------------------
    def features(self, X: pd.DataFrame, reference: pd.DataFrame | None = None,
                 text: TextColumns | None = None) -> dict[str, np.ndarray]:
        """The context columns for canonical rows ``X``: among themselves (rows of one campaign
        and market form a catalogue) or, with ``reference`` (a products table), each row against
        that reference catalogue (planned rows). ``text``: the caller's reading of X's text
        columns, shared so each is hashed once."""
        rows = _Rows(X, text)
        out: dict[str, np.ndarray] = {}
        if "price_index_market" in self.numeric_:
            out["price_index_market"] = self._index_market(rows)
        if reference is not None:
            out.update(self._planned(rows, reference))
        else:
            out.update(self._catalogues(rows))
        return out

    def _index_market(self, rows: "_Rows") -> np.ndarray:
        product = rows.lookup("product_id", self.products_)
        market = rows.lookup("country", self.markets_)
        known = (product >= 0) & (market >= 0)
        usual = np.full(rows.n, np.nan)
        usual[known] = self.usual_[product[known], market[known]]
        with np.errstate(invalid="ignore", divide="ignore"):
            return rows.price / usual

    def _catalogues(self, rows: "_Rows") -> dict[str, np.ndarray]:
        campaign, _ = rows.codes("campaign")
        market, labels = rows.codes("country")
        group = pd.factorize(campaign * (len(labels) + 1) + market)[0]
        out: dict[str, np.ndarray] = {}
        if self.has_price:
            out.update(zip(PRICE, _against_others(rows.price, group)))
            if self.has_category:
                category, cats = rows.codes("category")
                by_category = pd.factorize(group.astype(np.int64) * (len(cats) + 1) + category)[0]
                vs_mean, _, rank = _against_others(rows.price, by_category)
                out.update(zip(CATEGORY, (vs_mean, rank)))
        sizes = np.bincount(group)[group]
        for flag in self.flags:
            values = _flag_values(rows.X, flag)
            totals = np.bincount(group, values)[group]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"context_others_{flag}"] = np.where(sizes > 1, (totals - values) / (sizes - 1), np.nan)
        return out

    def _planned(self, rows: "_Rows", reference: pd.DataFrame) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        if self.has_price:
            out.update(_against_reference(rows, reference, self.has_category))
        if self.flags:
            market, labels = rows.codes("country")
            for flag in self.flags:
                typical = self.typical_[flag]
                per_label = np.array([typical.get(label, self.typical_all_[flag]) for label in labels])
                out[f"context_others_{flag}"] = per_label[market]
        return out


class _Rows:
    """The rows being featurised: their text columns (shared with the caller) and the effective
    price, each computed once."""

    def __init__(self, X: pd.DataFrame, text: TextColumns | None = None):
        self.X = X
        self.n = len(X)
        self.text = text if text is not None else TextColumns(X)
        self._price: np.ndarray | None = None

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        return self.text.codes(name)

    def lookup(self, name: str, known: np.ndarray) -> np.ndarray:
        return self.text.lookup(name, known)

    @property
    def price(self) -> np.ndarray:
        if self._price is None:
            self._price = effective_price(self.X)
        return self._price


def _against_others(price: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: price / mean of the others' prices in its group, price / the cheapest other, and
    the share of others strictly cheaper. Rows without a price are nobody's "other"."""
    valid = np.isfinite(price)
    n_groups = int(group.max()) + 1 if group.size else 0
    g, p = group[valid], price[valid]
    count = np.bincount(g, minlength=n_groups)
    total = np.bincount(g, p, minlength=n_groups)
    others = count[group] - valid
    own = np.where(valid, price, 0.0)
    order = np.lexsort((p, g))  # by group, then price: each group's two cheapest come first
    sorted_g, sorted_p = g[order], p[order]
    starts = np.searchsorted(sorted_g, np.arange(n_groups))
    first = np.full(n_groups, np.nan)
    second = np.full(n_groups, np.nan)
    has1, has2 = count >= 1, count >= 2
    first[has1] = sorted_p[starts[has1]]
    second[has2] = sorted_p[starts[has2] + 1]
    cheaper = np.full(len(price), np.nan)  # how many of the group's prices are strictly lower
    cheaper[valid] = pd.Series(p).groupby(g).rank(method="min").to_numpy() - 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        vs_mean = np.where(valid & (others > 0), price / ((total[group] - own) / others), np.nan)
        cheapest_other = np.where(valid & (price <= first[group]), second[group], first[group])
        vs_min = np.where(valid & (others > 0), price / cheapest_other, np.nan)
        rank = np.where(valid & (others > 0), cheaper / others, np.nan)
    return vs_mean, vs_min, rank


def _against_reference(rows: _Rows, reference: pd.DataFrame, by_category: bool) -> dict[str, np.ndarray]:
    """Planned rows against the reference catalogue at its regular prices (own product left out),
    computed once per distinct (product, price, discount, category) and broadcast."""
    from engine.data.columns import canonical_columns

    reference = canonical_columns(reference)
    product, ids = rows.codes("product_id")
    category, cats = rows.codes("category")
    price_codes = pd.factorize(rows.price)[0]
    key = (product * (int(price_codes.max(initial=0)) + 2) + price_codes) * (len(cats) + 1) + category
    inverse, distinct = pd.factorize(key)
    first = np.empty(len(distinct), dtype=np.int64)
    first[inverse[::-1]] = np.arange(rows.n)[::-1]  # each distinct key's first row
    price, row_ids, row_cats = rows.price[first], ids[product[first]], cats[category[first]]
    ref_price = effective_price(reference.drop(columns=["discount"], errors="ignore"))  # regular prices
    ref_codes, ref_labels = text_codes(reference, "product_id")
    ref_ids = ref_labels[ref_codes]
    own = _own_reference_price(row_ids, ref_ids, ref_price)
    out = dict(zip(PRICE, _against_list(price, own, ref_price)))
    if by_category:
        ref_cat_codes, ref_cat_labels = text_codes(reference, "category")
        ref_cats = ref_cat_labels[ref_cat_codes]
        vs_mean, rank = np.full(len(first), np.nan), np.full(len(first), np.nan)
        for label in np.unique(row_cats):
            mine, in_cat = row_cats == label, ref_cats == label
            own_here = np.where(np.isin(row_ids[mine], ref_ids[in_cat]), own[mine], np.nan)
            vs_mean[mine], _, rank[mine] = _against_list(price[mine], own_here, ref_price[in_cat])
        out.update(zip(CATEGORY, (vs_mean, rank)))
    return {name: values[inverse] for name, values in out.items()}


def _own_reference_price(row_ids: np.ndarray, ref_ids: np.ndarray, ref_price: np.ndarray) -> np.ndarray:
    """The reference's price of each row's own product (NaN when the product is not in it)."""
    position = pd.Index(ref_ids).get_indexer(row_ids)
    own = np.full(len(row_ids), np.nan)
    own[position >= 0] = ref_price[position[position >= 0]]
    return own


def _against_list(price: np.ndarray, own: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each price against the reference prices ``ref`` with one copy of ``own`` (the row's own
    product, NaN = not in the reference) left out: vs mean, vs cheapest, share cheaper."""
    ref = np.sort(ref[np.isfinite(ref)])
    inside = np.isfinite(own)
    others = ref.size - inside
    own0 = np.where(inside, own, 0.0)
    first = ref[0] if ref.size else np.nan
    second = ref[1] if ref.size > 1 else np.nan
    cheaper = np.searchsorted(ref, price, side="left") - (inside & (own0 < price))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_others = (ref.sum() - own0) / others
        cheapest = np.where(inside & (own0 <= first), second, first)
        ok = np.isfinite(price) & (others > 0)
        return (np.where(ok, price / mean_others, np.nan), np.where(ok, price / cheapest, np.nan),
                np.where(ok, cheaper / np.maximum(others, 1), np.nan))
