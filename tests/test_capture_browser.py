"""Capture in the field, in a real phone browser: Debian's chromium (Playwright) at 390x844 with touch → the capture
page of the analysts' own Voila (``?page=capture``, linked with a QR code from the worklist) → a real mapi over HTTP.
A dark photo is told "too dark" at once (in both languages), a good label photo passes, and "Send to worklist" puts
the product in mapi's list with its faces named and its sender credited. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance
from playwright.sync_api import Browser, Page, expect

from tests.browser_fixtures import BrowserStack, open_page
from tests.test_browser import shot, stack  # noqa: F401  (the browser tests' one stack)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: what a thumb cannot hit: buttons and face choices smaller than 44 px (Apple's and Google's least touch target)
SMALL_TARGETS_JS = """
() => Array.from(document.querySelectorAll('.cyclops-capture button, .cyclops-capture select'))
  .filter(el => el.getClientRects().length)
  .map(el => [el.innerText.trim(), el.getBoundingClientRect().height])
  .filter(([_, h]) => h < 44)
"""


@pytest.fixture(scope="module")
def browser(chromium: Browser) -> Browser:
    return chromium  # the session's (tests/conftest.py)


@pytest.fixture(scope="module")
def desk(browser: Browser, stack: BrowserStack) -> Iterator[Page]:  # noqa: F811
    """The analyst's worklist, open beside the phone (its Refresh shows what the phone sent, with no new kernel)."""
    context, page = open_page(browser, stack.workbench_url, ".cyclops-worklist-phone .cyclops-capture-open", 120_000,
                              viewport={"width": 1366, "height": 768})
    yield page
    context.close()


@pytest.fixture(scope="module")
def phone_address(desk: Page) -> str:
    """The worklist offers the capture page: a link and its QR code (the address a phone scans)."""
    return desk.locator(".cyclops-capture-open").get_attribute("href")


@pytest.fixture(scope="module")
def phone(browser: Browser, phone_address: str) -> Iterator[Page]:
    """A phone with no session of its own: the link alone (its token) logs it in, on the workbench's own server."""
    # a kernel of its own, started cold when the preheated one is taken
    context, page = open_page(browser, phone_address, ".cyclops-capture", 120_000, viewport=PHONE, screen=PHONE,
                              has_touch=True, is_mobile=True, device_scale_factor=2)
    yield page
    context.close()


def test_the_worklist_links_the_capture_page_of_its_own_server_with_a_qr_code(desk: Page, stack: BrowserStack,  # noqa: F811
                                                                             phone_address: str) -> None:
    from cyclops.workbench.phone_link import qr_svg

    server, token = stack.workbench_url.split("?")[0], stack.workbench.token  # type: ignore[attr-defined]
    assert phone_address == f"{server}?page=capture&token={token}"
    link, qr = desk.locator(".cyclops-capture-open"), desk.locator(".cyclops-capture-qr svg")
    expect(link).to_have_text("Capture on a phone")
    expect(qr).to_be_visible()
    drawn = qr.locator("path.qrline").get_attribute("d")
    assert drawn and f'd="{drawn}"' in qr_svg(phone_address)  # the code is that address's, module for module
    shot(desk, "capture-00-worklist-link")
    desk.get_by_role("button", name="Français").click()
    expect(link).to_have_text("Photographier avec un téléphone")
    shot(desk, "capture-00-worklist-link-fr")
    desk.get_by_role("button", name="English").click()
    expect(link).to_have_text("Capture on a phone")


def take_photo(page: Page, name: str, data: bytes) -> None:
    """Tap "Take a photo" and give the camera's file: the input asks for the back camera (capture=environment)."""
    with page.expect_file_chooser() as chooser:
        page.locator(".cyclops-capture-take").tap()
    camera = chooser.value.element
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("accept") == "image/*"
    chooser.value.set_files([{"name": name, "mimeType": "image/jpeg" if name.endswith(".jpg") else "image/png", "buffer": data}])


def dark(path: Path) -> bytes:
    out = io.BytesIO()
    ImageEnhance.Brightness(Image.open(path).convert("RGB")).enhance(0.15).save(out, format="JPEG", quality=85)
    return out.getvalue()


def test_capture_on_a_phone_checks_each_photo_and_sends_the_product_to_the_worklist(phone: Page, desk: Page,
                                                                                   stack: BrowserStack) -> None:  # noqa: F811
    page = phone
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    assert page.evaluate(SMALL_TARGETS_JS) == []
    front, back = (next(p for p in stack.photos if p.stem == face) for face in ("front", "back"))
    cards = page.locator(".cyclops-capture-card")

    take_photo(page, "IMG_0001.jpg", dark(front))
    expect(cards.nth(0).locator(".cyclops-capture-verdict")).to_contain_text("Too dark", timeout=30_000)
    expect(cards.nth(0).locator(".cyclops-capture-verdict")).to_contain_text("Take this photo again")
    expect(page.locator(".cyclops-capture-face .mod-active")).to_have_text("Back")  # the next face is proposed
    shot(page, "capture-01-dark-photo")
    page.locator(".cyclops-capture-language").get_by_role("button", name="Français").tap()
    expect(cards.nth(0).locator(".cyclops-capture-verdict")).to_contain_text("Trop sombre")
    expect(page.locator(".cyclops-capture-face .mod-active")).to_have_text("Dos")  # the face chosen survives the language
    shot(page, "capture-02-dark-photo-fr")
    page.locator(".cyclops-capture-language").get_by_role("button", name="English").tap()

    page.locator(".cyclops-capture-send").tap()  # not sent: the photo to take again is said first
    expect(page.locator(".cyclops-capture-message")).to_contain_text("Photos to take again: 1")
    cards.nth(0).get_by_role("button", name="Remove").tap()
    expect(cards).to_have_count(0)
    page.locator(".cyclops-capture-face").get_by_role("button", name="Front").tap()
    take_photo(page, "IMG_0002.png", front.read_bytes())
    expect(cards.nth(0).locator(".cyclops-capture-verdict")).to_contain_text("Good photo", timeout=30_000)
    take_photo(page, "IMG_0003.png", back.read_bytes())
    expect(cards.nth(1).locator(".cyclops-capture-verdict")).to_contain_text("Good photo", timeout=30_000)
    assert [cards.nth(i).locator("select").input_value() for i in range(2)] == ["Front", "Back"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    shot(page, "capture-03-good-photos")

    page.locator(".cyclops-capture-send").tap()
    expect(page.locator(".cyclops-capture-sent")).to_contain_text("is in the worklist", timeout=120_000)
    expect(cards).to_have_count(0)  # the next product starts empty
    shot(page, "capture-04-sent")

    sent = page.locator(".cyclops-capture-sent").get_attribute("data-analysis")
    with stack.mapi.client() as http:
        listed = http.get("/v1/analyses").json()["items"]
        assert sent in [item["analysis_id"] for item in listed]
        analysis = http.get(f"/v1/analyses/{sent}").json()
    assert analysis["fields"]["npn"]["value"] == stack.truth.printed["npn"]
    assert sorted((i["face"], i["filename"]) for i in analysis["images"]) == [("back", "back_IMG_0003.png"),
                                                                               ("front", "front_IMG_0002.png")]
    assert analysis["submitted_by"] == "alice"  # the workbench's user, as mapi authenticated it

    # the analysts' worklist, open beside the phone, names who sent it
    desk.locator(".cyclops-worklist-refresh").click()
    row = desk.locator(f".cyclops-row-{sent}")
    expect(row.locator(".cyclops-cell-submitted_by")).to_have_text("alice")
    expect(desk.locator(".cyclops-sort-submitted_by")).to_contain_text("Sent by")
    shot(desk, "capture-05-worklist-sent-by")
