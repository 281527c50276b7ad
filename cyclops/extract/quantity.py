"""Quantities as labels print them: "25 mcg (1000 IU)", "2,5 mg", "10 billion CFU",
"4:1 extract equivalent to 200 mg dried herb" / "extrait 4:1 équivalent à 200 mg de plante séchée".
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from cyclops.normalize.confusions import NumberError, normalize_text, parse_number
from cyclops.text.fold import strip_accents

VERSION = "1"

#: number words -> factor ("10 billion CFU", "10 milliards UFC")
MULTIPLIERS: dict[str, float] = {
    "thousand": 1e3, "mille": 1e3,
    "million": 1e6, "millions": 1e6,
    "billion": 1e9, "billions": 1e9, "milliard": 1e9, "milliards": 1e9,
    "trillion": 1e12, "trillions": 1e12, "billion de": 1e12,
}
#: CH and DH are homeopathic dilutions (centesimal, decimal Hahnemannian)
UNITS = ("mcg", "mg", "g", "kg", "mL", "L", "IU", "%", "CFU", "UFC", "drops", "gouttes", "CH", "DH")
#: words that say the amount after them is a dried herb equivalent, not the quantity
DHE_MARKERS = ("equivalent to", "equivalent a", "equiv.", "equiv", "dhe", "dried herb equivalent", "equivalent", "equivalant")

#: a thousands group never starts glued to a word: "Menaquinone-7 180 mcg" is 180 mcg, "B12 500 mcg" 500 mcg
_NUM = r"(?<![\w-])\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_MULT = "|".join(sorted((re.escape(k) for k in MULTIPLIERS if " " not in k), key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in UNITS)
AMOUNT = re.compile(
    rf"(?P<num>{_NUM})\s*(?:(?P<mult>{_MULT})\s+)?(?:x\s*10\^?(?P<exp>\d+)\s*)?(?P<unit>{_UNIT})(?![A-Za-zÀ-ÿ])",
    re.IGNORECASE,
)
RATIO = re.compile(r"(?<![\d.,])(?P<a>\d+(?:[.,]\d+)?)\s*:\s*(?P<b>\d+(?:[.,]\d+)?)(?![\d])")
_CANON_UNIT = {u.lower(): u for u in UNITS}


class Quantity(BaseModel):
    """One parsed quantity. ``value``/``unit`` is the amount of the ingredient itself;
    ``potency`` a second amount (IU, % constituent), ``ratio`` the extract ratio,
    ``dhe`` the dried herb equivalent."""

    value: float | None = None
    unit: str | None = None
    potency: str | None = None
    ratio: str | None = None
    dhe: float | None = None
    dhe_unit: str | None = None
    text: str = ""

    def describe(self) -> str | None:
        """Potency, ratio and dried herb equivalent as one printed-style string (``Ingredient.potency``)."""
        parts = []
        if self.potency:
            parts.append(self.potency)
        if self.ratio:
            parts.append(f"{self.ratio} extract")
        if self.dhe is not None:
            parts.append(f"equivalent to {_fmt(self.dhe)} {self.dhe_unit}")
        return ", ".join(parts) or None


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:.3g}"


def _amount(m: re.Match[str], language: str | None) -> tuple[float, str] | None:
    try:
        value = parse_number(m.group("num"), language)
    except NumberError:
        return None
    if m.group("mult"):
        value *= MULTIPLIERS[m.group("mult").lower()]
    if m.group("exp"):
        value *= 10 ** int(m.group("exp"))
    unit = _CANON_UNIT.get(m.group("unit").lower(), m.group("unit"))
    unit = {"gouttes": "drops", "UFC": "CFU"}.get(unit, unit)
    return value, unit


def _is_dhe(text: str, start: int) -> bool:
    before = strip_accents(text[max(0, start - 40):start]).lower()
    return any(marker in before for marker in DHE_MARKERS)


def find_amounts(text: str, language: str | None = None) -> list[tuple[int, int, float, str]]:
    """Every (start, end, value, unit) amount in an already-normalised text."""
    out = []
    for m in AMOUNT.finditer(text):
        parsed = _amount(m, language)
        if parsed:
            out.append((m.start(), m.end(), parsed[0], parsed[1]))
    return out


def _daily_value(text: str, amount: tuple[int, int, float, str]) -> bool:
    """A bare percentage after the amount, closing the row outside brackets ("1050 mcg 117%"):
    the % Daily Value column of a facts panel, not a potency."""
    start, end, _, unit = amount
    return unit == "%" and text.count("(", 0, start) <= text.count(")", 0, start) and not re.search(r"[^\s*†‡]", text[end:])


def parse_quantity(text: str, language: str | None = None) -> Quantity | None:
    """The quantity of one ingredient line or cell; None when it holds no amount or ratio.

    ``language`` ("fr") decides "2,500" (2.5 in French, 2500 in English).
    """
    norm = normalize_text(text)
    if language is None and re.search(r"\b(?:UFC|UI|extrait|équivalent|séchée|milliards?)\b", text):
        language = "fr"
    amounts = find_amounts(norm, language)
    ratio_m = RATIO.search(norm)
    if not amounts and not ratio_m:
        return None
    q = Quantity(text=text.strip())
    if ratio_m:
        q.ratio = f"{ratio_m.group('a')}:{ratio_m.group('b')}"
    rest: list[tuple[int, int, float, str]] = []
    for start, end, value, unit in amounts:
        if q.dhe is None and _is_dhe(norm, start):
            q.dhe, q.dhe_unit = value, unit
        elif q.value is None:
            q.value, q.unit = value, unit
        else:
            rest.append((start, end, value, unit))
    rest = [r for r in rest if not _daily_value(norm, r)]
    if rest:
        # "25 mcg (1000 IU)", "500 mg (95% curcuminoids)": keep as printed, up to the closing bracket
        start = rest[0][0]
        tail = norm[start:]
        stop = re.search(r"[)\]]", tail)
        q.potency = tail[: stop.start()].strip() if stop else tail[: rest[0][1] - start].strip()
    return q
