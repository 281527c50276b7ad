"""Live checks: a correction re-runs the rules, and the flags show what changed (issue 13, item 5)."""

from __future__ import annotations

import pytest

from cyclops.lnhpd.database import open_database
from cyclops.model.analysis import Edit
from cyclops.pipeline.recheck import affects_flags, merge_flags, recheck
from tests.samples import sample_analysis, seed_in_process


@pytest.fixture()
def product(lnhpd_sample):
    """A label of a licence in the sample database, its amounts as licensed, checked once by the rules."""
    path, pairs = lnhpd_sample
    db = open_database(path)
    en = next(en for en, _fr in pairs if len(en.medicinal_ingredients) >= 2)
    analysis, _ = sample_analysis(en)
    first = en.medicinal_ingredients[0]
    analysis.fields.medicinal_ingredients[0].quantity = first.quantity  # printed as licensed
    analysis.flags = []
    analysis.flags = recheck(analysis, db) or []  # as the pipeline would have raised them
    return analysis, db, first


def _open(analysis, code):
    return [f for f in analysis.flags if f.code == code and f.resolved_at_version is None]


def test_changing_an_amount_raises_quantity_mismatch_and_changing_it_back_resolves_it(product) -> None:
    analysis, db, first = product
    assert not _open(analysis, "QUANTITY_MISMATCH"), "printed as licensed: nothing to flag"
    before = list(analysis.flags)

    wrong = analysis.model_copy(deep=True)
    wrong.fields.medicinal_ingredients[0].quantity = first.quantity * 1.5
    wrong.version = 3
    wrong.flags = recheck(wrong, db)
    (raised,) = _open(wrong, "QUANTITY_MISMATCH")
    assert raised.raised_at_version == 3 and raised.source == "pipeline"
    assert wrong.flags[:len(before)] == before, "earlier flags keep their place (decisions point at it)"

    right = wrong.model_copy(deep=True)
    right.fields.medicinal_ingredients[0].quantity = first.quantity
    right.version = 4
    right.flags = recheck(right, db)
    assert not _open(right, "QUANTITY_MISMATCH")
    resolved = [f for f in right.flags if f.code == "QUANTITY_MISMATCH"]
    assert [f.resolved_at_version for f in resolved] == [4], "kept, marked resolved at the correcting version"
    assert recheck(right, db) is None, "a second re-check changes nothing"


def test_decisions_and_analyst_flags_survive_a_recheck() -> None:
    from cyclops.model.analysis import Flag

    decided = Flag(code="NPN_MISSING", severity="high", message="no NPN", message_fr="pas de NPN", decision="confirmed")
    mine = Flag(code="OTHER", severity="low", message="smudged", message_fr="taché", source="analyst")
    merged = merge_flags([decided, mine], [], version=7)
    assert merged[0].decision == "confirmed" and merged[0].resolved_at_version == 7
    assert merged[1] == mine, "an analyst's own flag is never judged by the rules"
    again = merge_flags(merged, [decided.model_copy(update={"decision": None})], version=8)
    assert again[0].resolved_at_version is None and again[0].decision == "confirmed"


def test_only_corrections_of_the_label_the_match_or_the_lines_trigger_a_recheck() -> None:
    assert affects_flags("fields.medicinal_ingredients[0].quantity") and affects_flags("match")
    assert affects_flags("lines[4].label")
    assert not affects_flags("flags[0].decision") and not affects_flags("review.signed_off")


def test_a_correction_through_the_service_rechecks_and_records_who(product, configure, lnhpd_sample) -> None:
    from cyclops.service.identity import Identity
    from cyclops.service.operations import Services

    analysis, _db, first = product
    configure(lnhpd_db=lnhpd_sample[0])
    services = Services()
    services.store.put_analysis(analysis)
    ann = Identity(user="ann", role="analyst", via="token")
    edit = Edit(analyst="ann", field="fields.medicinal_ingredients[0].quantity", after=first.quantity * 1.5,
                base_version=analysis.version)
    updated = services.edit_as(ann, analysis.analysis_id, edit)
    (raised,) = _open(updated, "QUANTITY_MISMATCH")
    assert raised.raised_at_version == analysis.version + 1
    log = services.edits(analysis.analysis_id)
    assert [(e.analyst, e.field) for e in log] == [("ann", edit.field), ("cyclops", "flags")]
    assert updated.version == analysis.version + 2


def test_the_flags_page_shows_what_a_correction_changed(product, configure, lnhpd_sample) -> None:
    """The page marks the flag a correction raised as new, strikes the one it resolved, and Alt+A skips the latter."""
    from cyclops.client import MapiClient
    from cyclops.workbench.flags import FlagsPage
    from cyclops.workbench.state import Session

    analysis, _db, first = product
    configure(lnhpd_db=lnhpd_sample[0])
    seed_in_process(analysis, b"photo", [])
    session = Session(MapiClient(), "ann")
    session.open(analysis.analysis_id)
    page = FlagsPage(session, lambda _evidence: None)
    assert session.save("fields.medicinal_ingredients[0].quantity", first.quantity * 1.5)
    page.refresh()
    html = " ".join(child.children[0].value for child in page.table.children)
    assert "new after a correction" in html and "QUANTITY_MISMATCH" in html
    new = next(i for i, f in enumerate(session.analysis.flags) if f.code == "QUANTITY_MISMATCH" and f.standing)
    assert session.save("fields.medicinal_ingredients[0].quantity", first.quantity)
    page.refresh()
    rows = page.table.children
    assert "cyclops-flag-resolved" in rows[new]._dom_classes and "resolved by a correction" in rows[new].children[0].value
    assert page.current() != new, "Alt+A never acts on a resolved flag"


def test_a_flag_on_the_same_box_stays_the_same_flag_with_its_decision_and_todays_words() -> None:
    from cyclops.model.analysis import Evidence, Flag

    box = [Evidence(image="img0", polygon=[[0, 0], [10, 0], [10, 5], [0, 5]], text="Vitamin C 600 mg")]
    old = Flag(code="QUANTITY_MISMATCH", severity="high", message="600 mg vs 400 mg", message_fr="600 mg c. 400 mg",
               evidence=box, decision="confirmed", reason="misprint")
    fresh = old.model_copy(update={"message": "650 mg vs 400 mg", "message_fr": "650 mg c. 400 mg", "decision": None,
                                   "reason": None})
    (kept,) = merge_flags([old], [fresh], version=5)
    assert (kept.decision, kept.reason, kept.message, kept.resolved_at_version) == ("confirmed", "misprint", "650 mg vs 400 mg", None)


def test_a_correction_finds_the_flags_near_their_thresholds_again_and_analysts_cannot_write_them(product, configure, lnhpd_sample) -> None:
    """An amount read at 0.62 (``sure_amount`` is 0.6) corrected to a wrong one raises QUANTITY_MISMATCH by a hair:
    the server records it as near its threshold in an edit of its own; the licensed amount clears it again."""
    from cyclops.errors import InvalidEdit
    from cyclops.service.identity import Identity
    from cyclops.service.operations import Services

    analysis, _db, first = product
    analysis.fields.medicinal_ingredients[0].quantity_confidence = 0.62
    configure(lnhpd_db=lnhpd_sample[0])
    services = Services()
    services.store.put_analysis(analysis)
    ann = Identity(user="ann", role="analyst", via="token")
    path = "fields.medicinal_ingredients[0].quantity"
    updated = services.edit_as(ann, analysis.analysis_id, Edit(analyst="ann", field=path, after=first.quantity * 1.5,
                                                              base_version=analysis.version))
    assert [(n.code, n.raised, n.threshold) for n in updated.near_flags] == [("QUANTITY_MISMATCH", True, "sure_amount")]
    assert [(e.analyst, e.field) for e in services.edits(analysis.analysis_id)][-2:] == [("cyclops", "flags"), ("cyclops", "near_flags")]
    updated = services.edit_as(ann, analysis.analysis_id, Edit(analyst="ann", field=path, after=first.quantity,
                                                              base_version=updated.version))
    assert updated.near_flags == []
    with pytest.raises(InvalidEdit):
        services.edit_as(ann, analysis.analysis_id, Edit(analyst="ann", field="near_flags", after=[], base_version=updated.version))
