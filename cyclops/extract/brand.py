"""Brand: the largest line labelled ``brand`` (one line; brands rarely wrap) that reads as a brand.

On real photos the classifier files small capitals as the brand: certification seals ("GMO", "GMP",
"CERT"), units ("IU D3"), everyday words ("FOR", "ON", "DAY") and logo debris ("OS", "RAHM" in fine
print). A brand is printed at least about as large as the label's text, is not only everyday words and
is no seal; anything else is left empty for the analyst rather than proposed.
"""

from __future__ import annotations

import re

from cyclops.extract.lines import SourceLine, as_lines
from cyclops.extract.names import best_run, clean_name, plausible_name
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.extract.product_name import (MAKER_LINE, brand_key, coined_mark, ingredient_words, line_of, lines_over, maker_words,
                                          printed_as_maker)
from cyclops.extract.statements import STARRED
from cyclops.model.analysis import FieldValue
from cyclops.model.ocr import bbox_of
from cyclops.text.fold import strip_accents
from cyclops.text.language import EVERYDAY_ZIPF, common_word

VERSION = "4"

#: seals, claims, units and the allergens of "free from" badges printed in small capitals: never a brand ("GMO", "GMP",
#: "CERT", "IU D3", "GLUTEN DAIRY SOY")
SEAL = re.compile(r"\b(?:non|gmo|gmp|cert|certified|certifie|usda|organic|biologique|vegan|vegetalien|kosher|halal|gluten|free"
                  r"|keto|paleo|nsf|iu|ui|mg|mcg|dha|epa|cfu|ufc|soy|soja|dairy|lactose|wheat|ble|nuts?|peanuts?|noix|arachides?"
                  r"|eggs?|oeufs?|shellfish|sesame|sugar|sucre)\b", re.IGNORECASE)


def brand_like(line: SourceLine, params: ExtractParams = DEFAULTS) -> bool:
    """Whether a line could be the brand: a plausible name (``plausible_name``), not only everyday words,
    no seal, and printed at least ``params.brand_type`` times the label's text height (when that is known)."""
    text = clean_name(line.text)
    words = re.findall(r"[^\W\d_]+", strip_accents(text).lower())
    if not plausible_name(text, line.confidence if line.polygon else 1.0, params=params) or SEAL.search(strip_accents(text)):
        return False
    if words and all(common_word(word, EVERYDAY_ZIPF) for word in words):
        return False
    return line.features.get("rel_height", params.brand_type) >= params.brand_type


def extract_brand(lines: list[SourceLine] | list[str], params: ExtractParams = DEFAULTS) -> FieldValue:
    """Lines labelled ``brand`` -> the brand, among those that read as one (``brand_like``)."""
    return best_run([line for line in as_lines(lines) if brand_like(line, params)], max_lines=1, params=params)


def brand_line_among_names(lines: list[SourceLine] | list[str], params: ExtractParams = DEFAULTS) -> SourceLine | None:
    """A short line (at most ``params.brand_max_words`` words) that starts another product-name line
    ("Rideau" above "Rideau Ginkgo Biloba"): the brand, when the classifier took it for part of the name."""
    src = as_lines(lines)
    for line in sorted(src, key=lambda item: len(item.text)):
        short = clean_name(line.text).lower()
        if not short or len(short.split()) > params.brand_max_words:
            continue
        if any(other is not line and clean_name(other.text).lower().startswith(short + " ") for other in src):
            return line
    return None


def brand_line_beside_names(names: list[SourceLine], others: list[SourceLine], params: ExtractParams = DEFAULTS) -> SourceLine | None:
    """A short line under another label ("Hudson", filed as a claim) that starts a product-name line
    ("Hudson Botanica Calcium + D3"): the brand, when the classifier filed it elsewhere."""
    starts = [clean_name(name.text).lower() for name in names]
    for line in sorted(others, key=lambda item: len(item.text)):
        short = clean_name(line.text).lower()
        if len(short) >= 3 and len(short.split()) <= params.brand_max_words and any(s.startswith(short + " ") for s in starts):
            return line
    return None


def squeezed(line: SourceLine, params: ExtractParams = DEFAULTS) -> bool:
    """Whether a line's letters are much narrower than tall (``params.mark_letter_width``): a word on a surface that
    turns away from the camera, as a facts panel running round a bottle's edge ("Suggesal" for "Suggested"), which
    is not the mark the front shows."""
    x0, y0, x1, y1 = bbox_of(line.polygon)
    length, height = x1 - x0, y1 - y0
    if line.features.get("vertical"):
        length, height = height, length
    letters = len(re.sub(r"\s", "", line.text))
    return bool(letters and height) and length / letters < params.mark_letter_width * height


def brand_among_marks(lines: list[SourceLine], name: FieldValue, backs: set[str], params: ExtractParams = DEFAULTS) -> FieldValue:
    """The brand when no line filed as one reads as a brand: the largest front line that the product-name rule
    sets aside as a mark (a lone coined word such as "POGGERS" or "CYMBIOTIKA", or a word of the maker's lines
    such as "JOCKO" beside "Distributed by JOCKO FUEL", not that line itself), printed at least
    ``params.small_name_type`` large, facing the camera (not ``squeezed``), not the tail of a starred claim
    ("rtuming.*": US labels star claims, never marks) and not part of the name found."""
    taken = brand_key(name.value)
    makers = maker_words(lines)
    marks = [line for line in lines
             if line.image not in backs and line.label not in ("npn", "company") and line.polygon
             and line.features.get("rel_height", 0.0) >= params.small_name_type and not MAKER_LINE.search(line.text)
             and (coined_mark(clean_name(line.text)) or printed_as_maker(line.text, makers, params))
             and brand_key(line.text) not in taken and brand_like(line, params) and not squeezed(line, params)
             and not STARRED.search(line.text)]
    if not marks:
        return FieldValue()
    best = max(marks, key=lambda line: line.features.get("rel_height", 0.0) * line.confidence)
    return FieldValue(value=clean_name(best.text), confidence=best.score, evidence=[best.evidence])


def brand_over_name(lines: list[SourceLine], name: FieldValue, params: ExtractParams = DEFAULTS) -> FieldValue:
    """The brand printed right above the product's name, centred over it in smaller type (``params.qualifier_type``
    of its height or more), of at most ``params.brand_max_words`` words of which one at least is coined (neither
    English, French nor an ingredient's word: "Vita PLynxera" over "Myo & D-Chiro Inositol"), and reading as a brand
    (``brand_like``). A qualifier above a name is made of words ("LIPOSOMAL", "MULTI-ACTION") and stays the name's."""
    first = line_of(name.evidence[0], lines) if name.evidence and name.value else None
    if first is None:
        return FieldValue()
    for line in lines_over(first, lines, params):
        text = clean_name(line.text)
        words = re.findall(r"[^\W\d_]{3,}", strip_accents(text).lower())
        if (line.label in ("npn", "company") or len(text.split()) > params.brand_max_words
                or not any(not common_word(word) and word not in ingredient_words() for word in words)
                or not brand_like(line, params)):
            continue
        return FieldValue(value=text, confidence=line.score, evidence=[line.evidence])
    return FieldValue()
