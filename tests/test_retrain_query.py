"""Asking about confident mistakes (cyclops.retrain.query): where the field rules disagree with the model."""

from __future__ import annotations

from cyclops.extract.classifier import examples_by_line, train
from cyclops.model.analysis import Analysis, ImageInfo, LabelledLine
from cyclops.model.ocr import rect
from cyclops.retrain.query import pick_with_disagreements, rule_disagreements


def _page(lines: list[tuple[str, str]], analysis_id: str = "a1") -> Analysis:
    return Analysis(analysis_id=analysis_id, images=[ImageInfo(id="img0", sha256="0" * 64, width=400, height=300)],
                    lines=[LabelledLine(image="img0", polygon=rect(20, 30 * i, 380, 30 * i + 24), text=text, label=label,
                                        ocr_confidence=0.95) for i, (text, label) in enumerate(lines)])


def test_a_line_the_rules_read_a_field_from_is_a_disagreement_however_sure_the_model_is():
    """The model calls the licence line 'other' (it learnt so); the NPN rule reads the number from it anyway."""
    taught = _page([("NPN 80012345", "other"), ("Keep out of reach of children.", "caution"),
                    ("Take one capsule daily.", "dose"), ("Made in Canada", "other"), ("Sleep Tonic", "product_name")])
    model = train(list(examples_by_line(taught, "p").values()) * 3, seed=0)
    found = rule_disagreements(model, taught)
    assert found == {0: "npn"}
    assert rule_disagreements(model, taught, lines=[1, 2, 3, 4]) == {}  # only the lines asked about


def test_disagreements_take_half_the_round_most_confident_first_then_margin():
    margins = {("a", 0): 0.01, ("a", 1): 0.02, ("b", 0): 0.03, ("c", 0): 0.95, ("c", 1): 0.80, ("d", 0): 0.90}
    disagree = {("c", 0), ("c", 1), ("d", 0)}
    assert pick_with_disagreements(margins, disagree, 4) == [("c", 0), ("d", 0), ("a", 0), ("a", 1)]
    assert pick_with_disagreements(margins, disagree, 3) == [("c", 0), ("d", 0), ("a", 0)]  # ceil(3 / 2) = 2
    assert pick_with_disagreements(margins, set(), 2) == [("a", 0), ("a", 1)]  # none: plain margin order
    # one line per product: the second disagreement of 'c' waits, the cap fills up only when it must
    assert pick_with_disagreements(margins, disagree, 4, per_product=1) == [("c", 0), ("d", 0), ("a", 0), ("b", 0)]
    assert len(set(pick_with_disagreements(margins, disagree, 6, per_product=1))) == 6
