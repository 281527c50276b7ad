"""Evidence on every row (issue 13, item 4), widget level: the one eye button and confidence colour every page uses,
the text as read beside a repaired value, the viewer's wheel zoom about the mouse, drag to pan and photo thumbnails.
Pages driven from Python against a real in-process ``MapiClient``."""

from __future__ import annotations

import re

import ipywidgets as w
import pytest

from cyclops.client import MapiClient
from cyclops.compare.params import DEFAULT_COMPARISON
from cyclops.lnhpd.sample import generate
from cyclops.model.analysis import Evidence, FieldValue, ImageInfo, Ingredient, LabelledLine, TextItem
from cyclops.review_priority import UNSURE_BELOW
from cyclops.workbench.app import Workbench
from cyclops.workbench.evidence import as_read_note, confidence_level, eye_button, item_confidence
from cyclops.workbench.geometry import fit_box, pan_by, view_for, zoom_about
from cyclops.workbench.i18n import t
from cyclops.workbench.viewer import MAX_ZOOM
from tests.samples import sample_analysis, seed_in_process

BACK_BOX = [(100.0, 400.0), (500.0, 400.0), (500.0, 440.0), (100.0, 440.0)]


@pytest.fixture()
def bench() -> Workbench:
    """an-1 with a second photo (the back), a caution read from it, and a claim read from a half-read line."""
    licences = generate(2, 7)
    analysis, photo = sample_analysis(licences[0][0])
    analysis.images.append(ImageInfo(id="img1", sha256=analysis.images[0].sha256, width=800, height=600, filename="back.png"))
    analysis.lines.append(LabelledLine(image="img1", polygon=BACK_BOX, text="Keep out of reach of children.", label="caution",
                                       confidence=0.3))
    analysis.fields.cautions = [TextItem(text="Keep out of reach of children.", language="en", confidence=0.9,
                                         as_read="Keep out of reach of chi1dren.",
                                         evidence=[Evidence(image="img1", polygon=BACK_BOX, text="Keep out of reach of children.")])]
    seed_in_process(analysis, photo, licences)
    workbench = Workbench(MapiClient(), analyst="alice")
    workbench.session.open("an-1")
    return workbench


def visible_text(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


# --- the shared helper -------------------------------------------------------------------------------------------

def test_confidence_levels_follow_the_worklist_and_the_flags_thresholds() -> None:
    sure_read = DEFAULT_COMPARISON.sure_read
    assert confidence_level(UNSURE_BELOW - 0.01) == "unsure"  # what the worklist counts as unsure
    assert confidence_level((UNSURE_BELOW + sure_read) / 2) == "check"  # what the flags will not accuse on
    assert confidence_level(sure_read) == "sure"
    assert confidence_level(0.99, needs_review=True) == "unsure"
    assert confidence_level(0.99, doubted=True) == "check"


def test_a_row_is_as_sure_as_its_photo_lines_and_its_amount() -> None:
    line = LabelledLine(image="img0", polygon=BACK_BOX, text="Vitamin C 500 mg", confidence=0.3)
    cited = Ingredient(name="Vitamin C", quantity=500, unit="mg", confidence=0.9,
                       evidence=[Evidence(image="img0", polygon=BACK_BOX, text="Vitamin C 500 mg")])
    assert item_confidence(cited, [line]) == (pytest.approx(0.3), "unsure")
    assert item_confidence(cited, []) == (pytest.approx(0.9), "sure")
    amount = Ingredient(name="Zinc", confidence=0.9, quantity_confidence=DEFAULT_COMPARISON.sure_amount - 0.01)
    assert item_confidence(amount, [])[1] == "check"
    assert item_confidence(FieldValue(value="x", confidence=0.95, needs_review=True), [])[1] == "unsure"


def test_the_text_as_read_is_shown_only_when_repair_changed_it() -> None:
    note = as_read_note("Glucosamine", "Glucosamne", "fr")
    assert "cyclops-as-read" in note and "Glucosamne" in note and "tel que lu" in note
    assert as_read_note("Glucosamine", "Glucosamine", "en") == "" and as_read_note("Glucosamine", None, "en") == ""


def test_the_eye_shows_the_first_box_and_is_off_without_one() -> None:
    shown: list[Evidence] = []
    evidence = [Evidence(image="img1", polygon=BACK_BOX, text="a"), Evidence(image="img0", text="b")]
    eye = eye_button(evidence, shown.append, "en")
    eye.click()
    assert shown == [evidence[0]] and "cyclops-eye" in eye._dom_classes and eye.tooltip == t("show_evidence", "en")
    assert eye_button([], shown.append, "fr").disabled


# --- geometry --------------------------------------------------------------------------------------------------

def test_wheel_zoom_keeps_the_point_under_the_mouse() -> None:
    view = view_for(800, 600, 1.0, 0.5, 0.5, 900)
    x, y = 200.0, 500.0
    point = view.to_photo(x, y)
    after = view_for(800, 600, 3.0, *zoom_about(view, 800, 600, 3.0, x, y), 900)
    assert after.to_photo(x, y) == pytest.approx(point)
    assert after.x1 - after.x0 == pytest.approx(800 / 3)


def test_a_drag_moves_the_photo_with_the_mouse_and_stays_inside_it() -> None:
    view = view_for(800, 600, 4.0, 0.5, 0.5, 900)
    dragged = view_for(800, 600, 4.0, *pan_by(view, 800, 600, 90.0, 0.0, 4.0), 900)
    assert dragged.x0 == pytest.approx(view.x0 - 90 * (view.x1 - view.x0) / 900)  # the photo went right: its left shows
    far = view_for(800, 600, 4.0, *pan_by(view, 800, 600, 5000.0, 5000.0, 4.0), 900)
    assert (far.x0, far.y0) == (0.0, 0.0)


def test_an_evidence_box_fills_the_view() -> None:
    zoom, cx, cy = fit_box(BACK_BOX, 800, 600, MAX_ZOOM)
    assert zoom == pytest.approx(0.6 * 800 / 400) and (cx, cy) == (pytest.approx(300 / 800), pytest.approx(420 / 600))
    assert fit_box([[0, 0], [2, 0], [2, 1], [0, 1]], 800, 600, MAX_ZOOM)[0] == MAX_ZOOM


# --- every page --------------------------------------------------------------------------------------------------

def test_every_page_row_has_its_eye_and_confidence_colour(bench: Workbench) -> None:
    viewer = bench.viewer
    first = bench.ingredients.rows[0]
    assert first.eye is not None and not first.eye.disabled and "cyclops-confidence-sure" in first.confidence.value
    first.eye.click()  # the ingredient's box, zoomed
    assert viewer.highlight == first.row.label.evidence[0].polygon and viewer.zoom.value > 1
    assert viewer._view.x0 <= 40 and viewer._view.x1 >= 500 and "cyclops-evidence-shown" in viewer.hint.value
    zinc = next(r for r in bench.ingredients.rows if r.row.label is not None and r.row.label.name == "Zinc citrate")
    assert "cyclops-confidence-unsure" in zinc.confidence.value  # its amount read at 40 %: red, as the worklist counts it

    caution = next(c for c in bench.claims.statements.children
                   if isinstance(c, w.VBox) and "Keep out of reach" in c.children[0].value)
    assert "cyclops-confidence-unsure" in caution.children[0].value  # its photo line read at 30 %
    assert "chi1dren" in caution.children[0].value and "cyclops-as-read" in caution.children[0].value
    caution.children[1].children[0].click()  # its eye, before its delete and move buttons: the back photo comes up
    assert viewer.image_id == "img1" and viewer.highlight == BACK_BOX and "cyclops-thumb-selected" in viewer.thumbnails["img1"]._dom_classes

    claim = bench.claims.table.children[1]
    assert "cyclops-confidence-sure" in claim.children[0].value
    claim.children[1].children[0].click()
    assert viewer.image_id == "img0" and viewer.highlight == bench.session.analysis.fields.recommended_uses[0].evidence[0].polygon

    product_eye = bench.product.evidence_buttons["npn"]
    assert not product_eye.disabled and bench.product.evidence_buttons["company"].disabled
    assert "cyclops-confidence-sure" in bench.product.confidence["npn"].value
    assert bench.product.inputs["dosage_form"].description == "Dosage form" and "net_quantity" in bench.product.evidence_buttons
    assert bench.product.confidence["dosage_form"].value == ""  # nothing read: not "unsure 0 %"


def test_flags_show_plain_titles_their_eye_and_no_code(bench: Workbench) -> None:
    head = bench.flags.table.children[0].children[0].value
    assert "Amount differs from the licence" in head and "QUANTITY_MISMATCH" not in visible_text(head)
    assert "title='QUANTITY_MISMATCH'" in head  # kept for whoever needs it, as the title's tooltip
    assert "cyclops-confidence-sure" in head
    eye = bench.flags.table.children[0].children[1].children[3]
    assert "cyclops-eye" in eye._dom_classes
    eye.click()
    assert bench.viewer.highlight == bench.session.analysis.flags[0].evidence[0].polygon and bench.flags.chosen == 0
    bench.language.value = "fr"
    assert "Quantité différente de la licence" in bench.flags.table.children[0].children[0].value


def test_viewer_wheel_zooms_a_drag_pans_and_a_thumbnail_changes_the_photo(bench: Workbench) -> None:
    viewer = bench.viewer
    assert list(viewer.thumbnails) == ["img0", "img1"] and viewer.image_id == "img0"
    assert all(thumb.value for thumb in viewer.thumbnails.values())
    view = viewer._view
    at = {"relativeX": 200.0, "relativeY": 100.0, "boundingRectWidth": view.shown_width, "boundingRectHeight": view.shown_height}
    point = view.to_photo(200.0, 100.0)
    viewer.on_wheel({**at, "type": "wheel", "deltaY": -100})
    assert viewer.zoom.value > 1 and viewer._view.to_photo(200.0, 100.0) == pytest.approx(point)
    before = viewer._view
    viewer.on_mouse({**at, "type": "mousedown"})
    viewer.on_mouse({**at, "relativeX": 120.0, "relativeY": 60.0, "type": "mouseup"})
    viewer.on_mouse({**at, "relativeX": 120.0, "relativeY": 60.0, "type": "click"})  # the drag's end: no box picked
    assert viewer._view.x0 > before.x0 and viewer._view.y0 > before.y0 and viewer.selected is None
    # with the live preview the picture moves with the mouse, so the release is where the press was on the picture;
    # the drag is measured in the window (clientX/Y)
    before = viewer._view
    viewer.on_mouse({**at, "clientX": 700.0, "clientY": 400.0, "type": "mousedown"})
    viewer.on_mouse({**at, "clientX": 620.0, "clientY": 360.0, "type": "mouseup"})
    assert viewer._view.x0 > before.x0 and viewer._view.y0 > before.y0
    zoomed = viewer.zoom.value
    viewer.on_wheel({**at, "type": "wheel", "deltaY": 10})  # a touchpad's nudge: a little
    assert 1.0 < viewer.zoom.value < zoomed and viewer.zoom.value == pytest.approx(zoomed / 1.25 ** 0.1)
    viewer.on_wheel({**at, "type": "wheel", "deltaY": 3, "deltaMode": 1})  # three lines: one notch
    viewer.on_wheel({**at, "type": "wheel", "deltaY": 500})
    assert viewer.zoom.value == 1.0
    viewer.choose_photo("img1")
    assert viewer.image_id == "img1" and "img1" in viewer.where.value
    assert "cyclops-thumb-selected" in viewer.thumbnails["img1"]._dom_classes
    assert "cyclops-thumb-selected" not in viewer.thumbnails["img0"]._dom_classes


def test_the_viewer_holds_one_products_photos(bench: Workbench) -> None:
    """Opening the next product lets the last one's decoded photos go (a 12 MP photo is 36 MB in the kernel)."""
    other, photo = sample_analysis(generate(2, 7)[1][0], "an-2")
    seed_in_process(other, photo, [])
    first = {i.sha256 for i in bench.session.analysis.images}
    bench.session.open("an-2")
    assert set(bench.viewer._photos) == {other.images[0].sha256} != first
    assert list(bench.viewer.thumbnails) == ["img0"] and bench.viewer.image_id == "img0"
