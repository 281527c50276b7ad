"""A box relabelled on the photo moves its text to that field (issue 13, item 6)."""

from __future__ import annotations

from cyclops.extract.relabel import relabel_moves
from cyclops.lnhpd.sample import generate
from tests.samples import sample_analysis


def _analysis(with_photo: bool = False):
    en, _fr = generate(3, 7)[0]
    analysis, photo = sample_analysis(en)
    return (analysis, photo) if with_photo else analysis


def _line(analysis, label):
    return next(k for k, line in enumerate(analysis.lines) if line.label == label)


def test_a_use_relabelled_other_leaves_the_claims():
    analysis = _analysis()
    k = _line(analysis, "recommended_use")
    assert relabel_moves(analysis, k, "other") == [("fields.recommended_uses[0]", None)]


def test_a_use_relabelled_caution_becomes_a_caution_with_its_box_as_evidence():
    analysis = _analysis()
    k = _line(analysis, "recommended_use")
    line = analysis.lines[k]
    (out, into) = relabel_moves(analysis, k, "caution")
    assert out == ("fields.recommended_uses[0]", None)
    path, value = into
    assert path == "fields.cautions[+]" and value["text"] == line.text
    assert value["evidence"][0]["image"] == line.image and value["evidence"][0]["text"] == line.text


def test_an_ingredient_row_relabelled_is_parsed_and_a_name_line_empties_the_name():
    analysis = _analysis()
    k = _line(analysis, "product_name")
    moves = relabel_moves(analysis, k, "medicinal_ingredient")
    assert moves[0] == ("fields.product_name", {"value": None, "confidence": 0.0, "evidence": [], "illegible": False,
                                                "as_read": None, "needs_review": False})
    assert moves[1][0] == "fields.medicinal_ingredients[+]" and moves[1][1]["as_read"] == analysis.lines[k].text
    row = _line(analysis, "medicinal_ingredient")
    text = analysis.lines[row].text  # "<name> <amount> <unit>"
    (_out, (_path, value)) = relabel_moves(analysis, row, "non_medicinal_ingredient")
    assert value["name"] == text
    npn = _line(analysis, "npn")
    assert relabel_moves(analysis, npn, "npn") == []


def test_the_viewer_moves_the_text_when_a_box_is_relabelled(configure, lnhpd_sample):
    from cyclops.client import MapiClient
    from cyclops.workbench.app import Workbench
    from tests.samples import seed_in_process

    configure(lnhpd_db=lnhpd_sample[0])
    analysis, photo = _analysis(with_photo=True)
    seed_in_process(analysis, photo, [])
    bench = Workbench(MapiClient(), analyst="alice")
    bench.session.open(analysis.analysis_id)
    k = _line(analysis, "recommended_use")
    bench.viewer.select(k)
    bench.viewer.line_label.value = "caution"
    stored = MapiClient().get_analysis(analysis.analysis_id)
    assert stored.lines[k].label == "caution"
    assert analysis.lines[k].text in [c.text for c in stored.fields.cautions]
    assert analysis.lines[k].text not in [u.text for u in stored.fields.recommended_uses]
