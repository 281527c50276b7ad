"""Worklist, undo, the changes page and sign-off, driven from Python against a real in-process ``MapiClient``
(its edits go through mapi's policy, four-eyes rule included). The browser tests of the same are in
tests/test_workbench_review_browser.py."""

from __future__ import annotations

import pytest

from cyclops.catalog import open_catalog
from cyclops.client import MapiClient
from cyclops.lnhpd.sample import generate
from cyclops.model.analysis import Flag
from cyclops.review import review_state
from cyclops.storage import open_store
from cyclops.workbench.app import PAGES, Workbench
from cyclops.report.plain import describe_field, describe_value
from cyclops.workbench.worklist import order
from tests.samples import sample_analysis, seed_in_process


def seed_worklist() -> list[str]:
    """an-calm (no flag, read surely), an-1 (one high flag), an-worst (two high flags, unsure fields): ids seeded."""
    licences = generate(2, 7)
    worst, photo = sample_analysis(licences[0][0], "an-worst")
    worst.flags.append(Flag(code="UNAUTHORIZED_CLAIM", severity="high", message="Cures insomnia", message_fr="Guérit"))
    worst.fields.company.confidence = 0.2
    seed_in_process(worst, photo, licences)
    one, photo = sample_analysis(licences[0][0], "an-1")
    seed_in_process(one, photo, licences)
    calm, photo = sample_analysis(licences[1][0], "an-calm")
    calm.flags = []
    calm.fields.medicinal_ingredients = calm.fields.medicinal_ingredients[:1]
    seed_in_process(calm, photo, licences)
    return ["an-worst", "an-1", "an-calm"]


@pytest.fixture()
def bench() -> Workbench:
    seed_worklist()
    return Workbench(MapiClient(), analyst="alice")


def test_worklist_puts_the_most_likely_wrong_first_filters_and_sorts(bench: Workbench) -> None:
    items = bench.worklist.search()
    assert [i.analysis_id for i in bench.worklist.visible()] == ["an-worst", "an-1", "an-calm"]
    worst = next(i for i in items if i.analysis_id == "an-worst")
    assert (worst.high_flags, worst.status) == (2, "new") and worst.unsure_fields >= 2
    assert len(bench.worklist.rows.children) == 3 and "3 of 3" in bench.worklist.count.value
    bench.worklist.sort_by("company")  # a header click: A to Z, again: Z to A
    companies = [i.company for i in bench.worklist.visible()]
    assert companies == sorted(companies, key=str.lower)
    bench.worklist.sort_by("company")
    assert [i.company for i in bench.worklist.visible()] == sorted(companies, key=str.lower, reverse=True)
    bench.worklist.company.value = worst.company[:5].upper()  # server-side filter, case-insensitive part
    assert {i.company for i in bench.worklist.items} == {worst.company}
    bench.worklist.company.value = ""
    bench.worklist.flag.value = "unauthorized_claim"
    assert [i.analysis_id for i in bench.worklist.items] == ["an-worst"]
    bench.worklist.flag.value = ""
    bench.worklist.status.value = "in_review"
    assert bench.worklist.visible() == [] and bench.worklist.rows.children == ()
    bench.language.value = "fr"
    assert bench.worklist.headers["priority"].description.startswith("Priorité")


def test_opening_a_product_puts_it_in_the_address_and_the_address_opens_it(bench: Workbench) -> None:
    bench.worklist.search()
    bench.worklist.rows.children[0].children[-1].click()  # the first row's Open
    assert bench.session.analysis.analysis_id == "an-worst"
    assert bench.tabs.selected_index == PAGES.index("page_product")
    assert "data-analysis='an-worst'" in bench.address.value
    again = Workbench(MapiClient(), analyst="alice")  # a reload: a new kernel reads the address
    assert again.open_from_query("analysis=an-1&token=x") == "an-1" and again.session.analysis.analysis_id == "an-1"
    lost = Workbench(MapiClient(), analyst="alice")
    assert lost.open_from_query("analysis=an-nowhere") is None and "Error" in lost.status.value
    assert lost.tabs.selected_index == 0 and len(lost.worklist.items) == 3
    assert order([], "priority") == []


def test_undo_goes_back_one_change_at_a_time_and_the_changes_page_says_it_plainly(bench: Workbench) -> None:
    bench.session.open("an-1")
    name = bench.session.analysis.fields.medicinal_ingredients[0].name
    brand = bench.session.analysis.fields.brand.value
    bench.product.inputs["brand"].value = "Tundra Labs"
    bench.session.save("fields.medicinal_ingredients[0].quantity", 450.0)
    bench.on_key({"altKey": True, "key": "z"})
    assert bench.session.analysis.fields.medicinal_ingredients[0].quantity != 450.0
    assert bench.session.analysis.fields.brand.value == "Tundra Labs"
    bench.undo.click()
    assert bench.session.analysis.fields.brand.value == brand
    bench.undo.click()  # nothing of alice's left to undo: said, nothing changed
    assert "Nothing of yours to undo" in bench.status.value
    log = bench.session.edits()
    assert [e.analyst for e in log].count("alice") == 4, "two changes, two undos"
    rechecks = [e for e in log if e.analyst == "cyclops"]  # the amount's change and its undo re-ran the checks
    assert rechecks and all(e.field == "flags" for e in rechecks)
    bench.go(PAGES.index("page_history"))
    table = bench.history.table.value
    amount_seq = next(e.seq for e in log if e.field == "fields.medicinal_ingredients[0].quantity")
    assert f"Medicinal ingredient 1 ({name}): amount" in table and "Brand" in table and f"undoes change {amount_seq}" in table
    assert "fields." not in table and "alice" in table and table.count("cyclops-history-row") == len(log)
    assert "Flags, checked again after a correction" in table  # the server's re-checks, said plainly
    assert describe_field("flags[0].decision", bench.session.analysis, "fr").startswith("Signalement 1")
    assert describe_value(True, "fr") == "oui" and describe_value(None) == "(empty)"


def test_sign_off_then_a_second_analyst_on_each_high_flag_makes_the_report_final(bench: Workbench) -> None:
    bench.session.open("an-1")
    panel = bench.signoff
    panel.sign.click()  # a flag is undecided: refused, said
    assert "Decide on every flag" in panel.summary.value and not bench.session.analysis.review.signed_off
    bench.flags.confirm_buttons[0].click()
    panel.sign.click()
    assert bench.session.analysis.review.signed_off
    assert "signed off by <b>alice</b>" in panel.summary.value and "waiting for a second analyst" in panel.summary.value
    assert "Report not final" in panel.summary.value
    bench.flags.confirm_buttons[0].click()  # alice again: mapi's four-eyes rule refuses, the status says why
    assert "different reviewer" in bench.status.value
    bob = Workbench(MapiClient(), analyst="bob")
    bob.session.open("an-1")
    bob.flags.dismiss_buttons[0].click()  # bob disagrees: both decisions stay in the record
    state = review_state(bob.session.analysis, bob.session.edits())
    assert state.final and state.high_flags[0].disagreement and state.signed_off_by == "alice"
    assert [(d.analyst, d.decision) for d in state.high_flags[0].decisions] == [("alice", "confirmed"), ("bob", "dismissed")]
    assert "the two analysts disagree" in bob.signoff.summary.value and "Report final" in bob.signoff.summary.value
    row = open_catalog().get("an-1")
    assert (row.status, row.signed_off_by, row.final, row.waiting_for_second) == ("signed_off", "alice", True, 0)
    edits = open_store().edits("an-1")
    assert [e.field for e in edits].count("review.signed_off") == 1


def test_catalogue_gives_the_most_urgent_first_page_by_page_and_by_status() -> None:
    """However many products there are, the worklist's first page is the most urgent (the catalogue sorts)."""
    seed_worklist()
    catalog = open_catalog()
    first = catalog.list_analyses(order="priority", limit=2)
    assert [i.analysis_id for i in first.items] == ["an-worst", "an-1"] and first.next_cursor
    rest = catalog.list_analyses(order="priority", limit=2, cursor=first.next_cursor)
    assert [i.analysis_id for i in rest.items] == ["an-calm"] and rest.next_cursor is None
    assert [i.analysis_id for i in catalog.list_analyses(status="new").items] == ["an-worst", "an-calm", "an-1"]
    assert catalog.list_analyses(status="signed_off").items == []
    with pytest.raises(Exception, match="order"):
        catalog.list_analyses(order="alphabetical")
