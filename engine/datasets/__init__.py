"""Public data sets mapped onto the ``history`` contract (for benchmarks and tests; the server
never fetches anything)."""
