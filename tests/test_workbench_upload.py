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
    command = voila_command("127.0.0.1", 9999, False)
    joined = " ".join(command)
    settings = json.loads(next(c for c in command if c.startswith("--Voila.tornado_settings=")).split("=", 1)[1])
    assert settings["websocket_max_message_size"] == MAX_MESSAGE_BYTES >= 15 * 1024 * 1024
    assert "--Voila.ip=127.0.0.1" in command and not any("token" in c.lower() for c in command)
    assert "--MappingKernelManager.cull_idle_timeout=" in joined and "--MappingKernelManager.cull_interval=" in joined
    assert "--VoilaConfiguration.preheat_kernel=True" in command
    # kernels of vanished pages are culled within minutes, the preheated one spared (tests/test_workbench_kernels.py)
    assert "--VoilaConfiguration.multi_kernel_manager_class=cyclops.workbench.kernels.WorkbenchKernelManager" in command
    assert "--MappingKernelManager.cull_idle_timeout=180" in command and "--MappingKernelManager.cull_connected=False" in command
    assert any(c.endswith("analyst.ipynb") for c in command)


class _WatchedClient(MapiClient):
    """The real in-process client, noting the photos' progress each time the page asks for OCR."""

    def __init__(self, page_ref: list) -> None:
        super().__init__()
        self.page_ref = page_ref
        self.seen: list[list[float]] = []

    def ocr(self, filename, data, engine=None):
        self.seen.append([p.progress.value for p in self.page_ref[0].photos])
        return super().ocr(filename, data, engine)

    def analyze(self, photos, engine=None, **credit):
        self.seen.append([p.progress.value for p in self.page_ref[0].photos])
        return super().analyze(photos, engine, **credit)


def test_each_photo_gets_its_own_progress_before_the_analysis(configure, lnhpd_sample, monkeypatch) -> None:

    configure(lnhpd_db=str(lnhpd_sample[0]))
    ref: list = []
    client = _WatchedClient(ref)
    page = UploadPage(Session(client, "alice"))
    ref.append(page)
    page.add_files([("front.jpg", _jpeg()), ("back.jpg", _jpeg())])
    analysis = page.analyze()
    assert analysis is not None and len(analysis.images) == 2
    # photo 1 is being read while photo 2 waits; then photo 1 is read while photo 2 is being read
    assert client.seen[0] == [0.2, 0.0]
    assert client.seen[1] == [0.8, 0.2]
    assert client.seen[2] == [0.8, 0.8]
    assert [p.progress.value for p in page.photos] == [1.0, 1.0]


# --- one product at a time (issue 13.2)

class _PrintedNpnClient:
    """OCR answers with the NPN each photo's name says it prints; analyse records what it was sent."""

    def __init__(self) -> None:
        self.analysed: list[list[str]] = []

    def ocr(self, filename, data, engine=None):
        from cyclops.model.ocr import Block, Document, Line, Page, Word

        words = [Word(text=w) for w in ("NPN", filename.split("-")[0])]
        return Document(engine="fake", engine_version="1",
                        pages=[Page(image_id="img0", width=10, height=10, blocks=[Block(lines=[Line(words=words)])])])

    def analyze(self, photos, engine=None, **credit):
        from cyclops.model.analysis import Analysis

        self.analysed.append([name for name, _data in photos])
        return Analysis(analysis_id="an-9")


def test_new_product_clears_the_upload() -> None:
    page = UploadPage(Session(MapiClient(), "alice"))
    page.add_files([("front.jpg", _jpeg()), ("back.jpg", _jpeg())])
    page.new_product_button.click()
    assert page.photos == [] and page.gallery.children == () and page.message.value == ""
    page.add_files([("next.jpg", _jpeg())])
    assert [p.filename for p in page.photos] == ["next.jpg"]


def test_photos_of_two_npns_are_refused_unless_the_analyst_insists() -> None:
    client = _PrintedNpnClient()
    page = UploadPage(Session(client, "alice"))
    page.add_files([("80012345-front.jpg", _jpeg()), ("80054321-back.jpg", _jpeg()), ("80012345-side.jpg", _jpeg())])
    assert page.analyze() is None and client.analysed == []
    assert "different NPNs" in page.message.value and "80054321" in page.message.value
    assert page.insist.layout.display != "none"
    page.insist.value = True
    assert page.analyze() is not None and len(client.analysed[0]) == 3
    page.photos[1].remove.click()  # other photos: the analyst is asked again
    assert page.insist.value is False


def test_photos_of_one_npn_are_analysed_at_once() -> None:
    client = _PrintedNpnClient()
    page = UploadPage(Session(client, "alice", lang="fr"))
    page.add_files([("80012345-front.jpg", _jpeg()), ("none-back.jpg", _jpeg())])
    assert page.analyze() is not None and client.analysed == [["80012345-front.jpg", "none-back.jpg"]]
    assert page.new_product_button.description == "Nouveau produit"
