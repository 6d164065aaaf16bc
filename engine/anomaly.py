"""How unusual a plan looks next to the catalogues in the history (the planner's anomaly penalty).

The seam: ``CompositionAnomaly.fit(history, categories, levels)`` then ``score(counts,
discount_levels)`` for a whole population at once. This first version compares a plan's
composition (share of each category, share of discounted products, mean discount depth) with
the campaigns in the history: the score is the root-mean-square z-score of those numbers, so
0 = a typical catalogue and 1 = one standard deviation away on average. A later version may
swap in an IsolationForest behind the same two calls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .features import canonical_columns

MIN_STD = 0.02  # shares are in [0, 1]: never divide by less than two percentage points


class CompositionAnomaly:
    """Distance of a plan's category mix and discount depth from the history's typical catalogue."""

    def fit(self, history: pd.DataFrame, categories: list[str]) -> "CompositionAnomaly":
        history = canonical_columns(history)
        shown = history
        if "page" in history.columns:
            on_page = pd.to_numeric(history["page"], errors="coerce").notna()
            if on_page.any():
                shown = history[on_page]
        self.categories_ = list(categories)
        self.use_categories_ = "category" in shown.columns and len(categories) > 1
        self.use_discount_ = "discount" in shown.columns
        rows = []
        for _, part in shown.groupby("campaign", sort=True):
            rows.append(self._describe_campaign(part))
        table = np.array(rows, dtype=float) if rows else np.zeros((0, self._width()))
        if len(table) == 0 or table.shape[1] == 0:
            self.mean_ = np.zeros(self._width())
            self.std_ = np.ones(self._width())
        else:
            self.mean_ = table.mean(axis=0)
            self.std_ = np.maximum(table.std(axis=0), MIN_STD)
        return self

    def _width(self) -> int:
        return (len(self.categories_) if self.use_categories_ else 0) + (2 if self.use_discount_ else 0)

    def _describe_campaign(self, part: pd.DataFrame) -> list[float]:
        out: list[float] = []
        if self.use_categories_:
            counts = part["category"].astype(str).value_counts()
            total = max(len(part), 1)
            out += [counts.get(c, 0) / total for c in self.categories_]
        if self.use_discount_:
            discount = pd.to_numeric(part["discount"], errors="coerce").fillna(0.0).to_numpy()
            out += [float(np.mean(discount > 0)), float(np.mean(discount))]
        return out

    def score(self, category_counts: np.ndarray, discounts: np.ndarray, placed: np.ndarray) -> np.ndarray:
        """Scores for a population: ``category_counts`` (n, categories), ``discounts`` (n, slots)
        with 0 in empty slots, ``placed`` (n, slots) bool. Returns (n,) scores >= 0."""
        n = category_counts.shape[0]
        if self._width() == 0:
            return np.zeros(n)
        used = np.maximum(placed.sum(axis=1), 1)
        parts = []
        if self.use_categories_:
            parts.append(category_counts[:, : len(self.categories_)] / used[:, None])
        if self.use_discount_:
            parts.append(((discounts > 0) & placed).sum(axis=1, keepdims=True) / used[:, None])
            parts.append((discounts * placed).sum(axis=1, keepdims=True) / used[:, None])
        z = (np.hstack(parts) - self.mean_) / self.std_
        return np.sqrt(np.mean(z * z, axis=1))
