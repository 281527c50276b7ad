"""Cautions: every licensed risk statement (cautions, warnings, contraindications, known adverse
reactions) must be on the label, in at least one of its two languages."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from cyclops.flags.claims import concepts, coverage
from cyclops.flags.context import Context
from cyclops.flags.messages import make_flag
from cyclops.flags.params import DEFAULT_FLAGS, FlagParams
from cyclops.model.analysis import Flag
from cyclops.text.fold import fold


def repair_words(text: str, vocabulary: list[str], params: FlagParams = DEFAULT_FLAGS) -> str:
    """``text`` folded, each long word replaced by the licence word it is a misreading of
    (``params.repair_ratio``, ``params.repair_min``)."""
    out = []
    for word in fold(text).split():
        if len(word) >= params.repair_min and word not in vocabulary:
            best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=params.repair_ratio)
            word = best[0] if best else word
        out.append(word)
    return " ".join(out)


def _printed_texts(ctx: Context) -> list[str]:
    """Everything printed: the cautions and every OCR line (a caution read into another field is still on the label)."""
    texts = [c.text for c in ctx.fields.cautions] + [line.text for line in ctx.lines]
    return texts + [d.text for d in ctx.fields.directions] + [u.text for u in ctx.fields.recommended_uses]


def _fragment_printed(versions: list[str], other_risks: list[str], texts: list[str], params: FlagParams) -> bool:
    """Whether some printed line is a piece of this risk statement and of no other licensed one: the rest of
    the statement is on the label but cut by the photo's edge or lost by OCR ("trouble de a coagulation.")."""
    mine = [fold(v) for v in versions]
    others = [fold(o) for o in other_risks]
    for text in texts:
        f = fold(text)
        if len(f) < params.fragment_min:
            continue
        score = max(fuzz.partial_ratio(f, v) for v in mine)
        if score >= params.verbatim_partial_ratio \
                and score > max((fuzz.partial_ratio(f, o) for o in others), default=0) + params.fragment_margin:
            return True
    return False


def cautions_missing(ctx: Context) -> list[Flag]:
    if ctx.label_unread or ctx.statements_unread:
        return []
    bundle = ctx.licence
    if bundle is None or not bundle.risks:
        return []
    other = ctx.licence_fr if bundle is ctx.licence_en else None
    others = other.risks if other and len(other.risks) == len(bundle.risks) else []
    p = ctx.params
    vocabulary = sorted({w for r in bundle.risks + others for w in fold(r.risk_text).split() if len(w) >= p.repair_min})
    texts = [repair_words(t, vocabulary, p) for t in _printed_texts(ctx)]
    printed: set[str] = set().union(*(concepts(t) for t in texts))
    flags = []
    for i, risk in enumerate(bundle.risks):
        versions = [risk.risk_text] + ([others[i].risk_text] if others else [])
        if any(coverage(concepts(v), printed) >= p.caution_present for v in versions if concepts(v)):
            continue
        rest = [r.risk_text for j, r in enumerate(bundle.risks) if j != i] + [r.risk_text for j, r in enumerate(others) if j != i]
        if _fragment_printed(versions, rest, texts, p):
            continue
        flags.append(make_flag("CAUTIONS_MISSING", risk=risk.risk_text))
    return flags
