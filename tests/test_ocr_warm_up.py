"""An engine's warm-up reads a small page of its own, so the first real photo does not pay for first-call set-up."""

from __future__ import annotations

from cyclops.ocr.rapid import RapidEngine


def test_rapid_warm_up_reads_its_page_with_the_real_models() -> None:
    page = RapidEngine(threads=1).warm_up()
    text = " ".join(line.text for line in page.lines())
    assert "Vitamin" in text and "ingredients" in text
    assert page.rotation == 0


def test_the_mapi_worker_warm_up_reads_a_page_too(monkeypatch, tmp_path) -> None:
    from cyclops.service import operations

    read: list[str] = []

    class Spy(RapidEngine):
        def read_upright(self, image, image_id):
            read.append(image_id)
            return super().read_upright(image, image_id)

    monkeypatch.setenv("CYCLOPS_DATA_DIR", str(tmp_path))
    from cyclops.settings import get_settings

    get_settings.cache_clear()
    try:
        monkeypatch.setattr("cyclops.service.operations.worker_analyzer",
                            lambda engine=None: operations.build_analyzer(get_settings(), engine=None, db=None).replace(engine=Spy(threads=1)))
        info = operations.warm_up()
    finally:
        get_settings.cache_clear()
    assert read == ["warm-up"]
    assert "rapidocr" in info["engine"]


def test_the_analyzer_warm_up_pays_for_the_first_products_one_time_costs(tmp_path) -> None:
    """wordfreq's import and English and French lists (about a second) used to land on the first product read,
    the first product of ``cyclops evaluate`` and the first request of each mapi worker. A fresh interpreter shows
    that ``Analyzer.warm_up`` loads them, and that it also extracts from the page it read."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from cyclops.pipeline import build_analyzer\n"
        "an = build_analyzer(engine='tesseract', db=None)\n"
        "before = 'wordfreq' in sys.modules\n"
        "label = an.warm_up()\n"
        "import wordfreq\n"
        "print(json.dumps({'before': before, 'label': label, 'lists': wordfreq.get_frequency_dict.cache_info().currsize}))\n"
    )
    env = {**os.environ, "CYCLOPS_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] is False  # nothing loaded them before the warm-up
    assert got["lists"] >= 2  # English and French
    assert got["label"]


def test_the_analyzer_warm_up_decodes_a_phone_sized_jpeg_within_the_limits(monkeypatch) -> None:
    """The first 12 MP photo decoded after the engine's warm-up took 0.23-0.25 s to load, the next 0.07 s, and a
    small JPEG did not spare it: the warm-up decodes one that size through the same loader, never past the
    configured pixel limit, and a limit that refuses it (a file size under 190 KB) does not make the warm-up fail."""
    from cyclops import load
    from cyclops.pipeline import build_analyzer
    from cyclops.settings import Settings

    decoded: list[tuple[str, int]] = []
    real = load.load_photo

    def spy(filename, data, **kwargs):
        images = real(filename, data, **kwargs)
        decoded.extend((filename, i.image.width * i.image.height) for i in images)
        return images

    monkeypatch.setattr(load, "load_photo", spy)
    an = build_analyzer(engine="tesseract", db=None)
    an.replace(limits=Settings(max_pixels=60_000_000)).warm_up()
    assert decoded == [("warm-up.jpg", 12_000_000)]

    decoded.clear()
    an.replace(limits=Settings(max_pixels=2_000_000, max_request_pixels=1_000_000)).warm_up()
    assert len(decoded) == 1 and 1_900_000 < decoded[0][1] <= 2_000_000

    decoded.clear()
    assert an.replace(limits=Settings(max_file_bytes=1000)).warm_up()  # the label of the classifier: warmed all the same
    assert decoded == []


def test_the_rapid_warm_up_runs_both_detection_passes_on_a_12mp_photo() -> None:
    """The first 12 MP photo after the small page's warm-up took 0.35-0.45 s longer to detect than the next (both
    passes' first runs at that size): the warm-up runs each pass once, on its own detector, at the input a 4:3
    phone photo gives it."""
    from cyclops.ocr.rapid import FINE_SIDE

    engine = RapidEngine(threads=1)
    assert engine._fine_det is not engine._det or not engine.int8  # int8: a detector of its own for the fine pass
    seen: dict[str, list[tuple[int, ...]]] = {"coarse": [], "fine": []}

    class Spy:
        def __init__(self, inner, name):
            self.inner, self.name = inner, name

        def __call__(self, x):
            seen[self.name].append(tuple(x.shape[2:]))
            return self.inner(x)

    engine._det.session = Spy(engine._det.session, "coarse")
    if engine._fine_det is not engine._det:
        engine._fine_det.session = Spy(engine._fine_det.session, "fine")
    engine.warm_up()
    fine = seen["fine"] if engine._fine_det is not engine._det else seen["coarse"]
    assert any(max(shape) == engine._det.limit_side_len and shape[1] > shape[0] for shape in seen["coarse"])
    assert any(max(shape) == FINE_SIDE and shape[1] > shape[0] for shape in fine)
