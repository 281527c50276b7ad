"""Truth file -> an analyst's corrections (cyclops.retrain.real_corrections): which label each line gets, which
lines are left unreviewed, and which field values are set."""

from __future__ import annotations

from cyclops.edits import apply_edit, value_at
from cyclops.model.analysis import Analysis, Edit, Evidence, Fields, FieldValue, ImageInfo, LabelledLine
from cyclops.model.ocr import rect
from cyclops.retrain.dataset import Reviewed, reviewed_lines, rows_from_reviewed
from cyclops.retrain.real_corrections import (
    lines_a_field_edit_reviews,
    plan_field_edits,
    plan_flag_decisions,
    plan_line_labels,
    plan_safe_field_edits,
    truth_facts,
    truth_label,
)

PRINTED = {
    "npn": None,
    "npn_legible": False,
    "product_name": "Creatine",
    "brand": "Jocko Fuel",
    "company": "Northleaf Naturals Inc.",
    "net_quantity": "NET WT. 16 OZ (454 G)",
    "medicinal_ingredients": [
        {"name": "Zinc", "quantity": 1.2, "unit": "mg", "as_printed": "Zinc (from inactive Saccharomyces cerevisiae) 1.2 mg"},
        {"name": "Vitamin D3", "quantity": 25, "unit": "mcg", "as_printed": "Vitamin D3 25 mcg (1000 IU)"},
    ],
    "nutrition_rows": [{"name": "Total Fat", "quantity": 0, "unit": "g", "as_printed": "Total Fat 0 g"}],
    "non_medicinal_ingredients": ["gelatin", "glycerin"],
    "recommended_uses": [],
    "directions": [{"text": "Mix 1 scoop of Jocko Creatine with 8 oz. of liquid, one time per day.", "language": "en"}],
    "cautions": [{"text": "For adults only. Keep out of reach of children.", "language": "en"}],
}

#: (text as read, label the served model gave, label the truth implies: None = left unreviewed)
LINES = [
    ("CREATINE", "non_medicinal_ingredient", "product_name"),  # the whole product name
    ("JOCKOFUEL", "other", "brand"),
    ("JOCKO", "brand", None),  # a piece of the brand and of the product's directions alike: ambiguous
    ("Supplement Facts", "caution", None),  # a heading: not in the truth
    ("Vitamin D3 25 mcg (1000 IU) 125%", "medicinal_ingredient", "medicinal_ingredient"),  # %DV read with the row
    ("Zinc (from inactie Saccharomyces ce", "caution", "medicinal_ingredient"),  # OCR-garbled piece of a row
    ("Active", "caution", None),  # a piece of "inactive", not a word of the label
    ("1.2 mg", "medicinal_ingredient", None),  # an amount alone: no letters to match
    ("Total Fat 0 g", "medicinal_ingredient", "other"),  # a nutrition row, not an ingredient
    ("DIRECTIONS:MIX SCOOPOF JOCKO CREATINE", "other", "dose"),  # a heading run into the statement
    ("Keep out of reach of children.", "caution", "caution"),
    ("Other ingredients: gelatin, glycerin", "other", "non_medicinal_ingredient"),
    ("NET WT. 16 OZ (454 G)", "product_name", "other"),
    ("us.example.com | @example", "company", None),
]


def _box(i: int):
    return rect(0, 20 * i, 200, 20 * i + 18)


def _analysis() -> Analysis:
    lines = [LabelledLine(image="img0", polygon=_box(i), text=text, label=label) for i, (text, label, _) in enumerate(LINES)]
    fields = Fields(product_name=FieldValue(value="CREATINE", evidence=[Evidence(image="img0", polygon=_box(0))]),
                    brand=FieldValue(value="Jocko Fuel"),
                    company=FieldValue(value="us.example.com", evidence=[Evidence(image="img0", polygon=_box(13))]))
    return Analysis(analysis_id="a1", images=[ImageInfo(id="img0", sha256="0" * 64, width=200, height=400)],
                    fields=fields, lines=lines)


def test_each_line_gets_the_label_the_truth_implies_or_is_left_alone():
    facts = truth_facts(PRINTED)
    got = [truth_label(text, facts) for text, _, _ in LINES]
    assert got == [want for _, _, want in LINES]


def test_plan_corrects_and_accepts_only_the_lines_the_truth_speaks_for():
    analysis = _analysis()
    plan = plan_line_labels(analysis.lines, PRINTED)
    expected = [(i, served, want) for i, (_, served, want) in enumerate(LINES) if want is not None]
    assert plan == expected
    assert (10, "caution", "caution") in plan  # a right label is accepted explicitly: the line is reviewed


def _reviewed(analysis: Analysis) -> tuple[Analysis, list[Edit]]:
    """The whole plan applied as the edit route applies it: line labels, then the safe field edits."""
    current, edits = analysis, []
    plan = plan_line_labels(analysis.lines, PRINTED)
    field_edits, _ = plan_safe_field_edits(apply_all(analysis, plan), PRINTED, {i for i, _, _ in plan})
    steps = [(f"lines[{i}].label", before, after) for i, before, after in plan]
    steps += [(path, None, value) for path, value in field_edits]
    for path, _, after in steps:
        edit = Edit(analyst="real-truth", field=path, before=value_at(current, path), after=after,
                    base_version=current.version, seq=current.version + 1, at="2026-12-01T00:00:00+00:00")
        current = apply_edit(current, edit)
        edits.append(edit)
    return current, edits


def apply_all(analysis: Analysis, plan) -> Analysis:
    for i, _, after in plan:
        analysis = apply_edit(analysis, Edit(analyst="a", field=f"lines[{i}].label", after=after, base_version=analysis.version))
    return analysis


def test_unmatched_lines_stay_unreviewed_and_never_become_training_rows():
    """The dataset's review rule, read on the edits posted, keeps the lines the truth speaks for and no other."""
    analysis = _analysis()
    current, edits = _reviewed(analysis)
    assert any(e.field.startswith("fields.") for e in edits)  # field values were set too
    reviewed = reviewed_lines(Reviewed(analysis=current, edits=edits, served=analysis))
    assert sorted(reviewed) == [i for i, (_, _, want) in enumerate(LINES) if want is not None]
    assert [current.lines[i].label for i in sorted(reviewed)] == [want for _, _, want in LINES if want is not None]


def test_field_edits_set_the_wrong_values_only():
    plan = dict(plan_field_edits(_analysis(), PRINTED))
    assert "fields.product_name.value" not in plan  # "CREATINE" is right by the evaluation's rules (case ignored)
    assert "fields.brand.value" not in plan  # already right
    assert "fields.npn.value" not in plan  # none printed, none read
    assert plan["fields.company.value"] == "Northleaf Naturals Inc."
    assert [row["name"] for row in plan["fields.medicinal_ingredients"]] == ["Zinc", "Vitamin D3"]
    assert plan["fields.non_medicinal_ingredients"] == [{"name": "gelatin"}, {"name": "glycerin"}]
    assert "fields.recommended_uses" not in plan  # none printed, none read


def test_a_field_edit_that_would_review_an_unmatched_line_is_left_alone():
    """Company's evidence is a line the truth does not speak for (a web address the model called company). The
    review rule does not confirm a line that does not read the company typed in its place, so setting the company
    is safe and posted; the product name's evidence line reads the truth's name and is confirmed with it."""
    analysis = _analysis()
    analysis = analysis.model_copy(update={"fields": analysis.fields.model_copy(update={
        "product_name": FieldValue(value="Jocko", evidence=[Evidence(image="img0", polygon=_box(0))])})})
    plan = plan_line_labels(analysis.lines, PRINTED)
    kept, skipped = plan_safe_field_edits(apply_all(analysis, plan), PRINTED, {i for i, _, _ in plan})
    assert "fields.company.value" not in skipped and ("fields.company.value", "Northleaf Naturals Inc.") in kept
    assert 13 not in lines_a_field_edit_reviews(apply_all(analysis, plan), "fields.company.value", "Northleaf Naturals Inc.")
    assert ("fields.product_name.value", "Creatine") in kept  # its evidence line is the truth's product name
    assert "fields.company.value" in dict(plan_field_edits(analysis, PRINTED))


def _signed(current: Analysis, edits: list[Edit], after: bool = True) -> tuple[Analysis, list[Edit]]:
    sign = Edit(analyst="real-truth", field="review.signed_off", before=not after, after=after, base_version=current.version,
                seq=current.version + 1, at="2026-12-01T00:01:00+00:00")
    return apply_edit(current, sign), edits + [sign]


def test_a_sign_off_confirms_as_other_the_lines_that_fed_no_field():
    """Of the lines the truth leaves alone, the sign-off confirms 'Supplement Facts' (the model's 'caution': it fed
    no field) as other; not 'JOCKO' (reads the signed brand), '1.2 mg' (an amount alone), nor the web address
    (still the company's evidence). The lines the analyst labelled keep their own review."""
    analysis = _analysis()
    current, edits = _reviewed(analysis)
    signed, signed_edits = _signed(current, edits)
    found = reviewed_lines(Reviewed(analysis=signed, edits=signed_edits, served=analysis))
    by_sign = {i for i, (review, _) in found.items() if review == "sign_off"}
    assert 3 in by_sign and not by_sign & {2, 7, 13}
    assert all(found[i][0] == "label_edit" for i, (_, _, want) in enumerate(LINES) if want is not None)
    rows = {r.provenance.line: r for r in rows_from_reviewed([Reviewed(analysis=signed, edits=signed_edits, served=analysis)])}
    assert rows[3].example.label == "other" and signed.lines[3].label == "caution"  # 'other' whatever the model said
    assert (rows[3].provenance.review, rows[3].provenance.edit_seq) == ("sign_off", signed_edits[-1].seq)
    # withdrawn, it confirms nothing
    withdrawn, withdrawn_edits = _signed(signed, signed_edits, after=False)
    assert not {i for i, (review, _) in reviewed_lines(Reviewed(analysis=withdrawn, edits=withdrawn_edits,
                                                                   served=analysis)).items() if review == "sign_off"}


def test_the_truth_analyst_decides_the_flags_and_signs_off_through_the_api(configure):
    """``correct_with_truth`` through the in-process client: flags decided by the truth's codes, then the sign-off,
    which the retraining reads back as 'other' rows."""
    from cyclops.client import MapiClient
    from cyclops.model.analysis import Flag
    from cyclops.retrain.real_corrections import correct_with_truth
    from cyclops.service.operations import Services
    from cyclops.settings import get_settings

    configure()
    analysis = _analysis().model_copy(update={"analysis_id": "20261201T000000-r1",
                                              "created_at": "2026-12-01T00:00:00+00:00", "flags": [Flag(code="NPN_MISSING", severity="high", message="m", message_fr="m"),
                                                        Flag(code="FRENCH_MISSING", severity="medium", message="m", message_fr="m")]})
    services = Services(get_settings())
    services.store.put_analysis(analysis)
    services.catalog.index_analysis(analysis)
    client = MapiClient()
    final, counts = correct_with_truth(client, analysis, PRINTED, violations=["NPN_MISSING"])
    assert counts["signed_off"] == 1 and final.review.signed_off
    decided = {f.code: f.decision for f in final.flags if f.standing}
    assert decided["NPN_MISSING"] == "confirmed" and decided["FRENCH_MISSING"] == "dismissed"
    assert all(f.decision for f in final.flags if f.standing)
    item = Reviewed(analysis=client.get_analysis(analysis.analysis_id), edits=client.edits(analysis.analysis_id),
                    served=services.store.analysis_at(analysis.analysis_id, 0))
    rows = {r.provenance.line: r for r in rows_from_reviewed([item])}
    assert rows[3].example.label == "other" and rows[3].provenance.review == "sign_off"
    assert plan_flag_decisions(analysis, ["NPN_MISSING"]) == [(0, "confirmed"), (1, "dismissed")]
