"""Rules comparing the printed medicinal ingredients with the licensed ones: missing, extra,
and different amounts (compared after unit conversion, so 25 mcg = 1000 IU of vitamin D).

The pairing and the verdict on each row are ``cyclops.compare.ingredients``, the rows the
Ingredients page and the report show; the rules here only turn them into flags."""

from __future__ import annotations

from cyclops.compare.amounts import licensed_amounts
from cyclops.compare.ingredients import compare_ingredients
from cyclops.flags.context import Context
from cyclops.flags.messages import make_flag
from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.model.analysis import Flag, Ingredient

_INGREDIENT_LINES = {"medicinal_ingredient"}


def _other_language(ctx: Context) -> list[MedicinalIngredient] | None:
    """The French licence's ingredients when the English one is compared: they lend their names."""
    return ctx.licence_fr.medicinal_ingredients if ctx.licence is ctx.licence_en and ctx.licence_fr else None


def ingredient_rules(ctx: Context) -> list[Flag]:
    """INGREDIENT_NOT_ON_LABEL, INGREDIENT_NOT_LICENSED and QUANTITY_MISMATCH in one pass (they share the pairing)."""
    licensed = ctx.licence.medicinal_ingredients if ctx.licence else []
    if not licensed:
        return []
    printed = ctx.fields.medicinal_ingredients
    comparison = compare_ingredients(printed, licensed, _other_language(ctx), ctx.lines, ctx.params)
    pairing = comparison.pairing
    flags: list[Flag] = []
    all_lines = ctx.line_text()
    read_any = bool(pairing.pairs or pairing.weak) and not ctx.label_unread
    for li in pairing.unprinted if read_any else []:  # nothing paired: the ingredient list was not read
        if any(ctx.appears(n, all_lines, ctx.params.ingredient_on_lines_ratio) for n in comparison.names[li]):
            continue  # printed, but the extractor did not list it
        flags.append(make_flag("INGREDIENT_NOT_ON_LABEL", name=licensed[li].ingredient_name))
    for pi in pairing.unlicensed:
        if comparison.row_of(pi).state == "label_only":
            ing = printed[pi]
            flags.append(make_flag("INGREDIENT_NOT_LICENSED", list(ing.evidence) or ctx.evidence_for(ing.name, _INGREDIENT_LINES),
                                   name=ing.name))
    for pi, li in pairing.pairs:
        if comparison.row_of(pi).state == "mismatch":
            flags.append(quantity_mismatch(printed[pi], licensed[li], ctx))
    return flags


def _fmt(value: float, unit: str) -> str:
    return f"{value:g} {unit}"


def quantity_mismatch(ing: Ingredient, mi: MedicinalIngredient, ctx: Context) -> Flag:
    """QUANTITY_MISMATCH for a "mismatch" row, printed and licensed amounts in its message."""
    amounts = licensed_amounts(mi)
    licensed_text = " / ".join(_fmt(lo, u) if lo == hi else f"{lo:g}-{hi:g} {u}" for lo, hi, u in amounts)
    return make_flag("QUANTITY_MISMATCH", list(ing.evidence) or ctx.evidence_for(ing.name, _INGREDIENT_LINES),
                     name=ing.name, printed=_fmt(ing.quantity, ing.unit), licensed=licensed_text)
