"""Make the classifier Pipeline loggable with MLflow's sklearn flavour and an input example.

The Pipeline reads a list of dicts (text, context, layout dict); MLflow hands a
model a DataFrame. A first step turns a DataFrame (layout as a JSON string) into
those dicts and lets lists through unchanged, so the registered model works both
in ``extract_fields(doc, model=...)`` and in ``mlflow.pyfunc``.
"""

from __future__ import annotations

import json

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from cyclops.extract.classifier import plain_vocabularies


class ToRecords(BaseEstimator, TransformerMixin):
    """DataFrame rows (``layout`` as JSON text) -> the classifier's input dicts; lists pass through."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        if hasattr(X, "to_dict"):
            records = X.to_dict("records")
            return [{"text": str(r.get("text", "")), "context": str(r.get("context", "")),
                     "layout": json.loads(r["layout"]) if isinstance(r.get("layout"), str) else dict(r.get("layout") or {})}
                    for r in records]
        return list(X)


def servable(model: Pipeline) -> Pipeline:
    """The fitted Pipeline with ``ToRecords`` in front (idempotent; no refit), its vocabularies made plain so the
    skops save is quick (``cyclops.extract.classifier.plain_vocabularies``: a model trained before it, such as
    the packaged one, still has numpy integers)."""
    plain_vocabularies(model)
    if model.steps and model.steps[0][0] == "records":
        return model
    return Pipeline([("records", ToRecords()), *model.steps])


def trusted_types(model: Pipeline) -> list[str]:
    """Our own classes and functions in the model, which skops (MLflow's safe format) must be told to trust."""
    import skops.io

    return sorted(t for t in skops.io.get_untrusted_types(data=skops.io.dumps(model)) if t.startswith("cyclops."))


def input_example(dataset, n: int = 3):
    """A few held-out lines as a DataFrame, the shape ``ToRecords`` accepts."""
    import pandas as pd

    rows = [r.example.model_input() for r in dataset.heldout[:n]]
    return pd.DataFrame([{"text": r["text"], "context": r["context"], "layout": json.dumps(r["layout"], sort_keys=True)}
                         for r in rows])
