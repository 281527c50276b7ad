"""Brand: the largest line labelled ``brand`` (one line; brands rarely wrap)."""

from __future__ import annotations

import re

from cyclops.extract.lines import SourceLine, as_lines
from cyclops.extract.names import best_run, clean_name
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.model.analysis import FieldValue

VERSION = "1"


def extract_brand(lines: list[SourceLine] | list[str], params: ExtractParams = DEFAULTS) -> FieldValue:
    """Lines labelled ``brand`` -> the brand (a lone glyph such as "O", a logo read as a letter, is none)."""
    return best_run([line for line in as_lines(lines) if len(re.findall(r"[^\W\d_]", clean_name(line.text))) >= 2], max_lines=1,
                    params=params)


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
