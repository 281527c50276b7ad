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
