"""The learned line classifier: which field each OCR line belongs to.

A scikit-learn Pipeline: char n-gram TF-IDF of the normalised text, words of
the neighbouring lines, and layout features -> multinomial logistic
regression (calibrated-enough probabilities, small model). The rules then parse
values only from the lines it assigns to each field.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MaxAbsScaler

from cyclops.extract.augment import augment_page
from cyclops.extract.errors import BadExamples, ModelMissing
from cyclops.extract.features import LineExample, Pick, RawLine, page_inputs, page_records, text_for_model
from cyclops.model.analysis import FIELD_LABELS, Analysis
from cyclops.model.ocr import Polygon
from cyclops.model.truth import ProductTruth, TruthImage

MODEL_VERSION = "1.0.0"
MODEL_FILE = "field_classifier.joblib"
META_FILE = "field_classifier.json"


def build_pipeline(seed: int = 0) -> Pipeline:
    """The untrained Pipeline (also what retraining fits)."""
    text = Pipeline([
        ("pick", Pick("text")),
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, max_features=30000,
                                  sublinear_tf=True, preprocessor=text_for_model, dtype=np.float32)),
    ])
    context = Pipeline([
        ("pick", Pick("context")),
        ("tfidf", TfidfVectorizer(analyzer="word", token_pattern=r"\S+", min_df=2, max_features=5000,
                                  sublinear_tf=True, dtype=np.float32)),
    ])
    layout = Pipeline([("pick", Pick("layout")), ("dict", DictVectorizer()), ("scale", MaxAbsScaler())])
    return Pipeline([
        ("features", FeatureUnion([("text", text), ("context", context), ("layout", layout)])),
        ("clf", LogisticRegression(C=8.0, max_iter=3000, class_weight="balanced", random_state=seed)),
    ])


def train(examples: list[LineExample], seed: int = 0) -> Pipeline:
    """Fit a new Pipeline on plain examples (synthetic truth or analysts' corrections)."""
    if not examples:
        raise BadExamples("no training examples")
    labels = {e.label for e in examples}
    unknown = labels - set(FIELD_LABELS)
    if unknown:
        raise BadExamples(f"labels not in FIELD_LABELS: {sorted(unknown)}")
    if len(labels) < 2:
        raise BadExamples("training needs at least two different labels")
    model = build_pipeline(seed)
    model.fit([e.model_input() for e in examples], [e.label for e in examples])
    return plain_vocabularies(model)


def plain_vocabularies(model: Pipeline) -> Pipeline:
    """The vectorisers' vocabularies with plain ``int`` column numbers instead of numpy integers (same model).

    skops, MLflow's safe format, writes every numpy scalar as a zip entry of its own: the ~35,000 terms made a
    save take 15 s and listing the types to trust as long again; as ints the same save takes under 2 s."""
    for step in model.get_params(deep=True).values():
        vocabulary = getattr(step, "vocabulary_", None)
        if isinstance(vocabulary, dict):
            step.vocabulary_ = {term: int(column) for term, column in vocabulary.items()}
    return model


def predict(model: Pipeline, inputs: list[dict[str, object]]) -> list[tuple[str, float]]:
    """(label, probability) per model input."""
    if not inputs:
        return []
    probs = model.predict_proba(inputs)
    classes = list(model.classes_)
    out = []
    for row in probs:
        best = int(row.argmax())
        out.append((str(classes[best]), float(row[best])))
    return out


# -- examples -----------------------------------------------------------------------------------------------

def upright_polygon(polygon: Polygon, width: int, height: int, rotation: int) -> tuple[Polygon, int, int]:
    """Polygon in the coordinates of the image turned ``rotation`` degrees clockwise (as OCR sees it)."""
    r = rotation % 360
    if r == 90:
        return [(height - y, x) for x, y in polygon], height, width
    if r == 180:
        return [(width - x, height - y) for x, y in polygon], width, height
    if r == 270:
        return [(y, width - x) for x, y in polygon], height, width
    return list(polygon), width, height


def _image_lines(image: TruthImage) -> tuple[list[tuple[RawLine, str]], int, int]:
    width, height = image.width, image.height
    lines = []
    for tl in image.lines:
        polygon, width, height = upright_polygon(tl.polygon, image.width, image.height, image.rotation)
        lines.append((RawLine(tl.text, polygon, tl.language, tl.vertical), tl.label))
    return lines, width, height


def examples_from_product(truth: ProductTruth, augment: int = 1, seed: int = 0) -> list[LineExample]:
    """Clean examples of every image of one product plus ``augment`` noisy copies."""
    rng = random.Random(f"{seed}:{truth.product_id}")
    out: list[LineExample] = []
    for image in truth.images:
        lines, width, height = _image_lines(image)
        variants = [lines] + [augment_page(lines, rng) for _ in range(augment)]
        for variant in variants:
            records = page_records([raw for raw, _ in variant], width, height)
            for record, (raw, label) in zip(records, variant):
                out.append(LineExample(text=raw.text, label=label, layout=record["layout"], language=raw.language,
                                       product_id=truth.product_id, prev_text=record["prev"], next_text=record["next"]))
    return out


def load_truths(dataset_dir: Path) -> list[ProductTruth]:
    """Every ``<product>/truth.json`` of a dataset folder (layout of ``cyclops.model.truth``)."""
    dataset_dir = Path(dataset_dir)
    manifest = dataset_dir / "manifest.json"
    if manifest.exists():
        ids = json.loads(manifest.read_text(encoding="utf-8"))["products"]
        paths = [dataset_dir / pid / "truth.json" for pid in ids]
    else:
        paths = sorted(dataset_dir.glob("*/truth.json"))
    if not paths:
        raise FileNotFoundError(f"no truth.json under {dataset_dir}")
    return [ProductTruth.model_validate_json(p.read_text(encoding="utf-8")) for p in paths]


def examples_from_truth(dataset_dir: Path, augment: int = 1, seed: int = 0) -> list[LineExample]:
    """Training examples from a ``cyclops synth`` folder, with ``augment`` OCR-noisy copies of each page."""
    return [ex for truth in load_truths(dataset_dir) for ex in examples_from_product(truth, augment, seed)]


def line_records(analysis: Analysis) -> dict[int, dict[str, object]]:
    """The classifier's record of every line of an analysis, by line index, rebuilt page by page as it was served.

    Pages are the analysis' images (their upright size), lines in the analysis' order (the OCR's reading
    order); ``features.page_inputs`` is the function ``extract.label_lines`` serves with. Lines of an image
    the analysis does not list have no record.
    """
    out: dict[int, dict[str, object]] = {}
    for image in analysis.images:
        indices = [i for i, line in enumerate(analysis.lines) if line.image == image.id]
        records = page_inputs([analysis.lines[i] for i in indices], image.width, image.height)
        out.update(zip(indices, records))
    return out


def examples_from_analysis(analysis: Analysis, product_id: str | None = None, *, served: Analysis | None = None,
                           lines: Iterable[int] | None = None) -> list[LineExample]:
    """Examples from a reviewed analysis, for retraining, in line order (see ``examples_by_line``)."""
    return list(examples_by_line(analysis, product_id, served=served, lines=lines).values())


def examples_by_line(analysis: Analysis, product_id: str | None = None, *, served: Analysis | None = None,
                     lines: Iterable[int] | None = None) -> dict[int, LineExample]:
    """Examples from a reviewed analysis, for retraining: each line's label as the analysts left it, and the
    classifier's input as the served model saw it.

    ``served`` is the analysis as the pipeline stored it (version 0): an analyst's later correction of a
    line's text or language changes the label's evidence, not what the model was given. Without it the
    analysis' own lines stand in (their text as read, ``LabelledLine.text_as_read``). ``lines`` keeps only
    those line indices (the lines an analyst reviewed); all by default.
    """
    source = served if served is not None else analysis
    if len(source.lines) != len(analysis.lines):
        raise BadExamples(f"analysis {analysis.analysis_id}: {len(analysis.lines)} lines, {len(source.lines)} as served")
    records = line_records(source)
    pid = product_id or analysis.analysis_id or ""
    wanted = sorted(records) if lines is None else sorted(i for i in set(lines) if i in records)
    out: dict[int, LineExample] = {}
    for i in wanted:
        record, raw = records[i], records[i]["raw"]
        out[i] = LineExample(text=raw.text, label=analysis.lines[i].label, layout=record["layout"], language=raw.language,
                             product_id=pid, prev_text=record["prev"], next_text=record["next"])
    return out


def dataset_hash(truths: list[ProductTruth]) -> str:
    """sha256 over the ground truth (sorted by product), so the metadata says exactly what the model saw."""
    h = hashlib.sha256()
    for truth in sorted(truths, key=lambda t: t.product_id):
        h.update(truth.product_id.encode())
        h.update(truth.model_dump_json().encode())
    return h.hexdigest()


# -- shipped model -------------------------------------------------------------------------------------------

def model_dir() -> Path:
    return Path(str(resources.files("cyclops.packaged_model")))


@lru_cache(maxsize=1)
def load_model(path: Path | None = None) -> Pipeline:
    """The shipped field classifier (``cyclops/packaged_model/field_classifier.joblib``), loaded once."""
    file = Path(path) if path else model_dir() / MODEL_FILE
    if not file.exists():
        raise ModelMissing(f"field classifier not found at {file}; train one with "
                           "`python -m cyclops.extract.train --n 400 --seed 1 --out cyclops/packaged_model/`")
    return joblib.load(file)


def model_metadata(path: Path | None = None) -> dict[str, object]:
    file = Path(path) if path else model_dir() / META_FILE
    return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
