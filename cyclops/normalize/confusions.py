"""Repair the characters OCR confuses in codes, numbers and units.

Labels print numbers in small type, so OCR reads "8OO12345" for "80012345" or
"rng" for "mg". Letters are only turned into digits *inside numeric tokens*
(a token starting with a digit, or a long token that is mostly digits), so
"Vitamin B12", "D3" or "Zinc" are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

VERSION = "4"

#: letter -> digit it is mistaken for, applied only inside numeric tokens
DIGIT_CONFUSIONS: dict[str, str] = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
_CONFUSABLE = "".join(re.escape(c) for c in DIGIT_CONFUSIONS)

#: unit spelling (lower-cased, as OCR gives it) -> canonical unit
UNIT_ALIASES: dict[str, str] = {
    "mcg": "mcg", "µg": "mcg", "μg": "mcg", "ug": "mcg", "meg": "mcg", "mcq": "mcg", "mog": "mcg",
    "µug": "mcg", "μug": "mcg",  # the micro sign read as two glyphs
    "mg": "mg", "rng": "mg", "mq": "mg",
    "g": "g", "kg": "kg",
    "ml": "mL",
    "l": "L",
    "iu": "IU", "ui": "IU", "i.u.": "IU", "u.i.": "IU", "i.u": "IU", "u.i": "IU",
    "lu": "IU",  # the I read as a lower-case l ("2500 lU")
    "%": "%",
    "cfu": "CFU", "ufc": "CFU",
}
#: longest first so "mcg" wins over "g"
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(UNIT_ALIASES, key=len, reverse=True) if u not in {"l"})
#: a canonical unit glued to a number: "25mcg", "1OOOIU"
_GLUED_UNIT = re.compile(rf"^(?P<core>[0-9{_CONFUSABLE}]+?)(?P<unit>{_UNIT_PATTERN})?$", re.IGNORECASE)
_TOKEN = re.compile(rf"[0-9A-Za-zµμ{_CONFUSABLE}]+")

#: what labels print between a licence prefix and its digits: "NPN: #80012345", "NPN No. 80012345", "NPN N° ...",
#: "NPN - 80012345"
_NUMBER_SIGNS = r"(?:\s*(?:[#:№°\-–—]|n[o°º]\.?))*"  # the patterns using it ignore case
_NPN_VARIANTS = re.compile(
    r"(?<![A-Za-z])(?:N\s?\.?\s?P\s?\.?\s?[NM]\s?\.?)(?:\s*/\s*N\s?\.?\s?P\s?\.?\s?[NM]\s?\.?)?" + _NUMBER_SIGNS
    + r"(?![A-Za-z])",
    re.IGNORECASE,  # small type's capitals read as lower case: "Npn 80012345"
)
_DIN_HM = re.compile(r"(?<![A-Za-z])D\s?\.?\s?I\s?\.?\s?N\s?\.?\s*[-–—_ ]?\s*H\s?\.?\s?M\s?\.?" + _NUMBER_SIGNS
                     + r"(?![A-Za-z])", re.IGNORECASE)


def _is_numeric_token(token: str) -> bool:
    """A token that OCR most likely read from digits: starts with a digit, or is long and mostly digits."""
    digits = sum(c.isdigit() for c in token)
    if digits == 0:
        return False
    if token[0].isdigit():
        return True
    return len(token) >= 4 and digits * 2 >= len(token)


def repair_digits(token: str) -> str:
    """Turn confusable letters into digits in one numeric token, keeping a glued unit ("1OOmg" -> "100mg")."""
    if not _is_numeric_token(token):
        return token
    m = _GLUED_UNIT.match(token)
    if not m:
        return token
    core = "".join(DIGIT_CONFUSIONS.get(c, c) for c in m.group("core"))
    return core + (m.group("unit") or "")


def repair_numbers(text: str) -> str:
    """Repair every numeric token of a text ("NPN 8OO12345" -> "NPN 80012345")."""
    return _TOKEN.sub(lambda m: repair_digits(m.group(0)), text)


def normalize_codes(text: str) -> str:
    """Write licence prefixes one way: "N.P.N.", "NPM", "NPN#", "NPN/NPN" -> "NPN"; "D.I.N.-H.M." -> "DIN-HM"."""
    text = _DIN_HM.sub("DIN-HM ", text)
    text = _NPN_VARIANTS.sub("NPN ", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


_UNIT_AFTER_NUMBER = re.compile(
    rf"(?P<num>\d)(?P<space>\s?)(?P<unit>{_UNIT_PATTERN}|mL|ml)(?![A-Za-zÀ-ÿ])", re.IGNORECASE
)


def normalize_units(text: str) -> str:
    """Write units after numbers one way: "25 µg" -> "25 mcg", "1000 UI" -> "1000 IU", "5 rng" -> "5 mg"."""

    def fix(m: re.Match[str]) -> str:
        unit = UNIT_ALIASES.get(m.group("unit").lower(), m.group("unit"))
        return f"{m.group('num')}{m.group('space')}{unit}"

    return _UNIT_AFTER_NUMBER.sub(fix, text)


#: a count of live cells written the US way, the multiplier as one letter: "5B CFU", "10 M CFU", "50 Billion CFU"
_SHORT_COUNT = re.compile(r"(?<![\w.,])(?P<num>\d+(?:[.,]\d+)?)\s?(?P<mult>[BbMm])\.?\s*(?P<unit>CFU|UFC)\b")
_COUNT_WORD = {"b": "billion", "m": "million"}


def spell_out_counts(text: str) -> str:
    """"5B CFU" -> "5 billion CFU": read before digit repair, which would take the B for an 8 ("58 CFU")."""
    return _SHORT_COUNT.sub(lambda m: f"{m.group('num')} {_COUNT_WORD[m.group('mult').lower()]} {m.group('unit')}", text)


@lru_cache(maxsize=16384)
def normalize_text(text: str) -> str:
    """Everything a parser wants before matching: unicode NFC, counts of live cells, numbers, licence prefixes,
    units. Kept for the last lines asked (a pure function of the text): the panel rules ask it of every line for
    every row, 7,000 times on one dense back, which was 0.3 s of its 0.6 s of extraction."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    text = normalize_codes(repair_numbers(spell_out_counts(text)))
    return normalize_units(text)


_NUMBER = re.compile(r"^\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d+)?$|^\d+(?:[.,]\d+)?$")


class NumberError(ValueError):
    """A string that is not a number as labels print them."""


def parse_number(text: str, language: str | None = None) -> float:
    """Read a printed number: "2,5" (French comma) -> 2.5, "1,000" / "1 000" -> 1000, "0.125" -> 0.125.

    A comma followed by exactly three digits is a thousands separator in English
    text and a decimal comma in French text (French groups thousands with spaces).
    """
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not _NUMBER.match(s):
        raise NumberError(f"not a number: {text!r}")
    s = s.replace(" ", "")
    if "," in s and "." in s:  # "1,000.5" or "1.000,5": the last one is the decimal mark
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif s.count(",") > 1:
        s = s.replace(",", "")
    elif "," in s:
        whole, frac = s.split(",")
        thousands = len(frac) == 3 and whole != "0" and language != "fr"
        s = whole + frac if thousands else f"{whole}.{frac}"
    elif s.count(".") > 1:
        s = s.replace(".", "")
    return float(s)
