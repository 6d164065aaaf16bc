"""engine.data.columns: text read the same whether hashed first or converted value by value."""

import numpy as np
import pandas as pd
import pytest

from engine.data.columns import MISSING, text_codes, text_column


def _one_by_one(column: pd.Series) -> list:
    values = column.astype(object).to_numpy(dtype=object)
    out = [str(v).strip() for v in values]
    return [MISSING if (m or t == "") else t for t, m in zip(out, column.isna().to_numpy())]


@pytest.mark.parametrize("values", [
    ["x", " x", None, "", "y ", np.nan, "z"],
    [1, 1.0, True, None, "1", " a", 2],  # mixed: 1, 1.0 and True hash alike but read apart
    [1.5, np.nan, 2.0, 1.5, 3, 4, 5],
    pd.Categorical(["p", "q", None, "p", "q", " p", "r"]),
    pd.array(["s", None, "t", "s", "", "u", "v"], dtype="string"),
    [1, 2, 3, 1, 2, 3, 4],
])
def test_text_column_reads_every_value_as_its_trimmed_string(values):
    frame = pd.DataFrame({"c": values})
    assert list(text_column(frame, "c")) == _one_by_one(frame["c"])
    codes, labels = text_codes(frame, "c")
    assert list(labels[codes]) == _one_by_one(frame["c"])
    assert list(labels) == sorted(set(labels))  # distinct and sorted


def test_a_missing_column_is_all_missing():
    frame = pd.DataFrame({"a": [1, 2]})
    assert list(text_column(frame, "b")) == [MISSING, MISSING]
    codes, labels = text_codes(frame, "b")
    assert list(labels[codes]) == [MISSING, MISSING]
