"""Flags near their thresholds (``cyclops.flags.margins``): found by nudging the thresholds each rule reads, and
counted in the review priority."""

from __future__ import annotations

from cyclops.flags import raise_flags
from cyclops.flags.margins import near_flags, nudges
from cyclops.flags.params import DEFAULT_FLAGS
from cyclops.model.analysis import Analysis, LabelledLine, NearFlag, TextItem
from cyclops.model.ocr import rect
from cyclops.review_priority import model_doubt, review_priority
from tests.test_flags_rules import compliant_fields, ev, exact_match, licence


def near_for(fields) -> list[NearFlag]:
    return near_flags(fields, exact_match(), licence("en"), licence("fr"), [])


def with_calcium(amount: float, read: float = 0.95):
    """The compliant label with its calcium (licensed 500 mg) printed as ``amount``, its digits read at ``read``
    (an amount read below ``sure_amount``, 0.6, is not compared with the licence)."""
    f = compliant_fields()
    f.medicinal_ingredients[1].quantity = amount
    f.medicinal_ingredients[1].quantity_confidence = read
    return f


def test_an_amount_read_just_surely_enough_is_raised_by_a_hair() -> None:
    f = with_calcium(600, read=0.62)
    assert [x.code for x in raise_flags(f, exact_match(), licence("en"), licence("fr"), [])] == ["QUANTITY_MISMATCH"]
    [near] = near_for(f)
    assert (near.code, near.raised, near.threshold, near.value, near.nudged) == ("QUANTITY_MISMATCH", True, "sure_amount", 0.6, 0.65)
    assert "600" in near.message and near.message_fr and near.severity == "high"


def test_an_amount_read_just_too_unsurely_is_a_near_miss() -> None:
    f = with_calcium(600, read=0.57)
    assert raise_flags(f, exact_match(), licence("en"), licence("fr"), []) == []
    [near] = near_for(f)
    assert (near.code, near.raised, near.threshold, near.nudged) == ("QUANTITY_MISMATCH", False, "sure_amount", 0.55)


def test_verdicts_far_from_every_threshold_are_not_near() -> None:
    assert near_for(compliant_fields()) == []
    assert near_for(with_calcium(600)) == []  # 20 % over, read surely: raised whatever the thresholds


def test_a_flag_that_only_changes_its_wording_keeps_its_verdict() -> None:
    """FRENCH_MISSING lists the sections printed in one language. Here one eight-word English claim is a section by
    itself only while ``whole_statement_words`` is 8: the nudge to 9 drops "recommended uses" from the one flag's
    list, which neither clears nor raises a flag."""
    f = compliant_fields()
    f.cautions = [c for c in f.cautions if c.language == "en"]
    f.directions = [d for d in f.directions if d.language == "en"]
    f.recommended_uses = [TextItem(text="Supports healthy vaginal flora and yeast balance daily", language="en", confidence=0.55)]
    headings = [LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text=text, label="other") for text in ("Cautions:", "Directions:")]
    [now] = [x for x in raise_flags(f, exact_match(), licence("en"), licence("fr"), headings) if x.code == "FRENCH_MISSING"]
    [then] = [x for x in raise_flags(f, exact_match(), licence("en"), licence("fr"), headings,
                                     params=DEFAULT_FLAGS.with_overrides({"whole_statement_words": 9})) if x.code == "FRENCH_MISSING"]
    assert "recommended uses" in now.message and "recommended uses" not in then.message
    assert all(n.code != "FRENCH_MISSING" for n in near_flags(f, exact_match(), licence("en"), licence("fr"), headings))


def test_nudges_are_small_and_skip_small_counts() -> None:
    names = {"name_similarity": (0.55, 0.65), "range_margin": (0.01, 0.03), "appears_ratio": (86, 94),
             "statements_read": (4, 6), "licensed_line_min": (19, 21)}
    for name, expected in names.items():
        assert tuple(getattr(p, name) for p in nudges(DEFAULT_FLAGS, name)) == expected, name
    assert nudges(DEFAULT_FLAGS, "well_read_words") == []  # 2 -> 3 words is another rule, not a nearby one
    assert [p.verbatim_partial_ratio for p in nudges(DEFAULT_FLAGS.with_overrides({"verbatim_partial_ratio": 98}), "verbatim_partial_ratio")] == [93, 103]
    assert [p.caution_present for p in nudges(DEFAULT_FLAGS.with_overrides({"caution_present": 0.98}), "caution_present")] == [0.93, 1.0]


def test_a_near_flag_raises_the_review_priority() -> None:
    plain = Analysis()
    near = Analysis(near_flags=[NearFlag(code="QUANTITY_MISMATCH", severity="high", raised=False, threshold="range_margin",
                                         value=0.02, nudged=0.01)])
    assert model_doubt(near) > model_doubt(plain)
    assert review_priority(near) > review_priority(plain)
    assert Analysis.model_validate_json(near.model_dump_json()).near_flags == near.near_flags
    assert Analysis.model_validate({}).near_flags == []  # analyses stored before near flags still load
