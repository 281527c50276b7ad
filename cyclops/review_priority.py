"""Which analysis to review first: the one whose review teaches the line classifier most and protects the most.

Analysts' time is the scarcest thing in the loop. The model's own doubt says where a review is likely to
change labels (and so teach): the expected number of mislabelled lines, from each line's label
probability (``LabelledLine.confidence`` is OCR confidence times label probability; ``ocr_confidence``
is the first factor). Values read unsurely, a licence found by search with a score near the trust
threshold, and flags whose verdict a small nudge of one threshold would turn (``Analysis.near_flags``,
``cyclops.flags.margins``: raised by a hair or missed by one) add the analyst's own work; open high- and
medium-severity flags add compliance risk.
``cyclops.review.priority`` (the worklist order) uses this when it is installed.

The doubt here is the served model's, as the analysis stores it (the top label's probability: least-confident
sampling); the runner-up's probability is not stored, so the line-label margin needs the model itself
(``cyclops.retrain.query.line_margins``) and orders lines for learning, not the worklist.
"""

from __future__ import annotations

from cyclops.model.analysis import Analysis

#: a value read with less confidence than this is one the analyst must read on the photo
UNSURE_BELOW = 0.5
#: a search match scoring within this band of the trust threshold (cyclops.match.MatchParams.trust_score, 0.85) is in doubt
MATCH_TRUST, MATCH_BAND = 0.85, 0.1
#: weights: one open high flag outweighs a page of doubtful lines; a medium flag, a few; a verdict hanging on a
#: threshold (a licence match or a flag) weighs two unsure values
W_HIGH, W_MEDIUM, W_UNSURE, W_MATCH, W_NEAR = 20.0, 3.0, 1.0, 2.0, 2.0


def label_probability(confidence: float, ocr_confidence: float | None) -> float:
    """The classifier's probability for the line's label, recovered from the two confidences the analysis keeps."""
    if ocr_confidence is None or ocr_confidence <= 0:
        return confidence
    return max(0.0, min(1.0, confidence / ocr_confidence))


def label_doubt(analysis: Analysis) -> float:
    """Expected number of lines the classifier labelled wrong (sum of 1 - label probability)."""
    return sum(1.0 - label_probability(line.confidence, line.ocr_confidence) for line in analysis.lines)


def unsure_values(analysis: Analysis) -> int:
    """Values read unsurely or withheld for the analyst to read."""
    f = analysis.fields
    count = sum(1 for name in ("npn", "product_name", "brand", "company", "dosage_form", "net_quantity")
                if getattr(f, name).needs_review or (getattr(f, name).value and getattr(f, name).confidence < UNSURE_BELOW))
    for ing in f.medicinal_ingredients:
        count += ing.confidence < UNSURE_BELOW or (ing.quantity_confidence is not None and ing.quantity_confidence < UNSURE_BELOW)
    for items in (f.non_medicinal_ingredients, f.recommended_uses, f.directions, f.cautions):
        count += sum(1 for item in items if item.confidence < UNSURE_BELOW)
    return int(count)


def match_in_doubt(analysis: Analysis) -> bool:
    """A licence found by search whose score lies near the trust threshold."""
    m = analysis.match
    return m.method == "search" and abs(m.score - MATCH_TRUST) <= MATCH_BAND


def flags_in_doubt(analysis: Analysis) -> int:
    """Flags near their thresholds: raised by a hair, or missed by one (``cyclops.flags.margins``)."""
    return len(analysis.near_flags)


def model_doubt(analysis: Analysis) -> float:
    """How unsure the pipeline is of this analysis: expected wrong lines, unsure values, a licence match in doubt,
    flags near their thresholds."""
    return round(label_doubt(analysis) + W_UNSURE * unsure_values(analysis) + W_MATCH * match_in_doubt(analysis)
                 + W_NEAR * flags_in_doubt(analysis), 4)


def compliance_risk(analysis: Analysis) -> float:
    """What an unreviewed analysis may let through: its open high- and medium-severity flags."""
    open_flags = [f for f in analysis.flags if f.standing and f.decision is None]
    return W_HIGH * sum(f.severity == "high" for f in open_flags) + W_MEDIUM * sum(f.severity == "medium" for f in open_flags)


def review_priority(analysis: Analysis) -> float:
    """Higher first, the worklist's order: compliance risk plus the model's doubt (the recorded combination:
    a plain sum, so one open high flag outweighs a page of doubtful lines).

    This order serves the analysts' safety; the order that teaches the classifier most is not this one but the
    current model's line margins (``cyclops.retrain.query``), which leaves the risk out."""
    return round(compliance_risk(analysis) + model_doubt(analysis), 4)
