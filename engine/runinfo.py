"""What a run was made with, for the run record (contract: seed, settings, hash, model, versions).

Why: the same seed, data, model and settings must give the same plan; when they do not, the
library versions are the first thing to compare.
"""

from __future__ import annotations

import platform
from importlib import metadata

_LIBRARIES = {
    "numpy": "numpy",
    "pandas": "pandas",
    "scikit-learn": "scikit-learn",
    "pygad": "pygad",
    "openpyxl": "openpyxl",
}


def library_versions() -> dict[str, str | None]:
    """Installed versions of the libraries that shape results, plus Python (None if absent)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for key, dist in _LIBRARIES.items():
        try:
            versions[key] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[key] = None
    return versions
