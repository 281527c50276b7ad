"""Whether a printed amount is one the licence allows: its quantity or range, potency or dried-herb
equivalent, compared after unit conversion (25 mcg = 1000 IU of vitamin D), and when a read amount
is too unsure to compare at all."""

from __future__ import annotations

import re

from cyclops.compare.params import DEFAULT_COMPARISON, ComparisonParams
from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.model.analysis import Ingredient
from cyclops.units import normalize_unit, parse_amounts, same_amount, to_common

#: a number OCR read with a gap inside ("10 0 mg"): often a digit lost in the gap
_GAPPED_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}) (\d{1,3})(?=\s*[^\W\d_%]{1,3}\b|\s*%)")


def licensed_amounts(mi: MedicinalIngredient) -> list[tuple[float, float, str]]:
    """(low, high, unit) amounts a label may print for a licensed ingredient: quantity or its
    range, potency, dried-herb equivalent."""
    out: list[tuple[float, float, str]] = []
    unit = mi.quantity_unit_of_measure
    if unit:
        if mi.quantity is not None:
            out.append((mi.quantity, mi.quantity, unit))
        if mi.quantity_minimum is not None or mi.quantity_maximum is not None:
            low = mi.quantity_minimum if mi.quantity_minimum is not None else mi.quantity_maximum
            high = mi.quantity_maximum if mi.quantity_maximum is not None else mi.quantity_minimum
            out.append((low, high, unit))
    if mi.potency_amount is not None and mi.potency_unit_of_measure:
        out.append((mi.potency_amount, mi.potency_amount, mi.potency_unit_of_measure))
    if mi.dried_herb_equivalent:
        for value, dhe_unit in parse_amounts(f"{mi.dried_herb_equivalent} {mi.dhe_unit_of_measure or ''}"):
            out.append((value, value, dhe_unit))
    return out


def _within(value: float, unit: str, low: float, high: float, lunit: str, name: str, margin: float) -> bool | None:
    if low == high:
        return same_amount(value, unit, low, lunit, name)
    v, lo, hi = to_common(value, unit, name), to_common(low, lunit, name), to_common(high, lunit, name)
    if not (v and lo and hi) or not (v[1] == lo[1] == hi[1]):
        return None
    return lo[0] * (1 - margin) <= v[0] <= hi[0] * (1 + margin)


def amount_agrees(ing: Ingredient, mi: MedicinalIngredient, params: ComparisonParams = DEFAULT_COMPARISON) -> bool | None:
    """Whether the printed amount equals one of the licensed amounts; None when they cannot be compared."""
    if ing.quantity is None or not ing.unit or normalize_unit(ing.unit) is None:
        return None
    name = f"{mi.ingredient_name} {ing.name}"
    results = [_within(ing.quantity, ing.unit, lo, hi, u, name, params.range_margin) for lo, hi, u in licensed_amounts(mi)]
    comparable = [r for r in results if r is not None]
    return any(comparable) if comparable else None


def lost_digit_fits(ing: Ingredient, mi: MedicinalIngredient) -> bool:
    """Whether the licensed amount is what was printed with one digit OCR lost in a gap ("10 0 mg" for
    1000 mg): such a read proves no mismatch."""
    licensed = {round(lo, 6) for lo, hi, _ in licensed_amounts(mi) if lo == hi}
    for evidence in ing.evidence:
        for m in _GAPPED_NUMBER.finditer(evidence.text or ""):
            if any(float(m.group(1) + d + m.group(2)) in licensed for d in "0123456789"):
                return True
    return False


def unsure_amount(ing: Ingredient, params: ComparisonParams = DEFAULT_COMPARISON) -> bool:
    """An amount OCR read too unsurely to compare with the licence (``params.sure_amount``). It keeps its
    low ``quantity_confidence``, so the dashboard asks the analyst to check it."""
    return ing.quantity_confidence is not None and ing.quantity_confidence < params.sure_amount
