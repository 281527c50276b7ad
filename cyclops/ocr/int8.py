"""The 12 MP photos' fine detection pass in int8, on CPUs that multiply int8 natively (issue 12: the speed target).

Why: on a 12 MP photo the fine pass (the detector at 1600 pixels, ``cyclops.ocr.rapid.FINE_SIDE``) is the
dearest single step, 1.2-1.7 s of a front's 2-3.5 s on 2 cores. Where the CPU has int8 dot-product instructions
(AVX-512 VNNI, AVX-VNNI or AMX), onnxruntime runs a statically quantised copy of the detector in about half the
time (a 1216x1600 input: 1.4-1.6 s -> 0.8 s on 2 threads; the fine pass of 10 real photos, pre- and post-processing
included, 14.6 -> 8.0 s). Without them onnxruntime has no fast int8 kernels (on an AVX2-only host an earlier round's
int8 recogniser was no faster: benchmarks/results/ocr_speed.md), so ``auto`` keeps the float model there.

Only the fine pass is quantised. Its boxes move by a pixel or two (on the real photos 85 % of the float model's
boxes are matched at an IoU of 0.9 and 92 % at 0.8); the coarse pass, whose boxes are most of a page's lines and
decide its orientation, stays float: a first int8 model (every operator) used for both passes moved enough of them
to lose medicinal ingredient rows (real benchmark precision 0.965 -> 0.886), while the int8 fine pass leaves every
target figure of the real benchmark as it was. The recogniser stays float: int8 changed the text of half its lines.

The quantised model is built from the detector in rapidocr's wheel (nothing is downloaded): opset 13, weights int8
per channel, activations uint8, only the convolutions, calibrated on pages of print drawn here at the sizes labels
print (min-max ranges: deterministic). Building takes some seconds, so it is kept in ``CYCLOPS_MODEL_CACHE`` under a
name that carries the source model's hash, this module's ``VERSION`` and onnxruntime's version, built once under a
file lock when several processes start together.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cyclops.ocr import cpu
from cyclops.ocr.boxes import to_bgr

#: raised whenever the calibration pages or the quantisation settings change (part of the model's file name and of
#: the OCR engine's version, so cached readings of the other model are not reused)
VERSION = "1"
#: /proc/cpuinfo flags of int8 dot-product instructions that onnxruntime's int8 kernels use
DOT_FLAGS = ("avx512_vnni", "avx_vnni", "amx_int8")
#: the detector's input of a drawn calibration page (a 12 MP photo's fine pass is about this size)
PAGE = (1200, 1600)
#: the sizes of print drawn, in pixels of the detector's input: small print to a front's large type
PRINT_SIZES = (9, 14, 22, 40, 80)
_LINES = (
    "Medicinal ingredients / Ingrédients médicinaux",
    "Vitamin D3 (cholecalciferol) 25 mcg (1000 IU)",
    "Each capsule contains: Ashwagandha root extract 300 mg",
    "Recommended use: Helps to support immune function.",
    "NPN 80012345   Lot 24A117   EXP 2027/06",
    "Supplement Facts  Serving Size 1 Scoop (12 g)  % Daily Value*",
    "Mises en garde : Consulter un praticien de soins de santé.",
)


def has_int8_dot(cpuinfo: str) -> bool:
    """Whether ``/proc/cpuinfo``'s text lists an int8 dot-product instruction set (``DOT_FLAGS``)."""
    return bool(cpu.flags(cpuinfo) & set(DOT_FLAGS))


def wanted(mode: str, cpuinfo: Callable[[], str] = cpu.cpuinfo) -> bool:
    """Whether the fine pass runs in int8 for ``CYCLOPS_OCR_INT8`` = ``mode``: ``on``, ``off``, or ``auto`` (where
    the CPU has int8 dot-product instructions)."""
    return cpu.chosen(mode, "CYCLOPS_OCR_INT8", lambda: has_int8_dot(cpuinfo()))


def calibration_pages() -> list[np.ndarray]:
    """Pages of print (BGR, ``PAGE`` pixels), one per size in ``PRINT_SIZES``, dark on light and light on dark,
    English and French words, amounts and numbers, as labels print them."""
    from PIL import Image, ImageDraw, ImageFont

    pages = []
    for k, size in enumerate(PRINT_SIZES):
        ink, paper = ("white", (40, 70, 120)) if k % 2 else ((20, 20, 20), (245, 240, 228))
        image = Image.new("RGB", PAGE, paper)
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=size)
        y, row = size, 0
        while y < PAGE[1] - 2 * size:
            draw.text((size, y), _LINES[row % len(_LINES)], fill=ink, font=font)
            y, row = y + int(size * 1.6), row + 1
        pages.append(to_bgr(image))
    return pages


def quantize(model: Path, out: Path, inputs: list[np.ndarray]) -> None:
    """Write to ``out`` the detector ``model`` quantised statically (QDQ, int8 weights per channel, uint8
    activations, convolutions only), its ranges calibrated on the detector ``inputs`` (NCHW float32)."""
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    source = onnx.load(str(model))
    name = source.graph.input[0].name
    if source.opset_import[0].version < 13:  # per-channel DequantizeLinear needs opset 13
        source = version_converter.convert_version(source, 13)
    staged = out.with_name(out.name + ".float.onnx")
    onnx.save(source, str(staged))

    class Pages(CalibrationDataReader):
        def __init__(self) -> None:
            self._left = iter(inputs)

        def get_next(self):
            x = next(self._left, None)
            return None if x is None else {name: x}

    try:
        quantize_static(str(staged), str(out), Pages(), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        op_types_to_quantize=["Conv", "ConvTranspose"])
    finally:
        staged.unlink(missing_ok=True)


def built_once(path: Path, build: Callable[[Path], None]) -> Path:
    """``path``, built by ``build(temporary path)`` if it does not exist yet: under an exclusive file lock, so
    that processes starting together build it once, and moved into place whole, so none reads half a file."""
    import fcntl

    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                build(temporary)
                os.replace(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
    return path


def quantized_detector(model: Path, cache: Path, prepare: Callable[[np.ndarray], np.ndarray]) -> Path:
    """The int8 copy of the detector ``model`` in the folder ``cache``, built on first use; ``prepare`` turns a
    calibration page (BGR) into the detector's input as the fine pass does."""
    import onnxruntime

    digest = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    path = cache / f"{model.stem}-{digest}-int8v{VERSION}-ort{onnxruntime.__version__}.onnx"
    return built_once(path, lambda out: quantize(model, out, [prepare(page) for page in calibration_pages()]))
