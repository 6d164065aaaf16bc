"""Column helpers every part shares: contract names, numbers and texts read leniently.

Column names are matched case-insensitively after trimming (the contract); a missing column reads
as all-missing; text values are trimmed Python strings with one token, ``MISSING``, for empty and
missing cells (encoders and group-bys need one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MISSING = "(missing)"


def canonical_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with trimmed, lower-case column names (the contract matches names that way)."""
    renamed = {c: str(c).strip().lower() for c in frame.columns}
    if all(k == v for k, v in renamed.items()):
        return frame
    return frame.rename(columns=renamed)


def numeric_column(frame: pd.DataFrame, name: str, default: float = np.nan) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def text_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as Python strings with one token for missing values (encoders need that)."""
    if name not in frame.columns:
        return np.full(len(frame), MISSING, dtype=object)
    column = frame[name]
    values = column.astype(object).to_numpy(dtype=object)
    missing = column.isna().to_numpy()
    out = np.array([str(v).strip() for v in values], dtype=object)
    out[missing] = MISSING
    out[out == ""] = MISSING
    return out
