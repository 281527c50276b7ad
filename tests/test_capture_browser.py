"""Capture in the field, in a real phone browser: Debian's chromium (Playwright) at 390x844 with touch → the Voila
capture page (notebooks/capture.ipynb) → a real mapi over HTTP. A dark photo is told "too dark" at once (in both
languages), a good label photo passes, and "Send to worklist" puts the product in mapi's list with its faces named.
Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance
from playwright.sync_api import Page, expect, sync_playwright

from cyclops.workbench.serve import CAPTURE_NOTEBOOK, serve_workbench
from tests.browser_fixtures import BrowserStack, wait_for_http
from tests.samples import build_reference_db, pick_product
from tests.servers import MapiLauncher, free_port
from tests.test_browser import CHROMIUM_ARGS, shot

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
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserStack]:
    """The browser tests' stack (reference database, synthetic product, mapi) with the capture page served by Voila."""
    root = tmp_path_factory.mktemp("capture")
    data_dir = root / "data"
    data_dir.mkdir()
    truth, photos = pick_product(build_reference_db(data_dir / "lnhpd.sqlite"), root / "product")
    env = {"CYCLOPS_DATA_DIR": str(data_dir), "CYCLOPS_ANALYST": "ines", "OMP_THREAD_LIMIT": "1"}
    launcher = MapiLauncher(root)
    mapi = launcher.start(env)
    port = free_port()
    try:
        server = serve_workbench(port=port, token=secrets.token_urlsafe(12), wait=False, notebook=CAPTURE_NOTEBOOK,
                                 env={**env, "CYCLOPS_MAPI_URL": mapi.url})
        wait_for_http(f"http://127.0.0.1:{port}/", server.process)
    except BaseException:
        launcher.stop_all()
        raise
    stack = BrowserStack(data_dir, truth, photos, mapi, launcher, server)
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def phone(stack: BrowserStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-phone")), executable_path="/usr/bin/chromium", headless=True,
            args=CHROMIUM_ARGS, viewport=PHONE, screen=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(stack.workbench_url)
        page.wait_for_selector(".cyclops-capture", timeout=120_000)
        yield page
        context.close()


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


def test_capture_on_a_phone_checks_each_photo_and_sends_the_product_to_the_worklist(phone: Page, stack: BrowserStack) -> None:
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

    with stack.mapi.client() as http:
        listed = http.get("/v1/analyses").json()["items"]
        assert len(listed) == 1 and listed[0]["npn"] == stack.truth.printed["npn"]
        analysis = http.get(f"/v1/analyses/{listed[0]['analysis_id']}").json()
    assert sorted(i["filename"] for i in analysis["images"]) == ["back_IMG_0003.png", "front_IMG_0002.png"]
    assert page.locator(".cyclops-capture-sent").get_attribute("data-analysis") == analysis["analysis_id"]
