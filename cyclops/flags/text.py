"""Text helpers shared by the flag rules and licence matching: accent folding, whole-word
term search and a light language guess for statements the extractor left unlabelled."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from cyclops.extract.statements import letter_fragments
from cyclops.normalize.spelling import common_word

_NON_WORD = re.compile(r"[^0-9a-z%'\-]+")


def fold(text: str | None) -> str:
    """Lower case, accents removed, punctuation to spaces: "Prévient l'Asthme!" -> "previent l'asthme"."""
    if not text:
        return ""
    return _fold(text)


@lru_cache(maxsize=16384)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


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


_FR_WORDS = frozenset(["le", "la", "les", "des", "du", "de", "un", "une", "et", "pour", "avec", "aide", "à", "au", "aux", "est", "sont", "ne", "pas", "si", "votre", "vous", "cas", "ce", "cette", "comprimé", "comprimés", "capsule", "gélule", "jour", "par", "consultez", "utiliser", "santé"])
_EN_WORDS = frozenset(["the", "a", "an", "and", "for", "with", "helps", "help", "to", "of", "in", "is", "are", "not", "if", "your", "you", "take", "this", "tablet", "tablets", "capsule", "capsules", "day", "per", "consult", "use", "health"])


def guess_language(text: str | None) -> str | None:
    """"en", "fr" or None by counting common words; enough to pair a statement with the licence
    language when the extractor did not say."""
    if not text:
        return None
    raw = unicodedata.normalize("NFC", text.lower())
    words = re.findall(r"[a-zà-ÿ']+", raw)
    fr = sum(w in _FR_WORDS for w in words) + 2 * len(re.findall(r"[éèêàçùâîôû]", raw))
    en = sum(w in _EN_WORDS for w in words)
    if fr == en:
        return None
    return "fr" if fr > en else "en"


#: everyday label words of both languages (only used to tell text from OCR gibberish)
_COMMON_WORDS = frozenset({
    "some", "people", "may", "experience", "mild", "discomfort", "do", "not", "or", "if", "have", "been", "taking",
    "products", "other", "that", "after", "before", "during", "when", "children", "adults", "years", "older",
    "pregnant", "breastfeeding", "keep", "out", "reach", "store", "at", "room", "temperature", "dry", "place",
    "prior", "practitioner", "care", "consult", "medical", "doctor", "physician", "allergy", "stop", "symptoms",
    "persist", "worsen", "occur", "hours", "once", "twice", "three", "times", "daily", "food", "water", "meal",
    "morning", "evening", "bedtime", "dose", "doses", "can", "could", "should", "each", "contains", "certaines",
    "personnes", "peuvent", "eprouver", "leger", "legere", "ne", "pas", "si", "avez", "ou", "des", "les", "enfants",
    "adultes", "ans", "enceinte", "allaitez", "conserver", "hors", "portee", "ambiante", "endroit",
    "sec", "avant", "praticien", "soins", "consultez", "medecin", "allergie", "cesser", "symptomes", "persistent",
    "heures", "fois", "jour", "repas", "matin", "soir", "coucher", "chaque", "contient", "prendre", "take", "avec",
    "sans", "ni", "de", "du", "en", "un", "une", "ces", "cette", "produit", "produits", "utiliser", "usage",
})


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    from cyclops.flags.concepts import CLAIM_VERBS, FILLER, WORD_TO_CONCEPT

    stop = {fold(w) for w in _FR_WORDS | _EN_WORDS | _COMMON_WORDS}
    return frozenset(stop | FILLER | CLAIM_VERBS | set(WORD_TO_CONCEPT))


def is_readable(text: str | None) -> bool:
    """Whether OCR text reads as English or French at all; upside-down or mirrored text comes
    out as "zayjnsuo> un ualaieid", which says nothing about what is printed."""
    words = re.findall(r"[^\W\d_]+", fold(text))  # "l'absorption" is two words, "l" and "absorption"
    if len(words) < 3:
        return True  # too short to judge (a heading, a name)
    long = [w for w in words if len(w) >= 3]
    if len(words) >= 4 and letter_fragments(words) > 0.4 * len(words):
        return False  # "Ai e a es a e a al es aose": text read as letter fragments
    known = sum(w in _known_words() or common_word(w) for w in long)
    return not long or known / len(long) >= 0.25


def _long_words(text: str | None) -> list[str]:
    return [w for w in fold(text or "").split() if w.isalpha() and len(w) >= 3]


def known_words(text: str | None) -> int:
    """How many words of three letters or more in ``text`` are English or French words."""
    return sum(w in _known_words() for w in _long_words(text))


def known_share(text: str | None) -> float:
    """Share of the words of three letters or more that are English or French words (1.0 when there are none)."""
    long = _long_words(text)
    return known_words(text) / len(long) if long else 1.0


#: a word tells its language when it is common in one (Zipf frequency >= 3: a few per million words)
#: and far rarer in the other ("serving" 4.6 vs 1.8; "prendre" 1.7 vs 5.6)
ZIPF_COMMON = 3.0
ZIPF_MARGIN = 1.5


def word_languages(text: str | None) -> dict[str, int]:
    """How many words of ``text`` are clearly English and clearly French, by word frequencies (wordfreq):
    table headers and ingredient words tell a language as well as sentences do."""
    from wordfreq import zipf_frequency  # loads its word lists on first use (about a second)

    counts = {"en": 0, "fr": 0}
    for word in re.findall(r"[^\W\d_]{3,}", (text or "").lower()):
        en, fr = zipf_frequency(word, "en"), zipf_frequency(word, "fr")
        if en >= ZIPF_COMMON and en - fr >= ZIPF_MARGIN:
            counts["en"] += 1
        elif fr >= ZIPF_COMMON and fr - en >= ZIPF_MARGIN:
            counts["fr"] += 1
    return counts
