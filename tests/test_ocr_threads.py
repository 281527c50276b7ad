"""CYCLOPS_OCR_THREADS reaches RapidOCR's onnxruntime sessions and the detector's OpenVINO one (where detection runs
in bfloat16): a one-CPU Dask worker pod runs one thread, and the recogniser as many one-thread sessions as the
setting names."""

from __future__ import annotations

import pytest

from cyclops.ocr.bf16 import OpenVINOSession
from cyclops.settings import get_settings


def _threads(session) -> int:
    if isinstance(session, OpenVINOSession):
        return session.threads
    return session.get_session_options().intra_op_num_threads


@pytest.mark.parametrize("threads", [1, 3])
def test_the_setting_sets_the_threads_of_every_session(threads: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from cyclops.ocr import _rapid

    monkeypatch.setenv("CYCLOPS_OCR_THREADS", str(threads))
    get_settings.cache_clear()
    try:
        engine = _rapid()  # the factory get_engine uses (uncached here, so the shared engine is left alone)
    finally:
        monkeypatch.delenv("CYCLOPS_OCR_THREADS")
        get_settings.cache_clear()
    for model in (engine._det, engine._fine_det, engine._cls):
        assert _threads(model.session.session) == threads
    # the recogniser: one single-threaded session per thread, sharing a page's lines (cyclops.ocr.lanes)
    assert len(engine._lanes) == threads
    assert len({id(lane.session.session) for lane in engine._lanes.lanes}) == threads
    for lane in engine._lanes.lanes:
        assert lane.session.session.get_session_options().intra_op_num_threads == 1
    assert engine.photos_at_once == threads  # a product's photos are read as many at once (Analyzer.read_photos)


def test_a_bad_thread_count_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYCLOPS_OCR_THREADS", "0")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="ocr_threads"):
            get_settings()
    finally:
        monkeypatch.delenv("CYCLOPS_OCR_THREADS")
        get_settings.cache_clear()
