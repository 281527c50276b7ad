"""Unit spellings and conversions, including per-vitamin International Units."""

from __future__ import annotations

import math

import pytest

from cyclops.units import normalize_unit, parse_amounts, same_amount, to_common, vitamin_of


@pytest.mark.parametrize(("spelling", "canonical"), [
    ("mcg", "mcg"), ("µg", "mcg"), ("μg", "mcg"), ("ug", "mcg"), ("µg RAE", "mcg"), ("IU", "IU"), ("UI", "IU"),
    ("i.u.", "IU"), ("mg", "mg"), ("MG", "mg"), ("g", "g"), ("kg", "kg"), ("mL", "mL"), ("ml", "mL"), ("%", "%"),
    ("CFU", "CFU"), ("UFC", "CFU"), ("billion CFU", "CFU"), ("milliards UFC", "CFU"), ("mg AT", "mg"),
])
def test_unit_spellings_normalise(spelling: str, canonical: str) -> None:
    assert normalize_unit(spelling) == canonical


@pytest.mark.parametrize("unknown", ["", None, "tablets", "drops", "xyz"])
def test_unknown_units_are_none(unknown: str | None) -> None:
    assert normalize_unit(unknown) is None


def test_masses_convert_to_mg() -> None:
    assert to_common(1, "g") == (1000.0, "mg")
    assert to_common(2, "kg") == (2_000_000.0, "mg")
    assert to_common(500, "µg") == pytest.approx((0.5, "mg"))
    assert to_common(5, "ml") == (5.0, "mL")
    assert to_common(10, "billion CFU") == (1e10, "CFU")


def test_vitamin_d_iu() -> None:
    """1 mcg cholecalciferol = 40 IU."""
    value, unit = to_common(1000, "IU", "Vitamin D3 (cholecalciferol)")
    assert unit == "mg" and math.isclose(value, 0.025)
    assert same_amount(25, "mcg", 1000, "UI", "Vitamine D3") is True
    assert same_amount(50, "mcg", 1000, "IU", "cholecalciferol") is False


def test_vitamin_a_iu() -> None:
    """1 mcg RAE = 3.33 IU retinol."""
    assert same_amount(3330, "IU", 1000, "mcg", "Vitamin A (retinyl palmitate)") is True
    assert same_amount(10000, "IU", 1000, "mcg", "Vitamin A") is False


def test_vitamin_e_iu_depends_on_form() -> None:
    """1 IU = 0.67 mg d-alpha-tocopherol, 0.45 mg dl-alpha-tocopherol."""
    assert same_amount(400, "IU", 268, "mg", "d-alpha-tocopherol") is True
    assert same_amount(400, "IU", 180, "mg", "dl-alpha-tocopherol") is True
    assert same_amount(400, "IU", 180, "mg", "d-alpha-tocopherol") is False
    assert same_amount(400, "IU", 294.4, "mg", "d-alpha-tocopheryl acetate") is True
    # form not named: any recognised form's factor is accepted rather than a false mismatch
    assert same_amount(400, "IU", 180, "mg", "Vitamin E") is True


def test_not_comparable_is_none() -> None:
    assert same_amount(5, "mL", 5, "mg", "fish oil") is None
    assert same_amount(1000, "IU", 1, "mg", "Vitamin C") is None  # IU means nothing for vitamin C
    assert to_common(1000, "IU", "Lactobacillus") == (1000.0, "IU")
    assert to_common(10, "tablets") is None
    assert to_common(float("nan"), "mg") is None


def test_homeopathic_dilutions_compare_as_printed() -> None:
    assert same_amount(30, "CH", 30, "ch") is True
    assert same_amount(30, "CH", 15, "CH") is False
    assert same_amount(30, "CH", 30, "mg") is None


def test_same_amount_tolerates_rounding() -> None:
    assert same_amount(1, "g", 1010, "mg") is True
    assert same_amount(1, "g", 1100, "mg") is False


def test_vitamin_of() -> None:
    assert vitamin_of("Cholecalciferol") == "D"
    assert vitamin_of("Vitamine E") == "E"
    assert vitamin_of("Retinyl palmitate") == "A"
    assert vitamin_of("Ascorbic acid") is None


def test_parse_amounts() -> None:
    assert parse_amounts("25 mcg (1000 IU)") == [(25.0, "mcg"), (1000.0, "IU")]
    assert parse_amounts("10 milliards UFC") == [(1e10, "CFU")]
    assert parse_amounts("4:1 extract, 2,5 mg") == [(2.5, "mg")]
    assert parse_amounts("no amounts here") == []
