"""Whole-word search for listed terms in label text, accents and case ignored, tolerant of the
letters OCR misreads ("diabctes") and of its commonest merge ("rn" for "m")."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from cyclops.text.fold import fold


@lru_cache(maxsize=512)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    folded = sorted({fold(t) for t in terms if fold(t)}, key=len, reverse=True)
    if not folded:
        return None
    body = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in folded)
    return re.compile(rf"(?<![0-9a-z])(?:{body})(?![0-9a-z])")


def find_terms(text: str | None, terms: list[str] | tuple[str, ...]) -> list[str]:
    """Which of ``terms`` occur in ``text`` as whole words (accents and case ignored).

    "treat" does not match inside "treatment"; "arthritis" does not match "osteoarthritis"."""
    pattern = _term_pattern(tuple(terms))
    if pattern is None or not text:
        return []
    return [m.group(0) for m in pattern.finditer(fold(text))]


def edit_budget(word: str) -> int:
    """Character edits an OCR-misread word may carry and still count as the word."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 6 else 2 if n <= 10 else 3


def unmerge(text: str) -> str:
    """Undo OCR's most common merge, "m" read as "rn" ("rnaladies")."""
    return text.replace("rn", "m")


@lru_cache(maxsize=4096)
def _windows(text: str, k: int) -> tuple[tuple[str, str], ...]:
    """Every run of ``k`` folded words, as read and with "rn" read back as "m"."""
    words = fold(text).split()
    runs = (" ".join(words[i:i + k]) for i in range(len(words) - k + 1))
    return tuple((run, unmerge(run)) for run in runs)


def find_terms_fuzzy(text: str | None, terms: list[str] | tuple[str, ...], min_len: int = 6) -> list[str]:
    """Like ``find_terms`` but tolerant of a misread character ("diabctes"), two in terms of 12
    letters or more; returns the *terms* found, not the printed spelling."""
    if not text:
        return []
    found = [t for t in terms if find_terms(text, [t])]
    for term in terms:
        key = fold(term)
        if term in found or len(key) < min_len:
            continue
        budget = 1 if len(key) < 12 else 2
        for run, merged in _windows(text, len(key.split())):
            if abs(len(run) - len(key)) > budget + 1:
                continue
            if Levenshtein.distance(run, key, score_cutoff=budget) <= budget or \
                    Levenshtein.distance(merged, key, score_cutoff=budget) <= budget:
                found.append(term)
                break
    return found


def find_exact_terms(text: str | None, terms: list[str], not_after: list[str] | None = None) -> list[str]:
    """Case-sensitive whole-word search for abbreviations ("IV", "HIV") that are ordinary words in
    lower case; a word in ``not_after`` right before the hit cancels it ("type IV")."""
    if not text or not terms:
        return []
    hits = []
    body = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    for m in re.finditer(rf"(?<![0-9A-Za-z])(?:{body})(?![0-9A-Za-z])", text):
        before = fold(text[: m.start()]).split()
        if not_after and before and before[-1] in {fold(w) for w in not_after}:
            continue
        hits.append(m.group(0))
    return hits
