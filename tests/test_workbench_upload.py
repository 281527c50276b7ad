"""Upload page and server launcher: photo checks, thumbnails, removal, and the Voila command line."""

from __future__ import annotations

import io
import json

from PIL import Image

from cyclops.client import MapiClient
from cyclops.workbench.serve import MAX_MESSAGE_BYTES, voila_command
from cyclops.workbench.state import Session
from cyclops.workbench.upload import UploadPage


def _jpeg(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, format="JPEG")
    return out.getvalue()


def test_upload_keeps_photos_and_names_non_images() -> None:
    page = UploadPage(Session(MapiClient(), "alice"))
    problems = page.add_files([("front.jpg", _jpeg()), ("notes.txt", b"just some text"), ("back.jpg", _jpeg())])
    assert [p.filename for p in page.photos] == ["front.jpg", "back.jpg"]
    assert len(problems) == 1 and "notes.txt" in problems[0]
    assert "notes.txt" in page.message.value
    assert len(page.gallery.children) == 2
    page.photos[0].remove.click()
    assert [p.filename for p in page.photos] == ["back.jpg"]


def test_upload_french_message() -> None:
    session = Session(MapiClient(), "alice", lang="fr")
    page = UploadPage(session)
    [problem] = page.add_files([("x.pdf", b"%PDF-broken")])
    assert "n'est pas une photo lisible" in problem


def test_analyse_without_photos_asks_for_one() -> None:
    page = UploadPage(Session(MapiClient(), "alice"))
    assert page.analyze() is None
    assert "at least one photo" in page.message.value


def test_voila_command_has_production_settings() -> None:
    command = voila_command("127.0.0.1", 9999, False, "secret")
    joined = " ".join(command)
    settings = json.loads(next(c for c in command if c.startswith("--Voila.tornado_settings=")).split("=", 1)[1])
    assert settings["websocket_max_message_size"] == MAX_MESSAGE_BYTES >= 15 * 1024 * 1024
    assert "--Voila.ip=127.0.0.1" in command and "--Voila.token=secret" in command
    assert "--MappingKernelManager.cull_idle_timeout=" in joined and "--MappingKernelManager.cull_interval=" in joined
    assert "--VoilaConfiguration.preheat_kernel=True" in command
    assert any(c.endswith("analyst.ipynb") for c in command)
