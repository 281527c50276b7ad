"""Rules comparing the printed medicinal ingredients with the licensed ones: missing, extra,
and different amounts (compared after unit conversion, so 25 mcg = 1000 IU of vitamin D)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from cyclops.extract.statements import is_letter_debris
from cyclops.flags.context import SURE_READ, Context, appears_in, cited_confidences
from cyclops.flags.messages import make_flag
from cyclops.flags.names import designator, ingredient_similarity, licensed_names
from cyclops.flags.text import fold, is_readable
from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.model.analysis import Flag, Ingredient, LabelledLine
from cyclops.units import normalize_unit, parse_amounts, same_amount, to_common

#: two ingredient names at least this similar are the same ingredient
PAIR_THRESHOLD = 0.8
#: looser similarity (spaces ignored) for pairing what is left over after the first pass
WEAK_THRESHOLD = 0.7
#: looser still, for a leftover pair whose amounts are equal (an amount survives OCR better than a name)
AMOUNT_THRESHOLD = 0.5

_INGREDIENT_LINES = {"medicinal_ingredient"}


@dataclass
class Pairing:
    pairs: list[tuple[int, int]]  # (printed index, licensed index)
    unlicensed: list[int]  # printed ingredients with no licensed counterpart
    unprinted: list[int]  # licensed ingredients with no printed counterpart
    weak: list[tuple[int, int]] = field(default_factory=list)  # garbled pairs: no amount check


def _licensed(ctx: Context) -> list[tuple[MedicinalIngredient, list[str]]]:
    bundle = ctx.licence
    if bundle is None:
        return []
    other = ctx.licence_fr if bundle is ctx.licence_en else None
    others = other.medicinal_ingredients if other and len(other.medicinal_ingredients) == len(bundle.medicinal_ingredients) else []
    out = []
    for i, mi in enumerate(bundle.medicinal_ingredients):
        names = licensed_names(mi, others[i] if others else None)
        out.append((mi, names))
    return out


def pair_ingredients(printed: list[Ingredient], licensed: list[list[str]],
                     agrees: Callable[[int, int], bool | None] | None = None) -> Pairing:
    """Greedy best-first pairing of printed and licensed ingredients by name similarity.

    ``agrees(printed index, licensed index)`` says whether their amounts are equal; a name OCR
    garbled further still pairs when its amount is the licensed one (``AMOUNT_THRESHOLD``).
    """
    scored = sorted(
        ((max(ingredient_similarity(p.name, n) for n in names), pi, li)
         for pi, p in enumerate(printed) for li, names in enumerate(licensed)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_l: set[int] = set()
    pairs = _take(scored, PAIR_THRESHOLD, used_p, used_l)
    # second pass: a name OCR garbled beyond the first threshold ("Mela niny") pairs with a
    # licensed ingredient nothing else claimed, if it is still recognisably that name
    weak = sorted(
        ((max(loose_similarity(printed[pi].name, n) for n in licensed[li]), pi, li)
         for pi in range(len(printed)) if pi not in used_p
         for li in range(len(licensed)) if li not in used_l),
        reverse=True,
    )
    weak_pairs = _take(weak, WEAK_THRESHOLD, used_p, used_l)
    # third pass: what is still left over and prints exactly the amount of a licensed ingredient left
    # over, with a name that still resembles it, is that ingredient misread ("somnifoamg ... 2.5 %")
    if agrees:
        weak_pairs += _take(weak, AMOUNT_THRESHOLD, used_p, used_l, lambda pi, li: agrees(pi, li) is True)
    unlicensed = [i for i in range(len(printed)) if i not in used_p]
    # a printed name equal to a second licensed ingredient's synonym (duplicates on the label) is not "extra"
    unlicensed = [i for i in unlicensed
                  if max((ingredient_similarity(printed[i].name, n) for names in licensed for n in names), default=0.0) < PAIR_THRESHOLD
                  and max((loose_similarity(printed[i].name, n) for names in licensed for n in names), default=0.0) < WEAK_THRESHOLD]
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


def loose_similarity(printed: str, licensed: str) -> float:
    """Character similarity with spaces and punctuation removed: OCR splits and merges words."""
    if designator(fold(printed)) != designator(fold(licensed)):
        return 0.0  # "vitamin d3" is not a garbled "vitamin c"
    a, b = fold(printed).replace(" ", ""), fold(licensed).replace(" ", "")
    if not a or not b:
        return 0.0
    score = fuzz.ratio(a, b)
    if len(b) >= 6 and len(b) < len(a):
        score = max(score, 0.95 * fuzz.partial_ratio(b, a))  # the name with OCR debris after it
    elif len(a) >= 5 and len(a) < len(b) and len(fold(printed).split()) == 1:
        # one garbled word of the name, the rest cut off ("biloa" of "Ginkgo biloba")
        score = max([score] + [0.85 * fuzz.ratio(a, w) for w in fold(licensed).split() if len(w) >= 5])
    printed_words = [w for w in fold(printed).split() if len(w) >= 4]
    if printed_words and set(printed_words) <= set(fold(licensed).split()):
        score = max(score, 80.0)  # the name's start cut off or read as another line ("biloba" of "Ginkgo biloba")
    elif len(printed_words) >= 2 and len(printed_words[-1]) >= 6 and printed_words[-1] == fold(licensed).split()[-1]:
        score = max(score, 72.0)  # the species word read whole, the genus misread ("sternum longum")
    return score / 100.0


def _secondary_names(mi: MedicinalIngredient) -> list[str]:
    """Names a label may print as a separate line: potency constituent, source material."""
    return [n for n in (mi.potency_constituent, mi.source_material, mi.extract_type_desc) if n]


def ingredient_rules(ctx: Context) -> list[Flag]:
    """INGREDIENT_NOT_ON_LABEL, INGREDIENT_NOT_LICENSED and QUANTITY_MISMATCH in one pass (they share the pairing)."""
    licensed = _licensed(ctx)
    printed = ctx.fields.medicinal_ingredients
    if not licensed:
        return []
    pairing = pair_ingredients(printed, [names for _, names in licensed],
                               lambda pi, li: amount_agrees(printed[pi], licensed[li][0]))
    flags: list[Flag] = []
    all_lines = ctx.line_text()
    read_any = bool(pairing.pairs or pairing.weak) and not ctx.label_unread
    for li in pairing.unprinted if read_any else []:  # nothing paired: the ingredient list was not read
        mi, names = licensed[li]
        if any(appears_in(n, all_lines, threshold=80) for n in names):
            continue  # printed, but the extractor did not list it
        flags.append(make_flag("INGREDIENT_NOT_ON_LABEL", name=mi.ingredient_name))
    secondary = [fold_name for mi, _ in licensed for fold_name in _secondary_names(mi)]
    for pi in pairing.unlicensed:
        ing = printed[pi]
        if any(ingredient_similarity(ing.name, s) >= PAIR_THRESHOLD for s in secondary):
            continue  # "standardized to 95% curcuminoids" read as its own ingredient
        if not is_readable(ing.name) or is_letter_debris(re.findall(r"[^\W\d_]+", ing.name)):
            continue  # "ceco d e a ce a d oe": smeared print, no name to judge
        if unsure_name(ing, ctx.lines):
            continue  # "Ec É": a half-read name, left for the analyst (the dashboard lists it unpaired)
        flags.append(make_flag("INGREDIENT_NOT_LICENSED", list(ing.evidence) or ctx.evidence_for(ing.name, _INGREDIENT_LINES),
                               name=ing.name))
    for pi, li in pairing.pairs:
        flag = quantity_mismatch(printed[pi], licensed[li][0], ctx)
        if flag and not neighbour_amount(pi, li, pairing, printed, [mi for mi, _ in licensed]):
            flags.append(flag)
    return flags


def neighbour_amount(pi: int, li: int, pairing: Pairing, printed: list[Ingredient], licensed: list[MedicinalIngredient]) -> bool:
    """Whether the amount read for a row is another licensed ingredient's, one whose own row does not
    show it: the table's rows were read against each other's amounts (tilted, curved, a row lost),
    which is far likelier than a misprint that happens to equal a neighbour's dose."""
    partner = {lic: p for p, lic in pairing.pairs + pairing.weak}
    for lj, other in enumerate(licensed):
        if lj == li or amount_agrees(printed[pi], other) is not True:
            continue
        pj = partner.get(lj)
        if pj is None or amount_agrees(printed[pj], other) is not True:
            return True
    return False


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


def _within(value: float, unit: str, low: float, high: float, lunit: str, name: str) -> bool | None:
    if low == high:
        return same_amount(value, unit, low, lunit, name)
    v, lo, hi = to_common(value, unit, name), to_common(low, lunit, name), to_common(high, lunit, name)
    if not (v and lo and hi) or not (v[1] == lo[1] == hi[1]):
        return None
    return lo[0] * 0.98 <= v[0] <= hi[0] * 1.02


def _fmt(value: float, unit: str) -> str:
    return f"{value:g} {unit}"


def amount_agrees(ing: Ingredient, mi: MedicinalIngredient) -> bool | None:
    """Whether the printed amount equals one of the licensed amounts; None when they cannot be compared."""
    if ing.quantity is None or not ing.unit or normalize_unit(ing.unit) is None:
        return None
    name = f"{mi.ingredient_name} {ing.name}"
    results = [_within(ing.quantity, ing.unit, lo, hi, u, name) for lo, hi, u in licensed_amounts(mi)]
    comparable = [r for r in results if r is not None]
    return any(comparable) if comparable else None


#: a number OCR read with a gap inside ("10 0 mg"): often a digit lost in the gap
_GAPPED_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}) (\d{1,3})(?=\s*[^\W\d_%]{1,3}\b|\s*%)")


def lost_digit_fits(ing: Ingredient, mi: MedicinalIngredient) -> bool:
    """Whether the licensed amount is what was printed with one digit OCR lost in a gap ("10 0 mg" for
    1000 mg): such a read proves no mismatch."""
    licensed = {round(lo, 6) for lo, hi, _ in licensed_amounts(mi) if lo == hi}
    for evidence in ing.evidence:
        for m in _GAPPED_NUMBER.finditer(evidence.text or ""):
            if any(float(m.group(1) + d + m.group(2)) in licensed for d in "0123456789"):
                return True
    return False


#: OCR confidence of an amount's digits below which a difference from the licence is not raised:
#: a digit half-read next to a dotted leader ("5 0 IU", ".50 mg") is far likelier than a misprint.
#: The amount keeps its low ``quantity_confidence`` so the dashboard asks the analyst to check it.
SURE_AMOUNT = 0.6


def unsure_name(ing: Ingredient, lines: list[LabelledLine]) -> bool:
    """A name read from the photo too unsurely to call it unlicensed (``flags.context.SURE_READ``).

    A table row joined from its cells cites no single photo line; its own confidence, the same
    product taken over the row's cells, stands in for theirs. Never so for a name typed in.
    """
    if not ing.evidence:
        return False
    scores = cited_confidences(ing, lines) or [ing.confidence]
    return sum(scores) / len(scores) < SURE_READ


def unsure_amount(ing: Ingredient) -> bool:
    """An amount OCR read too unsurely to compare with the licence (``SURE_AMOUNT``)."""
    return ing.quantity_confidence is not None and ing.quantity_confidence < SURE_AMOUNT


def quantity_mismatch(ing: Ingredient, mi: MedicinalIngredient, ctx: Context) -> Flag | None:
    """The printed amount is comparable with a licensed amount and equal to none of them, and was
    read with confidence (not explained by a digit OCR lost, see ``lost_digit_fits`` and ``SURE_AMOUNT``)."""
    if amount_agrees(ing, mi) is not False or lost_digit_fits(ing, mi):
        return None
    if unsure_amount(ing):
        return None
    amounts = licensed_amounts(mi)
    licensed_text = " / ".join(_fmt(lo, u) if lo == hi else f"{lo:g}-{hi:g} {u}" for lo, hi, u in amounts)
    return make_flag("QUANTITY_MISMATCH", list(ing.evidence) or ctx.evidence_for(ing.name, _INGREDIENT_LINES),
                     name=ing.name, printed=_fmt(ing.quantity, ing.unit), licensed=licensed_text)


RULES = (ingredient_rules,)
