"""Ingredient synonyms: proper, common and French names of one ingredient.

A label prints "Vitamin D3" or "Vitamine D3" where the licence says
"Cholecalciferol"; matching and search must treat them as one. The names live in
``data/ingredient_synonyms.json`` (source noted there).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from cyclops.text.fold import search_key

_PARENS = re.compile(r"\(([^)]*)\)")


@lru_cache
def _groups() -> tuple[dict[str, list[str]], ...]:
    text = resources.files("cyclops.lnhpd").joinpath("data/ingredient_synonyms.json").read_text(encoding="utf-8")
    return tuple(json.loads(text)["groups"])


@lru_cache
def _index() -> dict[str, int]:
    """Folded name -> group number."""
    index: dict[str, int] = {}
    for number, group in enumerate(_groups()):
        for name in group["en"] + group["fr"]:
            index.setdefault(search_key(name), number)
    return index


def _group_of(name: str) -> int | None:
    """The group of a name, also for "Vitamin D3 (cholecalciferol)" and "Cholecalciferol (Vitamin D3)"."""
    index = _index()
    key = search_key(name)
    if key in index:
        return index[key]
    for part in [_PARENS.sub(" ", name), *_PARENS.findall(name)]:
        part_key = search_key(part)
        if part_key in index:
            return index[part_key]
    return None


def canonical_ingredient(name: str) -> str:
    """One folded key per ingredient (the folded English proper name); unknown names come back folded."""
    number = _group_of(name)
    if number is None:
        return search_key(name)
    return search_key(_groups()[number]["en"][0])


def synonyms(name: str) -> set[str]:
    """Every known name of the ingredient, as written, including ``name`` itself."""
    number = _group_of(name)
    if number is None:
        return {name}
    group = _groups()[number]
    return {name, *group["en"], *group["fr"]}


def proper_name(name: str, language: str = "en") -> str | None:
    """The LNHPD's ingredient_name for ``name`` in ``language`` ("en" or "fr"), if the ingredient is known."""
    number = _group_of(name)
    if number is None:
        return None
    return _groups()[number]["fr" if language == "fr" else "en"][0]
