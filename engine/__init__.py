"""Folio's engine: pure functions over tables.

The engine does no I/O of its own: it takes tables (pandas DataFrames or Excel-style 2-D arrays),
settings and callbacks, and returns results. It never imports Flask, reads the environment or opens
sockets, so a notebook, a CLI or a worker can call it exactly as the server does.
"""

__version__ = "0.1.0"
