"""English or French: how every layer tells a text's language.

Three guesses by common words serve three jobs and keep their own word lists: a merged list would
change hundreds of answers (and the benchmark figures) that the layers were tuned on.
- ``detect_language``: a photo line or block, for the layout (lingua, with ``layout_hint`` for text
  too short for a statistical guess);
- ``guess_language``: a statement the layout left unlabelled, for the extractor;
- ``flag_language``: a statement paired with the licence's language, for the flags.
Word frequencies (wordfreq) tell whether a word is ordinary English or French at all (``common_word``)
and which language a line's words belong to (``word_languages``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cyclops.text.fold import strip_accents

LANGUAGES = ("en", "fr")

# -- the layout's hint ---------------------------------------------------------------------------
_LAYOUT_EN_TEXT = (
    "the and of to for with take use adults children do not if you are is in or may a an each day daily tablet tablets capsule "
    "capsules helps help consult health care practitioner keep out reach store contains medicinal ingredients directions "
    "recommended warning warnings cautions source"
)
_LAYOUT_FR_TEXT = (
    "le la les et de des du pour avec prendre utiliser adultes enfants ne pas si vous êtes est dans ou peut un une par jour "
    "comprimé comprimés capsule capsules aide aider consultez consulter praticien soins santé garder hors portée contient "
    "ingrédients médicinaux mode emploi usage recommandé mises en garde source chaque"
)
_LAYOUT_EN = frozenset(_LAYOUT_EN_TEXT.split())
_LAYOUT_FR = frozenset(_LAYOUT_FR_TEXT.split())
_LAYOUT_ACCENTS = set("éèêëàâçîïôûùœÉÈÊÀÇÎÔÛ")
_LETTERS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)

# -- the extractor's statements ------------------------------------------------------------------
_STATEMENT_EN = frozenset(["the", "and", "of", "to", "for", "with", "in", "if", "you", "your", "are", "take", "daily", "consult", "do", "not", "use", "helps", "help", "before", "or", "a", "an", "is", "by", "day", "per"])
_STATEMENT_FR = frozenset(["le", "la", "les", "de", "des", "du", "et", "pour", "avec", "si", "vous", "votre", "prendre", "par", "jour", "consultez", "un", "une", "ne", "pas", "aide", "avant", "ou", "est", "au", "aux"])

# -- the flags' statements -----------------------------------------------------------------------
FLAG_FR = frozenset(["le", "la", "les", "des", "du", "de", "un", "une", "et", "pour", "avec", "aide", "à", "au", "aux", "est", "sont", "ne", "pas", "si", "votre", "vous", "cas", "ce", "cette", "comprimé", "comprimés", "capsule", "gélule", "jour", "par", "consultez", "utiliser", "santé"])
FLAG_EN = frozenset(["the", "a", "an", "and", "for", "with", "helps", "help", "to", "of", "in", "is", "are", "not", "if", "your", "you", "take", "this", "tablet", "tablets", "capsule", "capsules", "day", "per", "consult", "use", "health"])


def _vote(en: int, fr: int, default: str | None = None) -> str | None:
    return "en" if en > fr else "fr" if fr > en else default


def layout_hint(text: str) -> str | None:
    """"en", "fr" or None by common words and French accents, for lines too short for lingua."""
    words = [w.lower() for w in _LETTERS.findall(text)]
    en = sum(w in _LAYOUT_EN for w in words)
    fr = sum(w in _LAYOUT_FR for w in words) + sum(ch in _LAYOUT_ACCENTS for ch in text)
    return _vote(en, fr)


@lru_cache(maxsize=1)
def _detector():
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:  # the hint alone still works
        return None
    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH).build()


def detect_language(text: str) -> str | None:
    """ "en", "fr", or None for codes, numbers and text with no clear language."""
    words = [w for w in _LETTERS.findall(text) if not (w.isupper() and len(w) <= 4)]
    if not words:
        return None
    hint = layout_hint(text)
    detector = _detector()
    if detector is None or (len(words) < 3 and hint):
        return hint
    from lingua import Language

    values = {c.language: c.value for c in detector.compute_language_confidence_values(text)}
    en, fr = values.get(Language.ENGLISH, 0.0), values.get(Language.FRENCH, 0.0)
    if abs(en - fr) < 0.2:
        return hint
    return "en" if en > fr else "fr"


def guess_language(text: str, default: str | None = None) -> str | None:
    """"en", "fr" or ``default`` when the text has no telling words (or as many of each)."""
    words = re.findall(r"[a-z]+", strip_accents(text.lower()))
    en = sum(w in _STATEMENT_EN for w in words)
    fr = sum(w in _STATEMENT_FR for w in words) + bool(re.search(r"[éèêàçùâîô]", text.lower()))
    return _vote(en, fr, default)


def flag_language(text: str | None) -> str | None:
    """"en", "fr" or None by counting common words; enough to pair a statement with the licence
    language when the extractor did not say."""
    if not text:
        return None
    raw = unicodedata.normalize("NFC", text.lower())
    words = re.findall(r"[a-zà-ÿ']+", raw)
    fr = sum(w in FLAG_FR for w in words) + 2 * len(re.findall(r"[éèêàçùâîôû]", raw))
    en = sum(w in FLAG_EN for w in words)
    return _vote(en, fr)


#: a word is ordinary English or French at this Zipf frequency or above
COMMON_ZIPF = 2.5
#: a word tells its language when it is common in one (Zipf frequency >= 3: a few per million words)
#: and far rarer in the other ("serving" 4.6 vs 1.8; "prendre" 1.7 vs 5.6)
ZIPF_COMMON = 3.0
ZIPF_MARGIN = 1.5


#: a word this frequent (Zipf >= 5.5: "for", "on", "day", "four") is a function or everyday word, never a name by itself
EVERYDAY_ZIPF = 5.5


@lru_cache(maxsize=65536)
def common_word(word: str, zipf: float = COMMON_ZIPF) -> bool:
    """Whether ``word`` is an ordinary English or French word (wordfreq's general-language lists), at
    Zipf frequency ``zipf`` or above (``EVERYDAY_ZIPF``: the most frequent words only).

    The LNHPD vocabulary only holds the words licences use; a correct word outside it
    must stay as printed, or "Guérit l'arthrite" would become "Guérit l'arthrose".
    """
    return word_frequency(word) >= zipf


def word_frequency(word: str) -> float:
    """The higher of ``word``'s English and French Zipf frequencies in wordfreq's general-language lists (0 for a
    word in neither); uncached, for callers that try many strings that are not words (``common_word`` caches)."""
    from wordfreq import zipf_frequency  # loads its word lists on first use (about a second)

    lower = word.lower()
    return max(zipf_frequency(lower, language) for language in LANGUAGES)


def load_word_lists() -> None:
    """Load wordfreq and its English and French lists now (about a second, once per process), so that the first
    label that needs ``common_word`` does not pay for it: a worker's or a benchmark's warm-up calls this."""
    from wordfreq import zipf_frequency

    for language in LANGUAGES:
        zipf_frequency("label", language)


def word_languages(text: str | None) -> dict[str, int]:
    """How many words of ``text`` are clearly English and clearly French, by word frequencies (wordfreq):
    table headers and ingredient words tell a language as well as sentences do."""
    en, fr = _word_languages(text or "")
    return {"en": en, "fr": fr}


@lru_cache(maxsize=16384)
def _word_languages(text: str) -> tuple[int, int]:
    """``word_languages`` as a pair, kept: the flag rules ask it of the same lines again and again."""
    from wordfreq import zipf_frequency

    counts = {"en": 0, "fr": 0}
    for word in re.findall(r"[^\W\d_]{3,}", (text or "").lower()):
        en, fr = zipf_frequency(word, "en"), zipf_frequency(word, "fr")
        if en >= ZIPF_COMMON and en - fr >= ZIPF_MARGIN:
            counts["en"] += 1
        elif fr >= ZIPF_COMMON and fr - en >= ZIPF_MARGIN:
            counts["fr"] += 1
    return counts["en"], counts["fr"]
