"""Product name: the largest run of lines the classifier labelled ``product_name``."""

from __future__ import annotations

from cyclops.extract.lines import SourceLine
from cyclops.extract.names import best_run
from cyclops.model.analysis import FieldValue

VERSION = "1"


def extract_product_name(lines: list[SourceLine] | list[str]) -> FieldValue:
    """Lines labelled ``product_name`` -> the name (wrapped lines joined, biggest type first)."""
    return best_run(lines, max_lines=3)
