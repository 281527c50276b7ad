"""The learned line classifier: trained on a tiny real synthetic set, it must label most held-out lines right."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import joblib
import pytest

from cyclops.extract.augment import augment_page, noisy_text
from cyclops.extract.classifier import (
    BadExamples,
    ModelMissing,
    examples_from_analysis,
    examples_from_product,
    examples_from_truth,
    load_model,
    model_metadata,
    predict,
    train,
    upright_polygon,
)
from cyclops.extract.features import LineExample, RawLine
from cyclops.extract.train import main as train_main
from cyclops.extract.train import synth_truths
from cyclops.model.analysis import FIELD_LABELS, Analysis, ImageInfo, LabelledLine
from cyclops.model.ocr import bbox_of, rect, text_height
from cyclops.model.truth import ProductTruth
from cyclops.synth.config import SynthConfig


@pytest.fixture(scope="module")
def truths() -> list[ProductTruth]:
    """Nine real synthetic products (rendered by the synth generator, no photo degradations): 6 to train, 3 held out."""
    return synth_truths(9, seed=7, config=SynthConfig(clean=True), workers=1)


@pytest.fixture(scope="module")
def trained(truths: list[ProductTruth]) -> tuple[object, list[LineExample]]:
    train_ex = [ex for t in truths[:6] for ex in examples_from_product(t, augment=1, seed=7)]
    held_out = [ex for t in truths[6:] for ex in examples_from_product(t, augment=1, seed=8)]
    return train(train_ex, seed=7), held_out


def _accuracy(model: object, examples: list[LineExample]) -> float:
    predicted = predict(model, [e.model_input() for e in examples])
    return sum(label == e.label for (label, _), e in zip(predicted, examples)) / len(examples)


def test_tiny_model_labels_most_held_out_lines(trained: tuple[object, list[LineExample]]) -> None:
    model, held_out = trained
    majority = Counter(e.label for e in held_out).most_common(1)[0][1] / len(held_out)
    accuracy = _accuracy(model, held_out)
    assert accuracy >= 0.85, accuracy
    assert accuracy > majority + 0.3  # far above always answering the commonest label


def test_probabilities_and_labels_are_valid(trained: tuple[object, list[LineExample]]) -> None:
    model, held_out = trained
    for label, prob in predict(model, [e.model_input() for e in held_out[:20]]):
        assert label in FIELD_LABELS and 0.0 < prob <= 1.0
    assert predict(model, []) == []


def test_model_survives_joblib_round_trip(trained: tuple[object, list[LineExample]], tmp_path: Path) -> None:
    model, held_out = trained
    joblib.dump(model, tmp_path / "m.joblib")
    again = load_model.__wrapped__(tmp_path / "m.joblib")
    inputs = [e.model_input() for e in held_out[:30]]
    assert predict(again, inputs) == predict(model, inputs)


def test_vocabularies_are_plain_ints_and_the_model_survives_a_skops_round_trip(trained: tuple[object, list[LineExample]]) -> None:
    """skops (MLflow's safe format) writes each numpy integer as a zip entry: plain ints keep a save quick."""
    import copy

    import numpy as np
    import skops.io

    from cyclops.extract.classifier import plain_vocabularies

    model, held_out = trained
    vocabularies = [step.vocabulary_ for step in model.get_params(deep=True).values() if isinstance(getattr(step, "vocabulary_", None), dict)]
    assert len(vocabularies) == 3 and all(type(v) is int for vocabulary in vocabularies for v in vocabulary.values())
    inputs = [e.model_input() for e in held_out[:30]]
    numpy_ints = copy.deepcopy(model)  # as a model trained before plain_vocabularies (the packaged one) is
    for step in numpy_ints.get_params(deep=True).values():
        if isinstance(getattr(step, "vocabulary_", None), dict):
            step.vocabulary_ = {term: np.int64(column) for term, column in step.vocabulary_.items()}
    assert predict(plain_vocabularies(numpy_ints), inputs) == predict(model, inputs)
    data = skops.io.dumps(model)
    again = skops.io.loads(data, trusted=skops.io.get_untrusted_types(data=data))
    assert predict(again, inputs) == predict(model, inputs)


def test_examples_from_truth_reads_a_synth_folder(truths: list[ProductTruth], tmp_path: Path) -> None:
    for t in truths[:2]:
        (tmp_path / t.product_id).mkdir()
        (tmp_path / t.product_id / "truth.json").write_text(t.model_dump_json())
    clean = examples_from_truth(tmp_path, augment=0)
    assert len(clean) == sum(len(img.lines) for t in truths[:2] for img in t.images)
    assert {e.product_id for e in clean} == {t.product_id for t in truths[:2]}
    assert all(e.label in FIELD_LABELS for e in clean)
    with pytest.raises(FileNotFoundError):
        examples_from_truth(tmp_path / "empty")


def test_rotated_truth_polygons_are_turned_upright() -> None:
    # a point near the top-left of an image turned 90 degrees clockwise lands near the top-right
    assert upright_polygon([(10, 20)], 100, 50, 90) == ([(30, 10)], 50, 100)
    assert upright_polygon([(10, 20)], 100, 50, 180) == ([(90, 30)], 100, 50)
    assert upright_polygon([(10, 20)], 100, 50, 270) == ([(20, 90)], 50, 100)
    assert upright_polygon([(10, 20)], 100, 50, 0) == ([(10, 20)], 100, 50)


def test_examples_from_a_reviewed_analysis() -> None:
    analysis = Analysis(
        analysis_id="a1",
        images=[ImageInfo(id="img0", sha256="x", width=1000, height=800)],
        lines=[LabelledLine(image="img0", polygon=rect(10, 10, 500, 80), text="Vitamin D3", label="product_name"),
               LabelledLine(image="img0", polygon=rect(10, 700, 300, 720), text="NPN 80012345", label="npn")],
    )
    ex = examples_from_analysis(analysis)
    assert [(e.label, e.product_id, e.next_text) for e in ex] == [("product_name", "a1", "NPN 80012345"), ("npn", "a1", "")]
    assert ex[0].layout["rel_height"] > 1.0 and ex[1].layout["has_npn"] == 1.0


def test_a_sloping_line_s_type_height_is_its_own_not_its_upright_box_s() -> None:
    """A long line on a photo turned 3 degrees: its upright box is three times its letters' height; the size the
    rules compare ("rel_height") is the letters'."""
    sloping = [(0.0, 100.0), (1000.0, 47.6), (1001.6, 77.6), (1.6, 130.0)]  # 1000 x 30, turned 3 degrees
    assert text_height(sloping) == pytest.approx(30.0, abs=0.1) and bbox_of(sloping)[3] - bbox_of(sloping)[1] > 80
    analysis = Analysis(
        analysis_id="a1",
        images=[ImageInfo(id="img0", sha256="x", width=1200, height=800)],
        lines=[LabelledLine(image="img0", polygon=sloping, text="Collagen Peptides Unflavoured Powder", label="other"),
               LabelledLine(image="img0", polygon=rect(10, 300, 200, 330), text="Vitamin C", label="other"),
               LabelledLine(image="img0", polygon=rect(10, 400, 200, 430), text="Zinc", label="other")],
    )
    assert [round(e.layout["rel_height"], 2) for e in examples_from_analysis(analysis)] == [1.0, 1.0, 1.0]


def test_bad_examples_are_refused() -> None:
    with pytest.raises(BadExamples):
        train([])
    with pytest.raises(BadExamples):
        train([LineExample(text="x", label="nonsense")])
    with pytest.raises(BadExamples):
        train([LineExample(text="x", label="npn"), LineExample(text="y", label="npn")])


def test_missing_model_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="train one"):
        load_model.__wrapped__(tmp_path / "none.joblib")


def test_augmentation_adds_ocr_noise_reproducibly() -> None:
    text = "Vitamine D3 (cholécalciférol) 1000 UI, 25 mcg, 500 mg"
    a = noisy_text(text, random.Random(1), rate=0.2)
    assert a != text and a == noisy_text(text, random.Random(1), rate=0.2)
    page = [(RawLine("Helps in the development and maintenance of bones", rect(0, 0, 500, 20), "en"), "recommended_use")] * 30
    noisy = augment_page(page, random.Random(2), split_rate=0.5, merge_rate=0.0)
    assert len(noisy) > len(page) and {label for _, label in noisy} == {"recommended_use"}


def test_shipped_model_metadata() -> None:
    meta = model_metadata()
    assert meta["version"] and meta["seed"] != 9999 and meta["n_products"] >= 100
    assert set(FIELD_LABELS) <= set(meta["f1"]) and meta["f1"]["accuracy"] >= 0.9


def test_training_script_refuses_the_held_out_seed(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        train_main(["--seed", "9999", "--out", str(tmp_path)])
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "manifest.json").write_text('{"seed": 9999, "n": 0, "products": []}')
    with pytest.raises(SystemExit):
        train_main(["--data", str(tmp_path / "bench"), "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="held-out"):
        synth_truths(1, seed=9999)
    assert not (tmp_path / "field_classifier.joblib").exists()


class _Recording:
    """The served classifier, noting every input it is given (``classifier.predict`` reads these two)."""

    def __init__(self, model: object) -> None:
        self.model, self.seen = model, []

    @property
    def classes_(self) -> object:
        return self.model.classes_

    def predict_proba(self, inputs: list[dict[str, object]]) -> object:
        self.seen.extend(inputs)
        return self.model.predict_proba(inputs)


class _Speller:
    """Spelling repair of two OCR slips, as ``normalize.spelling.SpellCorrector.correct`` would."""

    def correct(self, text: str, language: str) -> str:
        return text.replace("Tak ", "Take ").replace("Prendr ", "Prendre ")


def _ocr_line(text: str, box: tuple[float, float, float, float], language: str | None = "en", vertical: bool = False):
    from cyclops.model.ocr import Line, Word

    return Line(words=[Word(text=w, confidence=0.9) for w in text.split()], polygon=rect(*box), confidence=0.9,
                language=language, vertical=vertical)


def test_retraining_rebuilds_exactly_the_inputs_the_served_model_saw() -> None:
    """A served analysis (spelling repaired, a vertical line, two pages) and then corrected by an analyst
    (a line's text, another's language, labels): training rebuilds the served model's inputs record by record."""
    from cyclops.edits import apply_edit
    from cyclops.extract import extract_fields
    from cyclops.model.analysis import Edit
    from cyclops.model.ocr import Block, Document, Page

    front = Page(image_id="img0", width=1000, height=800, blocks=[Block(lines=[
        _ocr_line("Vitamin D3", (100, 40, 700, 140)),
        _ocr_line("NPN 80012345", (100, 700, 400, 730)),
        _ocr_line("Lot 2291 EXP 2027/06", (960, 100, 985, 600), language=None, vertical=True),
    ])])
    back = Page(image_id="img1", width=600, height=900, rotation=90, blocks=[Block(lines=[
        _ocr_line("Directions:", (20, 20, 200, 45)),
        _ocr_line("Tak 1 capsule daily with food.", (20, 50, 560, 75)),
        _ocr_line("Prendr 1 capsule par jour.", (20, 80, 520, 105), language="fr"),
        _ocr_line("Cautions: Consult a health care practitioner if pregnant.", (20, 120, 580, 145)),
    ])])
    served_model = _Recording(load_model())
    fields, lines = extract_fields(Document(engine="test", engine_version="0", pages=[front, back]), model=served_model,
                                   speller=_Speller())
    images = [ImageInfo(id=p.image_id, sha256="0" * 64, width=p.width, height=p.height, rotation=p.rotation) for p in (front, back)]
    stored = Analysis(analysis_id="a1", images=images, fields=fields, lines=lines)
    served = Analysis.model_validate_json(stored.model_dump_json())  # through the store, as retraining reads it
    assert [line.vertical for line in served.lines] == [False, False, True, False, False, False, False]
    repaired = [line for line in served.lines if line.ocr_text]
    assert repaired and all(line.text != line.ocr_text for line in repaired)  # the text shown is not the text read

    reviewed = served
    for k, (path, value) in enumerate([("lines[4].text", "Take 1 capsule daily with a meal."), ("lines[2].language", "en"),
                                       ("lines[0].label", "product_name"), ("lines[2].label", "other")]):
        reviewed = apply_edit(reviewed, Edit(analyst="ana", field=path, after=value, base_version=k))
    examples = examples_from_analysis(reviewed, served=served)
    assert [e.model_input() for e in examples] == served_model.seen
    assert [e.label for e in examples] == [line.label for line in reviewed.lines]
    assert examples[2].layout["vertical"] == 1.0 and examples[4].text == "Tak 1 capsule daily with food."
    # the stored lines alone give the same inputs while no analyst has changed a line's text or language
    assert [e.model_input() for e in examples_from_analysis(served)] == served_model.seen
