"""The label-versus-licence ingredient table of the Ingredients page: the rows of
``cyclops.compare.ingredients``, the pairing and verdicts the flags raise theirs from."""

from __future__ import annotations

from collections.abc import Sequence

from cyclops.compare.amounts import amount_agrees
from cyclops.compare.ingredients import IngredientRow, RowState, compare_ingredients
from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.model.analysis import Ingredient, LabelledLine

__all__ = ["IngredientRow", "RowState", "pair_ingredients", "same_quantity"]


def pair_ingredients(label: list[Ingredient], licence: Sequence[MedicinalIngredient],
                     other_language: Sequence[MedicinalIngredient] | None = None,
                     lines: list[LabelledLine] | None = None) -> list[IngredientRow]:
    """One row per printed ingredient, then the licensed ones not printed; pass the other language's
    licensed ingredients and the analysis's lines to judge exactly as the flags do."""
    return compare_ingredients(label, licence, other_language, lines).rows


def same_quantity(label: Ingredient, licence: MedicinalIngredient) -> bool:
    """Whether the printed amount is one the licence allows (after unit conversion)."""
    return amount_agrees(label, licence) is True
