"""Benchmark scoring: the rules that every reported accuracy figure depends on."""

from __future__ import annotations

from cyclops.evaluate.geometry import iou, rotate_point, rotate_polygon
from cyclops.evaluate.metrics import expected_flags, score_ingredients, score_product, score_statements, score_text_field, summarise
from cyclops.evaluate.run import confusion_matrix, line_label_pairs
from cyclops.lnhpd.records import LicenceBundle, ProductLicence
from cyclops.model.analysis import Analysis, FieldValue, Flag, ImageInfo, Ingredient, LabelledLine, TextItem
from cyclops.model.ocr import rect
from cyclops.model.truth import ProductTruth, TruthImage, TruthLine, TruthWord, Violation


def _truth(**printed) -> ProductTruth:
    licence = LicenceBundle(licence=ProductLicence(lnhpd_id=7, licence_number="80012345", product_name="Vit D", flag_product_status=1))
    base = {"npn": "80012345", "npn_legible": True, "product_name": "Vitamin D3 1000 IU",
            "medicinal_ingredients": [{"name": "Vitamin D3", "quantity": 25, "unit": "mcg"}],
            "recommended_uses": [{"text": "Helps in the development and maintenance of bones and teeth.", "language": "en"}]}
    base.update(printed)
    return ProductTruth(product_id="p1", licence=licence, printed=base, images=[
        TruthImage(id="front", file="front.jpg", width=200, height=100, lines=[
            TruthLine(text="NPN 80012345", polygon=rect(10, 10, 110, 30), label="npn",
                      words=[TruthWord(text="NPN", polygon=rect(10, 10, 40, 30)), TruthWord(text="80012345", polygon=rect(45, 10, 110, 30))]),
        ])])


def test_rotation_maps_corners_like_turning_the_photo():
    # a 200x100 photo turned 90° clockwise becomes 100x200; its top-left corner goes to the top-right
    assert rotate_point(0, 0, 200, 100, 90) == (100, 0)
    assert rotate_point(200, 100, 200, 100, 180) == (0, 0)
    assert rotate_point(0, 0, 200, 100, 270) == (0, 200)
    square = rect(10, 10, 20, 20)
    assert iou(rotate_polygon(rotate_polygon(square, 200, 100, 90), 100, 200, 270), square) > 0.999


def test_text_fields_forgive_case_and_accents_but_not_other_words():
    assert score_text_field("VITAMINE D3 1000 UI", "Vitamine D3 1000 UI").tp == 1
    assert score_text_field("Échinacée", "echinacee").tp == 1
    wrong = score_text_field("Vitamin C 500", "Vitamin D3 1000 IU")
    assert (wrong.fp, wrong.fn) == (1, 1)
    assert score_text_field(None, "x").fn == 1 and score_text_field("x", None).fp == 1


def test_ingredient_counts_only_with_name_quantity_and_unit_right():
    truth = [{"name": "Vitamin D3", "quantity": 25, "unit": "mcg"}]
    assert score_ingredients([Ingredient(name="Vitamin D3", quantity=25, unit="µg")], truth).tp == 1
    assert score_ingredients([Ingredient(name="Vitamin D3", quantity=250, unit="mcg")], truth).tp == 0
    assert score_ingredients([Ingredient(name="Vitamin D3", quantity=25, unit="mg")], truth).tp == 0
    assert score_ingredients([Ingredient(name="Zinc", quantity=25, unit="mcg")], truth).tp == 0


def test_statements_match_one_to_one():
    c = score_statements(["Helps maintain bones", "Helps maintain bones"], ["Helps maintain bones"])
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)


def test_score_product_and_summary():
    truth = _truth()
    truth.violations.append(Violation(code="QUANTITY_MISMATCH"))
    a = Analysis(images=[ImageInfo(id="img0", sha256="x", width=200, height=100)])
    a.fields.npn = FieldValue(value="80012345", confidence=1)
    a.fields.product_name = FieldValue(value="Vitamin D3 1000 IU")
    a.fields.medicinal_ingredients = [Ingredient(name="Vitamin D3 (cholecalciferol)", quantity=25, unit="mcg")]
    a.fields.recommended_uses = [TextItem(text="Helps in the development and maintenance of bones and teeth.", language="en")]
    a.match.lnhpd_id = 7
    a.flags = [Flag(code="QUANTITY_MISMATCH", severity="high", message="", message_fr=""),
               Flag(code="SCHEDULE_A_TERM", severity="high", message="", message_fr="")]
    a.lines = [LabelledLine(image="img0", polygon=rect(10, 10, 110, 30), text="NPN 80012345", label="npn")]
    s = score_product(a, truth)
    assert s.npn_ok and s.licence_ok
    assert s.fields["medicinal_ingredients"].tp == 1
    assert (s.flags.tp, s.flags.fp, s.flags.fn) == (1, 1, 0)
    assert s.words_read == s.words_total == 2
    summary = summarise([s])
    assert summary["npn_exact"] == 1.0 and summary["flags"]["precision"] == 0.5
    assert summary["flags_per_code"]["SCHEDULE_A_TERM"]["fp"] == 1


def test_cut_off_npn_expects_an_illegible_flag_and_is_not_counted_as_readable():
    truth = _truth(npn_legible=False)
    assert "NPN_ILLEGIBLE" in expected_flags(truth)
    assert score_product(Analysis(), truth).npn_ok is None


def test_line_labels_are_paired_through_the_rotation():
    truth = _truth()
    # the OCR saw the photo turned 90° clockwise: the NPN line now stands at x 70..90, y 10..110
    a = Analysis(images=[ImageInfo(id="img0", sha256="x", width=100, height=200, rotation=90)],
                 lines=[LabelledLine(image="img0", polygon=rect(70, 10, 90, 110), text="NPN 80012345", label="brand")])
    pairs = line_label_pairs(a, truth)
    assert pairs == [("npn", "brand")]
    m = confusion_matrix(pairs)
    assert m["matrix"][m["labels"].index("npn")][m["labels"].index("brand")] == 1


def test_a_crop_that_leaves_one_language_of_a_section_expects_french_missing():
    truth = _truth()
    lines = truth.images[0].lines
    lines.append(TruthLine(text="Take 1 tablet daily.", polygon=rect(10, 40, 150, 55), label="dose", language="en"))
    assert "FRENCH_MISSING" in expected_flags(truth)  # the French directions are outside the photo
    lines.append(TruthLine(text="Prendre 1 comprimé par jour.", polygon=rect(10, 60, 150, 75), label="dose", language="fr"))
    assert "FRENCH_MISSING" not in expected_flags(truth)
