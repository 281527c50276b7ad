"""Section headings ("Recommended use:", "Mises en garde :", ...) from ``data/headings.yaml``.

Used both to strip headings from values and as a classifier feature.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml
from rapidfuzz import fuzz

from cyclops.text.fold import fold, strip_accents
from cyclops.text.language import common_word

VERSION = "2"
#: what may separate a heading from its text: colon (French puts a space before it), slash to the other language
_TAIL = r"\s*(?:\([^)]*\)\s*)?(?::|\s*-\s|\s*/|$)"


@lru_cache(maxsize=1)
def heading_patterns() -> dict[str, re.Pattern[str]]:
    """section -> one compiled pattern matching any of its headings at the start of a line."""
    return {section: re.compile(r"^\W*(?:" + "|".join(pats) + r")" + _TAIL, re.IGNORECASE)
            for section, pats in _headings().items()}


@lru_cache(maxsize=1)
def _caps_patterns() -> dict[str, re.Pattern[str]]:
    """section -> its headings followed by no colon but by a word in lower case ("DIRECTIONS FOR USE Before...")."""
    return {section: re.compile(r"^\W*(?:" + "|".join(pats) + r")(?=\s+[^\W\d_]*(?-i:[a-z]))", re.IGNORECASE)
            for section, pats in _headings().items()}


@lru_cache(maxsize=1)
def _headings() -> dict[str, list[str]]:
    return yaml.safe_load(resources.files("cyclops.extract").joinpath("data", "headings.yaml").read_text(encoding="utf-8"))


def match_heading(text: str) -> tuple[str, int] | None:
    """(section, length of the heading in ``text``) when the line starts with a heading.

    A heading must end with a colon, slash, or the end of the line, so "Uses
    less sugar" is not a heading but "Uses:" and "Recommended use" are; one
    printed in capitals may run into its text ("DIRECTIONS FOR USE Before...").
    """
    plain = strip_accents(text).replace("’", "'")
    best: tuple[str, int] | None = None
    for section, pattern in heading_patterns().items():
        m = pattern.match(plain)
        if m and (best is None or m.end() > best[1]):
            best = (section, m.end())
    if best is None:  # a heading in capitals needs no colon: the case changes where its text begins
        for section, pattern in _caps_patterns().items():
            m = pattern.match(plain)
            if m and plain[:m.end()].isupper() and (best is None or m.end() > best[1]):
                best = (section, m.end())
    return best


def find_heading(text: str) -> tuple[str, int] | None:
    """``match_heading``, or a heading cut short at the photo's edge (``cut_heading``): how the rules read a line's
    heading. The classifier's features keep ``match_heading``, the headings it was trained on."""
    return match_heading(text) or cut_heading(strip_accents(text).replace("’", "'"))


#: least rapidfuzz ratio of a misread heading ("Other in dents:") to one of its section's headings
MISREAD_RATIO = 80


@lru_cache(maxsize=None)
def plain_headings(section: str) -> tuple[str, ...]:
    """``section``'s headings written without alternatives, as plain folded phrases ("other ingredients",
    "ingredients non medicinaux"): an optional letter kept, a class of characters read as its first."""
    phrases = []
    for pattern in _headings().get(section, []):
        if "(" in pattern:
            continue
        plain = re.sub(r"\[(.)[^\]]*\]", r"\1", pattern).replace("?", "")
        phrases.append(fold(plain))
    return tuple(phrases)


def misread_heading(text: str, section: str) -> int | None:
    """Where a line's text starts after a ``section`` heading that OCR misread ("diet. Other in dents: Citric Acid"
    -> the colon's end): the one to three words before the line's first colon resemble one of the section's headings
    (``MISREAD_RATIO``) more than any other section's. None when no colon follows such words."""
    colon = text.find(":")
    if colon < 0:
        return None
    words = re.findall(r"[^\W\d_]+", fold(text[:colon]))
    for n in range(1, min(3, len(words)) + 1):
        if sum(map(len, words[-n:])) < 8:
            continue
        phrase = " ".join(words[-n:])
        likeness = {name: max((fuzz.ratio(phrase, h) for h in plain_headings(name)), default=0.0) for name in _headings()}
        if likeness[section] >= MISREAD_RATIO and all(likeness[section] > v for name, v in likeness.items() if name != section):
            return colon + 1
    return None


#: a heading's first word cut short at the photo's edge keeps at least this many of its last letters
CUT_KEEPS = 5
#: least rapidfuzz ratio of the cut word to the heading word's tail (OCR slips there too: "gsted" for "ggested")
CUT_RATIO = 85


@lru_cache(maxsize=1)
def _first_words() -> tuple[str, ...]:
    """The plain first words of the headings ("suggested", "directions" and "direction"), to restore one cut short."""
    words: set[str] = set()
    for patterns in _headings().values():
        for pattern in patterns:
            m = re.match(r"([a-z]+)(\??)", pattern)
            if m and len(m.group(1)) > CUT_KEEPS:
                word = m.group(1)
                words |= {word, word[:-1]} if m.group(2) else {word}
    return tuple(sorted(words))


def cut_heading(plain: str) -> tuple[str, int] | None:
    """(section, length) of a heading whose first letters the photo's edge cut off, followed by its colon: "gsted Use:
    Take one capsule" is "Suggested Use:", "ections: Take 2" is "Directions:". The cut word is the tail of a heading's
    first word (``CUT_RATIO``; as long, or one letter shorter), keeps ``CUT_KEEPS`` letters or more and is no word of
    its own ("sage:" is a herb, "ages:" no heading). None for any other line."""
    m = re.match(r"\W*([^\W\d_]+)", plain)
    if not m or len(m.group(1)) < CUT_KEEPS or common_word(m.group(1)):
        return None
    word = m.group(1).lower()
    found: list[tuple[float, int, str]] = []  # (the cut word's likeness to the tail, heading length, section)
    for first in _first_words():
        likeness = max(fuzz.ratio(word, first[-n:]) for n in (len(word), len(word) + 1) if n < len(first)) \
            if len(first) > len(word) else 0.0
        if likeness < CUT_RATIO:
            continue
        restored = plain[:m.start(1)] + first + plain[m.end(1):]
        for section, pattern in heading_patterns().items():
            match = pattern.match(restored)
            if match and match.group().rstrip().endswith(":"):
                found.append((likeness, match.end() - (len(first) - len(word)), section))
    if not found:
        return None
    _, end, section = max(found)  # the likeliest first word, then the longest heading
    return section, end


def strip_heading(text: str) -> str:
    """The text after any leading headings ("Directions / Mode d'emploi: Take 1" -> "Take 1")."""
    while True:
        found = find_heading(text)
        if not found or found[1] == 0:
            return text.strip()
        text = text[found[1]:].lstrip(" :/-–")
        if not text:
            return ""


#: least rapidfuzz ratio at which a lead's first word, as read, is that word ("Diatributed" for "distributed")
LEAD_RATIO = 85


@lru_cache(maxsize=None)
def _leads(section: str) -> list[tuple[str, re.Pattern[str]]]:
    """(first word, pattern of the rest) of each of ``section``'s headings that open with a plain word."""
    leads = []
    for pat in _headings().get(section, []):
        first, _, rest = pat.partition(" ")
        if first.isalpha() and rest:
            leads.append((first, re.compile(r"\s+" + rest + r"\b\s*:?", re.IGNORECASE)))
    return leads


def match_lead(text: str, section: str) -> int | None:
    """Length of a ``section`` heading that opens ``text`` and runs straight into its value, with no colon
    ("Distributed by NeuroGum, Inc."): labels print a company's lead that way. Its first word may carry an OCR
    slip ("Diatributed by"). Only long first words count: "Made by hand" is no company's lead. None when the line
    opens otherwise."""
    plain = strip_accents(text).replace("’", "'")
    opening = re.match(r"\W*([^\W\d_]+)", plain)
    if not opening:
        return None
    word = opening.group(1).lower()
    for first, rest in _leads(section):
        if len(first) >= 7 and (word == first or fuzz.ratio(word, first) >= LEAD_RATIO):
            after = rest.match(plain, opening.end())
            if after:
                return after.end()
    return None


#: sections whose heading, opening a line with its text after it, says what the line is
STATEMENT_SECTIONS = ("recommended_use", "dose", "caution")


def section_said(text: str, label: str) -> str | None:
    """The statement section a line says it belongs to ("Suggested Use: Take one (1) capsule..." is a direction),
    when its heading opens it with two words or more after it and the classifier filed it as another statement or
    as nothing (``label`` "other"); None otherwise. A heading alone, or a name or ingredient line, keeps its label."""
    if label not in STATEMENT_SECTIONS + ("other",):
        return None
    heading = find_heading(text)
    if heading is None or heading[0] not in STATEMENT_SECTIONS or heading[0] == label:
        return None
    return heading[0] if len(strip_heading(text).split()) >= 2 else None
