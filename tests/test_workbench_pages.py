"""Widget logic driven from Python: set values, click buttons, check the edits that reach a real
in-process ``MapiClient`` (store, catalogue and reference database in the test's tmp data dir)."""

from __future__ import annotations

import ipywidgets as w
import pytest

from cyclops.client import MapiClient
from cyclops.lnhpd.sample import generate
from cyclops.model.analysis import SERVER_ANALYST
from cyclops.workbench.app import PAGES, Workbench
from cyclops.workbench.i18n import STRINGS, t
from tests.samples import sample_analysis, seed_in_process, workbench_on_s3


@pytest.fixture()
def bench_client() -> tuple[Workbench, MapiClient]:
    licences = generate(2, 7)
    analysis, photo = sample_analysis(licences[0][0])
    seed_in_process(analysis, photo, licences)
    client = MapiClient()
    assert client.base_url is None  # in-process: the same service layer mapi's routes call
    workbench = Workbench(client, analyst="alice")
    workbench.session.open("an-1")
    return workbench, client


def analysts_edits(client: MapiClient, analysis_id: str) -> list:
    """The analysts' edits, without the server's re-checks of the flags that follow each one (cyclops.pipeline.recheck)."""
    return [e for e in client.edits(analysis_id) if e.analyst != SERVER_ANALYST]


def test_product_field_edit_is_posted_with_base_version(bench_client) -> None:
    bench, client = bench_client
    bench.product.inputs["brand"].value = "Tundra Labs"
    [edit] = analysts_edits(client, "an-1")
    assert (edit.field, edit.after, edit.analyst, edit.base_version) == ("fields.brand.value", "Tundra Labs", "alice", 0)
    assert edit.before == "Tundra"
    assert bench.session.analysis.version == client.get_analysis("an-1").version >= 1  # the page holds what is stored
    assert "Saved: Brand" in bench.status.value and "fields." not in bench.status.value  # plain words, no path


def test_choose_other_licence_records_analyst_match(bench_client) -> None:
    bench, client = bench_client
    bench.product.choose((123, "80000001"))
    fields = [(e.field, e.after) for e in analysts_edits(client, "an-1")]
    assert fields == [("match.lnhpd_id", 123), ("match.licence_number", "80000001"), ("match.method", "analyst")]
    assert "80000001" in bench.product.matched.value


def test_ingredient_table_shows_mismatch_and_missing(bench_client) -> None:
    bench, _client = bench_client
    states = [r.row.state for r in bench.ingredients.rows]
    assert states[0] == "mismatch"
    assert "label_only" in states and "licence_only" in states


def test_ingredient_quantity_edit_delete_and_move(bench_client) -> None:
    bench, client = bench_client
    first = bench.ingredients.rows[0]
    first.quantity.value = "2,5"  # French decimal comma
    assert client.get_analysis("an-1").fields.medicinal_ingredients[0].quantity == 2.5
    label_only = next(r for r in bench.ingredients.rows if r.row.state == "label_only")
    label_only.to_non_medicinal.click()
    fields = client.get_analysis("an-1").fields
    assert [n.name for n in fields.non_medicinal_ingredients] == ["Zinc citrate"]
    assert "Zinc citrate" not in [i.name for i in fields.medicinal_ingredients]
    missing = next(r for r in bench.ingredients.rows if r.row.state == "licence_only")
    missing.add_to_label.click()
    assert client.get_analysis("an-1").fields.medicinal_ingredients[-1].name == missing.row.licence.ingredient_name
    bench.ingredients.rows[0].delete.click()
    assert [e.field for e in analysts_edits(client, "an-1")][-1] == "fields.medicinal_ingredients[0]"


def test_bad_quantity_is_reported_not_saved(bench_client) -> None:
    bench, client = bench_client
    bench.ingredients.rows[0].quantity.value = "abc"
    assert client.edits("an-1") == []
    assert "abc" in bench.ingredients.message.value


def test_claim_decision_and_scores(bench_client) -> None:
    bench, client = bench_client
    assert len(bench.claims.decisions) == 2
    bench.claims.decisions[1].value = False
    assert client.get_analysis("an-1").fields.recommended_uses[1].compliant is False
    html = bench.claims.table.children[1].children[0].value
    assert "1.00" in html  # the printed licensed purpose matches itself


def test_claim_read_unsurely_asks_for_a_check(bench_client) -> None:
    bench, _client = bench_client
    assert "cyclops-unsure" not in bench.claims.table.children[1].children[0].value
    analysis = bench.session.analysis
    for line in analysis.lines:
        line.confidence = 0.3  # the first claim was read from one of these lines; the second has no photo line
    bench.claims.refresh()
    assert t("check_claim", "en") in bench.claims.table.children[1].children[0].value
    assert "cyclops-unsure" not in bench.claims.table.children[2].children[0].value


def test_flag_confirm_with_reason_and_add(bench_client) -> None:
    bench, client = bench_client
    bench.flags.reasons[0].value = "printed 2x the licensed dose"
    bench.flags.confirm_buttons[0].click()
    flag = client.get_analysis("an-1").flags[0]
    assert (flag.decision, flag.reason) == ("confirmed", "printed 2x the licensed dose")
    bench.flags.add_flag("missing_caution", "medium", "No pregnancy caution")
    added = client.get_analysis("an-1").flags[-1]
    assert (added.code, added.source, added.severity) == ("MISSING_CAUTION", "analyst", "medium")


def test_flags_near_their_thresholds_are_shown_and_a_near_miss_can_be_raised() -> None:
    """A raised flag whose verdict hangs on a threshold is marked borderline with the numbers; a flag the rules
    almost raised is listed, in the analyst's language, and one click raises it as the analyst's own, confirmed."""
    from cyclops.model.analysis import NearFlag

    licences = generate(2, 7)
    analysis, photo = sample_analysis(licences[0][0])
    raised = analysis.flags[0]
    analysis.near_flags = [
        NearFlag(code=raised.code, severity=raised.severity, raised=True, threshold="sure_amount", value=0.6, nudged=0.65,
                 message=raised.message, message_fr=raised.message_fr),
        NearFlag(code="CAUTIONS_MISSING", severity="medium", raised=False, threshold="caution_present", value=0.6, nudged=0.55,
                 message="A licensed caution or warning is missing from the label: \"Keep out of reach of children.\"",
                 message_fr="Une mise en garde autorisée est absente de l'étiquette : « Tenir hors de la portée des enfants. »"),
    ]
    seed_in_process(analysis, photo, licences)  # as the pipeline would have stored it
    client = MapiClient()
    bench = Workbench(client, analyst="alice")
    bench.session.open("an-1")
    head = bench.flags.table.children[0].children[0].value
    assert "cyclops-flag-borderline" in head and "sure_amount at 0.65 instead of 0.6" in head
    near = bench.flags.near.children
    assert "Almost raised" in near[0].value and "Keep out of reach of children" in near[1].children[1].value
    assert "caution_present at 0.55 instead of 0.6" in near[1].children[1].value
    bench.session.set_lang("fr")
    bench.flags.refresh()
    assert "Presque émis" in bench.flags.near.children[0].value and "Tenir hors" in bench.flags.near.children[1].children[1].value
    bench.flags.raise_buttons[0].click()
    added = client.get_analysis("an-1").flags[-1]
    assert (added.code, added.source, added.decision, added.severity) == ("CAUTIONS_MISSING", "analyst", "confirmed", "medium")
    assert added.message_fr.startswith("Une mise en garde")
    assert bench.flags.near_misses() == [] and bench.flags.near.children == ()  # raised now: no longer "almost"


def test_conflict_shows_other_change_and_keeps_mine(bench_client) -> None:
    bench, client = bench_client
    other = Workbench(MapiClient(), analyst="bob")  # another analyst's dashboard, its own client
    other.session.open("an-1")
    other.product.inputs["company"].value = "Bob's Company"
    bench.product.inputs["company"].value = "Alice's Company"
    status = bench.status.value
    assert "bob" in status and "Bob&#x27;s Company" in status and "Alice&#x27;s Company" in status
    assert client.get_analysis("an-1").fields.company.value == "Bob's Company"  # not overwritten
    assert bench.session.unsaved and bench.reapply in bench.status_actions.children
    bench.reapply.click()
    assert client.get_analysis("an-1").fields.company.value == "Alice's Company"
    assert [e.analyst for e in analysts_edits(client, "an-1")] == ["bob", "alice"]


def test_storage_outage_keeps_edit_and_retries(own_s3_server, configure) -> None:
    """A real S3 outage (the moto server stopped): the typed text stays, the edit waits in the outbox."""
    workbench = workbench_on_s3(own_s3_server, configure)
    own_s3_server.stop()
    workbench.product.inputs["product_name"].value = "Typed while offline"
    assert "saved locally" in workbench.status.value
    assert workbench.product.inputs["product_name"].value == "Typed while offline"
    own_s3_server.start()
    workbench.on_key({"altKey": True, "key": "s"})
    assert MapiClient().get_analysis("an-1").fields.product_name.value == "Typed while offline"
    assert "Saved" in workbench.status.value


def test_reopen_restores_saved_state(bench_client) -> None:
    bench, _client = bench_client
    bench.flags.dismiss_buttons[0].click()
    again = Workbench(MapiClient(), analyst="carol")
    again.session.open("an-1")
    assert "dismissed" in again.flags.table.children[0].children[0].value


def test_viewer_click_selects_line_and_relabels(bench_client) -> None:
    bench, client = bench_client
    viewer = bench.viewer
    view = viewer._view
    # centre of the NPN box (40,40)-(300,80) in displayed coordinates
    x = (170 - view.x0) * view.shown_width / (view.x1 - view.x0)
    y = (60 - view.y0) * view.shown_height / (view.y1 - view.y0)
    viewer.on_click({"relativeX": x, "relativeY": y, "boundingRectWidth": view.shown_width, "boundingRectHeight": view.shown_height})
    assert viewer.selected == 0 and viewer.line_text.value.startswith("NPN")
    viewer.line_label.value = "other"
    assert client.get_analysis("an-1").lines[0].label == "other"
    viewer.zoom.value = 3.0
    assert viewer._view.x1 - viewer._view.x0 == pytest.approx(800 / 3)


def test_language_switch_relabels_everything(bench_client) -> None:
    bench, _client = bench_client
    bench.language.value = "fr"
    assert bench.tabs.get_title(PAGES.index("page_ingredients")) == "Ingrédients"
    assert bench.flags.confirm_buttons[0].description == "Confirmer"
    assert "la quantité diffère" in bench.flags.table.children[0].children[0].value
    assert bench.product.inputs["company"].description == "Entreprise"


def test_keyboard_shortcuts_navigate_and_accept(bench_client) -> None:
    bench, client = bench_client
    assert bench.on_key({"altKey": True, "key": "n"}) == "next"
    assert bench.tabs.selected_index == 1
    bench.on_key({"altKey": True, "key": "b"})
    assert bench.tabs.selected_index == 0
    assert bench.on_key({"altKey": False, "key": "n"}) is None
    bench.on_key({"altKey": True, "key": "a"})  # on the Worklist: nothing to accept there
    assert client.get_analysis("an-1").match.method == "npn_exact"
    assert "nothing to accept" in bench.status.value
    bench.go(PAGES.index("page_product"))
    bench.on_key({"altKey": True, "key": "a"})  # on the Product page: the licence
    assert client.get_analysis("an-1").match.method == "analyst"


def test_shortcut_buttons_clicked_by_the_page_script(bench_client) -> None:
    """KEYBOARD_JS clicks the hidden button of an Alt+letter; each button runs its action."""
    from cyclops.workbench.app import KEYBOARD_JS

    workbench, _client = bench_client
    assert set(workbench.key_buttons) == {"next", "back", "accept", "save", "undo"}
    assert all(f"cyclops-key-{action}" in b._dom_classes for action, b in workbench.key_buttons.items())
    assert '"n": "next"' in KEYBOARD_JS and "preventDefault" in KEYBOARD_JS
    workbench.key_buttons["next"].click()
    workbench.key_buttons["next"].click()
    assert workbench.tabs.selected_index == 2
    workbench.key_buttons["back"].click()
    assert workbench.tabs.selected_index == 1


def test_report_page_builds_downloads(bench_client) -> None:
    bench, _client = bench_client
    report = bench.report.build()
    assert report is not None and bench.report.pdf.startswith(b"%PDF")
    assert bench.report.downloads.value.count("cyclops-download") == 4  # PDF, HTML, CSV, JSON
    assert "QUANTITY_MISMATCH" in bench.report.preview.value


def test_every_string_has_both_languages() -> None:
    missing = [key for key, entry in STRINGS.items() if not entry.get("en") or not entry.get("fr")]
    assert missing == []
    with pytest.raises(KeyError):
        t("no-such-key")


def test_an_amount_read_unsurely_is_marked_for_checking(bench_client) -> None:
    bench, _client = bench_client
    zinc = next(r for r in bench.ingredients.rows if r.row.label is not None and r.row.label.name == "Zinc citrate")
    assert "cyclops-unsure" in zinc.quantity._dom_classes and zinc.quantity.tooltip == t("check_amount", "en")
    sure = bench.ingredients.rows[0]
    assert "cyclops-unsure" not in sure.quantity._dom_classes


def test_product_page_shows_the_text_as_read_and_a_withheld_value() -> None:
    """What the label prints is evidence: a repaired value shows the print beside it, and a value read too
    unsurely to propose says so instead of showing debris (issue 12)."""
    from types import SimpleNamespace

    from cyclops.model.analysis import Analysis, Fields, FieldValue
    from cyclops.workbench.product import ProductPage

    analysis = Analysis(fields=Fields(company=FieldValue(confidence=0.34, as_read="C", needs_review=True),
                                      product_name=FieldValue(value="Glucosamine Sulfate", as_read="Glucosamne Sulfate",
                                                              confidence=0.9)))
    session = SimpleNamespace(analysis=analysis, lang="en")
    page = ProductPage.__new__(ProductPage)  # the rendering rule alone, without widgets
    page.session = session
    company = page._confidence_html(analysis.fields.company)
    name = page._confidence_html(analysis.fields.product_name)
    assert "read the photo" in company and "cyclops-needs-review" in company
    assert "Glucosamne Sulfate" in name and "cyclops-as-read" in name
    session.lang = "fr"
    assert "lire la photo" in page._confidence_html(analysis.fields.company)


# --- a licence found by search, or not the printed NPN's: nothing compared until the analyst confirms (issue 13.3)

@pytest.fixture()
def search_bench() -> tuple[Workbench, MapiClient]:
    """an-1 matched by a search (score 0.9) to the licence, with no NPN read on the label."""
    licences = generate(2, 7)
    analysis, photo = sample_analysis(licences[0][0])
    analysis.fields.npn.value = None
    analysis.match.method, analysis.match.score = "search", 0.9
    seed_in_process(analysis, photo, licences)
    client = MapiClient()
    workbench = Workbench(client, analyst="alice")
    workbench.session.open("an-1")
    return workbench, client


def test_search_match_is_compared_with_nothing_until_confirmed(search_bench) -> None:
    bench, client = search_bench
    banner = bench.licence_banner
    assert banner.widget.layout.display == "flex" and "another product" in banner.text.value
    assert {r.row.state for r in bench.ingredients.rows} == {"not_compared"}  # no green, no licence rows
    assert "Licence not confirmed" in bench.ingredients.table.children[0].value
    assert all(t("not_compared", "en") in row.children[0].value for row in bench.claims.table.children[1:])
    assert bench.report.build().ingredients[0].licence_name == ""
    bench.product.confirm.click()
    assert client.get_analysis("an-1").match.method == "analyst"
    assert banner.widget.layout.display == "none"
    assert "mismatch" in {r.row.state for r in bench.ingredients.rows}


def test_printed_npn_other_than_the_licence_is_named_in_both_languages(bench_client) -> None:
    bench, _client = bench_client
    assert bench.licence_banner.widget.layout.display == "none"  # found by its printed NPN
    bench.product.inputs["npn"].value = "80999999"
    licence_number = bench.session.analysis.match.licence_number
    assert "80999999" in bench.licence_banner.text.value and licence_number in bench.licence_banner.text.value
    bench.language.value = "fr"
    assert "n'est pas le numéro de la licence associée" in bench.licence_banner.text.value
    assert {r.row.state for r in bench.ingredients.rows} == {"not_compared"}


def test_alt_a_on_flags_decides_the_flag_in_view_not_the_match(search_bench) -> None:
    bench, client = search_bench
    bench.go(PAGES.index("page_flags"))
    assert "cyclops-flag-current" in bench.flags.table.children[0]._dom_classes
    bench.on_key({"altKey": True, "key": "a"})
    analysis = client.get_analysis("an-1")
    assert analysis.flags[0].decision == "confirmed" and analysis.match.method == "search"
    bench.on_key({"altKey": True, "key": "a"})  # every flag decided: nothing else is touched
    assert client.get_analysis("an-1").match.method == "search" and "nothing to accept" in bench.status.value
    bench.go(PAGES.index("page_ingredients"))  # no proposal to accept there either
    assert bench.accept_in_view() is False and client.get_analysis("an-1").match.method == "search"


def test_the_flag_whose_evidence_was_opened_is_the_one_in_view(bench_client) -> None:
    bench, _client = bench_client
    analysis = bench.session.analysis
    analysis.flags.append(analysis.flags[0].model_copy(update={"code": "SECOND"}))
    bench.flags.refresh()
    assert bench.flags.current() == 0
    bench.flags.table.children[1].children[1].children[3].click()  # row 2's "Show on photo"
    assert bench.flags.current() == 1 and "cyclops-flag-current" in bench.flags.table.children[1]._dom_classes


def test_not_a_claim_leaves_the_claims_and_relabels_its_text_on_the_photo(bench_client) -> None:
    """"Cures insomnia overnight." taken for a claim: one click removes it and marks the photo's line as other."""
    bench, client = bench_client
    use = bench.session.analysis.fields.recommended_uses[0]
    line = next(k for k, l in enumerate(bench.session.analysis.lines) if l.text == use.text)
    assert bench.session.analysis.lines[line].label == "recommended_use"
    bench.claims.not_claim_buttons[0].click()
    stored = client.get_analysis("an-1")
    assert use.text not in [u.text for u in stored.fields.recommended_uses]
    assert stored.lines[line].label == "other"
    changes = [(e.field, e.reason) for e in analysts_edits(client, "an-1")]
    assert changes == [("fields.recommended_uses[0]", "not a claim"), (f"lines[{line}].label", "not a claim")]
    assert len(bench.claims.not_claim_buttons) == 1 and bench.claims.not_claim_buttons[0].description == "Not a claim"


def test_a_non_medicinal_row_can_be_deleted(bench_client) -> None:
    bench, client = bench_client
    label_only = next(r for r in bench.ingredients.rows if r.row.state == "label_only")
    label_only.to_non_medicinal.click()  # "Zinc citrate" moved down, then found to be junk
    assert [n.name for n in client.get_analysis("an-1").fields.non_medicinal_ingredients] == ["Zinc citrate"]
    bench.ingredients.non_medicinal_deletes[0].click()
    assert client.get_analysis("an-1").fields.non_medicinal_ingredients == []
    assert analysts_edits(client, "an-1")[-1].field == "fields.non_medicinal_ingredients[0]"


def test_directions_and_cautions_are_listed_and_can_be_deleted_or_moved(bench_client) -> None:
    bench, client = bench_client
    caution = {"text": "Keep out of reach of children.", "language": "en", "confidence": 0.9}
    assert bench.session.save("fields.directions[+]", caution)  # a caution the classifier filed as a direction
    assert bench.session.save("fields.directions[+]", {"text": "Lot 4411B", "language": "en", "confidence": 0.5})
    assert "Keep out of reach" in bench.claims.statements.children[1].children[0].value
    bench.claims.statement_buttons[("directions", 0, "cautions")].click()
    fields = client.get_analysis("an-1").fields
    assert [c.text for c in fields.cautions] == [caution["text"]] and [d.text for d in fields.directions] == ["Lot 4411B"]
    bench.claims.statement_buttons[("directions", 0, "delete")].click()
    assert client.get_analysis("an-1").fields.directions == []
    bench.language.value = "fr"
    headings = [c.value for c in bench.claims.statements.children if isinstance(c, w.HTML)]
    assert headings == ["<h4>Mode d'emploi (0)</h4>", "<h4>Mises en garde (1)</h4>"]
