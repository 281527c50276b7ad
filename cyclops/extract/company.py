"""Company: the name line of the "Manufactured for / Fabriqué pour" block; address lines are evidence.

A name printed with its legal form right above an address is the company's block whatever the classifier filed
it as, and it outweighs a name filed as the company that has no address by it: on a shelf, the neighbouring
products' brands ("PURE LAB", "Nordic Sun") are short names in large type, filed as companies, with no address.
"""

from __future__ import annotations

import re

from cyclops.extract.headings import match_heading, match_lead, strip_heading
from cyclops.extract.lines import SourceLine, as_lines, follows_on_row
from cyclops.extract.names import adjacent, plausible_name
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.model.analysis import FieldValue
from cyclops.model.ocr import bbox_of

VERSION = "4"
#: legal-form suffixes that mark the line with the company name ("S.A." but not the end of "U.S.A.")
COMPANY_SUFFIX = re.compile(
    r"\b(?:Inc|Incorporated|Ltd|Limited|Ltée|Limitée|Corp|Corporation|Co|LLC|LLP|PBC|GmbH|(?<![^\W\d_]\.)S\.?A(?!\.?[^\W\d_])|S\.?E\.?N\.?C|Company|Compagnie|Laboratories|Laboratoires|Labs?)\b\.?",
    re.IGNORECASE,
)
POSTAL_CODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
PROVINCES = r"(?:AB|BC|C\.-B\.|MB|NB|N\.-B\.|NL|T\.-N\.-L\.|NS|N\.-É\.|NT|NU|ON|PE|Î\.-P\.-É\.|QC|SK|YT|Canada)"
ADDRESS = re.compile(
    rf"^\s*\d+[\s,]|\b(?:street|st\.|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|rue|chemin|suite|unit|bureau|p\.?o\.? box|c\.?p\.)\b|,\s*{PROVINCES}\b|\b{PROVINCES}\s*$|\bwww\b|@|\bt[eé]l(?:[eé]phone)?\b\.?\s*:?\s*[\d(+]|1-8\d\d",
    re.IGNORECASE,
)

#: a US state and ZIP code ("Las Vegas, NV 89103"): NHPs made in the US print their distributor's address so
US_ZIP = re.compile(
    r"\b(?:AL|AK|AZ|AR|CA|CO|CT|DC|DE|FL|GA|HI|IA|ID|IL|IN|KS|KY|LA|MA|MD|ME|MI|MN|MO|MS|MT|NC|ND|NE|NH|NJ|NM|NV|NY"
    r"|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VA|VT|WA|WI|WV|WY)\.?,?\s+\d{5}(?:-\d{4})?\b"
)

#: a place, its region and a five- or six-digit postcode ending the line, as importers' addresses abroad print them
#: ("Dover, Kent - 19904.", "Gurugram, Haryana- 122050"): no US state to read it by
PLACE_POSTCODE = re.compile(r",\s*[A-Z][^\W\d_]+(?:\s+[A-Z][^\W\d_]+)*\s*[-–]\s*\d{5,6}\s*\.?\s*$")


def is_address(text: str) -> bool:
    """A street, city/province, postal code or US state and ZIP, place and postcode, phone or web line."""
    return bool(POSTAL_CODE.search(text) or US_ZIP.search(text) or ADDRESS.search(text) or PLACE_POSTCODE.search(text))


def says_company(text: str) -> bool:
    """The line opens with a company heading, with or without its colon ("Distributed by NeuroGum, Inc.")."""
    heading = match_heading(text)
    return (heading is not None and heading[0] == "company") or match_lead(text, "company") is not None


def _without_lead(text: str) -> str:
    """The line after its headings and after a lead that runs into the name ("Distributed by NeuroGum, Inc.")."""
    text = strip_heading(text)
    lead = match_lead(text, "company")
    return (text[lead:] if lead else text).strip(" ,;:")


def company_name(texts: list[str]) -> tuple[str | None, int | None]:
    """(name, index of its line) from a company block's lines, headings stripped.

    The line with a legal suffix ("Acme Health Inc.") wins; otherwise the first line that is not an address.
    """
    stripped = [_without_lead(t) for t in texts]
    for i, text in enumerate(stripped):
        # the last legal form ends the name: "Glacier Labs Canada Ltd." is not cut at "Labs"
        suffix = next(reversed(list(COMPANY_SUFFIX.finditer(text))), None) if text else None
        if suffix and not POSTAL_CODE.search(text[: suffix.start()]):
            # "Acme Health Inc., 123 Main St." / "Root Wellness, LLC Franklin, TN": the name ends with its legal form
            return text[: suffix.end()].strip(" ,|"), i
    for i, text in enumerate(stripped):
        if text and not is_address(text) and any(c.isalpha() for c in text):
            return text, i
    return None, None


def _own_letters(name: str) -> int:
    """The letters of ``name`` besides its legal form ("OP2 LABS": 2; "LABS": 0)."""
    return len(re.findall(r"[^\W\d_]", COMPANY_SUFFIX.sub("", name)))


def name_before_form(form: SourceLine, lines: list[SourceLine]) -> SourceLine | None:
    """The piece of a company line that the detector boxed apart from its legal form ("OP2" | "LABS"): the
    nearest piece with letters that it follows on its row (``follows_on_row``)."""
    pieces = [other for other in lines if other is not form and any(c.isalpha() for c in _without_lead(other.text))
              and follows_on_row(other, form, 1.5)]
    return max(pieces, key=lambda other: bbox_of(other.polygon)[2], default=None)


def extract_company(lines: list[SourceLine] | list[str], params: ExtractParams = DEFAULTS) -> FieldValue:
    """Lines labelled ``company`` -> the company name, with the whole block (address too) as evidence;
    a name that is not ``plausible_name`` by ``params`` is withheld for review."""
    src = as_lines(lines)
    name, index = company_name([line.text for line in src])
    if name is None or index is None:
        return FieldValue()
    main = src[index]
    before = name_before_form(main, src) if _own_letters(name) < 2 else None
    if before is not None:
        name = f"{_without_lead(before.text)} {name}"
    others = [line for i, line in enumerate(src) if i != index and line.image == main.image and line is not before]
    evidence = [main.evidence] + ([before.evidence] if before is not None else []) + [line.evidence for line in others]
    # a name without a legal suffix is a company only in a block that says so: a "Distributed by" heading or an address
    block = (COMPANY_SUFFIX.search(name) or any(match_heading(line.text) or match_lead(line.text, "company") is not None for line in src)
             or any(is_address(line.text) for line in others))
    # a short name with its legal form and its address on one line ("NS 360, Inc, 4241 2nd Ave W"), or boxed apart
    # from its form on one row ("OP2" | "LABS"), is one: the form counts as its word there (two letters of its own
    # at least); elsewhere a name needs a word of its own ("C Inc.")
    placed = before is not None or is_address(main.text[main.text.find(name) + len(name):])
    stop = None if COMPANY_SUFFIX.search(name) and _own_letters(name) >= 2 and placed else COMPANY_SUFFIX
    if not block or not plausible_name(name, main.confidence, stop, params):
        # debris ("C" at 34 %, "Exp:07/2026", a lone "Corporation"): withheld, the analyst reads the photo
        return FieldValue(confidence=main.score, evidence=evidence, as_read=name, needs_review=True)
    return FieldValue(value=name, confidence=main.score, evidence=evidence)


def right_under(name: SourceLine, other: SourceLine, gap: float) -> bool:
    """``other`` is printed just under ``name`` on the same photo (``names.adjacent``), not above its top."""
    if other.image != name.image or not name.polygon or not other.polygon:
        return False
    return bbox_of(name.polygon)[1] < bbox_of(other.polygon)[1] and adjacent(name, other, gap)


def addresses_under(name: SourceLine, lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> list[SourceLine]:
    """The address lines (``is_address``) printed right under ``name`` (``right_under``)."""
    return [other for other in lines if other is not name and is_address(other.text)
            and right_under(name, other, params.company_address_gap)]


def in_its_block(name: SourceLine, lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> bool:
    """``name`` is printed as a company's is: with an address on its own line ("myBrainCo Inc, 295 Madison Ave") or
    right under it, or right under a company heading ("Distributed by:")."""
    return (is_address(name.text) or bool(addresses_under(name, lines, params))
            or any(other is not name and says_company(other.text) and right_under(other, name, params.company_address_gap)
                   for other in lines))


def company_over_address(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> FieldValue | None:
    """The company from a line, filed as anything, that names one with its legal form ("Hudson Bay Botanica
    Corp.") right above an address ("88 Rue Principale, Québec QC"); the first such, in the lines' order."""
    for line in as_lines(lines):
        if line.label == "npn" or is_address(line.text) or not COMPANY_SUFFIX.search(line.text):
            continue
        under = addresses_under(line, lines, params)
        if under:
            found = extract_company([line, *under], params)
            if found.value:
                return found
    return None


def company_elsewhere(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> FieldValue | None:
    """The company from a line the classifier filed elsewhere: one that says so ("Manufactured for: Root
    Wellness, LLC Franklin, TN") or a name with its legal form and address ("myBrainCo Inc, 295 Madison Ave").
    Without a legal form the name needs two words ("DISTRIBUTED BY: WAL", cut by the photo, is none)."""
    for line in as_lines(lines):
        if line.label == "npn":
            continue
        if says_company(line.text) or (COMPANY_SUFFIX.search(line.text) and is_address(line.text)):
            found = extract_company([line], params)
            if found.value and (COMPANY_SUFFIX.search(found.value) or len(found.value.split()) >= 2):
                return found
    return None
