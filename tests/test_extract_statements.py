"""Statements (uses, directions, cautions), dosage form and names."""

from __future__ import annotations

import pytest

from cyclops.extract import fields_from_lines
from cyclops.extract.brand import extract_brand
from cyclops.extract.company import company_name, extract_company, is_address
from cyclops.extract.dosage_form import extract_dosage_form, parse_dosage_form
from cyclops.extract.headings import match_heading, strip_heading
from cyclops.extract.lines import SourceLine, column_order
from cyclops.extract.product_name import extract_product_name
from cyclops.extract.statements import extract_statements, is_statement, join_lines, split_sentences
from cyclops.model.ocr import rect


@pytest.mark.parametrize(
    ("text", "section", "rest"),
    [
        ("Recommended use(s): Helps maintain", "recommended_use", "Helps maintain"),
        ("Usage recommandé : Aide à", "recommended_use", "Aide à"),
        ("Directions: Take 1", "dose", "Take 1"),
        ("Mode d’emploi : Prendre 1", "dose", "Prendre 1"),
        ("Directions / Mode d'emploi: Take 1", "dose", "Take 1"),
        ("Cautions and warnings: Consult", "caution", "Consult"),
        ("Mises en garde : Consultez", "caution", "Consultez"),
        ("Manufactured for / Fabriqué pour : Acme Inc.", "company", "Acme Inc."),
    ],
)
def test_headings(text: str, section: str, rest: str) -> None:
    assert match_heading(text)[0] == section
    assert strip_heading(text) == rest


def test_not_a_heading() -> None:
    assert match_heading("Uses less sugar than") is None
    assert strip_heading("Adults: Take 1 tablet") == "Adults: Take 1 tablet"


def test_sentences_and_wrapping() -> None:
    assert join_lines(["Helps in the develop-", "ment of bones"]) == "Helps in the development of bones"
    assert split_sentences("Consult a practitioner if symptoms persist, e.g. pain. Keep out of reach of children.") == [
        "Consult a practitioner if symptoms persist, e.g. pain.", "Keep out of reach of children."]


def test_statements_per_language_with_evidence() -> None:
    lines = [
        SourceLine("Recommended use: Helps in the development and maintenance of bones and", image="img1",
                   polygon=rect(0, 0, 100, 10), language="en"),
        SourceLine("teeth. Helps in the absorption of calcium.", image="img1", polygon=rect(0, 12, 100, 22), language="en"),
        SourceLine("Usage recommandé : Aide au développement et au maintien des os et des dents.", image="img1",
                   polygon=rect(0, 30, 100, 40), language="fr"),
    ]
    items = extract_statements(lines)
    assert [(i.text, i.language) for i in items] == [
        ("Helps in the development and maintenance of bones and teeth.", "en"),
        ("Helps in the absorption of calcium.", "en"),
        ("Aide au développement et au maintien des os et des dents.", "fr"),
    ]
    assert [e.polygon for e in items[0].evidence] == [rect(0, 0, 100, 10), rect(0, 12, 100, 22)]
    assert [e.polygon for e in items[1].evidence] == [rect(0, 12, 100, 22)]


def test_statement_language_guessed_when_ocr_gave_none() -> None:
    items = extract_statements(["Consult a health care practitioner prior to use.", "Consultez un praticien avant d'en faire l'usage."])
    assert [i.language for i in items] == ["en", "fr"]


@pytest.mark.parametrize(
    ("text", "form", "net"),
    [
        ("300 Tablets / Comprimés", "Tablet", "300"),
        ("90 softgels", "Softgel", "90"),
        ("60 capsules végétales", "Capsule", "60"),
        ("120 vegetable capsules / capsules végétales", "Capsule", "120"),
        ("300 Softgels / Capsules molles", "Softgel", "300"),
        ("120 mL", None, "120 mL"),
        ("Take 2 capsules daily", None, None),
        # large type read without a space between words: a form of two words still reads, one of one word does not
        ("SLEEPDRINK MIX", "Powder", None),
        ("Microcapsules", None, None),
    ],
)
def test_dosage_form(text: str, form: str | None, net: str | None) -> None:
    assert parse_dosage_form(text) == (form, net)


def test_dosage_form_skips_direction_lines() -> None:
    form, net = extract_dosage_form([SourceLine("Take 2 capsules", label="dose"), SourceLine("90 softgels", image="img0")])
    assert (form.value, net.value) == ("Softgel", "90") and net.evidence[0].image == "img0"


def test_company_name_and_address() -> None:
    assert company_name(["Manufactured for / Fabriqué pour :", "Acme Health Inc.", "123 Main Street", "Toronto, ON M5V 2T6"]) == (
        "Acme Health Inc.", 1)
    assert company_name(["Fabriqué pour : Santé Naturelle Ltée, 45 rue Principale"])[0] == "Santé Naturelle Ltée"
    assert company_name(["Distributed by: Green Leaf Naturals", "1-800-555-1234"])[0] == "Green Leaf Naturals"
    assert is_address("120 King St W, Toronto ON M5H 1J9") and not is_address("Aurora Herbals Corp.")
    fv = extract_company([SourceLine("Aurora Herbals Corp.", image="img1"), SourceLine("120 King St W, Toronto ON M5H 1J9", image="img1")])
    assert fv.value == "Aurora Herbals Corp." and len(fv.evidence) == 2


def test_product_name_prefers_big_type_and_joins_wrapped_lines() -> None:
    lines = [
        SourceLine("Vitamin D3", image="img0", polygon=rect(10, 10, 300, 60)),
        SourceLine("1000 IU", image="img0", polygon=rect(10, 65, 200, 110)),
        SourceLine("small print", image="img0", polygon=rect(10, 500, 100, 510)),
    ]
    fv = extract_product_name(lines)
    assert fv.value == "Vitamin D3 1000 IU" and len(fv.evidence) == 2
    assert extract_brand([SourceLine("Aurora", image="img0", polygon=rect(0, 0, 50, 20))]).value == "Aurora"
    assert extract_product_name([]).value is None


def test_product_name_keeps_english_and_french_apart_and_finds_a_stray_brand() -> None:
    lines = [
        SourceLine("O Rideau", image="img0", polygon=rect(100, 100, 300, 140), label="product_name"),
        SourceLine("Rideau Ginkgo Biloba 60 mg Maximum Strength", image="img0", polygon=rect(100, 160, 1000, 220),
                   language="en", label="product_name"),
        SourceLine("Rideau Ginkgo biloba 60 mg Force maximale", image="img0", polygon=rect(100, 230, 900, 280),
                   language="fr", label="product_name"),
    ]
    fields = fields_from_lines(lines)
    assert fields.product_name.value == "Rideau Ginkgo Biloba 60 mg Maximum Strength"
    assert fields.brand.value == "Rideau"


def test_side_by_side_columns_are_read_one_after_the_other() -> None:
    rows = [("Take at least 2 hours before or after other", "Prendre au moins 2 heures avant ou après la"),
            ("medications.", "prise d'autres médicaments.")]
    lines = []
    for k, (en, fr) in enumerate(rows):  # OCR order: row by row, English then French
        lines.append(SourceLine(en, image="img1", polygon=rect(205, 630 + 40 * k, 700, 670 + 40 * k), language="en"))
        lines.append(SourceLine(fr, image="img1", polygon=rect(795, 630 + 40 * k, 1350, 670 + 40 * k), language="fr"))
    items = extract_statements(column_order(lines))
    assert [i.text for i in items] == ["Take at least 2 hours before or after other medications.",
                                       "Prendre au moins 2 heures avant ou après la prise d'autres médicaments."]
    single = [SourceLine("A", image="i", polygon=rect(0, 0, 10, 10)), SourceLine("B", image="i", polygon=rect(500, 40, 510, 50))]
    assert [line.text for line in column_order(single)] == ["A", "B"]  # not side by side: order kept


def test_wrapped_sentence_tail_tagged_with_the_other_language_stays_in_its_sentence() -> None:
    lines = [SourceLine("Used in Herbal Medicine to help support peripheral", image="img1", language="en"),
             SourceLine("circulation.", image="img1", language="fr"),
             SourceLine("Utilisé en phytothérapie pour aider à favoriser la circulation.", image="img1", language="fr")]
    items = extract_statements(lines)
    assert [(i.text, i.language) for i in items] == [
        ("Used in Herbal Medicine to help support peripheral circulation.", "en"),
        ("Utilisé en phytothérapie pour aider à favoriser la circulation.", "fr"),
    ]


@pytest.mark.parametrize("stray", ["Hudson", "tony Plain Rd, Edmonton AB T5N 3Y6", "Glacier Labs Canada Ltd."])
def test_names_and_addresses_filed_in_a_section_are_not_statements(stray: str) -> None:
    items = extract_statements([SourceLine("Helps to maintain immune function.", image="img1", language="en"),
                                SourceLine(stray, image="img2", language="en")])
    assert [i.text for i in items] == ["Helps to maintain immune function."]


def test_letter_debris_from_upside_down_print_is_not_a_statement() -> None:
    lines = [SourceLine("Con t t hs.", image="img1", language="en"),
             SourceLine("Cons e e o e e e e d t d nrs.", image="img2", language="fr"),
             SourceLine("Aide au développement et au maintien des os et des dents.", image="img3", language="fr")]
    assert [i.text for i in extract_statements(lines)] == ["Aide au développement et au maintien des os et des dents."]


@pytest.mark.parametrize("text, statement", [
    ("mcg (RAE)", False), ("R PROT", False), ("Om (for", False), ("Immune support", True),
    ("Sunfiber Guar Fibre (Partally Hydholyze Guar Gum)", False), ("beta-carotene, chromium picoli pantothenate, DL polyethylene", False),
    ("Refrigerate after opening.", True), ("KEEP OUT OF REACH OF CHILDREN.", True),
    ("Conserver au réfrigérateur après ouverture.", True), ("For best results use daily.", True),
])
def test_a_statement_reads_as_words(text: str, statement: bool) -> None:
    """What real photos filed as cautions: table cells, ingredient lists and OCR debris are no statements."""
    assert is_statement(text) is statement


def test_a_statement_line_boxed_apart_on_its_row_carries_on_its_sentence() -> None:
    """Glare split myBrainCo's "...medica- / tions. Keep out of reach of children." into "tions. Keep out" and
    "each of children." on one row: the piece after it on the row carries the sentence on, not the disclaimer's
    line under it. A piece beside it that starts in capitals is another column ("Sunfiber® Guar Fibre", a facts
    panel's row), which stays out."""
    def at(text: str, left: float, top: float, right: float, bottom: float) -> SourceLine:
        return SourceLine(text, image="img1", polygon=rect(left, top, right, bottom), label="caution", language="en")

    lines = [at("using if pregnant breastfeeding or taking", 589, 2390, 1365, 2468),
             at("Sunfiber® Guar Fibre (Partially Hydrolyzed Guar Gum)", 1372, 2383, 2126, 2454),
             at("medications. Keep out", 494, 2442, 886, 2512), at("each of children.", 907, 2441, 1245, 2522),
             at("THESE STATEMENTS HAVE NOT BEEN EVALUATED.", 511, 2521, 1356, 2583)]
    texts = [item.text for item in extract_statements(lines)]
    assert "using if pregnant breastfeeding or taking medications." in texts
    assert "Keep out each of children." in texts and "Sunfiber® Guar Fibre (Partially Hydrolyzed Guar Gum)" in texts
