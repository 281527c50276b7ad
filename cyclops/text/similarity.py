"""How alike two free-text names are (product, brand, company), as OCR misreads and reorders them."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from cyclops.text.fold import fold

_COMPANY_SUFFIX = re.compile(r"\b(inc|incorporated|ltd|ltee|limited|limitee|corp|corporation|co|llc|gmbh|sa|ulc|lp)\b")


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two free-text names (product or company), robust to word order
    and a few misread characters."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    return max(fuzz.token_sort_ratio(fa, fb), fuzz.ratio(fa, fb)) / 100.0


def company_key(name: str) -> str:
    """A company name without its legal suffix ("Maple Naturals Inc." = "MAPLE NATURALS LTD")."""
    return " ".join(_COMPANY_SUFFIX.sub(" ", fold(name)).split())
