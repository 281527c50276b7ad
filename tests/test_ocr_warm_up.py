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
