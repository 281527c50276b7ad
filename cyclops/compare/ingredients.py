"""The one pairing of the ingredients printed on a label with those of its licence, and what each
row of it shows. The flags raise QUANTITY_MISMATCH for a "mismatch" row and INGREDIENT_NOT_LICENSED
for a "label_only" row; the Ingredients page and the report show the same rows, so an analyst never
sees "quantity differs" where no flag was raised, or the reverse. Where the flags refuse to accuse
(a name read unsurely, an amount read against a neighbour's row), the row says "not_compared"."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cyclops.compare.amounts import amount_agrees, licensed_amounts, lost_digit_fits, unsure_amount
from cyclops.compare.names import ingredient_similarity, licensed_names, loose_similarity, secondary_names
from cyclops.compare.params import DEFAULT_COMPARISON, ComparisonParams
from cyclops.compare.reading import unsure_name
from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.model.analysis import Ingredient, LabelledLine
from cyclops.text.readable import is_letter_debris, is_readable

#: matched: paired, amounts agree (or neither prints one); mismatch: the amounts differ and the flags say so;
#: label_only: printed, not licensed, and the flags say so; licence_only: licensed, not paired with a printed
#: one; not_compared: paired or printed but not judged (read unsurely, amounts not comparable, licence in doubt)
RowState = Literal["matched", "mismatch", "label_only", "licence_only", "not_compared"]


@dataclass
class Pairing:
    pairs: list[tuple[int, int]]  # (printed index, licensed index)
    unlicensed: list[int]  # printed ingredients with no licensed counterpart
    unprinted: list[int]  # licensed ingredients with no printed counterpart
    weak: list[tuple[int, int]] = field(default_factory=list)  # garbled pairs: no amount check


@dataclass
class IngredientRow:
    state: RowState
    label_index: int | None  # index in fields.medicinal_ingredients
    label: Ingredient | None
    licence: MedicinalIngredient | None
    licence_index: int | None = None  # index in the licence's medicinal ingredients


@dataclass
class IngredientComparison:
    """The pairing and its rows: one row per printed ingredient in label order, then the unprinted licensed ones."""

    pairing: Pairing
    rows: list[IngredientRow]
    names: list[list[str]]  # every name of each licensed ingredient, in the licence's order

    def row_of(self, label_index: int) -> IngredientRow:
        return self.rows[label_index]


def licensed_name_lists(licensed: Sequence[MedicinalIngredient],
                        other_language: Sequence[MedicinalIngredient] | None = None) -> list[list[str]]:
    """Each licensed ingredient's names; the other language's record lends its name when both list as many."""
    others = other_language if other_language and len(other_language) == len(licensed) else []
    return [licensed_names(mi, others[i] if others else None) for i, mi in enumerate(licensed)]


def pair_ingredients(printed: list[Ingredient], licensed: list[list[str]],
                     agrees: Callable[[int, int], bool | None] | None = None,
                     params: ComparisonParams = DEFAULT_COMPARISON) -> Pairing:
    """Greedy best-first pairing of printed and licensed ingredients by name similarity.

    ``agrees(printed index, licensed index)`` says whether their amounts are equal; a name OCR
    garbled further still pairs when its amount is the licensed one (``params.amount_pair_similarity``).
    """
    scored = sorted(
        ((max(ingredient_similarity(p.name, n) for n in names), pi, li)
         for pi, p in enumerate(printed) for li, names in enumerate(licensed)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_l: set[int] = set()
    pairs = _take(scored, params.pair_similarity, used_p, used_l)
    # second pass: a name OCR garbled beyond the first threshold ("Mela niny") pairs with a
    # licensed ingredient nothing else claimed, if it is still recognisably that name
    weak = sorted(
        ((max(loose_similarity(printed[pi].name, n) for n in licensed[li]), pi, li)
         for pi in range(len(printed)) if pi not in used_p
         for li in range(len(licensed)) if li not in used_l),
        reverse=True,
    )
    weak_pairs = _take(weak, params.weak_pair_similarity, used_p, used_l)
    # third pass: what is still left over and prints exactly the amount of a licensed ingredient left
    # over, with a name that still resembles it, is that ingredient misread ("somnifoamg ... 2.5 %")
    if agrees:
        weak_pairs += _take(weak, params.amount_pair_similarity, used_p, used_l, lambda pi, li: agrees(pi, li) is True)
    unlicensed = [i for i in range(len(printed)) if i not in used_p]
    # a printed name equal to a second licensed ingredient's synonym (duplicates on the label) is not "extra"
    unlicensed = [i for i in unlicensed
                  if max((ingredient_similarity(printed[i].name, n) for names in licensed for n in names), default=0.0) < params.pair_similarity
                  and max((loose_similarity(printed[i].name, n) for names in licensed for n in names), default=0.0) < params.weak_pair_similarity]
    return Pairing(pairs, unlicensed, [i for i in range(len(licensed)) if i not in used_l], weak_pairs)


def _take(scored: list[tuple[float, int, int]], threshold: float, used_p: set[int], used_l: set[int],
          ok: Callable[[int, int], bool] | None = None) -> list[tuple[int, int]]:
    """Best-first one-to-one pairs from (score, printed, licensed), best first, down to ``threshold``;
    the indices taken are added to ``used_p`` and ``used_l``."""
    taken = []
    for score, pi, li in scored:
        if score < threshold:
            break
        if pi in used_p or li in used_l or (ok is not None and not ok(pi, li)):
            continue
        taken.append((pi, li))
        used_p.add(pi)
        used_l.add(li)
    return taken


def neighbour_amount(pi: int, li: int, pairing: Pairing, printed: list[Ingredient], licensed: Sequence[MedicinalIngredient],
                     params: ComparisonParams = DEFAULT_COMPARISON) -> bool:
    """Whether the amount read for a row is another licensed ingredient's, one whose own row does not
    show it: the table's rows were read against each other's amounts (tilted, curved, a row lost),
    which is far likelier than a misprint that happens to equal a neighbour's dose."""
    partner = {lic: p for p, lic in pairing.pairs + pairing.weak}
    for lj, other in enumerate(licensed):
        if lj == li or amount_agrees(printed[pi], other, params) is not True:
            continue
        pj = partner.get(lj)
        if pj is None or amount_agrees(printed[pj], other, params) is not True:
            return True
    return False


def amounts_differ(pi: int, li: int, pairing: Pairing, printed: list[Ingredient], licensed: Sequence[MedicinalIngredient],
                   params: ComparisonParams = DEFAULT_COMPARISON) -> bool:
    """A paired row's amount is comparable with a licensed amount, equal to none of them and read with
    confidence: not a digit OCR lost (``lost_digit_fits``), not read unsurely (``unsure_amount``), not a
    neighbour's amount (``neighbour_amount``)."""
    ing, mi = printed[pi], licensed[li]
    if amount_agrees(ing, mi, params) is not False or lost_digit_fits(ing, mi) or unsure_amount(ing, params):
        return False
    return not neighbour_amount(pi, li, pairing, printed, licensed, params)


def unlicensed_for_sure(ing: Ingredient, licensed: Sequence[MedicinalIngredient], lines: list[LabelledLine],
                        params: ComparisonParams = DEFAULT_COMPARISON) -> bool:
    """An unpaired printed ingredient that is surely not licensed: no licensed ingredient's secondary name
    ("standardized to 95% curcuminoids" read as its own row), readable, not letter debris, not read unsurely."""
    if any(ingredient_similarity(ing.name, s) >= params.pair_similarity for mi in licensed for s in secondary_names(mi)):
        return False
    if not is_readable(ing.name) or is_letter_debris(re.findall(r"[^\W\d_]+", ing.name)):
        return False  # "ceco d e a ce a d oe": smeared print, no name to judge
    return not unsure_name(ing, lines, params)  # "Ec É": a half-read name, left for the analyst


def _paired_state(ing: Ingredient, mi: MedicinalIngredient, differs: bool, params: ComparisonParams) -> RowState:
    if differs:
        return "mismatch"
    agrees = amount_agrees(ing, mi, params)
    if agrees or (agrees is None and ing.quantity is None and not licensed_amounts(mi)):
        return "matched"
    return "not_compared"


def compare_ingredients(printed: list[Ingredient], licensed: Sequence[MedicinalIngredient],
                        other_language: Sequence[MedicinalIngredient] | None = None,
                        lines: list[LabelledLine] | None = None,
                        params: ComparisonParams = DEFAULT_COMPARISON) -> IngredientComparison:
    """Pair the printed ingredients with the licensed ones (names in both languages when
    ``other_language`` lists the same ingredients) and judge each row; ``lines`` are the photo's
    lines, which tell how surely a name was read; ``params`` the thresholds judged by."""
    lines = lines or []
    names = licensed_name_lists(licensed, other_language)
    pairing = pair_ingredients(printed, names, lambda pi, li: amount_agrees(printed[pi], licensed[li], params), params)
    partner = dict(pairing.pairs)
    weak = dict(pairing.weak)
    unlicensed = set(pairing.unlicensed)
    rows: list[IngredientRow] = []
    for pi, ing in enumerate(printed):
        if pi in partner or pi in weak:
            li = partner.get(pi, weak.get(pi))
            differs = pi in partner and amounts_differ(pi, li, pairing, printed, licensed, params)
            rows.append(IngredientRow(_paired_state(ing, licensed[li], differs, params), pi, ing, licensed[li], li))
        elif pi in unlicensed and unlicensed_for_sure(ing, licensed, lines, params):
            rows.append(IngredientRow("label_only", pi, ing, None))
        else:
            rows.append(IngredientRow("not_compared", pi, ing, None))
    rows += [IngredientRow("licence_only", None, None, licensed[li], li) for li in pairing.unprinted]
    return IngredientComparison(pairing, rows, names)
