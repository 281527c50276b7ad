"""Which language a statement is in, when OCR layout did not say: a few stopwords decide."""

from __future__ import annotations

import re

from cyclops.normalize.confusions import strip_accents

VERSION = "1"
EN_WORDS = frozenset(["the", "and", "of", "to", "for", "with", "in", "if", "you", "your", "are", "take", "daily", "consult", "do", "not", "use", "helps", "help", "before", "or", "a", "an", "is", "by", "day", "per"])
FR_WORDS = frozenset(["le", "la", "les", "de", "des", "du", "et", "pour", "avec", "si", "vous", "votre", "prendre", "par", "jour", "consultez", "un", "une", "ne", "pas", "aide", "avant", "ou", "est", "au", "aux"])
_WORD = re.compile(r"[a-z]+")


def guess_language(text: str, default: str | None = None) -> str | None:
    """"en", "fr" or ``default`` when the text has no telling words (or as many of each)."""
    plain = strip_accents(text.lower())
    words = _WORD.findall(plain)
    en = sum(w in EN_WORDS for w in words)
    fr = sum(w in FR_WORDS for w in words)
    if re.search(r"[éèêàçùâîô]", text.lower()):
        fr += 1
    if en > fr:
        return "en"
    if fr > en:
        return "fr"
    return default
