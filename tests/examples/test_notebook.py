"""examples/folio-engine.ipynb runs top to bottom with the engine alone (nbclient, a real kernel).

The kernel is this interpreter (a kernelspec written for the test), started in the repository
root, so the notebook imports the engine as a reader's would.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "folio-engine.ipynb"


def test_the_engine_notebook_runs(tmp_path, monkeypatch):
    spec = tmp_path / "kernels" / "folio-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "folio test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "commit the notebook without outputs"
    client = NotebookClient(notebook, kernel_name="folio-test", timeout=300,
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if one fails
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    text = "\n".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert "invalid_table" in text  # the bad cell was reported
    assert "products placed in" in text and "['Summary', 'Business case', 'Plan', 'Convergence']" in text
