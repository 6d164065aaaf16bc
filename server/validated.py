"""Datasets validated once, when they are stored; jobs load the validated tables, not the raw ones.

The engine's :func:`engine.data.tables.read_tables` checks and types every cell (1.4 s for 330k
history rows). Doing it again in every job (a multi-country plan has one per country) bought
nothing: the tables only change through the two dataset routes, which validate them anyway. So
those routes keep the engine's :class:`~engine.data.dataset.Dataset` next to the raw tables as a
pickle, tagged with the dataset's hash and the pandas version that wrote it; a job loads that.

The pickle is a cache: when it is missing, stale (the tables changed), written by another pandas
or unreadable, the job validates the raw tables as before and writes it again. It lives in the
data folder next to the model files, which are pickles too (the folder is the server's own).
"""

from __future__ import annotations

import logging
import pickle

from .blobs import write_atomic

log = logging.getLogger("folio.datasets")


def _tag(data_hash: str | None) -> dict:
    import pandas as pd

    return {"hash": data_hash, "pandas": pd.__version__}


def keep_validated(store, dataset_id: str, dataset, data_hash: str) -> None:
    """Store the validated ``dataset`` of ``dataset_id`` (whose tables hash to ``data_hash``)."""
    payload = {**_tag(data_hash), "dataset": dataset}
    write_atomic(store.validated_path(dataset_id), pickle.dumps(payload, protocol=5))


def load_validated(store, dataset_id: str):
    """The validated dataset of ``dataset_id``: the kept one when it is current, else validated
    again from the stored tables (and kept for the next job)."""
    data_hash = (store.get_dataset(dataset_id) or {}).get("hash")
    path = store.validated_path(dataset_id)
    try:
        payload = pickle.loads(path.read_bytes())
        if {k: payload.get(k) for k in ("hash", "pandas")} == _tag(data_hash):
            return payload["dataset"]
    except FileNotFoundError:
        pass
    except Exception as exc:  # a cache that does not load is rebuilt, never trusted
        log.warning("dataset %s: kept tables unreadable (%r); validating again", dataset_id, exc)
    from engine.data.tables import read_tables

    dataset = read_tables(store.load_tables(dataset_id))
    try:
        keep_validated(store, dataset_id, dataset, data_hash)
    except OSError as exc:  # e.g. a full disk: the job goes on with the tables it has
        log.warning("dataset %s: could not keep the validated tables: %s", dataset_id, exc)
    return dataset
