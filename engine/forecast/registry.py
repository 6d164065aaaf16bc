"""Model files that are checked before they are trusted, and the champion/challenger rule.

A pickled scikit-learn model is code as much as data: loaded by another library version it may
fail, or worse, load and forecast nonsense; a truncated or altered file may do anything. So every
model file gets a sidecar (``<file>.meta.json``) with its sha256, the class it holds and the
versions that wrote it, and :func:`load_model` checks all of that BEFORE ``joblib.load``. A file
that fails a check is refused with ``FolioError(code="model_incompatible")`` saying why.

:func:`challenger_wins` is the promotion rule, kept pure so it is tested on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import joblib

from engine.errors import FolioError
from engine.runinfo import library_versions

FORMAT = 1
# Model files saved before the engine moved into subpackages (2026-12) name the old modules and
# class paths inside the pickle and the sidecar; they are mapped to where the code lives now.
LEGACY_MODULES = {"engine.features": "engine.forecast.features", "engine.lags": "engine.forecast.lags"}
LEGACY_CLASSES = {"engine.forecast.Forecaster": "engine.forecast.model.Forecaster"}
# Versions a pickle depends on, and how much of each must match (number of version parts).
MUST_MATCH = {"scikit-learn": 3, "numpy": 1, "pandas": 2, "joblib": 2, "python": 2}


def sidecar_path(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict:
    versions = dict(library_versions())
    try:
        from importlib import metadata
        versions["joblib"] = metadata.version("joblib")
    except Exception:  # joblib vendored or unknown: nothing to compare
        versions["joblib"] = None
    return versions


def save_model(model, path: Path | str, **info) -> dict:
    """Write ``model`` with joblib and its sidecar (written last, atomically: no sidecar = no model)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    meta = {"format": FORMAT, "sha256": _sha256(path), "bytes": path.stat().st_size,
            "class": f"{type(model).__module__}.{type(model).__qualname__}",
            "versions": _versions(), **info}
    tmp = sidecar_path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, indent=1, default=str))
    os.replace(tmp, sidecar_path(path))
    return meta


def incompatible(model_id: str, reason: str) -> FolioError:
    return FolioError(code="model_incompatible", status=409,
                      detail=f"model {model_id} cannot be used: {reason}; train a new model")


def check_model_file(path: Path | str, model_id: str | None = None) -> dict:
    """The sidecar of a model file once every check passed; else ``model_incompatible``."""
    path = Path(path)
    name = model_id or path.stem
    if not path.exists():
        raise incompatible(name, "its file is missing")
    meta_path = sidecar_path(path)
    if not meta_path.exists():
        raise incompatible(name, "it has no metadata file (written by an older Folio or copied without it)")
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        raise incompatible(name, "its metadata file is unreadable") from None
    if meta.get("format") != FORMAT:
        raise incompatible(name, f"its file format {meta.get('format')!r} is not {FORMAT}")
    if path.stat().st_size != meta.get("bytes") or _sha256(path) != meta.get("sha256"):
        raise incompatible(name, "its file is corrupted (the sha256 does not match the one recorded)")
    ours = _versions()
    for library, parts in MUST_MATCH.items():
        theirs, mine = (meta.get("versions") or {}).get(library), ours.get(library)
        if theirs is None or mine is None:
            continue
        if str(theirs).split(".")[:parts] != str(mine).split(".")[:parts]:
            raise incompatible(name, f"it was saved with {library} {theirs}, this server runs {mine}")
    return meta


def load_model(path: Path | str, model_id: str | None = None):
    """The model in ``path`` after :func:`check_model_file`; a load that still fails is refused too."""
    meta = check_model_file(path, model_id)
    _alias_legacy_modules()
    try:
        model = joblib.load(path)
    except Exception as exc:  # a pickle that passed the checks but still does not load
        raise incompatible(model_id or Path(path).stem, f"it does not load ({type(exc).__name__})") from None
    expected = LEGACY_CLASSES.get(meta.get("class"), meta.get("class"))
    actual = f"{type(model).__module__}.{type(model).__qualname__}"
    if expected and expected != actual or not hasattr(model, "predict"):
        raise incompatible(model_id or Path(path).stem, f"it holds a {actual}, not a {expected}")
    return model


def _alias_legacy_modules() -> None:
    """Make the old module names importable for the unpickler (see ``LEGACY_MODULES``)."""
    import importlib
    import sys

    for old, new in LEGACY_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)


def challenger_wins(challenger: dict | None, champion: dict | None, metric: str = "wape",
                    min_gain: float = 0.0) -> bool:
    """Champion/challenger rule on metrics measured on the SAME rows (neither model trained on them).

    Call it when a champion exists (with none, the new model simply becomes champion). The
    challenger wins when its ``metric`` is lower than the champion's by more than ``min_gain``
    (relative). A champion that could not be scored honestly (``None``) is not replaced
    automatically: promote by hand if you trust the new one. A challenger without a score never
    wins.
    """
    if champion is None or challenger is None or challenger.get(metric) is None or champion.get(metric) is None:
        return False
    return float(challenger[metric]) < float(champion[metric]) * (1.0 - float(min_gain))
