"""What a job pays to get its dataset: the raw tables re-read and re-validated (before), against
the engine's validated dataset kept at upload (``server/validated.py``).

Run: ``.venv/bin/python bench/bench_dataset_load.py [PRODUCTS]`` (default 3000 products, about
270k history rows). Prints seconds per job for both ways, measured in the same run, and the files'
sizes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.data.tables import dataset_hash, read_tables, to_values  # noqa: E402
from engine.demo import make_demo  # noqa: E402
from server.store import Store  # noqa: E402
from server.validated import keep_validated, load_validated  # noqa: E402


def main(products: int = 3000, repeats: int = 3) -> None:
    raw = {name: to_values(df) for name, df in make_demo(seed=3, campaigns=36, products=products).items()}
    store = Store(tempfile.mkdtemp(prefix="folio-bench-"))
    record = store.save_dataset("bench", raw, data_hash=dataset_hash(raw), row_counts={}, warnings=[],
                                auto_retrain=False)
    keep_validated(store, record["id"], read_tables(raw), record["hash"])
    print(f"history rows: {len(raw['history']) - 1:,}")
    before, after = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        read_tables(store.load_tables(record["id"]))
        before.append(time.perf_counter() - started)
        started = time.perf_counter()
        load_validated(store, record["id"])
        after.append(time.perf_counter() - started)
    b, a = min(before), min(after)
    print(f"per job, best of {repeats}: re-validate the raw tables {b:.3f} s, load the validated "
          f"dataset {a:.3f} s ({b / a:.0f}x)")
    print(f"files: raw tables {store.tables_path(record['id']).stat().st_size / 1e6:.1f} MB (gzip JSON), "
          f"validated {store.validated_path(record['id']).stat().st_size / 1e6:.1f} MB (pickle)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
