"""Ground truth of synthetic products: format, consistency with the licence, violations, families, dataset I/O."""

from __future__ import annotations

import json
import random

import pytest
from PIL import Image

from cyclops.model.analysis import FIELD_LABELS
from cyclops.model.ocr import bbox_of
from cyclops.model.truth import ProductTruth
from cyclops.synth.config import SynthConfig
from cyclops.synth.content import build_content
from cyclops.synth.dataset import DatasetError, load_dataset, write_dataset, write_products
from cyclops.synth.examples import example_pairs
from cyclops.synth.faces import compose_faces
from cyclops.synth.product import SynthError, synthesize_product
from cyclops.synth.violations import VIOLATION_CODES, inject

PRINTED_KEYS = {
    "npn",
    "npn_legible",
    "product_name",
    "brand",
    "company",
    "dosage_form",
    "net_quantity",
    "medicinal_ingredients",
    "non_medicinal_ingredients",
    "recommended_uses",
    "directions",
    "cautions",
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    truths = write_dataset(out, 4, 7, config=SynthConfig(violation_rate=0.0), progress=False)
    return out, truths


def test_dataset_layout_and_truth_validates(dataset):
    out, truths = dataset
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["n"] == 4 and manifest["products"] == [t.product_id for t in truths]
    loaded = load_dataset(out)
    assert [t.product_id for t, _ in loaded] == manifest["products"]
    for truth, paths in loaded:
        raw = (out / truth.product_id / "truth.json").read_text()
        assert ProductTruth.model_validate_json(raw) == truth
        assert PRINTED_KEYS <= set(truth.printed)
        assert set(paths) == {img.id for img in truth.images} and any("front" in i for i in paths)
        for img in truth.images:
            with Image.open(paths[img.id]) as im:
                assert im.size == (img.width, img.height)
            assert img.lines, f"{truth.product_id}/{img.id} has no lines"
            for line in img.lines:
                assert line.label in FIELD_LABELS
                assert line.language in (None, "en", "fr")
                assert line.text == " ".join(w.text for w in line.words)
                x0, y0, x1, y1 = bbox_of(line.polygon)
                assert -1 <= x0 < x1 <= img.width + 1 and -1 <= y0 < y1 <= img.height + 1


def test_printed_matches_licence_without_violations(dataset):
    _, truths = dataset
    for truth in truths:
        p = truth.printed
        assert not truth.violations
        assert p["npn"] == "".join(c for c in truth.licence.licence.licence_number if c.isdigit())
        assert p["product_name"] == truth.licence.licence.product_name
        assert p["company"] == truth.licence.licence.company_name
        licensed = [(m.ingredient_name, m.quantity, m.quantity_unit_of_measure) for m in truth.licence.medicinal_ingredients]
        assert [(i["name"], i["quantity"], i["unit"]) for i in p["medicinal_ingredients"]] == licensed
        assert [u["text"] for u in p["recommended_uses"] if u["language"] == "en"] == [x.purpose for x in truth.licence.purposes]
        assert [u["text"] for u in p["recommended_uses"] if u["language"] == "fr"] == [
            x.purpose for x in truth.licence_fr.purposes
        ]
        # every printed statement is on some image: its words appear, in order, in lines of the right label
        labels = {"recommended_uses": "recommended_use", "directions": "dose", "cautions": "caution"}
        for key, label in labels.items():
            text = " ".join(line.text for img in truth.images for line in img.lines if line.label == label)
            for item in p[key]:
                assert item["text"].split()[-1] in text


def test_same_seed_same_dataset_bytes(tmp_path):
    pairs = example_pairs()
    a = write_products(tmp_path / "a", pairs, 3, progress=False)
    b = write_products(tmp_path / "b", pairs, 3, progress=False)
    assert [t.model_dump() for t in a] == [t.model_dump() for t in b]
    for t in a:
        for img in t.images:
            assert (tmp_path / "a" / t.product_id / img.file).read_bytes() == (
                tmp_path / "b" / t.product_id / img.file
            ).read_bytes()


def _lines(content, family="base", seed=0):
    faces = compose_faces(content, random.Random(seed), family, vertical_npn=False)
    return [line for face in faces for line in face.lines]


@pytest.mark.parametrize("code", VIOLATION_CODES)
def test_each_violation_changes_what_is_printed_and_drawn(code):
    en, fr = example_pairs()[0]
    clean = build_content(en, fr, random.Random(1))
    content = build_content(en, fr, random.Random(1))
    violations = inject(content, random.Random(2), code)
    assert [v.code for v in violations] == [code]
    printed, lines = content.printed(True), _lines(content)
    drawn = " ".join(line.text for line in lines)
    if code == "QUANTITY_MISMATCH":
        assert printed["medicinal_ingredients"][0]["quantity"] != clean.ingredients[0].quantity
        assert any(
            f"{printed['medicinal_ingredients'][0]['quantity']:g} mcg" in line.text
            for line in lines
            if line.label == "medicinal_ingredient"
        )
    elif code == "FRENCH_MISSING":
        section = violations[0].detail.split()[0]
        key = {"uses": "recommended_uses", "directions": "directions", "cautions": "cautions"}[section]
        label = {"uses": "recommended_use", "directions": "dose", "cautions": "caution"}[section]
        assert all(item["language"] == "en" for item in printed[key])
        assert not any(line.language == "fr" for line in lines if line.label == label)
    elif code in ("CLAIM_NOT_LICENSED", "SCHEDULE_A_TERM"):
        claim = violations[0].detail
        assert claim in [u["text"] for u in printed["recommended_uses"]]
        assert claim.split()[-1] in " ".join(line.text for line in lines if line.label == "recommended_use")
    elif code == "NPN_MISSING":
        assert printed["npn"] is None and printed["npn_legible"] is False
        assert not any(line.label == "npn" for line in lines) and "80012345" not in drawn


def test_violation_rate_one_always_records_a_violation():
    en, fr = example_pairs()[1]
    codes = set()
    for seed in range(4):
        config = SynthConfig.forcing(violation_rate=1.0, width=800, height=600)  # small photos: this is about content
        truth, _ = synthesize_product(en, fr, seed, config)
        assert len(truth.violations) == 1
        codes.add(truth.violations[0].code)
    assert len(codes) >= 2  # the kind of violation varies with the seed


def test_compact_family_uses_wording_base_never_produces():
    en, fr = example_pairs()[1]
    base = [_lines(build_content(en, fr, random.Random(s)), "base", s) for s in range(4)]
    compact = _lines(build_content(en, fr, random.Random(0)), "compact", 0)
    base_text = " ".join(line.text for lines in base for line in lines)
    compact_text = " ".join(line.text for line in compact)
    for word in ("Indications:", "Posologie :", "Dosage:"):
        assert word in compact_text and word not in base_text
    assert "Recommended use:" in base_text and "Recommended use:" not in compact_text
    ingredient = [line.text for line in compact if line.label == "medicinal_ingredient"]
    assert ingredient and ingredient[0].startswith("250 mg")  # quantity before the name
    truth, _ = synthesize_product(en, fr, 1, SynthConfig(clean=True, family="compact"))
    assert truth.family == "compact"


def test_bad_input_gives_typed_errors(tmp_path):
    (en, _), (_, fr_other) = example_pairs()
    with pytest.raises(SynthError, match="different licences"):
        synthesize_product(en, fr_other, 1, SynthConfig())
    with pytest.raises(DatasetError, match="manifest.json"):
        load_dataset(tmp_path)
    with pytest.raises(ValueError, match="unknown degradation"):
        SynthConfig.forcing("sepia")
    out = tmp_path / "ds"
    truths = write_products(out, example_pairs()[:1], 1, config=SynthConfig(clean=True), progress=False)
    (out / truths[0].product_id / truths[0].images[0].file).unlink()
    with pytest.raises(DatasetError, match="missing"):
        load_dataset(out)
