"""Settings that switch a faster way of working on or off (``auto``, ``on``, ``off``), checked in one place:
the OCR's int8 and bfloat16 detectors (``cyclops.ocr.cpu``) and glibc's huge pages (``cyclops.huge_pages``).
Standard library only: the ``cyclops`` command checks its switch before it imports anything else."""

from __future__ import annotations

from collections.abc import Callable

MODES = ("auto", "on", "off")


def checked(mode: str, setting: str, error: type[Exception] = ValueError) -> str:
    """``mode`` as one of ``MODES``; anything else is an ``error`` naming the ``setting``."""
    key = mode.strip().lower()
    if key not in MODES:
        raise error(f"{setting}={mode!r}: choose one of {', '.join(MODES)}.")
    return key


def chosen(mode: str, setting: str, fast_here: Callable[[], bool], error: type[Exception] = ValueError) -> bool:
    """Whether ``setting`` = ``mode`` asks for the faster way: ``on``, or ``auto`` where ``fast_here()``."""
    key = checked(mode, setting, error)
    return key == "on" or (key == "auto" and fast_here())
