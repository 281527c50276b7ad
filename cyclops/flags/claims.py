"""Claims: does a printed recommended use say what a licensed one says (by meaning, not
wording), and does it present the product as a treatment for a Schedule A.1 disease?

Support is the larger of two scores: concept coverage (the share of the claim's concepts,
mapped through a bilingual lexicon, found in the purpose; tolerant of OCR slips) and the cosine
of character n-gram TF-IDF vectors (tolerant of spelling and word forms)."""

from __future__ import annotations

import re
from functools import lru_cache

import sklearn
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from sklearn.feature_extraction.text import TfidfVectorizer

from cyclops.compare.reading import read_unsurely
from cyclops.flags.context import Context, item_evidence, item_language, looks_like_name
from cyclops.flags.messages import make_flag
from cyclops.flags.params import DEFAULT_FLAGS, FlagParams
from cyclops.model.analysis import Flag
from cyclops.reference import load
from cyclops.text.concepts import CLAIM_VERBS, CONCEPTS, FILLER, VERB_CONCEPTS, WORD_TO_CONCEPT
from cyclops.text.fold import fold
from cyclops.text.readable import is_readable, known_share
from cyclops.text.terms import edit_budget, find_exact_terms, find_terms, find_terms_fuzzy, unmerge

_CLAIM_LINES = {"recommended_use"}


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("es") and not word.endswith("ses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_VITAMIN = re.compile(r"\bvit(?:amine?s?)?\s+([a-z])\s*(\d{0,2})\b")
_OCR_DIGITS = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b"})


def _words(text: str) -> list[str]:
    """Folded words with "vitamin D" kept as one token and OCR digit slips in words undone ("b0nes")."""
    words = []
    for word in re.split(r"[\s'\-]+", _VITAMIN.sub(r"vitamin\1\2", fold(text))):
        if sum(c.isalpha() for c in word) >= 3 and any(c.isdigit() for c in word) and not word.startswith("vitamin"):
            word = word.translate(_OCR_DIGITS)
        words.append(word)
    return words


def _near(word: str, vocabulary) -> str | None:
    """The vocabulary word ``word`` is an OCR misreading of, if any. Stricter than ``edit_budget``:
    mapping a word to a concept or dropping it as filler changes meaning, so one slip (two in
    long words) at most."""
    budget = 0 if len(word) < 4 else 1 if len(word) < 10 else 2
    if budget == 0:
        return None
    hit = process.extractOne(word, vocabulary, scorer=Levenshtein.distance, score_cutoff=budget)
    return hit[0] if hit else None


_REPEAT = re.compile(r"(.)\1{2,}")


def _junk(word: str) -> bool:
    """OCR debris, e.g. dotted leaders read as "ccssesssss...": too long, a letter three times
    running, or one letter making up much of a long word."""
    if len(word) > 24:
        return True
    return len(word) >= 8 and bool(_REPEAT.search(word) or max(word.count(c) for c in set(word)) / len(word) > 0.4)


@lru_cache(maxsize=8192)
def concepts(text: str) -> frozenset[str]:
    """Meaningful terms of a claim: lexicon concepts, else stemmed words; filler and short
    unknown words (mostly misread filler: "ln", "t0", "ond") dropped."""
    out: set[str] = set()
    for word in _words(text):
        if not word or word in FILLER or word.isdigit() or _junk(word):
            continue
        concept = WORD_TO_CONCEPT.get(word) or WORD_TO_CONCEPT.get(unmerge(word))
        if concept is None and unmerge(word) in FILLER:
            continue
        if concept is None:
            near = _near(unmerge(word), _CONCEPT_WORDS)
            if near is not None:
                concept = WORD_TO_CONCEPT[near]
            elif len(word) < 4 or _near(unmerge(word), FILLER) is not None:
                continue
        out.add(concept or _stem(word))
    return frozenset(out)


_CONCEPT_WORDS = tuple(WORD_TO_CONCEPT)


def _weight(term: str) -> float:
    return 0.5 if term in VERB_CONCEPTS else 1.0


def _found(term: str, purpose_terms: frozenset[str] | set[str]) -> bool:
    if term in purpose_terms:
        return True
    if not term.islower() or term.startswith("vitamin"):
        return False  # concepts and vitamin letters must match exactly ("vitamind" is not "vitaminc")
    budget = edit_budget(term)
    if budget == 0:
        return False
    for p in purpose_terms:
        # a word too garbled to map to a concept may still be a misreading of that concept's words
        candidates = CONCEPTS.get(p, ()) if p.isupper() else (p,)
        if any(Levenshtein.distance(term, w, score_cutoff=budget) <= budget for w in candidates):
            return True
    return False


def coverage(claim_terms: frozenset[str] | set[str], purpose_terms: frozenset[str] | set[str]) -> float:
    """Weighted share of the claim's terms present in the purpose (a misread word still counts;
    a badly misread filler word is left out)."""
    found = [t for t in claim_terms if _found(t, purpose_terms)]
    counted = set(found) | {t for t in claim_terms if t not in found and not _garbled_filler(t)}
    if not counted:
        return 0.0
    return sum(_weight(t) for t in found) / sum(_weight(t) for t in counted)


def _key_term_missing(claim_terms: frozenset[str], purpose_terms: frozenset[str]) -> bool:
    return any(_weight(t) >= 1.0 and not _found(t, purpose_terms) and not _garbled_filler(t) for t in claim_terms)


@lru_cache(maxsize=8192)
def _garbled_filler(term: str) -> bool:
    """A claim word that is filler misread twice ("hcrbol"): not a key term of the claim."""
    budget = edit_budget(term)
    return term.islower() and budget > 0 and process.extractOne(
        term, FILLER, scorer=Levenshtein.distance, score_cutoff=budget) is not None


def _vitamin_missing(claim_terms: frozenset[str], purpose_terms: frozenset[str]) -> bool:
    return any(t.startswith("vitamin") and t not in purpose_terms for t in claim_terms)


def _content(text: str) -> str:
    return " ".join(w for w in _words(text) if w and w not in FILLER)


def _cosine_matrix(claims: list[str], targets: list[str]) -> tuple[tuple[float, ...], ...]:
    """Char n-gram TF-IDF cosine of every claim against every target, one vectoriser per call."""
    return _cosines(tuple(claims), tuple(targets))


@lru_cache(maxsize=256)
def _cosines(claims: tuple[str, ...], targets: tuple[str, ...]) -> tuple[tuple[float, ...], ...]:
    """``_cosine_matrix``, kept: the rule runs again on the same claims when its thresholds are nudged
    (``cyclops.flags.margins``) and after every correction of an unrelated field (``cyclops.pipeline.recheck``)."""
    docs = [_content(c) for c in claims] + [_content(t) for t in targets]
    zero = tuple((0.0,) * len(targets) for _ in claims)
    if not any(docs[: len(claims)]) or not any(docs[len(claims):]):
        return zero
    try:
        with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
            matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(docs)
    except ValueError:  # nothing left to vectorise
        return zero
    # rows are L2-normalised by the vectoriser, so the dot product is the cosine
    return tuple(map(tuple, (matrix[: len(claims)] @ matrix[len(claims):].T).toarray().tolist()))


def claim_supports(claims: list[str], purposes: list[str], ignore: frozenset[str] = frozenset(),
                   params: FlagParams = DEFAULT_FLAGS) -> list[tuple[float, int | None]]:
    """``claim_support`` for many claims against the same purposes (one vectoriser for all).
    ``ignore``: terms that do not count against a claim (the product's own ingredient names,
    which a misread line may have glued onto a claim)."""
    if not purposes:
        return [(0.0, None) for _ in claims]
    targets = purposes + ([" ".join(purposes)] if len(purposes) > 1 else [])
    target_terms = [concepts(t) for t in targets]
    cosines = _cosine_matrix(claims, targets)
    out: list[tuple[float, int | None]] = []
    for claim, row in zip(claims, cosines):
        claim_terms = frozenset(t for t in concepts(claim) if not _found(t, ignore)) or concepts(claim)
        if not fold(claim):
            out.append((0.0, None))
            continue
        if not claim_terms:  # only generic words ("a factor in the maintenance of good health"): compare wording
            ratios = [fuzz.ratio(fold(claim), fold(p)) / 100.0 for p in purposes]
            best = max(range(len(purposes)), key=ratios.__getitem__)
            out.append((ratios[best], best))
            continue
        scores = []
        for terms, cosine in zip(target_terms, row):
            score = max(coverage(claim_terms, terms), cosine)
            if _key_term_missing(claim_terms, terms) and (cosine < params.near_verbatim or _vitamin_missing(claim_terms, terms)):
                score = min(score, params.missing_term_cap)
            scores.append(score)
        best = max(range(len(purposes)), key=scores.__getitem__)
        out.append((float(min(1.0, max(scores))), best))
    return out


def claim_support(claim: str, purposes: list[str], params: FlagParams = DEFAULT_FLAGS) -> tuple[float, int | None]:
    """How well the licensed purposes support a printed claim: (score in [0, 1], index of the best
    purpose); (0.0, None) when there are no purposes or the claim says nothing.

    A claim naming something (a nutrient, a body system) that the purpose does not name scores at
    most ``params.missing_term_cap`` however close the wording; a claim that merges two purposes is
    scored against all of them together."""
    return claim_supports([claim], purposes, params=params)[0]


@lru_cache(maxsize=4096)
def _diseases_named(text: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """(index in the Schedule A list, terms found) for every disease a text names."""
    out = []
    for index, item in enumerate(load("schedule_a")):
        found = find_terms_fuzzy(text, item.get("terms_en", []) + item.get("terms_fr", []))
        found += find_exact_terms(text, item.get("case_sensitive_en", []) + item.get("case_sensitive_fr", []))
        if found and not (item.get("except") and find_terms(text, item["except"])):
            out.append((index, tuple(found)))
    return tuple(out)


def schedule_a_hits(text: str, licence_text: str) -> list[dict]:
    """Schedule A diseases named in ``text`` that the licence itself does not name."""
    items = load("schedule_a")
    hits = []
    for index, found in _diseases_named(text):
        if any(find_terms(licence_text, [f]) for f in found):
            continue  # a licensed claim may name the disease (monograph wording)
        hits.append({"item": items[index], "found": list(found)})
    return hits


def _treatment_words(text: str) -> list[str]:
    return [w for item in load("treatment_terms") for w in find_terms(text, item["terms_en"] + item["terms_fr"])]


def _claim_texts(ctx: Context) -> list[tuple[str, list, int | None]]:
    """(text, evidence, index in recommended_uses) of everything that can make a claim."""
    out = [(item.text, item_evidence(item, ctx, _CLAIM_LINES), i) for i, item in enumerate(ctx.fields.recommended_uses)]
    for fv in (ctx.fields.product_name, ctx.fields.brand):
        if fv.value:
            out.append((fv.value, list(fv.evidence), None))
    return out


def _pair_translations(entries: list[tuple[str, str | None, frozenset[str], list]],
                       overlap: float) -> list[tuple[tuple, tuple | None]]:
    """Pair each English statement with its French translation (same key terms), so a claim
    printed in both languages is one problem with two pieces of evidence."""
    english = [e for e in entries if e[1] != "fr"]
    french = [e for e in entries if e[1] == "fr"]
    pairs: list[tuple[tuple, tuple | None]] = []
    for en in english:
        best = None
        for fr in french:
            union = en[2] | fr[2]
            if union and len(en[2] & fr[2]) / len(union) >= overlap:
                best = fr
                break
        if best is not None:
            french.remove(best)
        pairs.append((en, best))
    return pairs + [(fr, None) for fr in french]


def schedule_a_term(ctx: Context) -> list[Flag]:
    """A claim or name presenting the product for a Schedule A.1 (or older Schedule A) disease;
    one flag per claim, its English and French versions together."""
    licence_text = ctx.licence_text
    entries = []
    for text, evidence, index in _claim_texts(ctx):
        hits = schedule_a_hits(text, licence_text)
        if hits:
            language = item_language(ctx.fields.recommended_uses[index]) if index is not None else None
            entries.append((text, language, frozenset(h["item"]["id"] for h in hits), [evidence, hits]))
    flags = []
    for first, second in _pair_translations(entries, ctx.params.translation_overlap):
        text, _, _, (evidence, hits) = first
        text_fr, evidence_fr = (second[0], second[3][0]) if second else (text, [])
        flag = make_flag("SCHEDULE_A_TERM", evidence + evidence_fr, text=text, text_fr=text_fr,
                         disease=", ".join(h["item"]["name_en"].lower() for h in hits),
                         disease_fr=", ".join(h["item"]["name_fr"].lower() for h in hits))
        if not _treatment_words(text):
            flag.severity = "medium"  # names the disease without "treats/cures/prevents"
        flags.append(flag)
    return flags


def is_claim_shaped(text: str) -> bool:
    """Whether a statement reads as a claim (a lexicon concept or a claim verb), not a name or an
    ingredient the classifier put among the recommended uses ("Oo Aurora", "Docosahexaenoic acid")."""
    if any(t.isupper() for t in concepts(text)):
        return True
    return any(w in CLAIM_VERBS or unmerge(w) in CLAIM_VERBS for w in _words(text))


def verbatim_purpose(claim: str, purposes: list[str], params: FlagParams = DEFAULT_FLAGS) -> bool:
    """Whether the claim is one of the licensed purposes word for word, misread ("phthéraie pour ader")
    or with other text glued around it ("Tundra Iron Helps to prevent iron deficiency.")."""
    c = fold(claim)
    for purpose in purposes:
        p = fold(purpose)
        if len(p) < params.verbatim_purpose_min or not c:
            continue
        if fuzz.ratio(c, p) >= params.verbatim_ratio or (len(p) <= len(c) and fuzz.partial_ratio(p, c) >= params.verbatim_partial_ratio):
            return True
        if len(c) >= params.fragment_min and len(c) < len(p) and fuzz.partial_ratio(c, p) >= params.verbatim_partial_ratio:
            return True  # the rest of a licensed purpose whose start the photo's edge cut off ("ntenir la fonction")
    return False


def cut_purpose_lines(evidence_texts: list[str], purposes: list[str], params: FlagParams = DEFAULT_FLAGS) -> bool:
    """Whether every line of a claim is part of some licensed purpose: a claim whose lines the photo's edge
    cut at the start ("pport intestinal/gastrointestinal" / "omote a favourable gut flora.") reads as
    nonsense joined, but each line is still licensed wording."""
    texts = [t for t in evidence_texts if t and t.strip()]
    return len(texts) > 1 and all(verbatim_purpose(t, purposes, params) for t in texts)


def claim_not_licensed(ctx: Context) -> list[Flag]:
    """A printed recommended use that no licensed purpose supports (same language first; a
    statement of unknown language may be supported in either). Claims already flagged as
    Schedule A terms are left to that flag (one problem, one flag); a claim and its
    translation make one flag."""
    if not ctx.bundles() or not ctx.purposes():
        return []
    p = ctx.params
    licence_text = ctx.licence_text
    items = [i for i in ctx.fields.recommended_uses
             if len(fold(i.text)) >= p.claim_min_chars and not schedule_a_hits(i.text, licence_text) and is_claim_shaped(i.text)
             and is_readable(i.text) and known_share(i.text) >= p.claim_legible and not read_unsurely(i, ctx.lines, p)
             and not looks_like_name(i.text, ctx)]
    names = [i.name for i in ctx.fields.medicinal_ingredients]
    names += [m.ingredient_name for b in ctx.bundles() for m in b.medicinal_ingredients]
    ingredient_terms = frozenset().union(*(concepts(n) for n in names)) if names else frozenset()
    by_language: dict[str | None, list] = {}
    for item in items:
        by_language.setdefault(item_language(item), []).append(item)
    entries = []
    for language, group in by_language.items():
        scores = [s for s, _ in claim_supports([i.text for i in group], ctx.purposes(language), ingredient_terms, p)]
        unsupported = [item for item, score in zip(group, scores) if score < p.claim_supported]
        # a garbled line mixing both languages ("Aid absorption et à ulisation du cacim") is judged
        # again against the purposes of both: only a claim neither supports is unlicensed
        both = claim_supports([i.text for i in unsupported], ctx.purposes(None), ingredient_terms, p) if unsupported else []
        for item, (score, _) in zip(unsupported, both):
            if score < p.claim_supported and not verbatim_purpose(item.text, ctx.purposes(), p) \
                    and not cut_purpose_lines([e.text for e in item.evidence], ctx.purposes(), p):
                entries.append((item.text, language, concepts(item.text), item_evidence(item, ctx, _CLAIM_LINES)))
    flags = []
    for first, second in _pair_translations(entries, p.translation_overlap):
        claim_fr, evidence_fr = (second[0], second[3]) if second else (first[0], [])
        if first[1] == "fr" and second is None:
            claim_fr = first[0]
        flags.append(make_flag("CLAIM_NOT_LICENSED", first[3] + evidence_fr, claim=first[0], claim_fr=claim_fr))
    return flags
