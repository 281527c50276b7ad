"""The data scientists' notebooks run top to bottom on sample data (papermill, real kernel)."""

from __future__ import annotations

import ast
from pathlib import Path

import papermill

from cyclops.catalog import open_catalog
from cyclops.model.analysis import Edit
from cyclops.storage import open_store
from tests.samples import sample_analysis, sample_licences

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _last_value(path: Path) -> object:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    output = nb.cells[-1].outputs[-1]
    return ast.literal_eval(output["data"]["text/plain"])


def test_explore_notebook_counts_flags_and_corrections(tmp_path: Path) -> None:
    store, catalog = open_store(), open_catalog()
    en, _fr = sample_licences()
    for n in range(3):
        analysis, _photo = sample_analysis(en, analysis_id=f"an-{n}")
        store.put_analysis(analysis)
        catalog.index_analysis(analysis)
    edit = Edit(analyst="alice", field="fields.medicinal_ingredients[0].quantity", before=1, after=2, base_version=0)
    catalog.index_edit("an-1", store.append_edit("an-1", edit))
    out = tmp_path / "explore.out.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "explore.ipynb"), str(out), parameters={"limit": 50},
                               kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    summary = _last_value(out)
    assert summary["analyses"] == 3 and summary["edits"] == 1
    assert summary["flag_codes"] == ["QUANTITY_MISMATCH"]
    assert summary["least_accurate"] == "medicinal_ingredients.quantity"


def test_pipeline_notebook_runs_every_stage(tmp_path: Path) -> None:
    out = tmp_path / "pipeline.out.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "pipeline.ipynb"), str(out), parameters={"seed": 3, "engine": "tesseract"},
                               kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    summary = _last_value(out)
    assert summary["pages"] >= 1 and summary["lines"] > 5
    assert summary["npn"] is not None and summary["npn"] == summary["matched"]
