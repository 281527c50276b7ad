"""Company: the name line of the "Manufactured for / Fabriqué pour" block; address lines are evidence."""

from __future__ import annotations

import re

from cyclops.extract.headings import match_heading, strip_heading
from cyclops.extract.lines import SourceLine, as_lines
from cyclops.extract.names import plausible_name
from cyclops.model.analysis import FieldValue

VERSION = "1"
#: legal-form suffixes that mark the line with the company name
COMPANY_SUFFIX = re.compile(
    r"\b(?:Inc|Incorporated|Ltd|Limited|Ltée|Limitée|Corp|Corporation|Co|LLC|LLP|GmbH|S\.?A|S\.?E\.?N\.?C|Company|Compagnie|Laboratories|Laboratoires|Labs?)\b\.?",
    re.IGNORECASE,
)
POSTAL_CODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
PROVINCES = r"(?:AB|BC|C\.-B\.|MB|NB|N\.-B\.|NL|T\.-N\.-L\.|NS|N\.-É\.|NT|NU|ON|PE|Î\.-P\.-É\.|QC|SK|YT|Canada)"
ADDRESS = re.compile(
    rf"^\s*\d+[\s,]|\b(?:street|st\.|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|rue|chemin|suite|unit|bureau|p\.?o\.? box|c\.?p\.)\b|,\s*{PROVINCES}\b|\b{PROVINCES}\s*$|www\.|@|\btel\b|\btél\b|1-8\d\d",
    re.IGNORECASE,
)


def is_address(text: str) -> bool:
    """A street, city/province, postal code, phone or web line."""
    return bool(POSTAL_CODE.search(text) or ADDRESS.search(text))


def company_name(texts: list[str]) -> tuple[str | None, int | None]:
    """(name, index of its line) from a company block's lines, headings stripped.

    The line with a legal suffix ("Acme Health Inc.") wins; otherwise the first line that is not an address.
    """
    stripped = [strip_heading(t).strip(" ,;") for t in texts]
    for i, text in enumerate(stripped):
        if text and COMPANY_SUFFIX.search(text) and not POSTAL_CODE.search(text):
            # "Acme Health Inc., 123 Main St." -> cut at the address
            return re.split(r",\s*(?=\d)", text)[0].strip(" ,"), i
    for i, text in enumerate(stripped):
        if text and not is_address(text) and any(c.isalpha() for c in text):
            return text, i
    return None, None


def extract_company(lines: list[SourceLine] | list[str]) -> FieldValue:
    """Lines labelled ``company`` -> the company name, with the whole block (address too) as evidence."""
    src = as_lines(lines)
    name, index = company_name([line.text for line in src])
    if name is None or index is None:
        return FieldValue()
    main = src[index]
    others = [line for i, line in enumerate(src) if i != index and line.image == main.image]
    evidence = [main.evidence] + [line.evidence for line in others]
    # a name without a legal suffix is a company only in a block that says so: a "Distributed by" heading or an address
    block = COMPANY_SUFFIX.search(name) or any(match_heading(line.text) for line in src) or any(is_address(line.text) for line in others)
    if not block or not plausible_name(name, main.confidence, COMPANY_SUFFIX):
        # debris ("C" at 34 %, "Exp:07/2026", a lone "Corporation"): withheld, the analyst reads the photo
        return FieldValue(confidence=main.score, evidence=evidence, as_read=name, needs_review=True)
    return FieldValue(value=name, confidence=main.score, evidence=evidence)
