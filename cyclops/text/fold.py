"""The forms text is compared in. OCR drops and adds accents and mixes case and punctuation, so
names, statements and units are compared folded; a caller that needs one more step (units read
"µ" as "u", the metrics drop "™") says so where it calls."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: punctuation the comparison form keeps: per cent signs, apostrophes, hyphens ("95%", "l'asthme", "co-q10")
KEPT = "%'-"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def strip_accents(text: str, *, compatible: bool = False) -> str:
    """Letters without their accents, case and punctuation kept ("Vitamine D3 équivalent" -> "Vitamine D3
    equivalent"); ``compatible`` also spells out compatibility forms ("ﬁ" -> "fi", "™" -> "TM")."""
    decomposed = unicodedata.normalize("NFKD" if compatible else "NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str | None, keep: str = KEPT) -> str:
    """Lower case, accents removed, punctuation but ``keep`` to single spaces:
    "Prévient l'Asthme!" -> "previent l'asthme"."""
    if not text:
        return ""
    return _fold(text, keep)


@lru_cache(maxsize=16384)
def _fold(text: str, keep: str) -> str:
    plain = strip_accents(text.replace("’", "'"), compatible=True).lower()
    return " ".join(_non_word(keep).sub(" ", plain).split())


@lru_cache(maxsize=8)
def _non_word(keep: str) -> re.Pattern[str]:
    return re.compile(f"[^0-9a-z{re.escape(keep)}]+")


def search_key(text: str) -> str:
    """Letters and digits only, "µ" and "ß" spelled out: the form the licence database indexes and
    searches ("Échinacée & MSM" -> "echinacee msm")."""
    return fold(text.replace("µ", "u").replace("ß", "ss"), keep="")


def words(text: str) -> list[str]:
    """Words (letters only, accents kept, lower case) for spell-correction vocabularies."""
    return [w.lower() for w in _WORD.findall(text)]


def digits(text: str | None) -> str:
    """Only the digits: licence numbers are compared this way ("NPN 8001-2345" -> "80012345")."""
    return re.sub(r"\D", "", text or "")
