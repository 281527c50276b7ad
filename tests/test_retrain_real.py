"""Truth file -> an analyst's corrections (cyclops.retrain.real_corrections): which label each line gets, which
lines are left unreviewed, and which field values are set."""

from __future__ import annotations

from cyclops.edits import apply_edit, value_at
from cyclops.model.analysis import Analysis, Edit, Evidence, Fields, FieldValue, ImageInfo, LabelledLine
from cyclops.model.ocr import rect
from cyclops.retrain.dataset import Reviewed, reviewed_lines
from cyclops.retrain.real_corrections import (
    lines_a_field_edit_reviews,
    plan_field_edits,
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
