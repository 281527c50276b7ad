"""What the CPU can do, from ``/proc/cpuinfo``: the OCR runs its networks in int8 or bfloat16 only where the
CPU has instructions for them (``cyclops.ocr.int8``, ``cyclops.ocr.bf16``); elsewhere those are slower than float."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cyclops import switches
from cyclops.errors import OCREngineError


def flags(cpuinfo: str) -> set[str]:
    """The instruction-set flags that ``/proc/cpuinfo``'s text lists (its ``flags`` lines only)."""
    return {flag for line in cpuinfo.splitlines() if line.split(":")[0].strip() == "flags" for flag in line.split(":", 1)[1].split()}


def chosen(mode: str, setting: str, fast_here: Callable[[], bool]) -> bool:
    """``cyclops.switches.chosen`` for an OCR setting: a wrong value is an ``OCREngineError``."""
    return switches.chosen(mode, setting, fast_here, OCREngineError)


def cpuinfo() -> str:
    """``/proc/cpuinfo``'s text; empty off Linux (no flags: the float models are always right)."""
    try:
        return Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return ""
