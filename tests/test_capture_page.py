"""The phone capture page's widget (cyclops.workbench.capture) on the in-process service: faces, verdicts from the
real photo checks, one product at a time. The page in a real phone browser: tests/test_capture_browser.py."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageEnhance

from cyclops.client import MapiClient
from cyclops.workbench.capture import CapturePage


@pytest.fixture(scope="module")
def fronts() -> list[bytes]:
    """The fronts of two synthetic products (two licences, two NPNs)."""
    from cyclops.evaluate.run import SAMPLE_SEED
    from cyclops.lnhpd.sample import generate
    from cyclops.synth.config import SynthConfig
    from cyclops.synth.product import synthesize_product

    return [synthesize_product(en, fr, 500 + k, SynthConfig(clean=True))[1]["front"]
            for k, (en, fr) in enumerate(generate(2, SAMPLE_SEED))]


def darkened(data: bytes) -> bytes:
    out = io.BytesIO()
    ImageEnhance.Brightness(Image.open(io.BytesIO(data)).convert("RGB")).enhance(0.15).save(out, format="JPEG")
    return out.getvalue()


def test_faces_advance_and_a_dark_photo_is_said_in_the_page_language(fronts: list[bytes]) -> None:
    page = CapturePage(MapiClient(), inspector="ines", lang="fr")
    photo = page.add_photo("IMG_1.jpg", darkened(fronts[0]))
    assert photo is not None and photo.check is not None and photo.check.verdict == "retake"
    assert "Trop sombre" in photo.verdict.value and "Reprenez" in photo.verdict.value
    assert page.face.value == "back" and photo.sent_name == "front_IMG_1.jpg"
    photo.face.value = "side"
    page.set_lang("en")
    assert "Too dark" in photo.verdict.value
    assert page.face.value == "back" and photo.face.value == "side"  # a new language keeps the faces chosen
    assert page.face.label == "Back" and photo.face.label == "Side"
    assert page.send_product() is None and "Photos to take again: 1" in page.message.value
    page.new_product()
    assert page.photos == [] and page.face.value == "front" and page.cards.children == ()


def test_a_file_that_is_not_a_photo_is_named_and_not_kept() -> None:
    page = CapturePage(MapiClient(), inspector="ines")
    assert page.add_photo("notes.txt", b"not a photo") is None
    assert "notes.txt" in page.message.value and page.photos == []
    assert page.send_product() is None and "at least one photo" in page.message.value


def test_two_products_mixed_are_said_before_sending(fronts: list[bytes]) -> None:
    client = MapiClient()
    page = CapturePage(client, inspector="ines")
    first, second = (page.add_photo(f"IMG_{k}.png", data, face="front") for k, data in enumerate(fronts))
    assert first.check.verdict == second.check.verdict == "good"
    assert first.check.npn and second.check.npn and first.check.npn != second.check.npn
    assert page.send_product() is None
    assert "different NPNs" in page.message.value and first.check.npn in page.message.value
    assert client.list_analyses().items == []  # nothing was sent


def test_the_capture_address_is_the_requests_server_with_the_token_that_logs_the_phone_in() -> None:
    from cyclops.workbench.entry import wanted_page
    from cyclops.workbench.phone_link import capture_address, link_html

    assert capture_address("10.0.0.7", "8866", "tok-en_1") == "http://10.0.0.7:8866/?page=capture&token=tok-en_1"
    assert capture_address("review.example.ca", "443", None, "/cyclops/") == "https://review.example.ca/cyclops/?page=capture"
    assert capture_address("::1", "8866") == "http://[::1]:8866/?page=capture"
    assert capture_address("", "8866") is None and link_html(None, "en") == ""  # no request seen: no link
    assert wanted_page("page=capture&token=x") == "capture"
    assert wanted_page("analysis=an-1") == wanted_page(None) == "workbench"
    shown = link_html("http://10.0.0.7:8866/?page=capture&token=t", "fr")
    assert "Photographier avec un téléphone" in shown and "<svg" in shown and "href='http://10.0.0.7:8866/?page=capture&amp;token=t'" in shown



def test_the_public_address_phones_reach_wins_over_the_analyst_s_own(configure) -> None:
    """Behind a proxy or opened as 127.0.0.1, the analyst's address is no use to a phone: CYCLOPS_WORKBENCH_PUBLIC_URL is."""
    from cyclops.workbench.app import Workbench
    from cyclops.workbench.entry import open_page

    configure(workbench_public_url="https://review.example.ca/cyclops/", workbench_token="tok")
    workbench = Workbench(MapiClient(), analyst="ann")
    open_page(workbench, "", {"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8866"})
    assert workbench.worklist.capture_address == "https://review.example.ca/cyclops/?page=capture&token=tok"
    configure(workbench_public_url=None)
    open_page(workbench, "", {"SERVER_NAME": "10.0.0.7", "SERVER_PORT": "8866"})
    assert workbench.worklist.capture_address == "http://10.0.0.7:8866/?page=capture&token=tok"
