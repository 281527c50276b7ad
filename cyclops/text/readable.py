"""Whether OCR text reads as English or French at all: upside-down, mirrored or smeared print comes
out as "zayjnsuo> un ualaieid" or "Con t t hs", which says nothing about what is printed, so a rule
must neither accuse the label of it nor take it as proof that something is absent."""

from __future__ import annotations

import re
from functools import lru_cache

from cyclops.text.concepts import CLAIM_VERBS, FILLER, WORD_TO_CONCEPT
from cyclops.text.fold import fold, strip_accents
from cyclops.text.language import FLAG_EN, FLAG_FR, common_word

#: one- and two-letter words of English and French (and the units labels print); other short words are debris
SHORT_WORDS = frozenset(["a", "l", "d", "et", "du", "de", "un", "en", "le", "la", "au", "ou", "si", "se", "ne", "of", "to", "in", "if", "is", "or", "an", "by", "as", "on", "at", "it", "be", "do", "no", "my", "me", "ex", "p", "qu", "n", "c", "y", "s", "mg", "ml", "iu", "ui"])

#: everyday label words of both languages (only used to tell text from OCR gibberish)
COMMON_WORDS = frozenset({
    "some", "people", "may", "experience", "mild", "discomfort", "do", "not", "or", "if", "have", "been", "taking",
    "products", "other", "that", "after", "before", "during", "when", "children", "adults", "years", "older",
    "pregnant", "breastfeeding", "keep", "out", "reach", "store", "at", "room", "temperature", "dry", "place",
    "prior", "practitioner", "care", "consult", "medical", "doctor", "physician", "allergy", "stop", "symptoms",
    "persist", "worsen", "occur", "hours", "once", "twice", "three", "times", "daily", "food", "water", "meal",
    "morning", "evening", "bedtime", "dose", "doses", "can", "could", "should", "each", "contains", "certaines",
    "personnes", "peuvent", "eprouver", "leger", "legere", "ne", "pas", "si", "avez", "ou", "des", "les", "enfants",
    "adultes", "ans", "enceinte", "allaitez", "conserver", "hors", "portee", "ambiante", "endroit",
    "sec", "avant", "praticien", "soins", "consultez", "medecin", "allergie", "cesser", "symptomes", "persistent",
    "heures", "fois", "jour", "repas", "matin", "soir", "coucher", "chaque", "contient", "prendre", "take", "avec",
    "sans", "ni", "de", "du", "en", "un", "une", "ces", "cette", "produit", "produits", "utiliser", "usage",
})


def letter_fragments(words: list[str]) -> int:
    """How many words are one or two letters that are no English or French word ("e", "oe", "hs")."""
    return sum(len(w) <= 2 and strip_accents(w.lower()) not in SHORT_WORDS for w in words)


def is_letter_debris(words: list[str]) -> bool:
    """Upside-down or smeared print read as letter fragments ("Con t t hs", "Cons e e o e e e d t d nrs"):
    over a quarter of the words are one or two letters that are no English or French word."""
    if len(words) < 3:
        return False
    return letter_fragments(words) / len(words) > 0.25


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    stop = {fold(w) for w in FLAG_FR | FLAG_EN | COMMON_WORDS}
    return frozenset(stop | FILLER | CLAIM_VERBS | set(WORD_TO_CONCEPT))


@lru_cache(maxsize=16384)
def is_readable(text: str | None) -> bool:
    """Whether OCR text reads as English or French at all (short text, a heading or a name, always does)."""
    words = re.findall(r"[^\W\d_]+", fold(text))  # "l'absorption" is two words, "l" and "absorption"
    if len(words) < 3:
        return True  # too short to judge (a heading, a name)
    long = [w for w in words if len(w) >= 3]
    if len(words) >= 4 and letter_fragments(words) > 0.4 * len(words):
        return False  # "Ai e a es a e a al es aose": text read as letter fragments
    known = sum(w in _known_words() or common_word(w) for w in long)
    return not long or known / len(long) >= 0.25


def _long_words(text: str | None) -> list[str]:
    return [w for w in fold(text or "").split() if w.isalpha() and len(w) >= 3]


def known_words(text: str | None) -> int:
    """How many words of three letters or more in ``text`` are English or French words."""
    return sum(w in _known_words() for w in _long_words(text))


def known_share(text: str | None) -> float:
    """Share of the words of three letters or more that are English or French words (1.0 when there are none)."""
    long = _long_words(text)
    return known_words(text) / len(long) if long else 1.0
