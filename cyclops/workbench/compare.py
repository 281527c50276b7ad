"""Pair the ingredients printed on the label with those of the licence, for the side-by-side table."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.lnhpd.synonyms import canonical_ingredient
from cyclops.model.analysis import Ingredient
from cyclops.units import to_common

RowState = Literal["matched", "mismatch", "label_only", "licence_only", "not_compared"]  # not_compared: licence in doubt


@dataclass
class IngredientRow:
    state: RowState
    label_index: int | None  # index in fields.medicinal_ingredients
    label: Ingredient | None
    licence: MedicinalIngredient | None


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(text.replace("-", " ").split())


def _canonical(name: str) -> str:
    """One key for synonyms (cholecalciferol = vitamin D3 = vitamine D3)."""
    return _plain(canonical_ingredient(name))


def same_quantity(label: Ingredient, licence: MedicinalIngredient) -> bool:
    """Equal amounts once both are in a common unit (mg, or as printed when units cannot be converted)."""
    if label.quantity is None or licence.quantity is None:
        return label.quantity is None and licence.quantity is None
    left = _common(label.quantity, label.unit or "", label.name)
    right = _common(licence.quantity, licence.quantity_unit_of_measure or "", licence.ingredient_name)
    return abs(left[0] - right[0]) <= 1e-6 * max(abs(left[0]), abs(right[0]), 1.0) and left[1] == right[1]


def _common(quantity: float, unit: str, name: str) -> tuple[float, str]:
    """Comparison unit from ``cyclops.units``; units it cannot convert are compared as printed."""
    converted = to_common(quantity, unit, name)
    if converted is not None:
        return converted
    return quantity, _plain(unit)


def pair_ingredients(label: list[Ingredient], licence: list[MedicinalIngredient], threshold: float = 85.0) -> list[IngredientRow]:
    """Best one-to-one pairing by name similarity; unpaired items are 'only on the label' / 'only in the licence'."""
    scores = sorted(
        ((fuzz.token_sort_ratio(_canonical(a.name), _canonical(b.ingredient_name)), i, j)
         for i, a in enumerate(label) for j, b in enumerate(licence)),
        reverse=True,
    )
    used_label: set[int] = set()
    used_licence: set[int] = set()
    pairs: dict[int, int] = {}
    for score, i, j in scores:
        if score < threshold or i in used_label or j in used_licence:
            continue
        pairs[i] = j
        used_label.add(i)
        used_licence.add(j)
    rows: list[IngredientRow] = []
    for i, ingredient in enumerate(label):
        if i in pairs:
            other = licence[pairs[i]]
            state: RowState = "matched" if same_quantity(ingredient, other) else "mismatch"
            rows.append(IngredientRow(state, i, ingredient, other))
        else:
            rows.append(IngredientRow("label_only", i, ingredient, None))
    rows.extend(IngredientRow("licence_only", None, None, m) for j, m in enumerate(licence) if j not in used_licence)
    return rows
