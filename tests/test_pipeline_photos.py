"""``Analyzer.read_photos`` reads each photo of a product as soon as it is decoded, several at once where the engine
allows (RapidOCR: one per core): each photo is read exactly as it is alone, pages stay in upload order, and a
refused file is reported without moving the others' ids."""

from __future__ import annotations

import io
import threading
import time

from PIL import Image, ImageDraw, ImageFont

from cyclops.extract.classifier import load_model
from cyclops.fieldmodel.registry import packaged_version
from cyclops.ocr import get_engine
from cyclops.ocr.base import OCREngine
from cyclops.pipeline.analyzer import Analyzer, fixed_model


def _photo(lines: list[str]) -> bytes:
    image = Image.new("RGB", (900, 90 + 60 * len(lines)), "white")
    pen = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=32)
    for row, text in enumerate(lines):
        pen.text((30, 30 + 60 * row), text, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PHOTOS = [
    ("front.png", _photo(["Sleep Well Melatonin", "60 tablets", "Natural Health Inc."])),
    ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ("back.png", _photo(["Medicinal ingredients", "Melatonin 3 mg", "Take 1 tablet at bedtime.",
                         "Cautions: do not drive after use.", "NPN 80012345"])),
    ("side.png", _photo(["Ingredients non medicinaux", "Cellulose microcristalline", "Stearate de magnesium"])),
]


class TimedEngine(OCREngine):
    """The real RapidOCR engine, noting when each photo's reading starts and ends: a spy that reads nothing itself."""

    def __init__(self, engine: OCREngine, at_once: int) -> None:
        self.engine, self.photos_at_once = engine, at_once
        self.name, self.version, self.detector = engine.name, engine.version, engine.detector
        self.spans: list[tuple[str, float, float]] = []
        self._lock = threading.Lock()

    def read(self, image, image_id):
        return self.engine.read(image, image_id)

    def read_upright(self, image, image_id):
        start = time.perf_counter()
        out = self.engine.read_upright(image, image_id)
        with self._lock:
            self.spans.append((image_id, start, time.perf_counter()))
        return out


def _read(at_once: int, cache_dir):
    engine = TimedEngine(get_engine("rapidocr"), at_once)
    analyzer = Analyzer(engine=engine, model=fixed_model(load_model(), packaged_version()), cache_dir=cache_dir)
    stages: list[tuple[str, float]] = []
    doc, infos, errors, timings = analyzer.read_photos(PHOTOS, progress=lambda stage, done: stages.append((stage, done)))
    return doc, infos, errors, timings, engine.spans, stages


def _overlapping(spans: list[tuple[str, float, float]]) -> bool:
    spans = sorted(spans, key=lambda s: s[1])
    return any(later[1] < earlier[2] for earlier, later in zip(spans, spans[1:]))


def test_photos_read_at_once_are_read_as_each_is_alone_and_kept_in_upload_order(tmp_path) -> None:
    alone = _read(1, tmp_path / "alone")  # caches of their own: each photo is really read both times
    together = _read(2, tmp_path / "together")
    for doc, infos, errors, timings, spans, stages in (alone, together):
        assert [(i.id, i.filename) for i in infos] == [("img0", "front.png"), ("img1", "back.png"), ("img2", "side.png")]
        assert [p.image_id for p in doc.pages] == ["img0", "img1", "img2"]
        assert [e.filename for e in errors] == ["broken.jpg"] and errors[0].code == "corrupt_image"
        assert stages[0] == ("load", 0.0) and stages[-1] == ("ocr", 1.0)
        assert timings["ocr"] > 0 and timings["load"] > 0
    assert "Melatonin 3 mg" in together[0].pages[1].text
    assert [p.text for p in together[0].pages] == [p.text for p in alone[0].pages]
    assert [p.model_dump() for p in together[0].pages] == [p.model_dump() for p in alone[0].pages]
    assert not _overlapping(alone[4])  # one at a time: each reading ends before the next starts
    assert _overlapping(together[4])  # two at once: the next photo is read while the first still is


def test_each_thread_keeps_the_stage_timings_of_its_own_reading() -> None:
    engine = get_engine("rapidocr")
    image = Image.open(io.BytesIO(PHOTOS[2][1])).convert("RGB")
    seen: dict[str, dict[str, float]] = {}

    def read(name: str) -> None:
        engine.read_upright(image, name)
        seen[name] = dict(engine.last_timings)

    reader = threading.Thread(target=read, args=("other",))
    reader.start()
    reader.join()
    fresh: dict[str, float] = {}
    waiting = threading.Thread(target=lambda: fresh.update(engine.last_timings))
    waiting.start()
    waiting.join()
    assert seen["other"]["recognize"] > 0 and {"detect", "settle", "recognize"} <= set(seen["other"])
    assert fresh == {}  # a thread that has read nothing sees no other thread's timings
