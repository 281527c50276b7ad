"""Medicinal and non-medicinal ingredients: tables with dotted leaders (EN and FR), wrapped rows, inline lists."""

from __future__ import annotations

import pytest

from cyclops.extract.ingredients import extract_ingredients, parse_ingredient_text, pull_row_partners, split_inline
from cyclops.extract.lines import SourceLine
from cyclops.extract.non_medicinal import extract_non_medicinal, split_non_medicinal
from cyclops.model.ocr import rect


@pytest.mark.parametrize(
    ("row", "name", "quantity", "unit", "potency"),
    [
        ("Vitamin D3 (cholecalciferol) .......... 25 mcg (1000 IU)", "Vitamin D3 (cholecalciferol)", 25, "mcg", "1000 IU"),
        ("Vitamine D3 (cholécalciférol) ........ 25 µg (1 000 UI)", "Vitamine D3 (cholécalciférol)", 25, "mcg", "1 000 IU"),
        ("Vitamin C · · · · · · 2,5 mg", "Vitamin C", 2.5, "mg", None),
        ("Zinc (citrate) …… 1O mg", "Zinc (citrate)", 10, "mg", None),
        ("Vitamin D3 / Vitamine D3 ...... 1,000 IU", "Vitamin D3", 1000, "IU", None),
        ("Cholecalciferol / Cholécalciférol 2500 IU", "Cholecalciferol", 2500, "IU", None),
        ("Lactobacillus acidophilus ____ 10 billion CFU", "Lactobacillus acidophilus", 10e9, "CFU", None),
        ("Ginkgo biloba (50:1, 120 mg)", "Ginkgo biloba", 120, "mg", "50:1 extract"),
        ("Ashwagandha (root) 4:1 extract equivalent to 1200 mg dried root 300 mg", "Ashwagandha (root)", 300, "mg",
         "4:1 extract, equivalent to 1200 mg"),
    ],
)
def test_table_rows(row: str, name: str, quantity: float, unit: str, potency: str | None) -> None:
    ing = parse_ingredient_text(row)
    assert ing is not None
    assert (ing.name, ing.quantity, ing.unit, ing.potency) == (name, pytest.approx(quantity), unit, potency)


def test_ratio_only_row_takes_dried_herb_equivalent_as_quantity() -> None:
    ing = parse_ingredient_text("Échinacée (racine) extrait 4:1 équivalent à 200 mg de plante séchée")
    assert ing.name == "Échinacée (racine) extrait" or ing.name.startswith("Échinacée")
    assert (ing.quantity, ing.unit) == (200, "mg") and "4:1" in ing.potency


def test_wrapped_rows_headings_and_continuations_english() -> None:
    lines = [
        SourceLine("Medicinal ingredients / Each capsule contains:", image="img1", language="en"),
        SourceLine("Turmeric (Curcuma longa, rhizome)", image="img1", polygon=rect(10, 100, 300, 120), language="en"),
        SourceLine("extract ......... 500 mg", image="img1", polygon=rect(10, 122, 300, 142), language="en"),
        SourceLine("(95% curcuminoids)", image="img1", polygon=rect(10, 144, 300, 164), language="en"),
        SourceLine("Black pepper (Piper nigrum) .... 5 mg", image="img1", polygon=rect(10, 166, 300, 186), language="en"),
    ]
    ings = extract_ingredients(lines)
    assert [(i.name, i.quantity, i.unit) for i in ings] == [
        ("Turmeric (Curcuma longa, rhizome) extract", 500, "mg"),
        ("Black pepper (Piper nigrum)", 5, "mg"),
    ]
    assert ings[0].potency == "95% curcuminoids"
    assert [e.polygon for e in ings[0].evidence] == [rect(10, 100, 300, 120), rect(10, 122, 300, 142), rect(10, 144, 300, 164)]


def test_bilingual_table_gives_one_ingredient_per_row_pair() -> None:
    lines = [
        SourceLine("Each tablet contains:", language="en"),
        SourceLine("Vitamin C ........ 500 mg", language="en"),
        SourceLine("Zinc (citrate) .... 10 mg", language="en"),
        SourceLine("Chaque comprimé contient :", language="fr"),
        SourceLine("Vitamine C ....... 500 mg", language="fr"),
        SourceLine("Zinc (citrate) .... 10 mg", language="fr"),
    ]
    ings = extract_ingredients(lines)
    assert [(i.name, i.quantity) for i in ings] == [("Vitamin C", 500), ("Zinc (citrate)", 10)]
    assert all(len(i.evidence) == 2 for i in ings)


def test_inline_list() -> None:
    ings = extract_ingredients(["Medicinal ingredients: Vitamin C 500 mg, Zinc (citrate, gluconate) 10 mg; Vitamin D3 1,000 IU."])
    assert [(i.name, i.quantity, i.unit) for i in ings] == [("Vitamin C", 500, "mg"), ("Zinc (citrate, gluconate)", 10, "mg"),
                                                            ("Vitamin D3", 1000, "IU")]


def test_split_inline_respects_brackets_and_numbers() -> None:
    assert split_inline("A (x, y) 1,000 IU, B 2,5 mg; C") == ["A (x, y) 1,000 IU", "B 2,5 mg", "C"]


def test_confidence_combines_ocr_and_classifier() -> None:
    ing = extract_ingredients([SourceLine("Vitamin C .... 500 mg", confidence=0.9, label_probability=0.5)])[0]
    assert ing.confidence == pytest.approx(0.45)


def test_non_medicinal_split_and_language_dedup() -> None:
    assert split_non_medicinal("Non-medicinal ingredients: cellulose, magnesium stearate (vegetable), silica.") == [
        "cellulose", "magnesium stearate (vegetable)", "silica"]
    lines = [
        SourceLine("Non-medicinal ingredients: Gelatin, Glycerin, Sunflower", language="en"),
        SourceLine("oil, Mixed tocopherols.", language="en"),
        SourceLine("Ingrédients non médicinaux : Gélatine, Glycérine, Huile de", language="fr"),
        SourceLine("tournesol, Tocophérols mélangés.", language="fr"),
    ]
    names = [n.name for n in extract_non_medicinal(lines)]
    assert names == ["Gelatin", "Glycerin", "Sunflower oil", "Mixed tocopherols"]


def test_non_medicinal_french_only() -> None:
    names = [n.name for n in extract_non_medicinal([SourceLine("Ingrédients non médicinaux : cellulose, silice", language="fr")])]
    assert names == ["cellulose", "silice"]


def test_table_cells_read_as_separate_lines_are_joined() -> None:
    lines = [
        SourceLine("600 mg", image="img1", polygon=rect(1263, 189, 1360, 232), label="medicinal_ingredient"),
        SourceLine("Magnesium / Magnésium", image="img1", polygon=rect(205, 225, 653, 268), label="medicinal_ingredient"),
        SourceLine("... 100 mg", image="img1", polygon=rect(1248, 228, 1360, 269), label="medicinal_ingredient"),
        SourceLine("Zinc…………", image="img1", polygon=rect(208, 269, 345, 303), label="medicinal_ingredient"),
        SourceLine("… 5 0 mg", image="img1", polygon=rect(1255, 267, 1359, 307), label="medicinal_ingredient"),
        SourceLine("Cholecalciferol / Cholécalciférol", image="img1", polygon=rect(205, 298, 648, 341), label="recommended_use"),
        SourceLine("10 mcg", image="img1", polygon=rect(1268, 309, 1357, 344), label="medicinal_ingredient"),
    ]
    pull_row_partners(lines)
    assert lines[5].label == "medicinal_ingredient"
    ings = extract_ingredients([line for line in lines if line.label == "medicinal_ingredient"])
    # the orphan "600 mg" (its name was not read) gives no invented ingredient
    assert [(i.name, i.quantity, i.unit) for i in ings] == [("Magnesium", 100, "mg"), ("Zinc", 50, "mg"), ("Cholecalciferol", 10, "mcg")]
    assert ings[0].evidence[0].polygon == rect(205, 225, 1360, 269)
