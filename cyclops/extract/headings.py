"""Section headings ("Recommended use:", "Mises en garde :", ...) from ``data/headings.yaml``.

Used both to strip headings from values and as a classifier feature.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from cyclops.text.fold import strip_accents

VERSION = "1"
#: what may separate a heading from its text: colon (French puts a space before it), slash to the other language
_TAIL = r"\s*(?:\([^)]*\)\s*)?(?::|\s*-\s|\s*/|$)"


@lru_cache(maxsize=1)
def heading_patterns() -> dict[str, re.Pattern[str]]:
    """section -> one compiled pattern matching any of its headings at the start of a line."""
    raw = yaml.safe_load(resources.files("cyclops.extract").joinpath("data", "headings.yaml").read_text(encoding="utf-8"))
    return {
        section: re.compile(r"^\W*(?:" + "|".join(pats) + r")" + _TAIL, re.IGNORECASE) for section, pats in raw.items()
    }


def match_heading(text: str) -> tuple[str, int] | None:
    """(section, length of the heading in ``text``) when the line starts with a heading.

    A heading must end with a colon, slash, or the end of the line, so "Uses
    less sugar" is not a heading but "Uses:" and "Recommended use" are.
    """
    plain = strip_accents(text).replace("’", "'")
    best: tuple[str, int] | None = None
    for section, pattern in heading_patterns().items():
        m = pattern.match(plain)
        if m and (best is None or m.end() > best[1]):
            best = (section, m.end())
    return best


def strip_heading(text: str) -> str:
    """The text after any leading headings ("Directions / Mode d'emploi: Take 1" -> "Take 1")."""
    while True:
        found = match_heading(text)
        if not found or found[1] == 0:
            return text.strip()
        text = text[found[1]:].lstrip(" :/-–")
        if not text:
            return ""
