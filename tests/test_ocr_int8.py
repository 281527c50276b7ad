"""The 12 MP fine detection pass in int8 (cyclops.ocr.int8): when it is used, how its model is built and kept, and
that its boxes are the float model's within a pixel or two (real onnxruntime, the wheel's detector)."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import numpy as np
import pytest

from cyclops.errors import OCREngineError
from cyclops.evaluate.geometry import iou
from cyclops.ocr.boxes import to_bgr
from cyclops.ocr.cpu import cpuinfo
from cyclops.ocr.int8 import built_once, has_int8_dot, quantized_detector, wanted
from cyclops.ocr.rapid import DET_MODEL, FINE_SIDE, RapidEngine, detect_at, model_dir
from tests.samples import label_12mp

#: whether this host multiplies int8 natively: only there does ``auto`` read with the int8 pass, so only there is its
#: reading compared with the float pass's (without VNNI onnxruntime's int8 sums may saturate; auto keeps float there)
FAST_INT8 = has_int8_dot(cpuinfo())
VNNI = "processor\t: 0\nflags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512_vnni\n"
AVX2 = "processor\t: 0\nflags\t\t: fpu sse sse2 avx avx2 fma\n"


def test_int8_dot_product_instructions_are_read_from_the_cpu_flags():
    assert has_int8_dot(VNNI)
    assert has_int8_dot(AVX2.replace("fma", "fma avx_vnni"))
    assert has_int8_dot(AVX2.replace("fma", "fma amx_int8 amx_tile"))
    assert not has_int8_dot(AVX2)
    assert not has_int8_dot("model name\t: avx512_vnni in a name, not a flag\n")
    assert not has_int8_dot("")


def test_auto_uses_int8_only_where_the_cpu_has_the_instructions():
    assert wanted("auto", lambda: VNNI)
    assert not wanted("auto", lambda: AVX2)
    assert wanted("on", lambda: AVX2)
    assert not wanted(" OFF ", lambda: VNNI)
    with pytest.raises(OCREngineError, match="CYCLOPS_OCR_INT8='fast'"):
        wanted("fast")


def _build_slowly(out_file: str, log_file: str) -> None:
    def build(temporary: Path) -> None:
        with open(log_file, "a") as log:
            log.write("built\n")
        time.sleep(0.5)  # long enough for the other process to find no file and wait on the lock
        temporary.write_bytes(b"x" * 100_000)

    built_once(Path(out_file), build)


def test_processes_starting_together_build_the_model_once_and_whole(tmp_path):
    out, log = tmp_path / "models" / "m.onnx", tmp_path / "log"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_build_slowly, args=(str(out), str(log))) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert log.read_text() == "built\n"
    assert out.read_bytes() == b"x" * 100_000
    assert not list(out.parent.glob(".*.tmp"))


def test_a_failed_build_leaves_no_model_behind(tmp_path):
    def broken(temporary: Path) -> None:
        temporary.write_bytes(b"half")
        raise RuntimeError("calibration failed")

    with pytest.raises(RuntimeError):
        built_once(tmp_path / "m.onnx", broken)
    assert not (tmp_path / "m.onnx").exists()
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    cache = tmp_path_factory.mktemp("models")
    return RapidEngine(threads=2, int8=True, model_cache=cache, bf16=False), RapidEngine(threads=2, int8=False, bf16=False), cache


def test_the_quantised_detector_is_int8_and_built_once(engines):
    import onnx

    _, _, cache = engines
    [path] = list(cache.glob("*.onnx"))
    model = onnx.load(str(path))
    ops = {node.op_type for node in model.graph.node}
    assert {"QuantizeLinear", "DequantizeLinear", "Conv"} <= ops
    weights = [t for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8]
    assert len(weights) >= 80  # the detector's convolution weights
    stamp = path.stat().st_mtime_ns
    again = quantized_detector(model_dir() / DET_MODEL, cache, lambda page: pytest.fail("the model was built again"))
    assert again == path and path.stat().st_mtime_ns == stamp


def _float_where_no_int8_instructions(cache: Path) -> bool:
    """On a host without int8 dot-product instructions: whether ``auto`` (the default) keeps the float fine pass."""
    engine = RapidEngine(threads=1, model_cache=cache, bf16=False)
    return not wanted("auto") and not engine.int8 and engine._fine_det is engine._det and "fineq8" not in engine.version


def test_the_int8_fine_pass_finds_the_float_passes_boxes(engines):
    quick, exact, cache = engines
    if not FAST_INT8:
        assert _float_where_no_int8_instructions(cache)
        return
    bgr = to_bgr(label_12mp())
    float_boxes = detect_at(exact._fine_det, bgr, FINE_SIDE)[0]
    int8_boxes = detect_at(quick._fine_det, bgr, FINE_SIDE)[0]
    for box in float_boxes:
        if box[:, 1].max() - box[:, 1].min() >= 40:  # every line (a speck at a large letter's edge aside)
            assert max(iou(box.tolist(), other.tolist()) for other in int8_boxes) >= 0.8

    def rows(boxes: list[np.ndarray]) -> int:  # the small print's rows: none lost, none split
        return sum(b[:, 1].min() > 800 for b in boxes)

    assert rows(int8_boxes) == rows(float_boxes) == 6


def test_a_12mp_label_reads_the_same_with_the_int8_fine_pass(engines):
    quick, exact, cache = engines
    if not FAST_INT8:
        assert _float_where_no_int8_instructions(cache)
        return
    image = label_12mp()
    lines = {engine: [line.text for block in engine.read_upright(image, "p")[0].blocks for line in block.lines]
             for engine in (quick, exact)}
    assert lines[quick] == lines[exact]
    assert any("Melatonin 3 mg" in text for text in lines[quick])
    assert "fineq8" in quick.version and "fineq8" not in exact.version  # the OCR cache keeps their readings apart


def test_a_cache_that_cannot_be_written_is_a_clear_error(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with pytest.raises(OCREngineError, match="CYCLOPS_MODEL_CACHE"):
        RapidEngine(threads=1, int8=True, model_cache=blocked / "models", bf16=False)
