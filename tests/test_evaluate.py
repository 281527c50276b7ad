"""Benchmark scoring: the rules that every reported accuracy figure depends on."""

from __future__ import annotations

from cyclops.evaluate.geometry import iou, rotate_point, rotate_polygon
from cyclops.evaluate.metrics import (
    expected_flags,
    score_ingredients,
    score_net_quantity,
    score_product,
    score_statements,
    score_text_field,
    summarise,
)
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


def test_a_net_quantity_is_right_when_it_is_one_of_the_amounts_printed():
    """The truth keeps the net quantity as printed; the pipeline proposes one amount of it."""
    assert score_net_quantity("450 g", "NET WT. 15.9 OZ (450 G)").tp == 1
    assert score_net_quantity("60", "60 Vegan Capsules").tp == 1
    assert score_net_quantity("120", "120").tp == 1
    wrong = score_net_quantity("5 g", "NET WT. 16 OZ (454 G)")  # the serving size, not the content
    assert (wrong.tp, wrong.fp, wrong.fn) == (0, 1, 1)
    assert score_net_quantity(None, "60 Capsules").fn == 1


def test_ingredient_counts_only_with_name_quantity_and_unit_right():
    truth = [{"name": "Vitamin D3", "quantity": 25, "unit": "mcg"}]
    assert score_ingredients([Ingredient(name="Vitamin D3", quantity=25, unit="µg")], truth).tp == 1
    assert score_ingredients([Ingredient(name="Vitamin D3", quantity=250, unit="mcg")], truth).tp == 0
    assert score_ingredients([Ingredient(name="Vitamin D3", quantity=25, unit="mg")], truth).tp == 0
    assert score_ingredients([Ingredient(name="Zinc", quantity=25, unit="mcg")], truth).tp == 0


def test_a_count_of_cfu_is_compared_after_its_multiplier_word():
    """The truth says "5 billion CFU" as printed ("5B CFU"); the pipeline reads 5e9 CFU: the same count."""
    truth = [{"name": "Probiotic/Prebiotic Blend", "quantity": 5, "unit": "billion CFU"}]
    assert score_ingredients([Ingredient(name="Probiotic/Prebiotic Blend", quantity=5e9, unit="CFU")], truth).tp == 1
    assert score_ingredients([Ingredient(name="Probiotic/Prebiotic Blend", quantity=5e6, unit="CFU")], truth).tp == 0
    assert score_ingredients([Ingredient(name="Probiotic/Prebiotic Blend", quantity=5e9, unit="mg")], truth).tp == 0


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


def _photo(path, lines: tuple[str, ...]):
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1200, 140 + 100 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
    for i, text in enumerate(lines):
        draw.text((60, 60 + i * 100), text, font=font, fill="black")
    img.save(path)


def test_real_mode_runs_end_to_end_and_lists_every_miss(tmp_path):
    """Two crafted "real" products (no licence, no reference database): one prints an NPN the truth says it does
    not have (a false NPN), the other misses its ingredient; results.md lists each miss, expected vs got."""
    import json

    from typer.testing import CliRunner

    from cyclops.cli import app

    photos = tmp_path / "photos"
    photos.mkdir()
    _photo(photos / "a.png", ("Vitamin D3 1000 IU", "Acme Naturals Inc."))
    _photo(photos / "b.png", ("Omega Sleep Formula", "NPN 80012345"))
    printed = {"npn": None, "npn_legible": False, "brand": None, "company": None}
    truth = {"products": [
        {"product_id": "vitd", "photos": ["a.png"], "licence_number": None, "notes": "crafted",
         "printed": {**printed, "product_name": "Vitamin D3 1000 IU", "company": "Acme Naturals Inc.",
                     "medicinal_ingredients": [{"name": "Zinc", "quantity": 10, "unit": "mg", "potency": None,
                                                "as_printed": "Zinc 10 mg", "parts": []}],
                     "nutrition_rows": [{"name": "Calories", "quantity": 5, "unit": "kcal", "potency": None}]},
         "violations": ["NPN_MISSING", "FRENCH_MISSING"]},
        {"product_id": "sleep", "photos": ["b.png"], "licence_number": None,
         "printed": {**printed, "product_name": "Deep Sleep Blend", "medicinal_ingredients": []},
         "violations": ["NPN_MISSING"]},
    ]}
    truth_file = tmp_path / "truth.json"
    truth_file.write_text(json.dumps(truth), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["evaluate", "--photos", str(photos), "--truth", str(truth_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads((out / "results.json").read_text())
    summary = payload["results"][0]
    assert payload["meta"]["mode"] == "real" and payload["meta"]["database"] is False
    assert summary["false_npns"] == 1
    head = payload["headline"]["rapidocr"]
    assert head["false_npns"] == 1 and head["medicinal_ingredients_recall"] == 0.0
    assert {"npn_missing_recall", "french_missing_recall", "product_name_f1", "medicinal_ingredients_precision",
            "flag_precision", "flag_recall", "s_per_product_median"} <= set(head)
    detail = {d["product_id"]: d for d in summary["products_detail"]}
    assert detail["vitd"]["licence_ok"] and detail["sleep"]["licence_ok"]  # no licence, none matched
    assert detail["sleep"]["npn_false"] and not detail["vitd"]["npn_false"]

    md = (out / "results.md").read_text()
    table, misses = md.split("## Misses")
    assert "| false_npns | <= 0 | 1 |" in table
    from cyclops.ocr import get_engine

    assert f"OCR `rapidocr` `{get_engine('rapidocr').version}`" in table  # which models read (int8 fine pass or not)
    assert summary["engine_version"] == get_engine("rapidocr").version
    assert "**vitd** (a.png)" in misses and "**sleep** (b.png)" in misses
    assert "- medicinal ingredients missing (1):\n  - Zinc 10 mg" in misses
    assert '- NPN: expected —, got "80012345" (false NPN)' in misses
    assert '- product_name: expected "Deep Sleep Blend", got' in misses
    sleep = misses.split("**sleep**")[1]
    assert "- flags missing: NPN_MISSING" in sleep  # a number was read, so NPN_MISSING was not said
    vitd = misses.split("**vitd**")[1].split("**sleep**")[0]
    missing = sorted(set(detail["vitd"]["flags_expected"]) - set(detail["vitd"]["flags_raised"]))
    assert (f"- flags missing: {', '.join(missing)}" in vitd) == bool(missing)


def test_unlicensed_product_scores_no_match_as_right_and_a_read_npn_as_false():
    truth = _truth(npn=None, npn_legible=False, medicinal_ingredients=[
        {"name": "Zinc", "quantity": 10, "unit": "mg"}, {"name": "Magnesium", "quantity": 100, "unit": "mg"}],
        nutrition_rows=[{"name": "Total Carbohydrate", "quantity": 5, "unit": "g"}])
    truth.licence.licence.licence_number = ""  # what load_real_truth makes of "licence_number": null
    a = Analysis()
    a.fields.npn = FieldValue(value="12345678")
    a.fields.medicinal_ingredients = [Ingredient(name="Zinc", quantity=10, unit="mg"),
                                      Ingredient(name="Magnesium", quantity=10, unit="mg"),
                                      Ingredient(name="Total Carbohydrate", quantity=5, unit="g")]
    s = score_product(a, truth)
    assert s.licence_ok and s.npn_false
    assert summarise([s])["false_npns"] == 1
    rows = s.misses["medicinal_ingredients"]
    assert rows["missing"] == [{"name": "Magnesium", "quantity": 100, "unit": "mg",
                                "read_as": {"name": "Magnesium", "quantity": 10, "unit": "mg"}}]
    assert {"name": "Total Carbohydrate", "quantity": 5, "unit": "g", "nutrition_row": True} in rows["extra"]
    assert s.misses["npn"] == {"expected": None, "got": "12345678", "false_npn": True}
    a.match.lnhpd_id, a.match.licence_number, a.match.method = 7, "80012345", "search"  # a licence for a product with none
    wrong = score_product(a, truth)
    assert not wrong.licence_ok
    assert wrong.misses["licence"] == {"expected": None, "got": "80012345", "method": "search"}
    assert summarise([wrong])["false_licences"] == 1


def test_trademark_signs_are_not_part_of_a_name() -> None:
    """NFKD spells ™ as "TM": "SCULPT™" would never match the printed name "Sculpt"."""
    from cyclops.evaluate.metrics import norm_text, score_text_field

    assert norm_text("SCULPT™") == "sculpt" and norm_text("Fibregum® Acacia") == "fibregum acacia"
    assert score_text_field("SCULPT™", "Sculpt").tp == 1


def test_evaluate_with_another_parameter_set_records_which_was_in_force(tmp_path):
    """The same two crafted products, with the default thresholds and with one changed (``--params``): the results
    and every analysis name the parameters in force, and the two runs differ in them."""
    import json

    from typer.testing import CliRunner

    from cyclops.cli import app
    from cyclops.pipeline.parameters import Parameters

    photos = tmp_path / "photos"
    photos.mkdir()
    _photo(photos / "a.png", ("Vitamin D3 1000 IU", "Acme Naturals Inc."))
    _photo(photos / "b.png", ("Omega Sleep Formula", "NPN 80012345"))
    printed = {"npn": None, "npn_legible": False, "brand": None, "company": None, "medicinal_ingredients": []}
    truth = {"products": [
        {"product_id": "vitd", "photos": ["a.png"], "licence_number": None,
         "printed": {**printed, "product_name": "Vitamin D3 1000 IU"}, "violations": ["NPN_MISSING"]},
        {"product_id": "sleep", "photos": ["b.png"], "licence_number": None,
         "printed": {**printed, "product_name": "Omega Sleep Formula"}, "violations": []},
    ]}
    truth_file = tmp_path / "truth.json"
    truth_file.write_text(json.dumps(truth), encoding="utf-8")
    changed = tmp_path / "strict.yaml"
    changed.write_text("match:\n  accept_score: 0.7\n", encoding="utf-8")

    runs = {}
    for name, extra in (("default", []), ("strict", ["--params", str(changed)])):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["evaluate", "--photos", str(photos), "--truth", str(truth_file),
                                          "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        runs[name] = (json.loads((out / "results.json").read_text()), (out / "results.md").read_text(), result.output)

    default, strict = runs["default"][0]["meta"]["params"], runs["strict"][0]["meta"]["params"]
    assert default["params"] == Parameters().fingerprint() and default["changed"] == {}
    assert strict["changed"] == {"match": {"accept_score": 0.7}}
    assert strict["params"] != default["params"] and strict["params.match"] != default["params.match"]
    assert strict["params.flags"] == default["params.flags"] and strict["params.extract"] == default["params.extract"]
    assert runs["strict"][0]["results"][0]["params"]["params"] == strict["params"]
    assert f"Parameters `{strict['params']}`" in runs["strict"][1] and "match.accept_score = 0.7" in runs["strict"][1]
    assert "the defaults" in runs["default"][1] and strict["params"] in runs["strict"][2]


def test_evaluate_refuses_a_parameter_file_naming_an_unknown_threshold(tmp_path):
    from typer.testing import CliRunner

    from cyclops.cli import app

    bad = tmp_path / "bad.json"
    bad.write_text('{"match": {"acept_score": 0.7}}', encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--params", str(bad), "--n", "1"])
    assert result.exit_code == 2 and "acept_score" in result.output


def test_every_list_field_miss_is_listed_as_the_score_pairs_it():
    """Non-medicinal ingredients, uses, directions and cautions: what the truth prints and was not proposed, and
    what was proposed and is not printed, paired as their score pairs them; the name and form fields too."""
    from cyclops.evaluate.run import misses_markdown
    from cyclops.model.analysis import NonMedicinalIngredient

    truth = _truth(non_medicinal_ingredients=["Citric Acid", "Silicon Dioxide"], dosage_form="Powder",
                   cautions=[{"text": "Keep out of reach of children.", "language": "en"}])
    a = Analysis()
    a.fields.medicinal_ingredients = [Ingredient(name="Vitamin D3", quantity=25, unit="mcg")]
    a.fields.non_medicinal_ingredients = [NonMedicinalIngredient(name="Citric Acid"), NonMedicinalIngredient(name="diet")]
    a.fields.recommended_uses = [TextItem(text="Helps in the development and maintenance of bones and teeth."),
                                 TextItem(text="AND THE POWER TO GO")]
    s = score_product(a, truth)
    assert s.fields["non_medicinal_ingredients"].tp == 1 and s.fields["recommended_uses"].fp == 1
    assert s.misses["non_medicinal_ingredients"] == {"missing": ["Silicon Dioxide"], "extra": ["diet"]}
    assert s.misses["recommended_uses"] == {"missing": [], "extra": ["AND THE POWER TO GO"]}
    assert s.misses["cautions"] == {"missing": ["Keep out of reach of children."], "extra": []}
    assert s.misses["dosage_form"] == {"expected": "Powder", "got": None}
    assert "directions" not in s.misses  # none printed, none proposed
    md = misses_markdown([{"engine": "rapidocr", "failures": [],
                           "products_detail": [{"product_id": "p1", "photos": ["a.jpg"], "misses": s.misses}]}])
    assert '- non medicinal ingredients missing (1):\n  - "Silicon Dioxide"' in md
    assert '- non medicinal ingredients extra (1):\n  - "diet"' in md
    assert '- recommended uses extra (1):\n  - "AND THE POWER TO GO"' in md
    assert '- cautions missing (1):\n  - "Keep out of reach of children."' in md
    assert '- dosage_form: expected "Powder", got —' in md


def test_a_statement_printed_as_several_sentences_is_scored_once():
    """The pipeline proposes sentence by sentence; the truth keeps a printed statement whole. Its sentences are
    joined before scoring one to one, so only what belongs to no printed statement, or repeats, is extra."""
    from cyclops.evaluate.metrics import score_statements, statement_units

    printed = ["Zinc supplementation can cause a copper deficiency. Consult a health care practitioner for use beyond "
               "12 weeks.", "Keep out of reach of children."]
    proposed = ["Zinc supplementation can cause a copper deficiency.", "Keep out of reach of children.",
                "Consult a health care practitioner for use beyond 12 weeks.", "Store in a cool dry place.",
                "Keep out of reach of children."]  # read again on another photo
    assert statement_units(proposed, printed) == [
        "Zinc supplementation can cause a copper deficiency. Consult a health care practitioner for use beyond 12 weeks.",
        "Keep out of reach of children.", "Store in a cool dry place.", "Keep out of reach of children."]
    c = score_statements(proposed, printed)
    assert (c.tp, c.fp, c.fn) == (2, 2, 0)
    assert score_statements(["Consult a health care practitioner for use beyond 12 weeks."], printed).fn == 1


def test_one_to_one_scoring_takes_the_largest_matching_and_the_likeliest_pairs():
    """A first-come matching gave a reading that two printed rows accept to the first of them, and could leave a row
    unmatched that another pairing matches."""
    from cyclops.evaluate.metrics import list_misses, same_name, score_names

    printed = ["Rebaudioside A (Stevia rebaudiana Leaf Extract)", "Rebaudioside M (Stevia rebaudiana Leaf Extract)"]
    assert list_misses(["Rebaudioside M (Stevia rebaudiana Leaf Extract)"], printed, same_name) == {
        "missing": ["Rebaudioside A (Stevia rebaudiana Leaf Extract)"], "extra": []}
    accepts = {("x", "a"), ("x", "b"), ("y", "a")}  # x reads as either row, y as the first only
    assert list_misses(["x", "y"], ["a", "b"], lambda p, t: (p, t) in accepts) == {"missing": [], "extra": []}
    assert score_names(["Citric Acid", "Citric Acid"], ["Citric Acid"]).fp == 1  # one to one still
