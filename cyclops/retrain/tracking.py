"""MLflow set-up in one place: tracking URI from settings, experiment, registered model name.

The embedded default is a SQLite store under the data folder with artefacts
beside it; a tracking server (compose, Kubernetes) is chosen with CYCLOPS_MLFLOW_URI.
"""

from __future__ import annotations

import logging
from pathlib import Path

from cyclops.fieldmodel.registry import MODEL_NAME  # noqa: F401 - named where analyses load it; retraining registers under it
from cyclops.settings import get_settings

EXPERIMENT = "cyclops-field-classifier"

logging.getLogger("mlflow").setLevel(logging.WARNING)


def configure(tracking_uri: str | None = None) -> str:
    """Point MLflow at the configured store and make sure the experiment exists. Returns the URI."""
    import mlflow

    settings = get_settings()
    uri = tracking_uri or settings.tracking_uri
    artifact_location = None
    if uri.startswith("sqlite:///"):
        db_path = Path(uri.removeprefix("sqlite:///"))
        db_path.parent.mkdir(parents=True, exist_ok=True)
        artifact_location = (db_path.parent / "artifacts").resolve().as_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    if mlflow.get_experiment_by_name(EXPERIMENT) is None:
        mlflow.create_experiment(EXPERIMENT, artifact_location=artifact_location)
    mlflow.set_experiment(EXPERIMENT)
    return uri
