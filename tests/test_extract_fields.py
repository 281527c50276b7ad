"""extract_fields on a hand-built OCR document: the shipped classifier plus the rules give the label's facts."""

from __future__ import annotations

import pytest

from cyclops.extract import extract_fields, fields_from_lines
from cyclops.extract.lines import SourceLine
from cyclops.model.analysis import FIELD_LABELS
from cyclops.model.ocr import Block, Document, Line, Page, Word, rect


def _line(text: str, x: float, y: float, size: float, language: str | None = None, confidence: float = 0.95,
          vertical: bool = False) -> Line:
    """One OCR line with a word per token, laid out left to right at font size ``size`` pixels."""
    words, cursor = [], x
    for token in text.split():
        width = 0.55 * size * len(token)
        words.append(Word(text=token, confidence=confidence, polygon=rect(cursor, y, cursor + width, y + size)))
        cursor += width + 0.3 * size
    polygon = rect(x, y, cursor, y + size) if not vertical else rect(x, y, x + size, y + (cursor - x))
    return Line(words=words, polygon=polygon, confidence=confidence, language=language, vertical=vertical)


def _page(image_id: str, rows: list[tuple[str, float, str | None]], x: float = 60, y0: float = 60, extra: list[Line] | None = None) -> Page:
    lines, y = [], y0
    for text, size, language in rows:
        lines.append(_line(text, x, y, size, language))
        y += size * 1.5
    lines += extra or []
    return Page(image_id=image_id, width=1600, height=1200, blocks=[Block(lines=lines, polygon=rect(0, 0, 1600, 1200))])


@pytest.fixture(scope="module")
def document() -> Document:
    front = _page("img0", [
        ("Northern Roots", 48, None),
        ("Vitamin D3 1000 IU", 96, None),
        ("90 Softgels / Capsules molles", 36, None),
    ], x=300, y0=200, extra=[_line("NPN 80012345", 1540, 300, 26, vertical=True)])
    back = _page("img1", [
        ("Each softgel contains: / Chaque capsule molle contient :", 22, None),
        ("Vitamin D3 (Cholecalciferol) / Vitamine D3 (Cholécalciférol) 25 mcg (1000 IU)", 22, None),
        ("Recommended use:", 22, "en"),
        ("Helps in the development and maintenance of bones and", 22, "en"),
        ("teeth.", 22, "en"),
        ("Usage recommandé :", 22, "fr"),
        ("Aide au développement et au maintien des os et des dents.", 22, "fr"),
        ("Directions:", 22, "en"),
        ("Adults: Take 1 softgel once daily.", 22, "en"),
        ("Mode d'emploi :", 22, "fr"),
        ("Adultes : Prendre 1 capsule molle une fois par jour.", 22, "fr"),
        ("Cautions and warnings:", 22, "en"),
        ("Consult a health care practitioner prior to use if you are", 22, "en"),
        ("taking blood thinners.", 22, "en"),
        ("Mises en garde :", 22, "fr"),
        ("Consultez un praticien de soins de santé avant d'en faire", 22, "fr"),
        ("l'usage si vous prenez des anticoagulants.", 22, "fr"),
        ("Non-medicinal ingredients: Gelatin, Glycerin, Sunflower oil.", 22, "en"),
        ("Ingrédients non médicinaux : Gélatine, Glycérine, Huile de tournesol.", 22, "fr"),
        ("Distributed by: / Distribué par :", 20, None),
        ("Northern Roots Naturals Inc.", 20, None),
        ("120 King St W, Toronto ON M5H 1J9", 20, None),
    ])
    return Document(engine="hand", engine_version="0", pages=[front, back])


@pytest.fixture(scope="module")
def extracted(document: Document):
    return extract_fields(document)


def test_every_line_is_labelled_with_evidence(document: Document, extracted) -> None:
    _, lines = extracted
    assert len(lines) == len(document.lines())
    assert all(line.label in FIELD_LABELS and 0 < line.confidence <= 1 and line.polygon for line in lines)
    assert {line.image for line in lines} == {"img0", "img1"}


def test_codes_and_names(extracted) -> None:
    fields, _ = extracted
    assert fields.npn.value == "80012345" and not fields.npn.illegible
    assert fields.npn.evidence[0].image == "img0" and fields.npn.evidence[0].polygon
    assert fields.product_name.value == "Vitamin D3 1000 IU"
    assert fields.brand.value == "Northern Roots"
    assert fields.company.value == "Northern Roots Naturals Inc."
    assert (fields.dosage_form.value, fields.net_quantity.value) == ("Softgel", "90")


def test_ingredients(extracted) -> None:
    fields, _ = extracted
    assert [(i.name, i.quantity, i.unit, i.potency) for i in fields.medicinal_ingredients] == [
        ("Vitamin D3 (Cholecalciferol)", 25, "mcg", "1000 IU")]
    ev = fields.medicinal_ingredients[0].evidence[0]
    assert ev.image == "img1" and ev.polygon and "25 mcg" in ev.text
    assert [n.name for n in fields.non_medicinal_ingredients] == ["Gelatin", "Glycerin", "Sunflower oil"]


def test_statements(extracted) -> None:
    fields, _ = extracted
    assert [(s.text, s.language) for s in fields.recommended_uses] == [
        ("Helps in the development and maintenance of bones and teeth.", "en"),
        ("Aide au développement et au maintien des os et des dents.", "fr"),
    ]
    assert [s.language for s in fields.directions] == ["en", "fr"]
    assert fields.directions[0].text == "Adults: Take 1 softgel once daily."
    assert fields.cautions[0].text == "Consult a health care practitioner prior to use if you are taking blood thinners."
    assert all(0 < s.confidence <= 1 and s.evidence for s in fields.recommended_uses + fields.directions + fields.cautions)


def test_illegible_npn_and_empty_document() -> None:
    fields = fields_from_lines([SourceLine("NPN 800123", image="img2", polygon=rect(1550, 10, 1600, 40), label="npn")])
    assert fields.npn.value is None and fields.npn.illegible and fields.npn.evidence[0].image == "img2"
    empty, lines = extract_fields(Document(engine="hand", engine_version="0", pages=[Page(image_id="img0", width=10, height=10)]))
    assert lines == [] and empty.npn.value is None and empty.medicinal_ingredients == []


def test_product_name_and_its_french_translation_below_are_two_candidates() -> None:
    from cyclops.extract.product_name import extract_product_name

    lines = [SourceLine("Rideau Vitamin C", image="img0", polygon=rect(100, 100, 700, 160), language="fr"),
             SourceLine("Rideau Vitamine C", image="img0", polygon=rect(100, 165, 700, 225), language="fr")]
    assert extract_product_name(lines).value == "Rideau Vitamin C"
    # a name wrapped over two lines stays one name
    wrapped = [SourceLine("Fleuve Vert Glucosamine Chondroitin MSM", image="img0", polygon=rect(100, 100, 900, 160)),
               SourceLine("Once Daily", image="img0", polygon=rect(100, 165, 400, 225))]
    assert extract_product_name(wrapped).value == "Fleuve Vert Glucosamine Chondroitin MSM Once Daily"


def test_brand_filed_under_another_label_is_found_beside_the_name_and_a_logo_glyph_is_no_brand() -> None:
    lines = [
        SourceLine("O", image="img0", polygon=rect(100, 40, 140, 90), label="brand"),
        SourceLine("Hudson", image="img0", polygon=rect(216, 149, 404, 229), label="recommended_use"),
        SourceLine("Hudson Botanica Calcium + D3", image="img0", polygon=rect(106, 273, 1026, 388), label="product_name"),
    ]
    fields = fields_from_lines(lines)
    assert fields.brand.value == "Hudson"
    assert fields.product_name.value == "Hudson Botanica Calcium + D3"
