"""Review work in a real browser (issue 13, Tests): what was checked only at widget level until now.

Debian's chromium (Playwright) → one Voila workbench → one real mapi over HTTP, started once for the module:
another analyst's change shown as a conflict with both values, an outage that keeps the edit locally and sends it
once the store is back, a licence found by name and confirmed, claim decisions that survive a reload, a changed
amount that raises a new flag on the Flags page, and the report's CSV and JSON downloads. Screenshots go to
``artifacts/screenshots/review-*.png``. The tests run in file order on one analysis (``rv-review``), as an
analyst's session would; the licence search has its own (``rv-search``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cyclops.model.analysis import TextItem
from tests.browser_fixtures import BrowserStack, post_as
from tests.samples import sample_analysis
from tests.test_browser import open_by_address, page, shot, stack, tab  # noqa: F401  (the browser tests' own stack)

pytestmark = pytest.mark.browser

REVIEW = "rv-review"
SEARCH = "rv-search"
CAUTION = "Keep out of reach of children."
UNLICENSED = "Cures insomnia overnight."
CLAIM_FLAG = ".cyclops-flag-title[title='CLAIM_NOT_LICENSED']"


def seed_review(stack: BrowserStack) -> None:
    """rv-review: the synthetic product's licence, its first amount as licensed (no QUANTITY_MISMATCH yet), an
    unlicensed claim (CLAIM_NOT_LICENSED) and one caution; its flags are those the rules raise, as the pipeline
    would have raised them."""
    from cyclops.catalog import open_catalog
    from cyclops.lnhpd.database import open_database
    from cyclops.pipeline.recheck import recheck
    from cyclops.settings import Settings

    analysis, photo = sample_analysis(stack.truth.licence, REVIEW)
    analysis.fields.medicinal_ingredients[0].quantity = stack.truth.licence.medicinal_ingredients[0].quantity
    analysis.fields.cautions = [TextItem(text=CAUTION, language="en", confidence=0.9)]
    analysis.flags = []
    analysis.flags = recheck(analysis, open_database(stack.data_dir / "lnhpd.sqlite")) or []
    for flag in analysis.flags:  # raised by the analysis itself, not by a correction
        flag.raised_at_version = None
    codes = [f.code for f in analysis.flags]
    assert "CLAIM_NOT_LICENSED" in codes and "QUANTITY_MISMATCH" not in codes
    store = stack.store()
    store.put_photo(photo)
    store.put_analysis(analysis)
    open_catalog(Settings(data_dir=stack.data_dir)).index_analysis(analysis)


@pytest.fixture(scope="module")
def review(page: Page, stack: BrowserStack) -> Page:  # noqa: F811
    """The browser on rv-review, seeded once for the tests that follow one another on it."""
    seed_review(stack)
    open_by_address(page, stack, REVIEW)
    return page


def status(page: Page):
    return page.locator(".cyclops-status")


def test_conflict_shows_both_values_and_keeps_mine(review: Page, stack: BrowserStack) -> None:
    page = review
    company = page.locator(".cyclops-field-company input")
    expect(company).to_have_value(stack.truth.licence.licence.company_name or "")
    post_as(stack, "bob", REVIEW, "fields.company.value", "Bob Pharma Inc.")  # after alice's page loaded the analysis
    company.fill("Alice Pharma Ltd.")
    company.press("Enter")
    expect(status(page)).to_contain_text("Not saved: bob changed this analysis meanwhile", timeout=30_000)
    expect(status(page)).to_contain_text("Bob Pharma Inc.")  # theirs
    expect(status(page)).to_contain_text("Alice Pharma Ltd.")  # mine, kept
    expect(status(page)).not_to_contain_text("'code'")  # not the server's re-check of the flags, raw, as a change
    shot(page, "review-01-conflict")
    assert stack.store().get_analysis(REVIEW).fields.company.value == "Bob Pharma Inc."  # nothing overwritten
    page.get_by_role("button", name="Apply my change on top").click()
    expect(status(page)).to_contain_text("Saved: Company", timeout=30_000)
    expect(company).to_have_value("Alice Pharma Ltd.")
    assert stack.store().get_analysis(REVIEW).fields.company.value == "Alice Pharma Ltd."
    company_edits = [e.analyst for e in stack.store().edits(REVIEW) if e.field == "fields.company.value"]
    assert company_edits == ["bob", "alice"]


@pytest.fixture()
def store_down(stack: BrowserStack) -> Iterator[callable]:
    """Make mapi's store unreachable (its folder replaced by a file: every read and write fails with an OSError,
    which mapi answers 503); the returned function brings it back (also done after the test)."""
    folder = stack.data_dir / "store"
    away = stack.data_dir / "store-away"
    folder.rename(away)
    folder.write_text("not a folder: the store is down")

    def back() -> None:
        if away.exists():
            folder.unlink()
            away.rename(folder)

    try:
        yield back
    finally:
        back()


def test_outage_keeps_the_edit_locally_and_sends_it_when_the_store_is_back(review: Page, stack: BrowserStack,
                                                                         store_down) -> None:
    """The status says "saved locally" and how it will be sent: the typed text stays on screen and, once the store is back,
    the analyst's next change sends the kept one first (then itself), so both are stored, in order."""
    page = review
    name = page.locator(".cyclops-field-product_name input")
    name.fill("Typed while the store was down")
    name.press("Enter")
    expect(status(page)).to_contain_text("Storage unavailable: saved locally (Product name); sent with your next change or by itself at",
                                         timeout=30_000)
    expect(page.get_by_role("button", name="Retry saving")).to_be_visible()
    expect(name).to_have_value("Typed while the store was down")  # nothing typed is lost
    shot(page, "review-02-outage-saved-locally")
    store_down()
    assert stack.store().get_analysis(REVIEW).fields.product_name.value != "Typed while the store was down"
    brand = page.locator(".cyclops-field-brand input")
    brand.fill("Back Online")
    brand.press("Enter")
    expect(status(page)).to_contain_text("Saved: Brand", timeout=30_000)
    expect(name).to_have_value("Typed while the store was down")
    stored = stack.store().get_analysis(REVIEW)
    assert (stored.fields.product_name.value, stored.fields.brand.value) == ("Typed while the store was down", "Back Online")
    fields = [e.field for e in stack.store().edits(REVIEW) if e.analyst == "alice"]
    assert fields[-2:] == ["fields.product_name.value", "fields.brand.value"]
    shot(page, "review-03-outage-sent")


def test_after_an_outage_the_kept_edit_is_sent_by_itself(review: Page, stack: BrowserStack, store_down) -> None:
    """No next change, no Retry saving, no Alt+S: once the store is back, the kernel's timer (5 s, doubling to 60 s)
    sends the kept edit and the status turns to saved."""
    page = review
    tab(page, "Product")
    name = page.locator(".cyclops-field-product_name input")
    name.fill("Kept, then sent by itself")
    name.press("Enter")
    expect(status(page)).to_contain_text("saved locally (Product name)", timeout=30_000)
    expect(status(page)).to_contain_text(re.compile(r"by itself at \d\d:\d\d:\d\d UTC \(in \d+ s\)"))
    shot(page, "review-03b-outage-retry-announced")
    store_down()  # the store is back; the analyst does nothing
    expect(status(page)).to_contain_text("Saved: Product name", timeout=60_000)
    expect(page.get_by_role("button", name="Retry saving")).to_be_hidden()
    assert stack.store().get_analysis(REVIEW).fields.product_name.value == "Kept, then sent by itself"
    shot(page, "review-03c-outage-sent-by-itself")


def test_not_a_claim_and_deleted_caution_survive_a_reload(review: Page, stack: BrowserStack) -> None:
    page = review
    tab(page, "Flags")  # before: the unlicensed claim's flag stands, to be decided
    expect(page.locator(".cyclops-page-flags .widget-vbox").filter(has=page.locator(CLAIM_FLAG)).last
           .locator(".cyclops-flag-confirm")).to_be_enabled()
    tab(page, "Claims")
    claims = page.locator(".cyclops-page-claims")
    expect(claims).to_contain_text(UNLICENSED)
    expect(claims).to_contain_text("Cautions (1)")
    row = claims.locator(".widget-vbox", has_text=UNLICENSED).filter(has=page.locator(".cyclops-not-a-claim")).last
    row.locator(".cyclops-not-a-claim").click()
    expect(status(page)).to_contain_text("Saved", timeout=30_000)
    expect(claims).not_to_contain_text(UNLICENSED)
    claims.locator(".cyclops-statement-delete").first.click()  # the only statement: the caution
    expect(claims).to_contain_text("Cautions (0)", timeout=30_000)
    shot(page, "review-04-claims-decided")
    page.reload()  # a new kernel: what is stored, not what the old page held
    page.wait_for_selector(".cyclops-workbench", timeout=120_000)
    expect(page.get_by_role("tab", name="Product", exact=True)).to_have_attribute("aria-selected", "true", timeout=60_000)
    tab(page, "Claims")
    expect(claims).to_contain_text("Cautions (0)")
    expect(claims).not_to_contain_text(UNLICENSED)
    expect(claims).not_to_contain_text(CAUTION)
    stored = stack.store().get_analysis(REVIEW)
    assert [u.text for u in stored.fields.recommended_uses] == [stack.truth.licence.purposes[0].purpose]
    assert stored.fields.cautions == []
    tab(page, "Flags")  # the live check: the unlicensed claim's flag is resolved by the correction
    resolved = page.locator(".cyclops-flag-resolved").filter(has=page.locator(CLAIM_FLAG))
    expect(resolved).to_have_count(1)
    expect(resolved).to_contain_text("resolved by a correction")
    expect(resolved.locator(".cyclops-flag-confirm")).to_be_disabled()
    shot(page, "review-05-claim-flag-resolved")


def test_changed_amount_raises_a_new_quantity_flag(review: Page, stack: BrowserStack) -> None:
    page = review
    licensed = stack.truth.licence.medicinal_ingredients[0].quantity
    tab(page, "Flags")
    expect(page.locator(".cyclops-flag-title[title='QUANTITY_MISMATCH']")).to_have_count(0)
    tab(page, "Ingredients")
    amount = page.locator(".cyclops-quantity input").first
    expect(amount).to_have_value(f"{licensed:g}")
    amount.fill(f"{licensed * 3:g}")
    amount.press("Enter")
    expect(status(page)).to_contain_text("Saved: Medicinal ingredient 1", timeout=30_000)
    tab(page, "Flags")
    new = page.locator(".cyclops-flag-new").filter(has=page.locator(".cyclops-flag-title[title='QUANTITY_MISMATCH']"))
    expect(new).to_have_count(1)
    expect(new).to_contain_text(f"{licensed * 3:g}")  # the amount now on the label, beside the licence's
    expect(new).to_contain_text("new after a correction")
    expect(page.locator(".cyclops-page-flags")).not_to_contain_text("QUANTITY_MISMATCH")  # plain words, code as tooltip
    shot(page, "review-06-new-quantity-flag")
    stored = stack.store().get_analysis(REVIEW)
    raised = [f for f in stored.flags if f.code == "QUANTITY_MISMATCH"]
    assert len(raised) == 1 and raised[0].standing and raised[0].raised_at_version is not None


def test_report_csv_and_json_downloads(review: Page, stack: BrowserStack, tmp_path: Path) -> None:
    page = review
    licensed = stack.truth.licence.medicinal_ingredients[0].quantity
    tab(page, "Report")
    page.locator(".cyclops-page-report button", has_text="Build report").click()
    links = page.locator("a.cyclops-download")
    expect(links.filter(has_text="Download CSV")).to_be_visible(timeout=60_000)
    shot(page, "review-07-report-downloads")
    saved = {}
    for kind in ("CSV", "JSON"):
        with page.expect_download() as download:
            links.filter(has_text=f"Download {kind}").click()
        assert download.value.suggested_filename == f"cyclops-{REVIEW}.{kind.lower()}"
        saved[kind] = tmp_path / download.value.suggested_filename
        download.value.save_as(saved[kind])
    rows = list(csv.DictReader(io.StringIO(saved["CSV"].read_text(encoding="utf-8"))))
    assert {r["analysis_id"] for r in rows} == {REVIEW}
    first = next(r for r in rows if r["section"] == "ingredient")
    assert first["label"].startswith(f"{licensed * 3:g} ") and first["licence"].startswith(f"{licensed:g} ")
    assert any(r["section"] == "flag" and r["item"] == "QUANTITY_MISMATCH" for r in rows)
    corrections = [r for r in rows if r["section"] == "correction"]
    assert any(r["licence"] == "Alice Pharma Ltd." and r["status"] == "alice" for r in corrections)  # after, analyst
    assert any(r["licence"] == "Bob Pharma Inc." and r["status"] == "bob" for r in corrections)
    data = json.loads(saved["JSON"].read_text(encoding="utf-8"))
    assert data["analysis_id"] == REVIEW
    assert data["ingredients"][0]["quantity"] == licensed * 3
    assert {c["after"]["en"] for c in data["corrections"]} >= {"Alice Pharma Ltd.", "Typed while the store was down"}
    assert UNLICENSED not in [c["text"] for c in data["claims"]]


# --- licence search (its own analysis: a search matched another product's licence) -----------------------------

def seed_wrong_licence(stack: BrowserStack) -> str:
    """rv-search: the product's label (its NPN printed), matched by a search to another licence of the database."""
    from cyclops.catalog import open_catalog
    from cyclops.evaluate.run import SAMPLE_SEED
    from cyclops.lnhpd.sample import generate
    from cyclops.model.analysis import Candidate
    from cyclops.settings import Settings
    from tests.samples import BROWSER_LICENCES

    right = stack.truth.licence.licence
    wrong = next(en.licence for en, _fr in generate(BROWSER_LICENCES, SAMPLE_SEED) if en.licence.licence_number != right.licence_number)
    analysis, photo = sample_analysis(stack.truth.licence, SEARCH)
    analysis.match.lnhpd_id, analysis.match.licence_number = wrong.lnhpd_id, wrong.licence_number
    analysis.match.method, analysis.match.score = "search", 0.91
    analysis.match.candidates = [Candidate(lnhpd_id=wrong.lnhpd_id, licence_number=wrong.licence_number,
                                           product_name=wrong.product_name, company_name=wrong.company_name or "", score=0.91)]
    store = stack.store()
    store.put_photo(photo)
    store.put_analysis(analysis)
    open_catalog(Settings(data_dir=stack.data_dir)).index_analysis(analysis)
    return wrong.licence_number


def test_licence_search_by_name_then_confirm(page: Page, stack: BrowserStack) -> None:  # noqa: F811
    right = stack.truth.licence.licence
    wrong = seed_wrong_licence(stack)
    open_by_address(page, stack, SEARCH)
    banner = page.locator(".cyclops-licence-banner")
    expect(banner).to_contain_text("is not the number of the matched licence")
    tab(page, "Ingredients")
    expect(page.locator(".cyclops-state-not_compared").first).to_be_visible()
    tab(page, "Product")
    page.locator(".cyclops-licence-search input").fill(right.product_name)
    results = page.locator(".cyclops-page-product select")
    expect(results.locator("option", has_text=right.licence_number)).to_have_count(1)
    shot(page, "review-08-licence-search")
    labels = results.locator("option").all_inner_texts()
    assert labels[0].startswith(right.licence_number)  # the name found its own licence first
    results.select_option(label=labels[0])
    page.get_by_role("button", name="Use this licence").click()
    expect(banner).to_be_hidden(timeout=30_000)
    expect(page.locator(".cyclops-matched")).to_have_text(f"NPN {right.licence_number}")
    match = stack.store().get_analysis(SEARCH).match
    assert (match.licence_number, match.method) == (right.licence_number, "analyst") and match.licence_number != wrong
    tab(page, "Ingredients")  # the label now compared with the confirmed licence: the misprint and the rest
    first = stack.truth.licence.medicinal_ingredients[0]
    expect(page.locator(".cyclops-state-mismatch").first).to_be_visible()
    expect(page.locator(".cyclops-page-ingredients")).to_contain_text(
        f"{first.ingredient_name} · {first.quantity:g} {first.quantity_unit_of_measure}")  # the licence's column
    assert page.locator(".cyclops-state-not_compared").count() == 0
    shot(page, "review-09-licence-confirmed")


def wait_stored(stack: BrowserStack, check, seconds: float = 30.0):
    """The stored analysis once ``check`` holds for it (an action's edits reach mapi one after another)."""
    deadline = time.monotonic() + seconds
    while True:
        stored = stack.store().get_analysis(REVIEW)
        if check(stored) or time.monotonic() > deadline:
            return stored
        time.sleep(0.3)


def test_a_box_relabelled_on_the_photo_moves_its_text_and_a_caution_moves_to_the_directions(page: Page,  # noqa: F811
                                                                                          stack: BrowserStack) -> None:
    """Correct the reading, not around it (item 6): the claim's box set to "caution" on the photo takes its text from the
    uses to the cautions; then "Move to directions" on that caution moves it on."""
    open_by_address(page, stack, REVIEW)
    analysis = stack.store().get_analysis(REVIEW)
    index, line = next((k, ln) for k, ln in enumerate(analysis.lines) if ln.label == "recommended_use")
    assert line.text in [u.text for u in analysis.fields.recommended_uses]
    tab(page, "Product")
    image = analysis.images[0]
    photo = page.locator(".cyclops-photo")
    expect(photo).to_be_visible()
    box = photo.bounding_box()
    assert box is not None
    xs, ys = [p[0] for p in line.polygon], [p[1] for p in line.polygon]
    photo.click(position={"x": (min(xs) + max(xs)) / 2 * box["width"] / image.width,
                          "y": (min(ys) + max(ys)) / 2 * box["height"] / image.height})
    expect(page.locator(".cyclops-selected-line input")).to_have_value(line.text)
    page.locator(".cyclops-selected-label select").select_option("caution")
    stored = wait_stored(stack, lambda a: line.text in [c.text for c in a.fields.cautions])
    assert stored.lines[index].label == "caution"
    assert line.text in [c.text for c in stored.fields.cautions]
    assert line.text not in [u.text for u in stored.fields.recommended_uses]
    tab(page, "Claims")
    claims = page.locator(".cyclops-page-claims")
    row = claims.locator(".widget-vbox", has_text=line.text).filter(has=page.locator(".cyclops-statement-directions")).last
    row.locator(".cyclops-statement-directions").click()
    stored = wait_stored(stack, lambda a: line.text in [d.text for d in a.fields.directions])
    assert line.text in [d.text for d in stored.fields.directions]
    assert line.text not in [c.text for c in stored.fields.cautions]
    expect(claims).to_contain_text(f"Directions ({len(stored.fields.directions)})")
    shot(page, "review-10-relabelled-and-moved")
