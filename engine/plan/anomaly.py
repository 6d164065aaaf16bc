"""How unusual a plan looks next to the catalogues in the history (the planner's anomaly penalty).

Each past catalogue (one campaign of the history, products placed on a page) is described by its
composition: the share of each category, the share of discounted products, the mean discount
depth overall and on the front pages, and price levels by page (mean log price relative to the
history's median, overall, on the front quarter of pages and on the rest). An
``IsolationForest`` (scikit-learn) is fitted on those rows; a plan's ``anomaly_score`` is the
forest's anomaly score of the same features (``-score_samples``: about 0.5 for an ordinary
catalogue, towards 1 for one the forest isolates at once). The penalty uses only the excess
over the median score of the past catalogues, so ordinary plans pay nothing.

``contributions`` explains one plan: for each feature, how much the score drops when that
feature alone is set back to the history's median value.

Seam used by the planner: ``fit(history, inst, seed)``, ``score(inst, evaluation)`` for a whole
population, ``contributions(inst, evaluation)`` for one plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

from engine.data.columns import canonical_columns

from .instance import PlanInstance

MIN_CATALOGUES = 3  # fewer past catalogues than this: no basis for a score (all plans score 0)
FRONT_SHARE = 0.25  # the front quarter of pages is where price level and discounts matter most
TREES = 100


def _front_mask(page_rank: np.ndarray, n_pages: int) -> np.ndarray:
    return page_rank < max(1, int(np.ceil(FRONT_SHARE * n_pages)))


class CompositionAnomaly:
    """IsolationForest over the composition of past catalogues; scores whole populations."""

    def fit(self, history: pd.DataFrame, inst: PlanInstance, seed: int = 0) -> "CompositionAnomaly":
        h = canonical_columns(history)
        self.categories_ = list(inst.categories)
        self.forest_ = None
        self.catalogues_ = 0  # past catalogues (campaigns with placed products) the forest knows
        if not {"campaign", "page"} <= set(h.columns):
            return self
        h = h[pd.to_numeric(h["page"], errors="coerce").notna()].copy()
        h["page"] = pd.to_numeric(h["page"])
        h = h.drop_duplicates(["campaign", "product_id", "page"]) if "product_id" in h.columns else h
        if "price" not in h.columns and "product_id" in h.columns:
            prices = pd.Series(inst.price, index=inst.product_ids)
            h["price"] = h["product_id"].astype(str).map(prices)
        price = pd.to_numeric(h.get("price"), errors="coerce") if "price" in h.columns else None
        self.use_price_ = price is not None and price.gt(0).sum() > 0
        self.reference_price_ = float(price[price > 0].median()) if self.use_price_ else 1.0
        rows = [self._describe_campaign(part) for _, part in h.groupby("campaign", sort=True)]
        self.names_ = self._names()
        self.catalogues_ = len(rows)
        if len(rows) < MIN_CATALOGUES:
            return self
        table = np.array(rows, dtype=float)
        self.table_ = table
        self.median_ = np.median(table, axis=0)
        self.forest_ = IsolationForest(n_estimators=TREES, max_samples=min(256, len(table)),
                                       random_state=seed).fit(table)
        self.typical_ = float(np.median(-self.forest_.score_samples(table)))
        return self

    def _names(self) -> list[str]:
        names = [f"share {c}" for c in self.categories_]
        names += ["discounted share", "discount depth", "discount depth front pages"]
        if self.use_price_:
            names += ["price level", "price level front pages", "price level other pages"]
        return names

    def _describe_campaign(self, part: pd.DataFrame) -> list[float]:
        total = max(len(part), 1)
        cats = part["category"].astype(str).str.strip().value_counts() if "category" in part.columns else {}
        out = [cats.get(c, 0) / total for c in self.categories_]
        discount = pd.to_numeric(part["discount"], errors="coerce").fillna(0.0).to_numpy() \
            if "discount" in part.columns else np.zeros(len(part))
        rank = pd.factorize(part["page"], sort=True)[0]
        front = _front_mask(rank, rank.max() + 1 if len(rank) else 1)
        out += [float(np.mean(discount > 0)), float(np.mean(discount)),
                float(np.mean(discount[front])) if front.any() else 0.0]
        if self.use_price_:
            price = pd.to_numeric(part["price"], errors="coerce").to_numpy(float)
            logp = np.log(np.where(price > 0, price, self.reference_price_) / self.reference_price_)
            out += [float(np.mean(logp)), float(np.mean(logp[front])) if front.any() else 0.0,
                    float(np.mean(logp[~front])) if (~front).any() else 0.0]
        return out

    def features(self, inst: PlanInstance, ev) -> np.ndarray:
        """The composition features of every plan of an Evaluation, (n, features)."""
        placed = ev.placed
        used = np.maximum(placed.sum(axis=1), 1)
        front = _front_mask(inst.page_index, inst.n_pages)[None, :] & placed
        n_front = np.maximum(front.sum(axis=1), 1)
        parts = [ev.category_counts[:, : len(self.categories_)] / used[:, None],
                 (((ev.discounts > 0) & placed).sum(axis=1) / used)[:, None],
                 ((ev.discounts * placed).sum(axis=1) / used)[:, None],
                 ((ev.discounts * front).sum(axis=1) / n_front)[:, None]]
        if self.use_price_:
            logp = np.log(np.maximum(inst.price, 1e-9) / self.reference_price_)[ev.products]
            back = placed & ~front
            parts += [((logp * placed).sum(axis=1) / used)[:, None],
                      ((logp * front).sum(axis=1) / n_front)[:, None],
                      ((logp * back).sum(axis=1) / np.maximum(back.sum(axis=1), 1))[:, None]]
        return np.hstack(parts)

    def score(self, inst: PlanInstance, ev) -> np.ndarray:
        """Anomaly score of every plan (higher = less like past catalogues); 0 without a basis."""
        if self.forest_ is None:
            return np.zeros(len(ev.objective))
        return -self.forest_.score_samples(self.features(inst, ev))

    def excess(self, scores: np.ndarray) -> np.ndarray:
        """The part of a score above the median past catalogue's: what the penalty charges."""
        return np.zeros_like(scores) if self.forest_ is None else np.maximum(scores - self.typical_, 0.0)

    def contributions(self, inst: PlanInstance, ev) -> dict[str, float]:
        """For the first plan of ``ev``: score minus the score with one feature set to the history's
        median, per feature (positive = this feature makes the plan look unusual)."""
        if self.forest_ is None:
            return {}
        x = self.features(inst, ev)[:1]
        probes = np.repeat(x, x.shape[1], axis=0)
        probes[np.arange(x.shape[1]), np.arange(x.shape[1])] = self.median_
        base = -self.forest_.score_samples(x)[0]
        drops = base + self.forest_.score_samples(probes)
        return {name: round(float(v), 6) for name, v in zip(self.names_, drops)}
