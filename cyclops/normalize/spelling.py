"""Spelling repair of OCR words with symspellpy, one dictionary per language.

Dictionaries come from the LNHPD itself (``LicenceDB.vocabulary``) plus small
label word lists shipped here, so corrections lean towards words licences use.
English and French never share a dictionary: "vitamine" must not become
"vitamin" on a French line. Numbers, codes and short words are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources
from typing import Protocol

from symspellpy import SymSpell, Verbosity

VERSION = "1"
LANGUAGES = ("en", "fr")
MIN_LENGTH = 4  # shorter words are too ambiguous to correct
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_CODE_NEIGHBOUR = re.compile(r"[\d]")


class VocabularySource(Protocol):
    def vocabulary(self, language: str) -> dict[str, int]: ...


class UnknownLanguage(ValueError):
    """A language other than "en" or "fr"."""


def builtin_words(language: str) -> dict[str, int]:
    """The shipped label word list of one language (word -> weight)."""
    if language not in LANGUAGES:
        raise UnknownLanguage(f"no word list for language {language!r}; expected one of {LANGUAGES}")
    text = resources.files("cyclops.normalize").joinpath("data", f"words_{language}.txt").read_text(encoding="utf-8")
    words: dict[str, int] = {}
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        *parts, count = raw.split()
        words[" ".join(parts).lower()] = int(count)
    return words


def _match_case(original: str, corrected: str) -> str:
    if original.isupper():
        return corrected.upper()
    if original[:1].isupper():
        return corrected[:1].upper() + corrected[1:]
    return corrected


class SpellCorrector:
    """Word-by-word correction with a separate dictionary per language."""

    def __init__(self, vocabularies: dict[str, dict[str, int]] | None = None, *, max_distance: int = 2) -> None:
        self.max_distance = max_distance
        self._spell: dict[str, SymSpell] = {}
        for language in LANGUAGES:
            words = dict(builtin_words(language))
            for word, count in (vocabularies or {}).get(language, {}).items():
                key = unicodedata.normalize("NFC", word.lower())
                if _WORD.fullmatch(key):
                    words[key] = words.get(key, 0) + int(count)
            sym = SymSpell(max_dictionary_edit_distance=max_distance)
            for word, count in words.items():
                sym.create_dictionary_entry(word, max(int(count), 1))
            self._spell[language] = sym

    @classmethod
    def from_database(cls, db: VocabularySource) -> SpellCorrector:
        """Dictionaries from the LNHPD vocabulary plus the shipped word lists."""
        return cls({language: db.vocabulary(language) for language in LANGUAGES})

    def correct_word(self, word: str, language: str | None) -> str:
        """The best dictionary word within ``max_distance`` edits, or the word unchanged."""
        if language not in self._spell or len(word) < MIN_LENGTH or not _WORD.fullmatch(word):
            return word
        sym = self._spell[language]
        lower = word.lower()
        if lower in sym.words or (lower.endswith("s") and lower[:-1] in sym.words) or (lower.endswith("x") and lower[:-1] in sym.words):
            return word  # known, or the plural of a known word
        distance = 1 if len(word) < 7 else self.max_distance
        hits = sym.lookup(lower, Verbosity.TOP, max_edit_distance=distance)
        if not hits:
            return word
        return _match_case(word, hits[0].term)

    def correct(self, text: str, language: str | None) -> str:
        """Correct every word of a line in its own language; unknown language or words next to digits stay as they are."""
        if language not in self._spell:
            return text

        def fix(m: re.Match[str]) -> str:
            start, end = m.span()
            before = text[start - 1] if start > 0 else " "
            after = text[end] if end < len(text) else " "
            if _CODE_NEIGHBOUR.match(before) or _CODE_NEIGHBOUR.match(after):
                return m.group(0)  # part of a code such as "B12" or "80O12345"
            return self.correct_word(m.group(0), language)

        return _WORD.sub(fix, text)
