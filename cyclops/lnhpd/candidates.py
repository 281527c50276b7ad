"""Which licences a search looks at: full-text queries that stay fast at the real LNHPD's size.

Asking the trigram index for licences sharing *any* letter triple with the query and ranking them all
costs time in proportion to the database: at 20,000 licences a search took 40-100 ms in the ranking
alone, and trigram phrases for whole words still 10-40 ms (benchmarks/results/lnhpd_scale.md). Here the
word index ``search_words`` is asked instead: every query word becomes a group of alternatives (the word
itself, also as a prefix so "glucosamin" finds "glucosamine", and the database's words within a small
edit of it, so "ashwaganda" finds "ashwagandha"), and the groups of the rarest words are ANDed: the index
intersects a few posting lists and ranks only licences that have every word (under a millisecond). When
that finds too few, fewer words are asked for: each pair, then each word alone. Ranking thousands of
matches is what costs, so words in more than ``BROAD`` licences are left out when rarer ones are there, and a
query that can match more than that is only asked when nothing stricter found any, and then unranked.
Re-ranking (``database._rerank``) then orders the candidates as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import combinations

from rapidfuzz import fuzz, process

#: a database word this close to a query word (rapidfuzz ratio) is searched for too
ALTERNATIVE_SCORE = 80.0
#: most database words tried for one query word
ALTERNATIVES = 4
#: shorter query words ("c", "d") match too much to narrow anything
MIN_WORD = 2
#: a query word this long that the database does not have is also searched as a prefix (a word cut off at a
#: label's edge); a known word is not: a prefix query merges the lists of every word it starts (37 ms vs 4 ms
#: for "vitamin" at 150,000 licences)
MIN_PREFIX = 4
#: most query words in one full-text query (the rarest ones: every word read costs, common ones narrow little)
MAX_WORDS = 3
#: a word in more licences than this is left out of a query that has rarer words (ANDing it costs 10-25 ms at
#: 150,000 licences and narrows little: re-ranking weighs it anyway), and a query that can match more
#: licences than this is not ranked by the index
BROAD = 3000


class WordIndex:
    """The words of the searchable text (names, companies, ingredients) and how many licences use each."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(set(text.replace("|", " ").split()))
        self.frequency = {w: n for w, n in counts.items() if len(w) >= MIN_WORD and '"' not in w}
        self._words = list(self.frequency)
        self._alternatives: dict[str, list[str]] = {}

    def alternatives(self, word: str) -> list[str]:
        """``word`` and the database words within a small edit of it (cached: a label asks for the same words often)."""
        cached = self._alternatives.get(word)
        if cached is None:
            close = process.extract(word, self._words, scorer=fuzz.ratio, score_cutoff=ALTERNATIVE_SCORE, limit=ALTERNATIVES + 1)
            cached = list(dict.fromkeys([word] + [w for w, _score, _i in close]))[: ALTERNATIVES + 1]
            if len(self._alternatives) > 50_000:
                self._alternatives.clear()
            self._alternatives[word] = cached
        return cached

    def weight(self, alternatives: list[str]) -> int:
        """How many licences a group of alternatives may match (its common words are dropped first)."""
        return sum(self.frequency.get(w, 0) for w in alternatives)


def _group(alternatives: list[str], index: WordIndex) -> str:
    first, rest = alternatives[0], alternatives[1:]
    cut_off = len(first) >= MIN_PREFIX and first not in index.frequency
    words = [f'"{first}"*' if cut_off else f'"{first}"'] + [f'"{w}"' for w in rest]
    return "(" + " OR ".join(words) + ")"


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in text.split() if len(w) >= MIN_WORD and '"' not in w))


def text_queries(text: str, index: WordIndex) -> Iterator[tuple[str, int]]:
    """(FTS5 expression, most licences it can match) for the words of ``text`` (already folded), strictest first.

    The ``MAX_WORDS`` rarest words the database knows (itself or a close one) are ANDed; then every pair of
    them, then each alone, rarest first: one stray word ("et", an OCR slip) must not hide the product.
    """
    groups = [(index.weight(alts), _group(alts, index)) for alts in map(index.alternatives, _words(text))]
    groups = sorted((g for g in groups if g[0] > 0), key=lambda g: g[0])
    groups = ([g for g in groups if g[0] <= BROAD] or groups)[:MAX_WORDS]
    for size in range(len(groups), 0, -1):
        for combo in sorted(combinations(groups, size), key=lambda c: sum(w for w, _g in c)):
            yield " AND ".join(group for _weight, group in combo), min(w for w, _g in combo)


def company_filter(company: str, index: WordIndex) -> str | None:
    """Licences whose company has the rarest word of ``company`` (or one close to it); the re-ranker checks the whole name."""
    groups = [alts for alts in map(index.alternatives, _words(company)) if index.weight(alts)]
    if not groups:
        return None
    return "{company} : " + _group(min(groups, key=index.weight), index)


def _rarity(term: str, index: WordIndex) -> tuple[bool, int]:
    """One word before a phrase (cheaper to look up), then the rarer."""
    return len(term.split()) > 1, min((index.frequency.get(w, 0) for w in term.split()), default=0)


def ingredient_filter(terms: list[str], index: WordIndex) -> str | None:
    """Licences with the ingredient: by one of its names, the rarest, since the index holds every synonym of
    a licence's ingredients; an unknown ingredient by each of its words (or close ones)."""
    if len(terms) > 1:
        known = [t for t in terms if len(t) >= MIN_WORD and '"' not in t and _rarity(t, index)[1] > 0]
        return "{ingredients} : " + f'"{min(known, key=lambda t: _rarity(t, index))}"' if known else None
    groups = [alts for alts in map(index.alternatives, _words(terms[0]) if terms else []) if index.weight(alts)]
    if not groups:
        return None
    return "{ingredients} : (" + " AND ".join(_group(g, index) for g in groups) + ")"
