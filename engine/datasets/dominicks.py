"""Dominick's Finer Foods orange-juice scanner data, mapped onto the ``history`` contract.

83 stores x 11 brands x up to 121 weeks (106,139 rows) of refrigerated orange juice: log units
moved, the shelf price of every brand, in-store deal and feature advertising, plus store
demographics. It ships in Debian's ``r-cran-bayesm`` as ``bayesm/data/orangeJuice.rda``: we fetch
that package with ``apt-get download`` (no R needed), unpack it with ``dpkg-deb -x`` into a cache
folder and read the file with the ``rdata`` package. The data are for research use: fetched at
set-up/test time, never committed.

Mapping (shape only: the loader computes no feature; the pipeline derives the context itself,
see engine.forecast.context): campaign = week, country = store, product_id = brand, units =
exp(logmove) rounded, price = the brand's own shelf price, featured = feature advertising > 0
(``feat`` is a share; 0 or 1 in all but 1.5 % of the rows), ``deal`` = the in-store deal flag as an
extra 0/1 column (it is a flag, not the contract's ``discount`` fraction: the data do not say how
much a deal takes off, and the shelf price already carries any price cut), and every brand's
shelf price that week as ``price_b01`` .. ``price_b11`` (what a user of this data has at hand).
Not sent: ``profit`` (measured in the week being forecast) and, unless asked for
(``demographics=True``), the store demographics.

This module does I/O on purpose (subprocess, files); the engine proper never imports it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

PACKAGE = "r-cran-bayesm"
FILE = "orangeJuice.rda"
N_BRANDS = 11


class FetchError(RuntimeError):
    """The data could not be fetched; the message says what to run by hand."""


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """Where the data are kept: ``path``, else ``$FOLIO_CACHE``, else ``~/.cache/folio``."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get("FOLIO_CACHE") or Path.home() / ".cache" / "folio")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


def fetch(path: str | os.PathLike | None = None) -> Path:
    """The path of ``orangeJuice.rda`` in the cache, downloading Debian's package once if needed.

    When ``apt-get download`` does not know the package yet and we are root, the package lists
    are refreshed once (``apt-get update``) and the download retried.
    """
    target = cache_dir(path) / "dominicks" / FILE
    if target.exists():
        return target
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise FetchError(f"apt-get and dpkg-deb are needed to fetch {PACKAGE} (Debian/Ubuntu)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        done = _run(["apt-get", "download", PACKAGE], work)
        if done.returncode != 0 and hasattr(os, "geteuid") and os.geteuid() == 0:
            _run(["apt-get", "update", "-qq"], work)
            done = _run(["apt-get", "download", PACKAGE], work)
        debs = sorted(work.glob(f"{PACKAGE}_*.deb"))
        if done.returncode != 0 or not debs:
            raise FetchError(f"'apt-get download {PACKAGE}' failed: {done.stderr.strip()[-300:]} "
                             "(run 'apt-get update' as root, then retry)")
        unpacked = work / "x"
        extracted = _run(["dpkg-deb", "-x", str(debs[0]), str(unpacked)], work)
        found = list(unpacked.rglob(FILE))
        if extracted.returncode != 0 or not found:
            raise FetchError(f"{debs[0].name} holds no {FILE}: {extracted.stderr.strip()[-300:]}")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        shutil.copyfile(found[0], partial)
        os.replace(partial, target)
    return target


def read_raw(path: str | os.PathLike | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two R tables as they are: ``yx`` (sales) and ``storedemo`` (demographics)."""
    import rdata

    data = rdata.read_rda(str(fetch(path)))["orangeJuice"]
    tables = {str(k): v for k, v in data.items()}
    return tables["yx"].reset_index(drop=True), tables["storedemo"].reset_index(drop=True)


def to_history(yx: pd.DataFrame, demo: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``history`` table: the contract's columns, then ``deal`` and the brands' prices (and
    the store demographics as ``store_*`` columns when ``demo`` is given), sorted by week, store
    and brand."""
    brand = yx["brand"].astype(int).to_numpy()
    prices = yx[[f"price{b}" for b in range(1, N_BRANDS + 1)]].to_numpy(dtype=float)
    history = pd.DataFrame({
        "campaign": yx["week"].astype(int).to_numpy(),
        "country": yx["store"].astype(int).map(lambda s: f"store {s:03d}").to_numpy(dtype=object),
        "product_id": [f"brand {b:02d}" for b in brand],
        "units": np.rint(np.exp(yx["logmove"].to_numpy(dtype=float))),
        "price": prices[np.arange(len(yx)), brand - 1],
        "featured": (yx["feat"].to_numpy(dtype=float) > 0).astype(int),
        "deal": yx["deal"].astype(int).to_numpy(),
    })
    for b in range(N_BRANDS):
        history[f"price_b{b + 1:02d}"] = prices[:, b]
    if demo is not None:
        demo = demo.rename(columns=lambda c: str(c).lower())
        stores = demo.set_index(demo["store"].astype(int).map(lambda s: f"store {s:03d}"))
        for column in [c for c in stores.columns if c != "store"]:
            history[f"store_{column}"] = history["country"].map(stores[column]).to_numpy(dtype=float)
    return history.sort_values(["campaign", "country", "product_id"], kind="stable").reset_index(drop=True)


def load_history(path: str | os.PathLike | None = None, *, demographics: bool = False) -> pd.DataFrame:
    """Fetch if needed, read and map: the orange-juice ``history`` table (raw columns only)."""
    yx, demo = read_raw(path)
    return to_history(yx, demo if demographics else None)


if __name__ == "__main__":  # python -m engine.datasets.dominicks: fetch into the cache, print a summary
    frame = load_history()
    print(f"{len(frame)} rows, {frame['campaign'].nunique()} weeks, {frame['country'].nunique()} stores, "
          f"{frame['product_id'].nunique()} brands; cached in {cache_dir() / 'dominicks'}")
