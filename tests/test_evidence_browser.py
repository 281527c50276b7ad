"""Evidence everywhere (issue 13, item 4) in a real browser: Debian's chromium (Playwright) → Voila → real mapi.

On the Ingredients, Claims and Flags pages an eye brings its box up on the photo (the right photo, zoomed, the box
drawn strong); a row read unsurely is red; the mouse wheel over the photo zooms, a drag pans (the picture follows the
mouse while the button is held), and a thumbnail
changes the photo. Screenshots at 1366x768 go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from cyclops.model.analysis import Evidence, ImageInfo, LabelledLine, TextItem
from tests.browser_fixtures import BrowserStack
from tests.samples import label_photo, sample_analysis
from tests.test_browser import open_by_address, page, shot, stack, tab  # noqa: F401  (the browser tests' own stack)

pytestmark = pytest.mark.browser

ANALYSIS = "ev-1"
CAUTION = "Keep out of reach of children."
BACK_BOX = (100, 400, 500, 440)


def rect(x0: int, y0: int, x1: int, y1: int) -> list[tuple[float, float]]:
    return [(float(x0), float(y0)), (float(x1), float(y0)), (float(x1), float(y1)), (float(x0), float(y1))]


def seed(stack: BrowserStack) -> None:
    """ev-1: the synthetic product's front (its ingredient, claim and flag boxes) and a back photo whose caution
    was read at 30 %, spelling-repaired."""
    from cyclops.catalog import open_catalog
    from cyclops.settings import Settings

    analysis, front = sample_analysis(stack.truth.licence, ANALYSIS)
    back = label_photo([(CAUTION, BACK_BOX), ("Lot 12345", (100, 100, 300, 130))])
    sha = hashlib.sha256(back).hexdigest()
    analysis.images.append(ImageInfo(id="img1", sha256=sha, width=800, height=600, filename="back.png"))
    analysis.lines.append(LabelledLine(image="img1", polygon=rect(*BACK_BOX), text=CAUTION, label="caution", confidence=0.3))
    analysis.fields.cautions = [TextItem(text=CAUTION, language="en", confidence=0.9, as_read="Keep out of reach of chi1dren.",
                                         evidence=[Evidence(image="img1", polygon=rect(*BACK_BOX), text=CAUTION)])]
    store = stack.store()
    store.put_photo(front)
    store.put_photo(back)
    store.put_analysis(analysis)
    open_catalog(Settings(data_dir=stack.data_dir)).index_analysis(analysis)


def view(page: Page) -> dict[str, str]:
    return page.locator(".cyclops-view").evaluate("el => Object.assign({}, el.dataset)")


def wait_view(page: Page, test: str) -> None:
    """Wait until the viewer's shown view (``data-*`` of ``.cyclops-view``: image, zoom, view) passes ``test``."""
    page.wait_for_function(f"() => {{ const v = document.querySelector('.cyclops-view'); if (!v) return false; "
                           f"const d = v.dataset; const box = d.view.split(' ').map(Number); return {test}; }}", timeout=30_000)


def strong_box_share(photo: Locator, page: Page, box: tuple[int, int, int, int]) -> float:
    """Share of the pixels inside ``box`` (photo pixels) drawn in a strong colour: the highlighted box's fill
    (a box not highlighted is only tinted, the label's paper white and its text black)."""
    x0, y0, x1, y1 = (float(v) for v in view(page)["view"].split())
    shown = Image.open(io.BytesIO(photo.screenshot())).convert("RGB")
    sx, sy = shown.width / (x1 - x0), shown.height / (y1 - y0)
    crop = shown.crop((round((box[0] - x0) * sx) + 3, round((box[1] - y0) * sy) + 3,
                       round((box[2] - x0) * sx) - 3, round((box[3] - y0) * sy) - 3))
    pixels = list(crop.getdata())
    return sum(1 for p in pixels if max(p) - min(p) > 60) / max(1, len(pixels))


def test_eyes_colours_wheel_drag_and_thumbnails(page: Page, stack: BrowserStack) -> None:  # noqa: F811
    seed(stack)
    page.set_viewport_size({"width": 1366, "height": 768})
    try:
        open_by_address(page, stack, ANALYSIS)
        thumbs = page.locator(".cyclops-thumbs .cyclops-thumb")
        expect(thumbs).to_have_count(2)
        expect(page.locator(".cyclops-thumb-selected")).to_have_class(re.compile("cyclops-thumb-img0"))
        photo = page.locator(".cyclops-photo")

        # Ingredients: the first row's eye brings its box up, zoomed, drawn strong; the amount read at 40 % is red
        tab(page, "Ingredients")
        ingredients = page.locator(".cyclops-page-ingredients")
        expect(ingredients.locator(".cyclops-confidence-unsure").first).to_be_visible()
        ingredients.locator(".cyclops-eye:not([disabled])").first.click()
        wait_view(page, "d.image === 'img0' && Number(d.zoom) > 1 && d.highlight === '1'")
        expect(page.locator(".cyclops-evidence-shown")).to_contain_text("On the photo")
        assert strong_box_share(photo, page, (40, 200, 500, 240)) > 0.3
        shot(page, "21-evidence-ingredients-1366")

        # Claims: the caution read from the back photo at 30 % is red, its print shown; its eye turns to the back
        tab(page, "Claims")
        claims = page.locator(".cyclops-page-claims")
        caution = claims.locator(".widget-vbox", has_text=CAUTION).last
        expect(caution.locator(".cyclops-confidence-unsure")).to_be_visible()
        expect(caution.locator(".cyclops-as-read")).to_contain_text("chi1dren")
        caution.locator(".cyclops-eye").click()
        wait_view(page, "d.image === 'img1' && Number(d.zoom) > 1 && d.highlight === '1'")
        expect(page.locator(".cyclops-thumb-selected")).to_have_class(re.compile("cyclops-thumb-img1"))
        assert strong_box_share(photo, page, BACK_BOX) > 0.3
        shot(page, "22-evidence-claims-1366")

        # Flags: plain title, no raw code; its eye back to the front photo
        tab(page, "Flags")
        flags = page.locator(".cyclops-page-flags")
        expect(flags).to_contain_text("Amount differs from the licence")
        assert "QUANTITY_MISMATCH" not in flags.inner_text()
        flags.locator(".cyclops-eye").first.click()
        wait_view(page, "d.image === 'img0' && Number(d.zoom) > 1 && d.highlight === '1'")
        fitted = float(view(page)["zoom"])
        page.wait_for_timeout(1000)  # the zoom slider in the page keeps the evidence's zoom (no snapping back to a step)
        assert float(view(page)["zoom"]) == fitted
        shot(page, "23-evidence-flags-1366")

        # the wheel over the photo zooms in (about the mouse), the page itself does not scroll
        before = view(page)
        box = photo.bounding_box()
        assert box is not None
        scrolled = page.evaluate("() => document.scrollingElement.scrollTop")
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4)
        page.mouse.wheel(0, -240)
        wait_view(page, f"Math.abs(Number(d.zoom) - {float(before['zoom']) * 1.25}) < 0.01")
        assert page.evaluate("() => document.scrollingElement.scrollTop") == scrolled

        # a drag pans: the photo follows the mouse, so the view moves the other way
        zoomed = [float(v) for v in view(page)["view"].split()]
        box = photo.bounding_box()
        start = (box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6)
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(start[0] - 120, start[1] - 60, steps=6)
        # while the button is held the picture already follows the mouse (the view itself moves on release)
        assert photo.evaluate("el => el.style.transform") == "translate(-120px, -60px)"
        moved = photo.bounding_box()
        assert (round(moved["x"] - box["x"]), round(moved["y"] - box["y"])) == (-120, -60)
        assert [float(v) for v in view(page)["view"].split()] == zoomed
        page.mouse.up()
        wait_view(page, f"box[0] > {zoomed[0] + 1} && box[1] > {zoomed[1] + 1}")
        page.wait_for_function("() => document.querySelector('img.cyclops-photo').style.transform === ''",
                               timeout=10_000)  # the new view drawn in place: no preview left over
        shot(page, "24-evidence-wheel-drag-1366")

        # a thumbnail changes the photo, seen whole
        page.locator(".cyclops-thumb-img1").click()
        wait_view(page, "d.image === 'img1' && Number(d.zoom) === 1")
        expect(page.locator(".cyclops-thumb-selected")).to_have_class(re.compile("cyclops-thumb-img1"))
        shot(page, "25-evidence-thumbnail-1366")
    finally:
        page.set_viewport_size({"width": 1600, "height": 1000})
