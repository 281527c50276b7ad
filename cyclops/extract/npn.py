"""The licence number: NPN or DIN-HM, always exactly 8 digits.

Never invents digits. A number cut off at the edge of the photo ("NPN 800123")
gives no value but an ``illegible`` result with its evidence, so the analyst is
told the licence number is there but unreadable rather than given a wrong one.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from cyclops.extract.lines import SourceLine, as_lines
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.model.analysis import Evidence, FieldValue
from cyclops.normalize.licence import parse_npn

VERSION = "2"
_BARE = re.compile(r"(?<!\d)(\d{4}[\s\-]?\d{4})(?!\d)")


class NpnResult(BaseModel):
    value: str | None = None  # 8 digits, or None when absent or illegible
    kind: str | None = None  # "NPN" or "DIN-HM"
    legible: bool = True  # False when a licence number is printed but cannot be read in full
    confidence: float = 0.0
    evidence: list[Evidence] = Field(default_factory=list)
    as_read: str | None = None  # the digits read too unsurely to propose (``ExtractParams.npn_digit_confidence``)

    def field_value(self) -> FieldValue:
        return FieldValue(value=self.value, confidence=self.confidence, evidence=self.evidence, as_read=self.as_read,
                          needs_review=self.as_read is not None)


def find_npn(lines: list[SourceLine] | list[str], params: ExtractParams = DEFAULTS) -> NpnResult:
    """The licence number of a label from its lines (any order, any label).

    A prefix on one line and the digits on the next (vertical print split by
    OCR) are joined. A bare 8-digit number counts only on a line the classifier
    labelled ``npn``. A readable number beats an illegible one, which keeps
    ``params.npn_illegible_weight`` of its confidence.
    """
    src = as_lines(lines)
    best: NpnResult | None = None
    for i, line in enumerate(src):
        parsed = parse_npn(line.text)
        used = [line]
        if parsed and parsed[0] is None and parsed[2] and i + 1 < len(src):
            # prefix alone: the number may be on the next line
            joined = parse_npn(line.text + " " + src[i + 1].text)
            if joined and joined[0]:
                parsed, used = joined, [line, src[i + 1]]
        if parsed is None and line.label == "npn" and not _OTHER_NUMBER.search(line.text):
            bare = _BARE.search(line.text.replace("O", "0"))
            if bare:
                parsed = (re.sub(r"\D", "", bare.group(1)), "NPN", True)
        if parsed is None:
            continue
        value, kind, legible = parsed
        if value is None and legible:
            continue  # a prefix with nothing after it (a heading), not evidence of a number
        # (a line not filed as the NPN only gets here with its prefix: a bare number counts on an npn line alone)
        confidence = min(line.score for line in used) * (1.0 if value else params.npn_illegible_weight)
        digits = min((u.number_confidence for u in used if u.number_confidence is not None), default=None)
        as_read = None
        if value and digits is not None and digits < params.npn_digit_confidence:
            # the digits themselves read unsurely ("NPN 800029 92" at 0.40 for 80002892): one wrong digit is another
            # product's licence, so the number is shown as read for the analyst, not proposed
            value, legible, as_read = None, False, value
            confidence = min(confidence, digits)
        result = NpnResult(value=value, kind=kind, legible=legible, confidence=round(confidence, 4),
                           evidence=[u.evidence for u in used], as_read=as_read)
        if best is None or (result.value and not best.value) or (
            bool(result.value) == bool(best.value) and result.confidence > best.confidence
        ):
            best = result
    return best or _cut_number(src, params) or NpnResult()


#: words that name another kind of number: a bare 8 digits after them is a lot, a barcode, a phone or a
#: foreign licence, never an NPN (only a number the label presents as NPN or DIN-HM, or alone in its box, is)
_OTHER_NUMBER = re.compile(
    r"\b(?:lot|exp|upc|ean|tel|t[eé]l[eé]phone|phone|fax|lic(?:en[cs]e)?|reg(?:istration)?|batch|mfg|ref|sku|fssai|gmp"
    r"|ndc|zip|no\.|n°|#)|\d{9,}|\(\d{3}\)|\d{3}[-. ]\d{3}[-. ]\d{4}",
    re.IGNORECASE,
)


def at_edge(line: SourceLine, edge: float = DEFAULTS.npn_edge) -> bool:
    """The line touches the photo's edge, within ``edge`` of its width or height (layout features in page
    shares); lines without layout (plain-text callers) may be anywhere."""
    f = line.features
    if not f or "x0" not in f:
        return True
    return f["x0"] < edge or f["y0"] < edge or f["x1"] > 1 - edge or f["y1"] > 1 - edge


#: what is left of a number cut at the photo's edge: a short run of digits and nothing else
_PARTIAL = re.compile(r"^\W*(\d{2,7})\W*$")


def _cut_number(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> NpnResult | None:
    """A line the classifier put where licence numbers are printed, holding only part of one
    ("2345": the photo cut through "NPN 80012345"): the number is there but illegible."""
    for line in lines:
        if line.label == "npn" and _PARTIAL.match(line.text) and at_edge(line, params.npn_edge):
            return NpnResult(kind="NPN", legible=False, confidence=round(line.score * params.npn_illegible_weight, 4),
                             evidence=[line.evidence])
    return None
