"""Fuzzy comparison of ingredient names as OCR reads them against names as the licence spells them.

Ingredients are compared through ``cyclops.lnhpd.synonyms`` (cholecalciferol = vitamin D3 =
vitamine D3) and then with rapidfuzz, so a misread letter or a French label still pairs up."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.lnhpd.synonyms import canonical_ingredient, synonyms
from cyclops.text.fold import fold

_PARENS = re.compile(r"\(([^)]*)\)")
_BILINGUAL = re.compile(r"\s+/\s+|\s*\|\s*")
_DESIGNATOR = re.compile(r"\b(?:vitamine?|vit)\s*([a-z])\s*(\d*)\b")


@lru_cache(maxsize=4096)
def name_variants(name: str) -> frozenset[str]:
    """Folded spellings of one ingredient: itself, its parts in and out of brackets, its synonyms
    and its canonical key."""
    parts = {name}
    for half in _BILINGUAL.split(name):  # "Vitamin D3 / Vitamine D3": the label prints both languages
        parts |= {half, _PARENS.sub(" ", half), *_PARENS.findall(half)}
    out: set[str] = set()
    for part in parts:
        if not part.strip():
            continue
        out.add(fold(part))
        out.add(canonical_ingredient(part))
        out.update(fold(s) for s in synonyms(part))
    return frozenset(v for v in out if v)


def designator(folded: str) -> str | None:
    """The vitamin letter and number in a folded name ("vitamin d3" -> "d3"), if any."""
    m = _DESIGNATOR.search(folded)
    return (m.group(1) + m.group(2)) if m else None


def ingredient_similarity(printed: str, licensed: str) -> float:
    """Similarity in [0, 1] of two ingredient names; 1.0 when they are known synonyms."""
    va, vb = name_variants(printed), name_variants(licensed)
    if not va or not vb:
        return 0.0
    if va & vb:
        return 1.0
    best = 0.0
    for x in va:
        for y in vb:
            if designator(x) != designator(y):
                continue  # "vitamin c" vs "vitamin d": one letter apart, different ingredients
            best = max(best, fuzz.ratio(x, y), fuzz.token_sort_ratio(x, y))
    return best / 100.0


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


def licensed_names(ingredient: MedicinalIngredient, other_language: MedicinalIngredient | None = None) -> list[str]:
    """Every name under which a licensed ingredient may be printed (both languages, source text)."""
    names = [ingredient.ingredient_name]
    for extra in (ingredient.ingredient_Text, other_language.ingredient_name if other_language else None):
        if extra and extra not in names:
            names.append(extra)
    return names


def secondary_names(mi: MedicinalIngredient) -> list[str]:
    """Names a label may print as a separate line: potency constituent, source material."""
    return [n for n in (mi.potency_constituent, mi.source_material, mi.extract_type_desc) if n]
