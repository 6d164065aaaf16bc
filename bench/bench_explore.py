"""Exploring a 1M-row history: our sampled explore against the naive full-table way.

Run: ``.venv/bin/python bench/bench_explore.py [rows]`` (default 1,000,000). Prints seconds and
peak Python memory (tracemalloc) of both, measured in the same run, and their ratios. The naive way
computes the same statistics but fits k-means (k = 2..6, silhouette on a 3k sample) on every row.
Exact column statistics and correlations use every row in both.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.explore import explore_table  # noqa: E402


def big_history(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "campaign": rng.integers(1, 200, rows),
        "country": rng.choice(["DE", "FR", "PL", "IT", "ES"], rows),
        "product_id": rng.choice([f"P{i:04d}" for i in range(3000)], rows),
        "category": rng.choice(["skincare", "fragrance", "make-up", "haircare"], rows),
        "price": rng.uniform(3, 80, rows).round(2),
        "discount": rng.choice([0, 0.1, 0.2, 0.3], rows),
        "page": rng.integers(1, 60, rows).astype(float),
        "slot_size": rng.choice([0.125, 0.25, 0.5, 1.0], rows),
        "featured": rng.integers(0, 2, rows),
        "units": rng.poisson(40, rows).astype(float),
    })


def naive(df: pd.DataFrame) -> dict:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    numeric = df.select_dtypes("number")
    stats = numeric.describe(percentiles=[0.05, 0.25, 0.5, 0.75, 0.95]).to_dict()
    corr = numeric.corr().to_dict()
    x = StandardScaler().fit_transform(numeric.fillna(numeric.median()))
    scores = {}
    for k in range(2, 7):
        labels = KMeans(n_clusters=k, n_init=3, random_state=0).fit_predict(x)
        scores[k] = silhouette_score(x, labels, sample_size=3000, random_state=0)
    return {"stats": stats, "corr": corr, "scores": scores}


def measure(label: str, fn, df) -> tuple[float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    fn(df)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<28} {seconds:8.2f} s   peak {peak / 2**20:8.1f} MiB")
    return seconds, peak


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    df = big_history(rows)
    print(f"table: {rows:,} rows x {df.shape[1]} columns, {df.memory_usage(deep=True).sum() / 2**20:.0f} MiB")
    explore_table(df.head(1000))  # warm imports outside the measurement
    ours_s, ours_m = measure("explore_table (ours)", explore_table, df)
    naive_s, naive_m = measure("naive full-table k-means", naive, df)
    print(f"ratio: {naive_s / ours_s:.1f}x faster, {naive_m / max(ours_m, 1):.1f}x less peak memory")


if __name__ == "__main__":
    main()
