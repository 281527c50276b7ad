"""Quantities in every unit, ratios, dried herb equivalents, French commas and thousands separators."""

from __future__ import annotations

import pytest

from cyclops.extract.quantity import parse_quantity


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("500 mg", 500, "mg"), ("500mg", 500, "mg"), ("5 rng", 5, "mg"), ("25 mcg", 25, "mcg"), ("25 µg", 25, "mcg"),
        ("25 μg", 25, "mcg"), ("25 ug", 25, "mcg"), ("1 g", 1, "g"), ("15 mL", 15, "mL"), ("15 ml", 15, "mL"),
        ("400 IU", 400, "IU"), ("400 UI", 400, "IU"), ("400 I.U.", 400, "IU"), ("5 %", 5, "%"), ("0.5%", 0.5, "%"),
        ("2,5 mg", 2.5, "mg"), ("1,000 IU", 1000, "IU"), ("1 000 UI", 1000, "IU"), ("1\u00a0000 UI", 1000, "IU"),
        ("10 billion CFU", 10e9, "CFU"), ("10 milliards UFC", 10e9, "CFU"), ("5 million CFU", 5e6, "CFU"),
        ("1OO mg", 100, "mg"),
    ],
)
def test_units_and_numbers(text: str, value: float, unit: str) -> None:
    q = parse_quantity(text)
    assert q is not None
    assert (q.value, q.unit) == (pytest.approx(value), unit)


def test_potency_in_brackets() -> None:
    q = parse_quantity("25 mcg (1000 IU)")
    assert (q.value, q.unit, q.potency) == (25, "mcg", "1000 IU")
    q = parse_quantity("500 mg (95% curcuminoids)")
    assert (q.value, q.unit, q.potency) == (500, "mg", "95% curcuminoids")


def test_ratio_extract_equivalent_english() -> None:
    q = parse_quantity("4:1 extract equivalent to 200 mg dried herb")
    assert q.ratio == "4:1" and (q.dhe, q.dhe_unit) == (200, "mg") and q.value is None
    assert q.describe() == "4:1 extract, equivalent to 200 mg"


def test_ratio_extract_equivalent_french() -> None:
    q = parse_quantity("extrait 4:1 équivalent à 200 mg de plante séchée")
    assert q.ratio == "4:1" and (q.dhe, q.dhe_unit) == (200, "mg") and q.value is None


def test_extract_quantity_with_ratio_and_equivalent() -> None:
    q = parse_quantity("50 mg (4:1, equivalent to 200 mg)")
    assert (q.value, q.unit, q.ratio, q.dhe) == (50, "mg", "4:1", 200)


def test_french_thousands_and_decimal_comma_with_language() -> None:
    assert parse_quantity("2,500 mg", language="fr").value == pytest.approx(2.5)
    assert parse_quantity("2,500 mg", language="en").value == pytest.approx(2500)


@pytest.mark.parametrize("text", ["", "Vitamin D3", "Take with food", "NPN"])
def test_no_quantity(text: str) -> None:
    assert parse_quantity(text) is None


def test_a_count_of_live_cells_with_a_one_letter_multiplier_is_not_a_misread_eight():
    """Frog Fuel prints "5B CFU": digit repair took the B for an 8 and gave 58 CFU."""
    for printed, count in (("5B CFU", 5e9), ("Probiotic Blend 10 B CFU", 10e9), ("2.5B CFU", 2.5e9), ("50M CFU", 50e6),
                           ("5 milliards UFC", 5e9)):
        q = parse_quantity(printed)
        assert q is not None and q.value == count and q.unit == "CFU", printed
    assert parse_quantity("Vitamin B 12 mcg").value == 12  # a vitamin's letter is no multiplier
