"""The assembled Analyzer: it uses the parts it is given (thresholds, classifier, database) and records them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyclops.pipeline.analyzer import Analyzer, fixed_model
from cyclops.errors import TooManyPhotos
from cyclops.extract.classifier import load_model
from cyclops.fieldmodel.registry import packaged_version
from cyclops.lnhpd.database import open_database
from cyclops.model.ocr import Block, Document, Line, Page, Word, rect
from cyclops.ocr import get_engine
from cyclops.pipeline.parameters import Parameters
from cyclops.pipeline import build_analyzer


def _document(texts: list[str]) -> Document:
    lines = [Line(words=[Word(text=t, polygon=rect(100, 100 + 40 * k, 700, 130 + 40 * k), confidence=0.95)],
                  polygon=rect(100, 100 + 40 * k, 700, 130 + 40 * k), confidence=0.95, language="en")
             for k, t in enumerate(texts)]
    return Document(engine="test", engine_version="0", pages=[Page(image_id="img0", width=1000, height=1000,
                                                                   blocks=[Block(lines=lines)])])


def _label_of(en) -> Document:
    """A label printing a licence's name, company and ingredients, but no NPN (so matching has to search)."""
    lic = en.licence
    rows = [f"{i.ingredient_name} {i.quantity:g} {i.quantity_unit_of_measure}" for i in en.medicinal_ingredients
            if i.quantity is not None]
    return _document([lic.product_name, "Medicinal ingredients:", *rows, lic.company_name or ""])


@pytest.fixture(scope="module")
def analyzer(lnhpd_sample) -> Analyzer:
    return Analyzer(engine=get_engine("rapidocr"), model=fixed_model(load_model(), packaged_version()),
                    db=open_database(lnhpd_sample[0]))


def test_an_analysis_records_the_parameters_in_force_and_they_are_used(analyzer, lnhpd_sample) -> None:
    doc = _label_of(lnhpd_sample[1][3][0])
    default, _ = analyzer.analyze_document(doc)
    assert default.versions["params"] == Parameters().fingerprint()
    assert {k: default.versions[k] for k in ("params.extract", "params.flags", "params.match")} == {
        f"params.{area}": p.fingerprint() for area, p in Parameters().areas().items()}
    assert len(default.match.candidates) > 1

    strict = analyzer.replace(params=Parameters().with_overrides({"match": {"top_n": 1, "accept_score": 1.01}}))
    changed, _ = strict.analyze_document(doc)
    assert changed.versions["params"] != default.versions["params"]
    assert changed.versions["params.match"] != default.versions["params.match"]
    assert changed.versions["params.extract"] == default.versions["params.extract"]
    assert len(changed.match.candidates) == 1 and changed.match.method == "none"  # the thresholds were used, not only named
    assert changed.fields == default.fields


def test_the_model_provider_is_asked_at_each_analysis(analyzer) -> None:
    """mapi hands its registry watcher's ``current``: a promotion reaches an analyzer built before it."""
    model = load_model()
    labels = iter(["cyclops-field-classifier/1", "cyclops-field-classifier/2"])
    watched = analyzer.replace(model=lambda: (model, next(labels)))
    doc = _document(["Vitamin C 500 mg", "Acme Naturals Inc."])
    assert watched.analyze_document(doc)[0].versions["field_classifier"] == "cyclops-field-classifier/1"
    assert watched.analyze_document(doc)[0].versions["field_classifier"] == "cyclops-field-classifier/2"


def test_without_a_database_the_label_is_read_and_licence_checks_are_skipped(analyzer) -> None:
    label_only = analyzer.replace(db=None, no_database_reason="no database here")
    analysis, _ = label_only.analyze_document(_document([
        "Supplement Facts", "Vitamin D3 263 mcg", "Vitamin K2 200 mcg", "Keep out of reach of children.", "Made in USA",
        "Take two pieces daily.", "Store in a cool dry place.", "Serving Size 2 Pieces", "Other ingredients: sorbitol."]))
    assert analysis.match.method == "none" and analysis.match.skipped_reason == "no database here"
    assert "NPN_MISSING" in {f.code for f in analysis.flags}


def test_the_rule_set_is_a_part_too(analyzer) -> None:
    from cyclops.flags import RULES

    doc = _document(["Supplement Facts", "Vitamin D3 263 mcg", "Keep out of reach of children.", "Made in USA",
                     "Take two pieces daily.", "Store in a cool dry place.", "Other ingredients: sorbitol."])
    assert "NPN_MISSING" in {f.code for f in analyzer.replace(db=None).analyze_document(doc)[0].flags}
    without = analyzer.replace(db=None, rules=[r for r in RULES if "NPN_MISSING" not in r.codes])
    assert "NPN_MISSING" not in {f.code for f in without.analyze_document(doc)[0].flags}


def test_too_many_photos_are_refused_by_the_analyzers_own_limit(analyzer) -> None:
    with pytest.raises(TooManyPhotos, match="at most 2"):
        analyzer.replace(max_photos=2).analyze([("a.png", b"x"), ("b.png", b"x"), ("c.png", b"x")])


def test_build_analyzer_takes_the_configured_parts(configure, tmp_path) -> None:
    settings = configure(max_photos=3, data_dir=tmp_path)
    built = build_analyzer(settings, engine="rapidocr")
    assert built.max_photos == 3 and built.cache_dir == tmp_path / "cache"
    assert built.db is None and str(settings.lnhpd_path) in built.no_database_reason  # nothing built yet: label-only
    assert built.engine.name == "rapidocr" and built.params == Parameters()


def test_parameter_files_in_json_or_yaml_and_unknown_names_refused(tmp_path) -> None:
    as_json = tmp_path / "p.json"
    as_json.write_text(json.dumps({"match": {"accept_score": 0.7}}), encoding="utf-8")
    as_yaml = tmp_path / "p.yaml"
    as_yaml.write_text("match:\n  accept_score: 0.7\n", encoding="utf-8")
    assert Parameters.load(as_json) == Parameters.load(as_yaml) != Parameters()
    assert Parameters.load(as_json).match.accept_score == 0.7
    with pytest.raises(ValueError, match="no parameter area"):
        Parameters().with_overrides({"matching": {"accept_score": 0.7}})
    with pytest.raises(ValueError, match="no field"):
        Parameters().with_overrides({"match": {"acept_score": 0.7}})


def test_an_iphone_heic_photo_is_read_like_any_other(analyzer) -> None:
    """A HEIC photo (what an iPhone saves) goes through the whole analysis: its NPN and name are read."""
    photo = (Path(__file__).parent / "data" / "label.heic").read_bytes()
    analysis = analyzer.analyze([("IMG_0003.HEIC", photo)])
    assert analysis.fields.npn.value == "80012345"
    assert analysis.fields.product_name.value == "Vitamin D3 1000 IU"
    assert [image.filename for image in analysis.images] == ["IMG_0003.HEIC"]
