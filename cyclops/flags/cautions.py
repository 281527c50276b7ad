"""Cautions: every licensed risk statement (cautions, warnings, contraindications, known adverse
reactions) must be on the label, in at least one of its two languages."""

from __future__ import annotations

from cyclops.flags.claims import concepts, coverage
from cyclops.flags.context import Context
from cyclops.flags.messages import make_flag
from cyclops.model.analysis import Flag

#: share of a risk statement's terms that the label must show for it to count as printed
PRESENT_THRESHOLD = 0.6


def _printed_terms(ctx: Context) -> set[str]:
    """Terms of everything printed: the cautions and every OCR line (a caution read into
    another field is still on the label)."""
    texts = [c.text for c in ctx.fields.cautions] + [line.text for line in ctx.lines]
    texts += [d.text for d in ctx.fields.directions] + [u.text for u in ctx.fields.recommended_uses]
    terms: set[str] = set()
    for text in texts:
        terms |= concepts(text)
    return terms


def cautions_missing(ctx: Context) -> list[Flag]:
    if ctx.label_unread:
        return []
    bundle = ctx.licence
    if bundle is None or not bundle.risks:
        return []
    printed = _printed_terms(ctx)
    other = ctx.licence_fr if bundle is ctx.licence_en else None
    others = other.risks if other and len(other.risks) == len(bundle.risks) else []
    flags = []
    for i, risk in enumerate(bundle.risks):
        versions = [risk.risk_text] + ([others[i].risk_text] if others else [])
        if any(coverage(concepts(v), printed) >= PRESENT_THRESHOLD for v in versions if concepts(v)):
            continue
        flags.append(make_flag("CAUTIONS_MISSING", risk=risk.risk_text))
    return flags


RULES = (cautions_missing,)
