"""Text detection in bfloat16 on OpenVINO (cyclops.ocr.bf16): when it is used, that the 12 MP fine pass runs the
whole input and keeps the map where the coarse pass saw text, and that both passes find the float passes' boxes (a real
OpenVINO runtime and the wheel's detector; on a CPU without bfloat16 OpenVINO computes in float, so these
comparisons hold everywhere, and on an AMX host they test bfloat16 itself)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cyclops.errors import OCREngineError
from cyclops.evaluate.geometry import iou
from cyclops.ocr import bf16
from cyclops.ocr.bf16 import OpenVINOSession, has_amx_bf16, wanted
from cyclops.ocr.boxes import to_bgr
from cyclops.ocr.det_input import detector_input
from cyclops.ocr.rapid import DET_MODEL, DET_SIDE, FINE_SIDE, RapidEngine, detect_at, model_dir
from tests.samples import label_12mp

AMX = "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n"
ZEN4 = "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_vnni avx512_bf16\n"


def test_amx_bfloat16_is_read_from_the_cpu_flags():
    assert has_amx_bf16(AMX)
    assert not has_amx_bf16(ZEN4)  # bfloat16 dot products without AMX tiles: not measured, so not used
    assert not has_amx_bf16("model name\t: amx_bf16 in a name, not a flag\n")
    assert not has_amx_bf16("")


def test_auto_uses_bfloat16_only_where_the_cpu_has_amx(monkeypatch):
    assert wanted("auto", lambda: AMX)
    assert not wanted("auto", lambda: ZEN4)
    assert wanted(" ON ", lambda: ZEN4)
    assert not wanted("off", lambda: AMX)
    with pytest.raises(OCREngineError, match="CYCLOPS_OCR_BF16='bf16'"):
        wanted("bf16")
    monkeypatch.setattr(bf16, "installed", lambda: False)
    assert not wanted("auto", lambda: AMX)  # without OpenVINO, auto keeps onnxruntime
    with pytest.raises(OCREngineError, match="needs OpenVINO"):
        wanted("on", lambda: AMX)


@pytest.fixture(scope="module")
def engines():
    return RapidEngine(threads=2, bf16=True), RapidEngine(threads=2, bf16=False, int8=False)


def test_the_session_gives_the_float_models_text_probabilities_and_may_be_shared_by_threads(engines):
    quick, exact = engines
    pre = detector_input(to_bgr(label_12mp()), FINE_SIDE, exact._det.mean, exact._det.std)
    float_map = exact._det.session(pre)
    session = OpenVINOSession(model_dir() / DET_MODEL, 1)
    maps: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: maps.append(session.run(None, {"x": pre})[0])) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(maps) == 2 and np.array_equal(maps[0], maps[1])  # each thread had a request of its own
    assert maps[0].shape == float_map.shape
    assert float(np.abs(maps[0] - float_map).mean()) < 0.005
    assert float(np.abs(maps[0] - float_map).max()) < 0.5


def test_the_bfloat16_fine_pass_runs_the_whole_input_and_keeps_the_map_where_text_was_seen(engines, monkeypatch):
    quick, _ = engines
    bgr = to_bgr(label_12mp())
    coarse, prob = detect_at(quick._det, bgr, quick._det.limit_side_len)
    seen, maps = [], []
    session = quick._fine_det.session
    monkeypatch.setattr(quick._fine_det, "session", lambda x: seen.append(x.shape) or maps.append(session(x)) or maps[-1])
    fine = quick.fine_boxes(bgr, prob, coarse)
    monkeypatch.undo()
    assert seen == [(1, 3, 1600, 1216)]  # one run, on the whole input: one shape per photo size
    rows = [b for b in fine if b[:, 1].min() > 800]
    assert len(rows) == 6  # the panel's six rows, none lost, none split
    # the parts' map is the whole input's where the coarse pass saw text, and empty elsewhere
    def where(h: int, w: int):
        return [(0, 0, w // 2, h // 2)]
    part_boxes, part_map = detect_at(quick._fine_det, bgr, FINE_SIDE, where, whole=True)
    full_map = quick._fine_det.session(detector_input(bgr, FINE_SIDE, quick._det.mean, quick._det.std))[0, 0]
    assert np.array_equal(part_map[:800, :608], full_map[:800, :608])
    assert not part_map[800:, :].any() and not part_map[:, 608:].any()
    assert part_boxes and all(b[:, 0].min() < 3000 / 2 and b[:, 1].min() < 4000 / 2 for b in part_boxes)  # none outside


@pytest.mark.parametrize("side", [DET_SIDE, FINE_SIDE])
def test_both_bfloat16_passes_find_the_float_passes_boxes(engines, side):
    quick, exact = engines
    assert isinstance(quick._det.session.session, OpenVINOSession) and quick._fine_det is quick._det
    assert not isinstance(exact._det.session.session, OpenVINOSession)
    bgr = to_bgr(label_12mp())
    float_boxes = detect_at(exact._det, bgr, side)[0]
    bf16_boxes = detect_at(quick._det, bgr, side)[0]
    assert len(float_boxes) >= 7
    for box in float_boxes:
        if box[:, 1].max() - box[:, 1].min() >= 40:  # every line (a speck at a large letter's edge aside)
            assert max(iou(box.tolist(), other.tolist()) for other in bf16_boxes) >= 0.8


def test_a_12mp_label_reads_the_same_with_bfloat16_detection(engines):
    quick, exact = engines
    quick.warm_up()  # compiles the 12 MP input's kernels; reading after it is what mapi's workers do
    image = label_12mp()
    lines = {engine: [line.text for block in engine.read_upright(image, "p")[0].blocks for line in block.lines]
             for engine in (quick, exact)}
    assert lines[quick] == lines[exact]
    assert any("Melatonin 3 mg" in text for text in lines[quick])
    assert "-bf16v2" in quick.version and "bf16" not in exact.version  # the OCR cache keeps their readings apart
    assert not quick.int8  # where bfloat16 runs the fine pass, the int8 model is neither built nor used


def test_the_setting_turns_it_off_and_auto_follows_the_cpu(monkeypatch):
    from cyclops.settings import get_settings

    monkeypatch.setenv("CYCLOPS_OCR_BF16", "off")
    get_settings.cache_clear()
    try:
        engine = RapidEngine(threads=1)
        assert not engine.bf16 and "bf16" not in engine.version
    finally:
        monkeypatch.delenv("CYCLOPS_OCR_BF16")
        get_settings.cache_clear()
    assert RapidEngine(threads=1).bf16 == wanted("auto")
