"""Spelling repair of OCR words with symspellpy, one dictionary per language.

Dictionaries come from the LNHPD itself (``LicenceDB.vocabulary``) plus small
label word lists shipped here, so corrections lean towards words licences use;
a word that is common English or French (wordfreq's lists) is never corrected, and an everyday word one edit
away outranks a dictionary word two edits away.
English and French never share a dictionary: "vitamine" must not become
"vitamin" on a French line (a word known in either language is never changed). Numbers, codes and short words are never touched.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from importlib import resources
from typing import Protocol

from rapidfuzz import fuzz
from symspellpy import SymSpell, Verbosity

from cyclops.text.fold import strip_accents
from cyclops.text.language import COMMON_ZIPF, common_word, word_frequency

VERSION = "4"
LANGUAGES = ("en", "fr")
MIN_LENGTH = 4  # shorter words are too ambiguous to correct
WORD = _WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_CODE_NEIGHBOUR = re.compile(r"[\d]")
#: a word, then one to three letters boxed apart from it and standing alone ("Magnes m 34 mg")
_SPLIT_WORD = re.compile(r"(?<![\w'’-])(?P<word>[^\W\d_]{4,}) (?P<fragment>[^\W\d_]{1,3})(?![\w'’-])")
#: a vitamin's letter after the word ("... D (as Cholecalciferol)", "... B12"), not a name's initial ("D-Glucarate")
VITAMIN_LETTER = re.compile(r"\s+(?:A|B\d{0,2}|C|D\d?|E|K\d?)(?![\w-])")
#: how like "vitamin" (rapidfuzz ratio) an unknown word before a vitamin's letter reads to be taken for it: small
#: print's "Vamn D", "Viamn D" and the edge-cut "lamin D" (67); no known word is ever taken ("Thiamin" 71)
VITAMIN_LIKE = 65


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


#: endings that name a kind of compound: a word is never "repaired" into one with another of them
CHEMICAL_ENDINGS = ("ate", "ite", "ide", "one", "ine", "ol", "ose", "ane", "ene", "yl", "ic", "ium", "in")


#: prefixes that make another substance of the same stem ("Dicalcium" is not a misread "Calcium", nor
#: "prebiotic" a misread "probiotic")
CHEMICAL_PREFIXES = ("pre", "pro", "di", "tri", "tetra", "mono", "poly", "iso", "neo", "hydro", "dehydro", "methyl",
                     "ethyl", "nor", "epi", "bis", "anti", "para", "meta", "ortho")


def _stem(word: str) -> str:
    return next((word[len(p):] for p in sorted(CHEMICAL_PREFIXES, key=len, reverse=True) if word.startswith(p)), word)


def other_compound(word: str, suggestion: str) -> bool:
    """Whether a suggestion names another substance rather than repairing a misread: it swaps one chemical
    ending for another ("sulfone" -> "sulfate"), or drops or swaps a prefix ("dicalcium" -> "calcium",
    "prebiotics" -> "probiotics")."""
    a, b = _fold(word), _fold(suggestion)
    ending_a = next((e for e in CHEMICAL_ENDINGS if a.endswith(e)), None)
    ending_b = next((e for e in CHEMICAL_ENDINGS if b.endswith(e)), None)
    if ending_a is not None and ending_b is not None and ending_a != ending_b:
        return True
    return a != b and _stem(a) == _stem(b) and len(_stem(a)) >= 4


#: letters tried in a word's one-edit neighbours (``common_neighbour``): accents are folded away first
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, replacement or insertion away from ``word`` (lower case)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})


def common_neighbour(word: str) -> str | None:
    """The commonest everyday English or French word (``common_word``) one edit from ``word``, accents folded,
    or None. It outranks a dictionary word two edits away: the printed "container" misread "ontainer" is not
    the French "entraîner" just because the dictionaries hold that and not this."""
    near = [(frequency, w) for w in one_edit(_fold(word)) if len(w) >= MIN_LENGTH
            and (frequency := word_frequency(w)) >= COMMON_ZIPF]
    return max(near)[1] if near else None


def _word_alone(fragment: str) -> bool:
    """A few letters that are a word of their own: an everyday word, or a one-letter word ("a", "à", "y")."""
    return fragment.lower() in ("a", "à", "y", "i", "o") if len(fragment) == 1 else common_word(fragment)


def _fold(word: str) -> str:
    return strip_accents(word.lower(), compatible=True)


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
        self._folded: dict[str, dict[str, str]] = {}  # accents stripped -> dictionary word
        self._words: dict[str, set[str]] = {}
        for language in LANGUAGES:
            words = dict(builtin_words(language))
            for word, count in (vocabularies or {}).get(language, {}).items():
                key = unicodedata.normalize("NFC", word.lower())
                if _WORD.fullmatch(key):
                    words[key] = words.get(key, 0) + int(count)
            # suggestions are looked up without accents (OCR drops and adds them) and given back with them
            folded: dict[str, str] = {}
            for word in sorted(words, key=lambda w: words[w]):  # the commonest spelling of a folded form wins
                folded[_fold(word)] = word
            sym = SymSpell(max_dictionary_edit_distance=max_distance)
            for key, word in folded.items():
                sym.create_dictionary_entry(key, max(int(words[word]), 1))
            self._spell[language] = sym
            self._folded[language] = folded
            self._words[language] = set(words)

    @classmethod
    def from_database(cls, db: VocabularySource) -> SpellCorrector:
        """Dictionaries from the LNHPD vocabulary plus the shipped word lists."""
        return cls({language: db.vocabulary(language) for language in LANGUAGES})

    def known(self, word: str, language: str) -> bool:
        """Whether ``word`` (or its plural) is in the dictionary of ``language``, accents and all."""
        words = self._words[language]
        lower = unicodedata.normalize("NFC", word.lower())
        return lower in words or (lower[-1:] in ("s", "x") and lower[:-1] in words)

    def _nearest(self, word: str, language: str) -> tuple[int, str] | None:
        distance = 1 if len(word) < 7 else self.max_distance
        hits = self._spell[language].lookup(_fold(word), Verbosity.TOP, max_edit_distance=distance)
        return (hits[0].distance, self._folded[language][hits[0].term]) if hits else None

    def correct_word(self, word: str, language: str | None) -> str:
        """The nearest dictionary word within ``max_distance`` edits (accents ignored), or the word unchanged.

        Labels mix the two languages on one line ("Ascorbic acid / Acide ascorbique"), so a word
        known in either dictionary stays as it is, and an unknown word takes the nearer of the
        two dictionaries' suggestions; on a tie the line's own language wins.
        """
        if language not in self._spell or len(word) < MIN_LENGTH or not _WORD.fullmatch(word):
            return word
        if any(self.known(word, lang) for lang in LANGUAGES):
            return word
        if common_word(word):
            return word  # a real word the licences happen not to use ("arthrite", "mass"): never "repaired"
        options = []
        for lang in LANGUAGES:
            hit = self._nearest(word, lang)
            if hit is not None:
                options.append((hit[0], lang != language, hit[1]))
        if not options:
            return word
        distance, _, best = min(options)
        if distance > 1:
            best = common_neighbour(word) or best  # "ontainer" is "container" (one edit), not "entraîner" (two)
        if other_compound(word, best):
            return word  # "sulfone" is not a misread "sulfate": another chemical, kept as printed
        return _match_case(word, best)

    def vitamin_word(self, word: str, language: str | None) -> str:
        """A word printed before a vitamin's letter: "Vitamin" ("Vitamine" on a French line) when it is no known
        word and reads like it (``VITAMIN_LIKE``), which a letter-by-letter repair misses in small print ("Vamn D",
        three edits); otherwise as ``correct_word``."""
        name = "vitamine" if language == "fr" else "vitamin"
        if (len(word) >= MIN_LENGTH and not any(self.known(word, lang) for lang in LANGUAGES) and not common_word(word)
                and fuzz.ratio(_fold(word), name) >= VITAMIN_LIKE):
            return _match_case(word, name)
        return self.correct_word(word, language)

    def joined_word(self, word: str, fragment: str, language: str | None) -> str | None:
        """The word that ``word`` and the few letters OCR boxed apart after it make together ("Magnes m" is
        "Magnesium": small print's narrow "iu" read as a gap), or None. Only when ``word`` is no known or everyday
        word, the fragment is no word of its own ("Calcium a"), and the whole is nearer a dictionary word, longer
        than ``word`` and no other compound, than ``word`` alone is to any ("Magnesi um" is "magnesium" as
        printed, not "magnesia" one edit away)."""
        if (language not in self._spell or len(word) < MIN_LENGTH or not _WORD.fullmatch(word)
                or any(self.known(word, lang) for lang in LANGUAGES) or common_word(word) or _word_alone(fragment)):
            return None
        joined = [(hit[0], lang != language, hit[1]) for lang in LANGUAGES
                  if (hit := self._nearest(word + fragment, lang)) is not None]
        alone = [hit[0] for lang in LANGUAGES if (hit := self._nearest(word, lang)) is not None]
        if not joined or (alone and min(alone) <= min(joined)[0]):
            return None
        best = min(joined)[2]
        if len(best) <= len(word) or other_compound(word + fragment, best):
            return None
        return _match_case(word, best)

    def correct(self, text: str, language: str | None) -> str:
        """Correct every word of a line in its own language; unknown language or words next to digits stay as they are.
        A word split by OCR before a fragment of one to three letters is joined first (``joined_word``)."""
        if language not in self._spell:
            return text

        def join(m: re.Match[str]) -> str:
            start = m.start()
            if start > 0 and _CODE_NEIGHBOUR.match(text[start - 1]):
                return m.group(0)
            return self.joined_word(m["word"], m["fragment"], language) or m.group(0)

        text = _SPLIT_WORD.sub(join, text)

        def fix(m: re.Match[str]) -> str:
            start, end = m.span()
            before = text[start - 1] if start > 0 else " "
            after = text[end] if end < len(text) else " "
            if _CODE_NEIGHBOUR.match(before) or _CODE_NEIGHBOUR.match(after):
                return m.group(0)  # part of a code such as "B12" or "80O12345"
            if VITAMIN_LETTER.match(text, end):
                return self.vitamin_word(m.group(0), language)
            return self.correct_word(m.group(0), language)

        return _WORD.sub(fix, text)


_BY_SOURCE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def corrector_for(db: VocabularySource) -> SpellCorrector:
    """The corrector of one reference database, built once per database object."""
    corrector = _BY_SOURCE.get(db)
    if corrector is None:
        corrector = _BY_SOURCE[db] = SpellCorrector.from_database(db)
    return corrector
