"""A first look at a table: column statistics, correlations, clusters, a SOM and plain findings.

Why: before trusting a forecast, a planner wants to see what the history says (which columns are
empty, what drives units, which groups of rows behave alike). Everything returned is JSON-ready
(NaN -> None) and cheap: clusters and the self-organising map work on a seeded sample of at most
``SAMPLE_ROWS`` rows, so a big table takes seconds, not minutes.

The SOM is a compact batch SOM in numpy (seeded, deterministic) rather than a dependency.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pandas as pd

from engine.data.columns import date_values

SAMPLE_ROWS = 50_000
SOM_ROWS = 10_000
SILHOUETTE_ROWS = 3_000
MAX_FEATURES = 12
MAX_CORR_COLUMNS = 40
QUANTILES = (5, 25, 50, 75, 95)
TOP_VALUES = 10
FEW_VALUES = 12  # a numeric column of at most this many distinct values is counted per value
SEED = 0

Progress = Callable[[dict], None] | None


def _num(x: Any) -> float | None:
    """A finite float or None (JSON has no NaN)."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _plain(x: Any) -> Any:
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _is_numeric(s: pd.Series) -> bool:
    """Numbers (and booleans, as 0/1) get statistics; everything else counts as text."""
    return bool(pd.api.types.is_numeric_dtype(s))


def _histogram(values: np.ndarray, max_bins: int = 30) -> dict:
    """Bin edges and counts (numpy). Whole numbers over a small range (a 0/1 flag, a page number)
    are counted per value instead: ``values`` lists each whole number from the lowest to the
    highest and ``counts`` the rows at each, so a chart labels its bars "0" and "1" rather than
    bins from -0.5 to 1.5 (``edges`` still frames each value, half a unit either side). A column
    of at most :data:`FEW_VALUES` distinct fractions (discount levels) gets one bar per level too,
    its edges halfway between neighbours."""
    if values.size == 0:
        return {"edges": [], "counts": []}
    lo, hi = float(values.min()), float(values.max())
    if np.all(values == np.round(values)) and hi - lo < max_bins:
        whole = np.arange(int(lo), int(hi) + 1)
        counts = np.bincount((values - lo).astype(np.int64), minlength=whole.size)
        return {"edges": [float(v) - 0.5 for v in whole] + [hi + 0.5], "counts": [int(c) for c in counts],
                "values": [int(v) for v in whole]}
    distinct, counts = np.unique(values, return_counts=True)
    if distinct.size <= FEW_VALUES:  # a few levels (discounts 0, 0.1 ... 0.5): one bar per level
        half = float(np.diff(distinct).min()) / 2 if distinct.size > 1 else 0.5
        middles = (distinct[:-1] + distinct[1:]) / 2
        return {"edges": [float(distinct[0]) - half, *map(float, middles), float(distinct[-1]) + half],
                "counts": [int(c) for c in counts], "values": [float(v) for v in distinct]}
    if lo == hi:
        edges = np.array([lo - 0.5, hi + 0.5])
    else:
        edges = np.histogram_bin_edges(values, bins="auto")
        if len(edges) - 1 > max_bins:
            edges = np.histogram_bin_edges(values, bins=max_bins)
    counts, edges = np.histogram(values, bins=edges)
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def column_summary(name: str, s: pd.Series) -> dict:
    """Count, missing and either number statistics or the most frequent values (``kind``
    ``number`` / ``text``); a column of dates (ISO text, e.g. ``start_date``) is ``date``: its most
    frequent values and its span, ``first`` and ``last``, never a histogram or a correlation."""
    out: dict[str, Any] = {"column": str(name), "count": int(s.notna().sum()),
                           "missing": int(s.isna().sum())}
    if _is_numeric(s):
        x = s.astype(float)
        finite = x[np.isfinite(x)]
        out["kind"] = "number"
        out.update({
            "mean": _num(finite.mean()), "median": _num(finite.median()),
            "std": _num(finite.std()), "min": _num(finite.min()), "max": _num(finite.max()),
            "quantiles": {str(q): _num(finite.quantile(q / 100)) for q in QUANTILES},
            "histogram": _histogram(finite.to_numpy()),
        })
    else:
        text = s.dropna().astype(str)
        counts = text.value_counts()
        dates = date_values(s)
        out["kind"] = "text" if dates is None else "date"
        out["distinct"] = int(len(counts))
        out["top"] = [{"value": str(v), "count": int(c)} for v, c in counts.head(TOP_VALUES).items()]
        if dates is not None:  # a date column: its span, not a histogram of day numbers
            out["first"] = _iso(dates.min())
            out["last"] = _iso(dates.max())
    return out


def _iso(moment: pd.Timestamp) -> str:
    """A date as ISO text, with its time only when it has one."""
    return moment.strftime("%Y-%m-%d") if moment == moment.normalize() else moment.strftime("%Y-%m-%dT%H:%M:%S")


def correlations(df: pd.DataFrame, numeric: list[str]) -> dict:
    """Pearson correlations of the numeric columns (pandas), as a matrix with None for NaN."""
    cols = numeric[:MAX_CORR_COLUMNS]
    if len(cols) < 2:
        return {"columns": cols, "matrix": [[1.0]] if cols else []}
    corr = df[cols].astype(float).corr(method="pearson")
    return {"columns": cols, "matrix": [[_num(v) for v in row] for row in corr.to_numpy()]}


def _features(df: pd.DataFrame, numeric: list[str]) -> list[str]:
    """Numeric columns worth clustering on: mostly filled and not constant."""
    usable = []
    for col in numeric:
        x = df[col].astype(float)
        if x.notna().mean() >= 0.5 and x.nunique(dropna=True) > 1:
            usable.append(col)
    usable.sort(key=lambda c: -df[c].notna().sum())
    return usable[:MAX_FEATURES]


def _matrix(df: pd.DataFrame, features: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Median-imputed feature matrix (original units) and its standardised twin.

    Long-tailed non-negative columns (units, revenue) are standardised after ``log1p`` so a few
    huge rows do not become clusters of their own.
    """
    x = df[features].astype(float)
    raw = x.fillna(x.median()).to_numpy()
    shaped = raw.copy()
    for j in range(raw.shape[1]):
        col = raw[:, j]
        if col.min() >= 0 and pd.Series(col).skew() > 2:
            shaped[:, j] = np.log1p(col)
    std = shaped.std(axis=0)
    std[std == 0] = 1.0
    return raw, (shaped - shaped.mean(axis=0)) / std


def clusters(sample: pd.DataFrame, features: list[str], ks: range = range(2, 7)) -> dict | None:
    """KMeans on standardised features; k by the best silhouette over ``ks`` (score per k)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    if not features or len(sample) < max(ks) * 5:
        return None
    raw, z = _matrix(sample, features)
    rng = np.random.default_rng(SEED)
    score_rows = rng.choice(len(z), size=min(len(z), SILHOUETTE_ROWS), replace=False)
    scores, fitted = [], {}
    for k in ks:
        model = KMeans(n_clusters=k, n_init=3, random_state=SEED).fit(z)
        labels = model.labels_
        if len(np.unique(labels[score_rows])) < 2:
            score = None
        else:
            score = _num(silhouette_score(z[score_rows], labels[score_rows]))
        scores.append({"k": k, "silhouette": score, "inertia": _num(model.inertia_)})
        fitted[k] = model
    best = max(scores, key=lambda s: -math.inf if s["silhouette"] is None else s["silhouette"])
    k = best["k"]
    labels = fitted[k].labels_
    profiles = []
    for c in range(k):
        members = raw[labels == c]
        profiles.append({
            "cluster": c, "size": int(len(members)),
            "share": _num(len(members) / len(raw)),
            "means": {f: _num(v) for f, v in zip(features, members.mean(axis=0))},
            "z_means": {f: _num(v) for f, v in zip(features, z[labels == c].mean(axis=0))},
        })
    return {"features": features, "rows": int(len(raw)), "k": k, "scores": scores,
            "silhouette": best["silhouette"], "profiles": profiles}


def _som_grid(n: int) -> tuple[int, int]:
    """About 5 * sqrt(n) units (Vesanto's rule), between 4x4 and 12x12."""
    units = min(144, max(16, int(5 * math.sqrt(n))))
    rows = int(math.sqrt(units))
    return rows, max(rows, units // rows)


def train_som(z: np.ndarray, rows: int, cols: int, epochs: int = 12,
              seed: int = SEED) -> np.ndarray:
    """Batch SOM: each epoch, every unit moves to the neighbourhood-weighted mean of the samples.

    Deterministic for a seed; the neighbourhood radius shrinks from half the grid to 0.5.
    """
    rng = np.random.default_rng(seed)
    grid = np.array([(r, c) for r in range(rows) for c in range(cols)], dtype=float)
    weights = z[rng.choice(len(z), size=len(grid), replace=len(z) < len(grid))].copy()
    grid_d2 = ((grid[:, None, :] - grid[None, :, :]) ** 2).sum(axis=2)
    start, end = max(rows, cols) / 2.0, 0.5
    for epoch in range(epochs):
        sigma = start * (end / start) ** (epoch / max(1, epochs - 1))
        bmu = _bmu(z, weights)
        h = np.exp(-grid_d2[bmu] / (2 * sigma ** 2))  # samples x units
        denom = h.sum(axis=0)
        ok = denom > 1e-12
        weights[ok] = (h.T @ z)[ok] / denom[ok, None]
    return weights


def _bmu(z: np.ndarray, weights: np.ndarray) -> np.ndarray:
    d2 = (z ** 2).sum(axis=1)[:, None] - 2 * z @ weights.T + (weights ** 2).sum(axis=1)[None, :]
    return np.argmin(d2, axis=1)


def som(sample: pd.DataFrame, features: list[str]) -> dict | None:
    """A small self-organising map: grid, U-matrix, per-feature planes, hits.

    Planes hold each unit's mean of the feature in original units over the rows it wins (None
    for units that win no row), which reads better than de-standardised weights.
    """
    if not features or len(sample) < 20:
        return None
    raw, z = _matrix(sample, features)
    if len(raw) > SOM_ROWS:
        keep = np.random.default_rng(SEED).choice(len(raw), size=SOM_ROWS, replace=False)
        raw, z = raw[keep], z[keep]
    rows, cols = _som_grid(len(z))
    weights = train_som(z, rows, cols)
    w = weights.reshape(rows, cols, -1)
    u = np.zeros((rows, cols))
    for r in range(rows):
        for c in range(cols):
            near = [w[rr, cc] for rr, cc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))
                    if 0 <= rr < rows and 0 <= cc < cols]
            u[r, c] = np.mean([np.linalg.norm(w[r, c] - v) for v in near])
    bmu = _bmu(z, weights)
    hits = np.bincount(bmu, minlength=rows * cols).reshape(rows, cols)
    quant_error = float(np.linalg.norm(z - weights[bmu], axis=1).mean())
    sums = np.zeros((rows * cols, raw.shape[1]))
    np.add.at(sums, bmu, raw)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (sums / hits.reshape(-1, 1)).reshape(rows, cols, -1)
    planes = {f: [[_num(means[r, c, j]) for c in range(cols)] for r in range(rows)]
              for j, f in enumerate(features)}
    return {"rows": rows, "cols": cols, "grid": [rows, cols], "features": features,
            "samples": int(len(z)),
            "u_matrix": [[_num(v) for v in row] for row in u],
            "planes": planes, "hits": hits.tolist(), "quantization_error": _num(quant_error)}


# --- findings -----------------------------------------------------------------------------------

def _ratio_finding(df: pd.DataFrame, target: str, mask: pd.Series, text: str) -> dict | None:
    yes, no = df.loc[mask, target], df.loc[~mask, target]
    if len(yes) < 5 or len(no) < 5 or not no.mean() > 0:
        return None
    ratio = yes.mean() / no.mean()
    return {"text": text.format(ratio=ratio, n=len(yes)), "value": _num(round(ratio, 3)),
            "n": int(len(yes))}


def _pct(share: float) -> str:
    """0.3 -> "30 %": the number held to its sign by a no-break space, as every percent the pane
    and the workbooks print (a narrow findings list never wraps "30" over "%")."""
    return f"{share * 100:.0f}\u00a0%"


def findings(df: pd.DataFrame, columns: list[dict], corr: dict, cl: dict | None) -> list[dict]:
    """A few plain-language lines, each with the number behind it (``value``) and its ``n``."""
    out: list[dict] = []
    target = "units" if "units" in df.columns and _is_numeric(df["units"]) else None
    if target:
        y = df[target].astype(float)
        if "featured" in df.columns and _is_numeric(df["featured"]):
            found = _ratio_finding(df.assign(**{target: y}), target, df["featured"] == 1,
                                   "featured rows sold {ratio:.1f}x the units of others "
                                   "(n\u00a0=\u00a0{n:,})")
            if found:
                out.append(found)
        if "discount" in df.columns and _is_numeric(df["discount"]):
            found = _ratio_finding(df.assign(**{target: y}), target,
                                   df["discount"].fillna(0) > 0,
                                   "discounted rows sold {ratio:.1f}x the units of full-price "
                                   "rows (n\u00a0=\u00a0{n:,})")
            if found:
                out.append(found)
        if "page" in df.columns and _is_numeric(df["page"]):
            per_page = y.groupby(df["page"]).median()
            if 1 in per_page.index and len(per_page) >= 3 and per_page.median() > 0:
                ratio = per_page.loc[1] / per_page.median()
                n = int((df["page"] == 1).sum())
                out.append({"text": f"page 1 sells {ratio:.1f}x the median page (n\u00a0=\u00a0{n:,})",
                            "value": _num(round(ratio, 3)), "n": n})
        for col in ("category", "country", "brand"):
            if col in df.columns and not _is_numeric(df[col]) and y.sum() > 0:
                sums = y.groupby(df[col]).sum().sort_values(ascending=False)
                if len(sums) >= 2:
                    share = sums.iloc[0] / sums.sum()
                    out.append({"text": f"{col} '{sums.index[0]}' holds {_pct(share)} of all "
                                        f"{target} (of {len(sums)} {col} values)",
                                "value": _num(round(share, 4)),
                                "n": int((df[col] == sums.index[0]).sum())})
                    break
    strongest = _strongest_pair(corr, target)
    if strongest:
        out.append(strongest)
    for c in sorted(columns, key=lambda c: -c["missing"]):
        total = c["count"] + c["missing"]
        if total and c["missing"] / total >= 0.2:
            share = c["missing"] / total
            out.append({"text": f"column '{c['column']}' is {_pct(share)} empty",
                        "value": _num(round(share, 4)), "n": c["missing"]})
            break
    if cl:
        largest = max(cl["profiles"], key=lambda p: p["size"])
        out.append({"text": f"{cl['k']} clusters fit best (silhouette {cl['silhouette'] or 0:.2f});"
                            f" the largest holds {_pct(largest['share'])} of the rows",
                    "value": cl["silhouette"], "n": cl["rows"]})
    return out


def _strongest_pair(corr: dict, target: str | None) -> dict | None:
    cols, matrix = corr.get("columns", []), corr.get("matrix", [])
    best = None
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            r = matrix[i][j]
            if r is None:
                continue
            if target and target not in (cols[i], cols[j]):
                continue
            if best is None or abs(r) > abs(best[2]):
                best = (cols[i], cols[j], r)
    if best is None:
        return None
    a, b, r = best
    what = f"{target} moves most with '{b if a == target else a}'" if target else \
        f"'{a}' and '{b}' are the most correlated columns"
    return {"text": f"{what}: r\u00a0=\u00a0{r:.2f}", "value": _num(round(r, 4)), "n": None}


# --- entry point --------------------------------------------------------------------------------

def explore_table(df: pd.DataFrame, *, progress: Progress = None) -> dict:
    """``columns``, ``correlations``, ``clusters``, ``som``, ``findings`` of one table."""
    steps = 5

    def step(number: int, message: str) -> None:
        if progress is not None:
            progress({"phase": "explore", "generation": number, "of": steps, "message": message})

    step(0, "column statistics")
    columns = [column_summary(name, df[name]) for name in df.columns]
    numeric = [str(name) for name in df.columns if _is_numeric(df[name])]
    step(1, "correlations")
    corr = correlations(df, numeric)
    sample = df if len(df) <= SAMPLE_ROWS else df.sample(n=SAMPLE_ROWS, random_state=SEED)
    features = _features(sample, numeric)
    from threadpoolctl import threadpool_limits

    # One thread: on small matrices KMeans' OpenMP threads cost more than they give (measured
    # 3-4x slower with 2 threads on a busy 2-core machine), and workers run jobs side by side.
    with threadpool_limits(limits=1):
        step(2, "clusters")
        cl = clusters(sample, features)
        step(3, "self-organising map")
        sm = som(sample, features)
    step(4, "findings")
    found = findings(df, columns, corr, cl)
    step(5, "done")
    return {"rows": int(len(df)), "sampled": int(len(sample)), "columns": columns,
            "correlations": corr, "clusters": cl, "som": sm, "findings": found}
