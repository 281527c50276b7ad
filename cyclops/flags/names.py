"""Fuzzy comparison of names as OCR reads them against names as the licence spells them.

Ingredients are compared through ``cyclops.lnhpd.synonyms`` (cholecalciferol = vitamin D3 =
vitamine D3) and then with rapidfuzz, so a misread letter or a French label still pairs up."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from cyclops.flags.text import fold
from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.lnhpd.synonyms import canonical_ingredient, synonyms

_PARENS = re.compile(r"\(([^)]*)\)")
_COMPANY_SUFFIX = re.compile(r"\b(inc|incorporated|ltd|ltee|limited|limitee|corp|corporation|co|llc|gmbh|sa|ulc|lp)\b")
_BILINGUAL = re.compile(r"\s+/\s+|\s*\|\s*")


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


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two free-text names (product or company), robust to word order
    and a few misread characters."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    return max(fuzz.token_sort_ratio(fa, fb), fuzz.ratio(fa, fb)) / 100.0


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
            if _designator(x) != _designator(y):
                continue  # "vitamin c" vs "vitamin d": one letter apart, different ingredients
            best = max(best, fuzz.ratio(x, y), fuzz.token_sort_ratio(x, y))
    return best / 100.0


_DESIGNATOR = re.compile(r"\b(?:vitamine?|vit)\s*([a-z])\s*(\d*)\b")


def designator(folded: str) -> str | None:
    """The vitamin letter and number in a folded name ("vitamin d3" -> "d3"), if any."""
    return _designator(folded)


def _designator(folded: str) -> str | None:
    m = _DESIGNATOR.search(folded)
    return (m.group(1) + m.group(2)) if m else None


def licensed_names(ingredient: MedicinalIngredient, other_language: MedicinalIngredient | None = None) -> list[str]:
    """Every name under which a licensed ingredient may be printed (both languages, source text)."""
    names = [ingredient.ingredient_name]
    for extra in (ingredient.ingredient_Text, other_language.ingredient_name if other_language else None):
        if extra and extra not in names:
            names.append(extra)
    return names


def best_ingredient_match(printed: str, candidates: list[list[str]]) -> tuple[int | None, float]:
    """Index of the licensed ingredient (each given as its list of names) most like ``printed``."""
    best_index, best_score = None, 0.0
    for index, names in enumerate(candidates):
        score = max((ingredient_similarity(printed, n) for n in names), default=0.0)
        if score > best_score:
            best_index, best_score = index, score
    return best_index, best_score


def company_key(name: str) -> str:
    """A company name without its legal suffix ("Maple Naturals Inc." = "MAPLE NATURALS LTD")."""
    return " ".join(_COMPANY_SUFFIX.sub(" ", fold(name)).split())
