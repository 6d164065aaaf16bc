"""Models registered before the engine moved into subpackages still load and forecast the same.

``tests/fixtures/model-2026-11`` holds a model file (a bagged gbm ``Forecaster`` on a two-country
demo) and its sidecar, saved by the code of 2026-11 whose classes lived in ``engine.forecast``,
``engine.features`` and ``engine.lags``; ``expected.json`` holds its forecasts of ``rows.csv``.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from engine.forecast.registry import load_model

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "model-2026-11"


def test_a_model_saved_by_earlier_code_loads_and_forecasts_the_same():
    model = load_model(FIXTURE / "model_00000000000000aa.joblib", "model_00000000000000aa")
    rows = pd.read_csv(FIXTURE / "rows.csv")
    expected = json.loads((FIXTURE / "expected.json").read_text())["forecast"]
    np.testing.assert_allclose(model.predict(rows), expected, rtol=1e-9)
