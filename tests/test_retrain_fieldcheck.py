"""The gate's field check (cyclops.retrain.fieldcheck): a candidate that extracts trusted products' fields worse
than the served model is refused, whatever its lines say; the rule itself on numbers."""

from __future__ import annotations

from cyclops.evaluate.metrics import Counts
from cyclops.extract.classifier import examples_by_line, train
from cyclops.model.analysis import Analysis, Edit, Fields, FieldValue, ImageInfo, LabelledLine, Review
from cyclops.model.ocr import rect
from cyclops.retrain.dataset import Reviewed
from cyclops.retrain.fieldcheck import FieldCase, document_of, field_counts, field_guard, signed_off_cases
from cyclops.retrain.judge import judge_candidate

LINES = [("GLOWROOT", "brand"), ("Sleep Tonic", "product_name"), ("Dietary supplement", "other"),
         ("Net 60 capsules", "other"), ("Take one capsule daily.", "dose"), ("Keep out of reach of children.", "caution"),
         ("Supplement Facts", "other"), ("Made in Canada", "other")]


def _served() -> Analysis:
    lines = [LabelledLine(image="img0", polygon=rect(20, 30 * i, 380, 30 * i + 24), text=text, label=label, ocr_confidence=0.95)
             for i, (text, label) in enumerate(LINES)]
    return Analysis(analysis_id="a1", images=[ImageInfo(id="img0", sha256="0" * 64, width=400, height=300)], lines=lines)


def _model(swap: dict[str, str]):
    """A real classifier fitted on the served lines (copied: its vectoriser keeps n-grams seen twice), with labels
    swapped as ``swap`` says."""
    examples = [e.model_copy(update={"label": swap.get(e.label, e.label)})
                for e in examples_by_line(_served(), "p1").values()] * 3
    return train(examples, seed=0)


def test_the_served_lines_come_back_as_the_document_the_extraction_reads():
    served = _served()
    doc = document_of(served)
    assert [line.text for line in doc.pages[0].lines()] == [text for text, _ in LINES]
    assert (doc.pages[0].width, doc.pages[0].height) == (400, 300)


def test_a_candidate_that_files_banners_as_the_product_name_is_refused_on_the_trusted_fields():
    good, bad = _model({}), _model({"product_name": "other", "other": "product_name"})
    signed = Fields(product_name=FieldValue(value="Sleep Tonic"), brand=FieldValue(value="GLOWROOT"))
    cases = [FieldCase(product="p1", served=_served(), signed=signed)]
    assert field_counts(good, cases)["product_name"].tp == 1
    assert field_counts(bad, cases)["product_name"].tp == 0
    lines = list(examples_by_line(_served(), "p1").values())
    refused = judge_candidate(good, bad, bench=lines, trusted=[], batch_heldout=lines, trusted_fields=cases)
    assert not refused.passed
    # one product: losing its one name is within the field's one-value allowance, but every field pooled falls
    assert "trusted products' fields: F1 over every field falls 0.500 -> 0.286, more than the allowed 0.020" in refused.reasons
    tf = refused.scores["trusted_fields"]
    assert (tf["products"], tf["current"]["product_name"]["tp"], tf["candidate"]["product_name"]["fn"]) == (1, 1, 1)
    # the other way round the fields hold: no field reason (the line checks decide alone)
    held = judge_candidate(bad, good, bench=lines, trusted=[], batch_heldout=lines, trusted_fields=cases)
    assert not any(r.startswith("trusted products' fields") for r in held.reasons)
    assert held.passed


def test_field_guard_allows_one_value_on_few_and_refuses_more_or_a_pooled_fall():
    cur = {"product_name": Counts(tp=4), "medicinal_ingredients": Counts(tp=50, fp=5, fn=5)}
    one = {"product_name": Counts(tp=3, fp=1, fn=1), "medicinal_ingredients": Counts(tp=50, fp=5, fn=5)}
    assert field_guard(cur, one) == []  # one product name of four: within one value's worth
    two = {"product_name": Counts(tp=2, fp=2, fn=2), "medicinal_ingredients": Counts(tp=50, fp=5, fn=5)}
    assert field_guard(cur, two)[0] == ("trusted products' fields: product_name F1 falls 1.000 -> 0.500 on 4 signed values, "
                                        "more than its allowance 0.250")
    spread = {"product_name": Counts(tp=4), "medicinal_ingredients": Counts(tp=47, fp=8, fn=8)}
    reasons = field_guard(cur, spread)  # three rows of 55 lost: more than one value's worth (1/55), and pooled too
    assert any("medicinal_ingredients F1 falls" in r for r in reasons)
    assert any("F1 over every field falls" in r for r in reasons)


def test_only_standing_sign_offs_make_trusted_products():
    served = _served()
    signed = served.model_copy(update={"version": 1, "review": Review(signed_off=True)})
    sign = Edit(analyst="b", field="review.signed_off", before=False, after=True, base_version=0, seq=1)
    assert [c.product for c in signed_off_cases([Reviewed(analysis=signed, edits=[sign], served=served)],
                                                aside_only=False)] == ["analysis:a1"]
    withdrawn = signed.model_copy(update={"version": 2, "review": Review(signed_off=False)})
    undo = Edit(analyst="b", field="review.signed_off", before=True, after=False, base_version=1, seq=2)
    assert signed_off_cases([Reviewed(analysis=withdrawn, edits=[sign, undo], served=served)], aside_only=False) == []
    assert signed_off_cases([Reviewed(analysis=served, edits=[], served=served)], aside_only=False) == []


def test_the_gate_reads_kept_aside_products_signed_off_before_the_batch_by_others_from_the_store(configure):
    from cyclops.retrain.dataset import kept_aside
    from cyclops.retrain.trusted import trusted_field_cases
    from cyclops.service.operations import Services
    from cyclops.settings import get_settings

    configure()
    services = Services(get_settings())
    ids = [f"20261201T000000-k{k}" for k in range(200)]
    aside = [i for i in ids if kept_aside(f"analysis:{i}")][:2]
    trained = next(i for i in ids if not kept_aside(f"analysis:{i}"))
    for analysis_id, analyst in ((aside[0], "ines"), (aside[1], "batch-analyst"), (trained, "ines")):
        served = _served().model_copy(update={"analysis_id": analysis_id, "created_at": "2026-12-01T00:00:00+00:00"})
        services.store.put_analysis(served)
        services.catalog.index_analysis(served)
        done = services.post_edit(analysis_id, Edit(analyst=analyst, field="fields.product_name.value", after="Sleep Tonic",
                                                     base_version=0))
        services.post_edit(analysis_id, Edit(analyst=analyst, field="review.signed_off", after=True,
                                             base_version=done.version))
    cases = trusted_field_cases("2999-01-01", {"batch-analyst"})
    assert [c.product for c in cases] == [f"analysis:{aside[0]}"]  # not the batch's own, not one trained on
    assert cases[0].signed.product_name.value == "Sleep Tonic" and cases[0].served.version == 0
    assert trusted_field_cases("2000-01-01", set()) == []  # signed off after the batch began: not trusted
