"""A licence number as printed: NPN or DIN-HM and its 8 digits, read from one line of text.

Pure text rules shared by the OCR engine (a number whose box was cut short is read again from a longer crop,
``cyclops.ocr.reread``) and the extractor (``cyclops.extract.npn``), so both agree on what a licence number is.
"""

from __future__ import annotations

import re

from cyclops.normalize.confusions import DIGIT_CONFUSIONS, normalize_codes
from cyclops.normalize.confusions import VERSION as CONFUSIONS_VERSION

#: part of the OCR engine's version (its cache key): the engine completes cut numbers by these rules
VERSION = f"1c{CONFUSIONS_VERSION}"
DIGITS = 8
_CONF = "".join(re.escape(c) for c in DIGIT_CONFUSIONS)
#: prefix then the run of digits (or confusable letters) with spaces/dashes that belongs to it
_PREFIXED = re.compile(rf"(?P<kind>NPN|DIN-HM)\s*(?P<run>[0-9{_CONF}](?:[0-9{_CONF}\s\-]*[0-9{_CONF}])?)?")


def _digits_of(run: str) -> tuple[str, list[str]]:
    """All digits of a run (confusions repaired) and its space-separated groups."""
    groups = [g for g in re.split(r"[\s\-]+", run) if g]
    repaired = ["".join(DIGIT_CONFUSIONS.get(c, c) for c in g) for g in groups]
    # a trailing word that is mostly letters is not part of the number ("NPN 80012345 Lot")
    kept = [g for g in repaired if sum(c.isdigit() for c in g) * 2 > len(g)]
    return "".join(kept), kept


def parse_npn(text: str) -> tuple[str | None, str | None, bool] | None:
    """(value, kind, legible) of one line, or None when the line has no licence prefix.

    "NPN 80012345", "NPN: 8001 2345", "NPN80012345", "N.P.N. 8OO12345" -> ("80012345", "NPN", True);
    "NPN 800123" -> (None, "NPN", False).
    """
    m = _PREFIXED.search(normalize_codes(text))
    if not m:
        return None
    kind = m.group("kind")
    run = m.group("run") or ""
    digits, groups = _digits_of(run)
    if len(digits) == DIGITS and all(c.isdigit() for c in digits):
        return digits, kind, True
    if len(digits) > DIGITS:
        # "NPN 80012345 1234": the first groups that make exactly 8 digits
        acc = ""
        for g in groups:
            acc += g
            if len(acc) == DIGITS:
                return acc, kind, True
            if len(acc) > DIGITS:
                break
    return None, kind, not digits


def _last_number(normal: str) -> re.Match | None:
    """The last licence prefix of a line (``normal``: confusions repaired) and the run of digits after it."""
    found = list(_PREFIXED.finditer(normal))
    return found[-1] if found else None


def cut_short(text: str) -> str | None:
    """The digits of a licence number that ends its line before its eighth digit ("NPN 8001", "NPN:" -> "8001",
    ""), or None: what the recogniser read of a box the detector ended too soon. A number followed by other text
    ("NPN 800123 Lot 4") was not cut by its box, and is not one."""
    normal = normalize_codes(text)
    last = _last_number(normal)
    if last is None or last.end() < len(normal.rstrip(" .,;:-–")):
        return None
    digits, _ = _digits_of(last.group("run") or "")
    return digits if len(digits) < DIGITS and all(c.isdigit() for c in digits) else None


#: a licence number as the recogniser read it whole: its prefix's last letter, then 8 digits printed as digits, in one
#: group or two of three or more ("80012068", "8001 2068"), and nothing after them that could be a digit
_WHOLE = re.compile(r"[NMnm]\W{0,4}(?:[Nn][o°º]\.?\W{0,3})?(?<![\d])(\d{8}|\d{3,5}[\s\-]\d{3,5})(?![\w])")


def completes(cut: str, text: str) -> bool:
    """Whether ``text``, read from a longer crop, gives the whole licence number whose first digits ``cut`` are:
    after the same prefix as ``cut_short`` found, eight digits read as digits (a letter taken for one, "S" of "Store"
    for a 5, or a lone digit of the next word, would make up a digit never printed), in at most two groups."""
    last = _last_number(normalize_codes(text))
    if last is None:
        return False
    digits, _ = _digits_of(last.group("run") or "")
    whole = _WHOLE.search(text)
    return (len(digits) == DIGITS and digits.startswith(cut) and whole is not None
            and re.sub(r"\D", "", whole.group(1)) == digits)
