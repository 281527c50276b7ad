"""Notebook 02: fit the field classifier on a dataset, evaluate it, log everything to MLflow.

Evaluation is line classification: per-label precision/recall/F1 on the dataset's
held-out products (overall and per source) and on a fixed synthetic benchmark
(seed 9998, base family) that every candidate is measured on, so a model that
learns a new layout while forgetting the old one is caught by the gate.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from cyclops.extract.classifier import predict, train
from cyclops.extract.features import LineExample
from cyclops.model.analysis import FIELD_LABELS
from cyclops.retrain.dataset import Dataset, Row, dataset_card, synthetic_rows
from cyclops.retrain.servable import input_example, servable, trusted_types
from cyclops.retrain.tracking import MODEL_NAME

BENCH_SEED = 9998
BENCH_N = 8


class Evaluation(BaseModel):
    """Line-label scores of one model on one set of lines."""

    n: int
    accuracy: float
    macro_f1: float
    per_label: dict[str, dict[str, float]]  # label -> precision, recall, f1, support (labels present in truth)
    confusion: dict  # {"labels": [...], "matrix": [[...]]}

    def f1(self) -> dict[str, float]:
        """label -> F1, the table the gate compares."""
        return {label: s["f1"] for label, s in self.per_label.items()}


def evaluate(model, examples: list[LineExample]) -> Evaluation:
    """Score a model on labelled lines; labels absent from the truth are left out of the macro average."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    if not examples:
        raise ValueError("cannot evaluate on zero lines")
    truth = [e.label for e in examples]
    predicted = [label for label, _ in predict(model, [e.model_input() for e in examples])]
    present = [label for label in FIELD_LABELS if label in set(truth)]
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=present, zero_division=0)
    per_label = {label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                         "f1": round(float(f[i]), 4), "support": int(s[i])} for i, label in enumerate(present)}
    matrix = confusion_matrix(truth, predicted, labels=list(FIELD_LABELS)).tolist()
    accuracy = sum(t == q for t, q in zip(truth, predicted)) / len(truth)
    macro = sum(v["f1"] for v in per_label.values()) / len(per_label)
    return Evaluation(n=len(truth), accuracy=round(accuracy, 4), macro_f1=round(macro, 4), per_label=per_label,
                      confusion={"labels": list(FIELD_LABELS), "matrix": matrix})


def benchmark_examples(n: int = BENCH_N, seed: int = BENCH_SEED) -> list[LineExample]:
    """The fixed synthetic benchmark: base-family products never used for training."""
    return [r.example for r in synthetic_rows(n, seed, family="base")]


def evaluate_all(model, dataset: Dataset, bench: list[LineExample]) -> dict[str, Evaluation]:
    """Held-out overall, held-out per source, and the fixed benchmark."""
    out = {"heldout": evaluate(model, [r.example for r in dataset.heldout])}
    for source in sorted({r.source for r in dataset.heldout}):
        out[f"heldout_{source}"] = evaluate(model, [r.example for r in dataset.heldout if r.source == source])
    out["benchmark"] = evaluate(model, bench)
    return out


def train_candidate(dataset: Dataset, seed: int = 0):
    """The extraction developer's training recipe, on the dataset's training rows."""
    return train([r.example for r in dataset.train], seed=seed)


def spelling_vocabulary(rows: list[Row]) -> dict[str, dict[str, int]]:
    """language -> word -> count from analysts' corrected texts (for ``SpellCorrector(vocabularies=...)``).

    The text is the line's as the analyst left it (``Provenance.text``), not the text as read that the
    classifier is given.
    """
    import re

    vocab: dict[str, Counter] = {}
    for row in rows:
        if row.source != "correction":
            continue
        language = row.example.language or "en"
        text = row.provenance.text if row.provenance else row.example.text
        words = re.findall(r"[^\W\d_]{3,}", text.lower())
        vocab.setdefault(language, Counter()).update(words)
    return {lang: dict(sorted(c.items())) for lang, c in sorted(vocab.items())}


def confusion_figure(evaluation: Evaluation, title: str):
    """Row-normalised confusion matrix as a matplotlib figure."""
    import numpy as np
    from matplotlib.figure import Figure  # no pyplot: no global state, no backend choice

    labels = evaluation.confusion["labels"]
    m = np.array(evaluation.confusion["matrix"], dtype=float)
    norm = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    fig = Figure(figsize=(7.5, 6.5))
    ax = fig.subplots()
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if m[i, j]:
                ax.text(j, i, int(m[i, j]), ha="center", va="center", fontsize=7, color="white" if norm[i, j] > 0.5 else "black")
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def log_candidate(model, dataset: Dataset, evaluations: dict[str, Evaluation], *, seed: int = 0,
                  vocabulary: dict | None = None, params: dict | None = None) -> dict:
    """One MLflow run: params, dataset version/hash, metrics, confusion plot, the registered model.

    Returns ``{"run_id", "model_version", "model_uri"}``. Call ``tracking.configure`` first.
    """
    import mlflow

    with mlflow.start_run(run_name=f"candidate-{dataset.version}") as run:
        mlflow.log_params({"dataset_version": dataset.version, "dataset_sha256": dataset.sha256, "seed": seed,
                           "train_lines": len(dataset.train), "heldout_lines": len(dataset.heldout),
                           "train_products": dataset.manifest["train"]["products"],
                           "heldout_products": dataset.manifest["heldout"]["products"], **(params or {})})
        mlflow.set_tags({"dataset_version": dataset.version, "dataset_sha256": dataset.sha256, "cyclops.role": "candidate"})
        for name, ev in evaluations.items():
            metrics = {f"{name}_macro_f1": ev.macro_f1, f"{name}_accuracy": ev.accuracy}
            for label, s in ev.per_label.items():
                metrics.update({f"{name}_{label}_precision": s["precision"], f"{name}_{label}_recall": s["recall"],
                                f"{name}_{label}_f1": s["f1"]})
            mlflow.log_metrics(metrics)
            mlflow.log_dict(ev.model_dump(), f"evaluation/{name}.json")
        for name in ("heldout", "benchmark"):
            fig = confusion_figure(evaluations[name], f"candidate on {name} (row-normalised)")
            mlflow.log_figure(fig, f"confusion_{name}.png")
        mlflow.log_dict(dataset.manifest, "dataset/manifest.json")
        mlflow.log_text(dataset_card(dataset), "dataset/card.md")
        if vocabulary is not None:
            mlflow.log_dict(vocabulary, "spelling/vocabulary.json")
        served = servable(model)
        info = mlflow.sklearn.log_model(served, name="model", input_example=input_example(dataset),
                                        registered_model_name=MODEL_NAME, skops_trusted_types=trusted_types(served),
                                        pip_requirements=requirements())
        run_id = run.info.run_id
    version = str(info.registered_model_version) if info.registered_model_version is not None else None
    if version is None:
        client = mlflow.MlflowClient()
        versions = client.search_model_versions(f"name='{MODEL_NAME}' and run_id='{run_id}'")
        version = str(max(int(v.version) for v in versions))
    return {"run_id": run_id, "model_version": version, "model_uri": f"models:/{MODEL_NAME}/{version}"}


def requirements() -> list[str]:
    """Pinned requirements for the logged model (MLflow's own inference runs a slow subprocess)."""
    from importlib.metadata import version

    return [f"{name}=={version(name)}" for name in ("scikit-learn", "skops", "numpy", "scipy", "pandas")] + ["cyclops"]


def write_handoff(workdir: Path, name: str, payload: dict) -> Path:
    """Notebooks pass results on through small JSON files in the work folder."""
    path = Path(workdir) / name
    path.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    return path
