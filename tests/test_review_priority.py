"""The review priority: the model's doubt, unsure values and open flags, from the analysis alone."""

from __future__ import annotations

import pytest

from cyclops.model.analysis import Analysis, Fields, FieldValue, Flag, LabelledLine, Match
from cyclops.review_priority import compliance_risk, label_probability, model_doubt, review_priority


def analysis(label_probs: list[float], *, flags: list[Flag] | None = None, npn_conf: float = 0.95, match: Match | None = None) -> Analysis:
    lines = [LabelledLine(image="p1", polygon=[], text=f"line {i}", confidence=round(0.9 * p, 4), ocr_confidence=0.9)
             for i, p in enumerate(label_probs)]
    return Analysis(lines=lines, flags=flags or [], fields=Fields(npn=FieldValue(value="80012345", confidence=npn_conf)),
                    match=match or Match())


def flag(severity: str, decision: str | None = None) -> Flag:
    return Flag(code="X", severity=severity, message="m", message_fr="m", decision=decision)


def test_label_probability_is_recovered_from_the_two_confidences() -> None:
    assert label_probability(0.45, 0.9) == 0.5
    assert label_probability(0.7, None) == 0.7  # analyses stored before ocr_confidence: the combined figure stands in


def test_doubtful_lines_come_before_sure_ones() -> None:
    sure, doubtful = analysis([0.99] * 20), analysis([0.99] * 15 + [0.4] * 5)
    assert review_priority(doubtful) > review_priority(sure)
    assert review_priority(doubtful) - review_priority(sure) == pytest.approx(5 * 0.59, abs=1e-3)


def test_open_high_flags_outweigh_doubt_and_dismissed_ones_count_nothing() -> None:
    doubtful = analysis([0.4] * 20)
    risky = analysis([0.99] * 20, flags=[flag("high")])
    assert review_priority(risky) > review_priority(doubtful)
    decided = analysis([0.99] * 20, flags=[flag("high", "dismissed")])
    assert review_priority(decided) == review_priority(analysis([0.99] * 20))


def test_unsure_values_and_a_doubtful_licence_match_add_work() -> None:
    base = review_priority(analysis([0.99] * 10))
    assert review_priority(analysis([0.99] * 10, npn_conf=0.3)) == base + 1.0
    near = Match(method="search", score=0.8, licence_number="80012345")
    assert review_priority(analysis([0.99] * 10, match=near)) == base + 2.0
    sure = Match(method="npn_exact", score=1.0, licence_number="80012345")
    assert review_priority(analysis([0.99] * 10, match=sure)) == base


def test_the_worklist_sorts_by_it() -> None:
    from cyclops.review import priority

    assert priority(analysis([0.4] * 10)) == review_priority(analysis([0.4] * 10))


def test_the_worklist_adds_risk_to_doubt_and_the_doubt_alone_leaves_risk_out() -> None:
    """Learning wants the doubtful product first; the worklist puts the risky one first, by a recorded sum."""
    doubtful, risky = analysis([0.99] * 15 + [0.4] * 5), analysis([0.99] * 20, flags=[flag("high"), flag("medium")])
    for a in (doubtful, risky):
        assert review_priority(a) == pytest.approx(compliance_risk(a) + model_doubt(a), abs=1e-3)
    assert (compliance_risk(risky), compliance_risk(doubtful)) == (23.0, 0.0)
    assert max([risky, doubtful], key=model_doubt) is doubtful
    assert max([risky, doubtful], key=review_priority) is risky
