"""``cyclops retrain``: execute the three notebooks of ``retrain/`` with papermill.

Notebooks hand results to each other through small JSON files in a work folder;
the executed notebooks (with their outputs) are logged to the training run in
MLflow and kept in the object store.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tqdm import tqdm

from cyclops.retrain.dataset import normalize_since
from cyclops.retrain.promote import keep_record
from cyclops.retrain.tracking import configure
from cyclops.storage import open_store

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "retrain"
NOTEBOOKS = ("01_build_dataset.ipynb", "02_train.ipynb", "03_promote.ipynb")


def run_retrain(*, since: str | None = None, tracking_uri: str | None = None, synthetic_n: int = 60,
                synthetic_seed: int = 11, min_gain: float = 0.01, max_label_drop: float = 0.02,
                workdir: Path | None = None, notebook_dir: Path = NOTEBOOK_DIR, heldout_fraction: float = 0.3,
                bench_n: int = 8, max_bench_drop: float = 0.02, progress: bool = True,
                packaged_base: bool = False) -> dict:
    """Run the loop; returns the record (``outcome``: held, refused or challenger; ``reasons``, versions, figures).

    A batch the screen holds (notebook 01, ``screen.json``) is not trained on: the run stops
    there and the record says why. A failing notebook raises papermill's ``PapermillExecutionError``;
    its partly executed copy stays in ``workdir`` for inspection.
    """
    import papermill as pm

    normalize_since(since)  # a bad date fails here, not three kernels later

    uri = configure(tracking_uri)
    workdir = Path(workdir or tempfile.mkdtemp(prefix="cyclops-retrain-"))
    workdir.mkdir(parents=True, exist_ok=True)
    params = {
        "since": since or "",
        "tracking_uri": uri,
        "workdir": str(workdir),
        "synthetic_n": synthetic_n,
        "synthetic_seed": synthetic_seed,
        "packaged_base": packaged_base,
        "min_gain": min_gain,
        "max_label_drop": max_label_drop,
        "heldout_fraction": heldout_fraction,
        "bench_n": bench_n,
        "max_bench_drop": max_bench_drop,
    }
    executed = []
    for name in tqdm(NOTEBOOKS, desc="retraining", unit="notebook", disable=not progress):
        out = workdir / name.replace(".ipynb", ".executed.ipynb")
        pm.execute_notebook(str(notebook_dir / name), str(out), parameters=params, progress_bar=False,
                            kernel_name="python3", cwd=str(workdir))
        executed.append(out)
        held = _held(workdir) if name.startswith("01") else None
        if held is not None:
            _keep_notebooks(executed, held)
            return held
    record = json.loads((workdir / "promotion.json").read_text())
    record["workdir"] = str(workdir)
    _keep_notebooks(executed, record)
    return record


def _held(workdir: Path) -> dict | None:
    """The record of a batch the screen held for a reviewer (also kept in the store), or None."""
    screen = json.loads((workdir / "screen.json").read_text())
    if not screen["hold"]:
        return None
    dataset = json.loads((workdir / "dataset.json").read_text())
    record = {"outcome": "held", "promoted": False, "reasons": screen["reasons"], "screen": screen,
              "dataset_version": dataset["version"], "dataset_sha256": dataset["sha256"], "workdir": str(workdir)}
    keep_record(record, workdir)
    return record


def _keep_notebooks(paths: list[Path], record: dict) -> None:
    """Log executed notebooks to the candidate's MLflow run and copy them into the object store."""
    import mlflow

    run_id = record.get("candidate_run_id")
    if run_id:
        client = mlflow.MlflowClient()
        for p in paths:
            client.log_artifact(run_id, str(p), artifact_path="notebooks")
    store = open_store()
    stamp = record.get("dataset_version", "unknown")
    for p in paths:
        store.put(f"retrain/{stamp}/{p.name}", p.read_bytes())
