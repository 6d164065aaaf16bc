"""Refusing a gzip bomb: our capped streaming inflate against the naive ``gzip.decompress``.

Run: ``.venv/bin/python bench/bench_body_caps.py`` (prints seconds, peak memory and ratios measured
in the same run). The naive way is what a Flask view gets by calling ``gzip.decompress`` on the body.
"""

from __future__ import annotations

import gzip
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.errors import FolioError  # noqa: E402
from server.bodies import gunzip_capped  # noqa: E402

CAP = 256 * 1024 * 1024  # the server's default MAX_JSON_BYTES


def make_bomb(size: int) -> bytes:
    """``size`` zero bytes as gzip, compressed in pieces to spare memory."""
    block = b"\0" * (64 * 1024 * 1024)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [deflate.compress(block) for _ in range(size // len(block))]
    parts.append(deflate.flush())
    return b"".join(parts)


def measure(label: str, fn) -> tuple[float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    outcome = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<34} {seconds:8.3f} s   peak {peak / 2**20:9.1f} MiB   {outcome}")
    return seconds, peak


def naive(bomb: bytes):
    data = gzip.decompress(bomb)
    return f"inflated {len(data) / 2**30:.2f} GiB, then refused"


def capped_no_trailer(bomb: bytes):
    """The same bomb with a lying trailer (ISIZE = 0): only the streaming cap can stop it."""
    return capped(bomb[:-4] + b"\0\0\0\0")


def capped(bomb: bytes):
    try:
        gunzip_capped(bomb, CAP)
    except FolioError as exc:
        return f"refused: {exc.code}"
    return "accepted (unexpected)"


def main() -> None:
    bomb = make_bomb(1024 * 1024 * 1024)
    print(f"gzip bomb: {len(bomb) / 2**20:.2f} MiB on the wire, 1 GiB inflated; cap {CAP >> 20} MiB")
    naive_s, naive_peak = measure("naive gzip.decompress", lambda: naive(bomb))
    capped_s, capped_peak = measure("capped streaming inflate (ours)", lambda: capped(bomb))
    lying_s, lying_peak = measure("capped, lying gzip trailer (ours)", lambda: capped_no_trailer(bomb))
    print(f"ratio (honest trailer): {naive_s / capped_s:.0f}x faster, "
          f"{naive_peak / max(capped_peak, 1):.0f}x less memory")
    print(f"ratio (lying trailer):  {naive_s / lying_s:.1f}x faster, "
          f"{naive_peak / max(lying_peak, 1):.1f}x less memory")


if __name__ == "__main__":
    main()
