"""Text normalisation shared by search, synonyms and vocabulary.

OCR drops accents and mixes case and punctuation, so every comparison is made
on one folded form: lower case, no diacritics, only letters and digits.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, strip accents, turn punctuation into single spaces ("Échinacée & MSM" -> "echinacee msm")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("µ", "u").replace("ß", "ss"))
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def words(text: str) -> list[str]:
    """Words (letters only, accents kept, lower case) for spell-correction vocabularies."""
    return [w.lower() for w in _WORD.findall(text)]


def digits(text: str) -> str:
    """Only the digits: licence numbers are compared this way ("NPN 8001-2345" -> "80012345")."""
    return re.sub(r"\D", "", text)
