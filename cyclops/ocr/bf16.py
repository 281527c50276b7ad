"""Text detection in bfloat16 on OpenVINO, on CPUs with AMX (issue 12: the speed target).

Why: detection is most of a front's OCR time, and after recognition the dearest step of a back's. Where the CPU has AMX
tiles for bfloat16 (``amx_bf16`` in ``/proc/cpuinfo``: Intel Xeon since Sapphire Rapids), OpenVINO runs the
detector's convolutions on them:
- the fine pass of 12 MP photos (1600 pixels, ``cyclops.ocr.rapid.FINE_SIDE``): a whole 1216x1600 input in
  0.25-0.3 s on 2 threads, against 0.9 s for onnxruntime's int8 model (``cyclops.ocr.int8``) and 1.4-1.6 s in float;
- the coarse pass of every photo (960 pixels): 0.55 -> 0.09 s.
Its text probabilities move by 0.0002 on average from float (the int8 model's by 0.003). On the real photos every
target figure of the benchmark is the same as with float detection (``benchmarks/results/ocr_speed.md``). Box
corners move by a pixel or two, which moved one front's name line from 0.915 to 0.899 of the photo's usual type,
across the product-name rule's threshold then (0.9, since 0.85: ``cyclops.extract.params``).

Measured and not used, on the same host: the recogniser in bfloat16: 448 crops 17 -> 10 s on one thread, 6 s in
batches of 4, but 47 of them read differently and a medicinal ingredient row was lost; with its inputs padded to a
multiple of 32 pixels (few shapes to compile) 16 -> 7 s, and the real benchmark's ingredient precision fell from
0.974 to 0.932 (``benchmarks/results/ocr_speed.md``, stop 35). Without AMX, OpenVINO in
float was slower than onnxruntime on an Intel AVX2 host, and on an AMD Zen 3 host a quarter faster for the detector
alone, about 4 % of a dense product, with a compilation for every new photo size, so ``auto`` keeps onnxruntime
there (``benchmarks/results/ocr_speed.md``, stop 39).

OpenVINO compiles its kernels for each new input shape (0.1-0.3 s at 960 pixels, 0.2-0.8 s at 1600), so the fine pass
runs the network on the whole input and keeps its map where the coarse pass saw text
(``cyclops.ocr.rapid.detect_at``), one shape per photo size, and the engine's ``warm_up`` compiles a 12 MP photo's
inputs. Nothing is written to disk.
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cyclops.errors import OCREngineError
from cyclops.ocr import cpu

#: raised whenever what is compiled changes (part of the OCR engine's version: cached readings are not reused)
VERSION = "2"  # 2: the coarse pass too
#: /proc/cpuinfo flags of the bfloat16 matrix instructions OpenVINO's CPU plugin runs bfloat16 on
BF16_FLAGS = ("amx_bf16",)


def has_amx_bf16(cpuinfo: str) -> bool:
    """Whether ``/proc/cpuinfo``'s text lists AMX's bfloat16 instructions (``BF16_FLAGS``)."""
    return bool(cpu.flags(cpuinfo) & set(BF16_FLAGS))


def installed() -> bool:
    return importlib.util.find_spec("openvino") is not None


def wanted(mode: str, cpuinfo: Callable[[], str] = cpu.cpuinfo) -> bool:
    """Whether text detection runs in bfloat16 for ``CYCLOPS_OCR_BF16`` = ``mode``: ``on``, ``off``, or
    ``auto`` (where the CPU has AMX bfloat16 and OpenVINO is installed)."""
    use = cpu.chosen(mode, "CYCLOPS_OCR_BF16", lambda: installed() and has_amx_bf16(cpuinfo()))
    if use and not installed():
        raise OCREngineError("CYCLOPS_OCR_BF16=on needs OpenVINO (pip install openvino), or set it to auto or off.")
    return use


@functools.cache
def _core():
    import openvino as ov

    core = ov.Core()
    # pybind11 sets up its numpy bindings at the first array OpenVINO converts, under a lock that deadlocks when two
    # threads get there at once (two photos' first detections; seen in CI): convert one array here, on one thread
    ov.Tensor(np.zeros(1, dtype=np.float32))
    return core


@dataclass(frozen=True)
class Port:
    name: str


class OpenVINOSession:
    """A model compiled by OpenVINO in bfloat16 that stands in for the onnxruntime ``InferenceSession`` rapidocr
    calls (``run``, ``get_inputs``, ``get_outputs``). Several threads may run it at once: each has an inference
    request of its own."""

    def __init__(self, model: Path | bytes, threads: int) -> None:
        core = _core()
        source = core.read_model(model if isinstance(model, bytes) else str(model))
        self._compiled = core.compile_model(source, "CPU", {
            "INFERENCE_PRECISION_HINT": "bf16",
            "INFERENCE_NUM_THREADS": threads,
            "PERFORMANCE_HINT": "LATENCY",
        })
        self.threads = threads  # as asked: OpenVINO itself runs at most as many as there are cores
        self._local = threading.local()
        # rapidocr asks for the names on every call
        self._inputs = [Port(p.any_name) for p in self._compiled.inputs]
        self._outputs = [Port(p.any_name) for p in self._compiled.outputs]

    def run(self, output_names, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._compiled.create_infer_request()
        (x,) = feed.values()
        return [request.infer({0: x})[0]]  # a copy: the request's buffer is reused by its next call

    def get_inputs(self) -> list[Port]:
        return self._inputs

    def get_outputs(self) -> list[Port]:
        return self._outputs
