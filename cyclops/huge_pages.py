"""Start the command with glibc's malloc asking for transparent huge pages (issue 12: the speed target).

Why: onnxruntime frees its buffers after every run (its memory arena is off, which kept ~550 MB per process), and
glibc serves and returns buffers this large with mmap, so each run of the detector faults its pages in again: on a
12 MP photo's fine pass 65,000-78,000 page faults, 0.19 s of system time in a 0.50 s run on a KVM host. With
``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` (glibc 2.35 and later) malloc asks the kernel for 2 MB pages for those
buffers (``madvise``), and the same run takes 0.37 s with about 600 faults, holding no more memory between
analyses. The real benchmark (16 products, fresh photos, in turn): median 3.09-3.29 -> 2.90-2.95 s, Frog Fuel
7.85 -> 7.30 s; every reading the same (``benchmarks/results/ocr_speed.md``).

glibc reads its tunables once, when the process starts, so the ``cyclops`` command (``cyclops.start``) starts
itself again with the variable set, before it has imported anything else. The images set it in their environment
(``docker/*.Dockerfile``), which covers the processes the command does not start (Dask workers, Jupyter kernels).
Nothing changes where the kernel's transparent huge pages are ``always`` (malloc gets them already) or ``never``
(none to get), or off glibc. ``CYCLOPS_HUGE_PAGES`` (``auto``, ``on``, ``off``) is read here from the environment, not
from ``cyclops.settings``, whose loading alone takes a third of a second to be done again; the settings check it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from cyclops import switches

ENV = "CYCLOPS_HUGE_PAGES"
DEFAULT = "auto"
TUNABLE = "glibc.malloc.hugetlb"
#: the first glibc that knows the tunable
GLIBC_FROM = (2, 35)
THP_MODE = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def thp_mode(text: str) -> str | None:
    """The kernel's transparent huge page mode from its ``enabled`` file ("always [madvise] never" -> "madvise")."""
    for word in text.split():
        if word.startswith("[") and word.endswith("]"):
            return word[1:-1]
    return None


def glibc_version(text: str | None) -> tuple[int, int] | None:
    """(major, minor) from ``os.confstr("CS_GNU_LIBC_VERSION")`` ("glibc 2.36" -> (2, 36)); None off glibc."""
    if not text or not text.startswith("glibc "):
        return None
    try:
        major, minor = text.split()[1].split(".")[:2]
        return int(major), int(minor)
    except (IndexError, ValueError):
        return None


def with_tunable(tunables: str | None) -> str:
    """``GLIBC_TUNABLES`` with the huge-page tunable added to whatever it already sets."""
    return f"{tunables}:{TUNABLE}=1" if tunables else f"{TUNABLE}=1"


def wanted(mode: str, thp: str | None, glibc: tuple[int, int] | None) -> bool:
    """Whether to ask for huge pages for ``CYCLOPS_HUGE_PAGES`` = ``mode``: ``off``; ``on`` or ``auto`` where glibc
    knows the tunable, ``auto`` only where the kernel gives huge pages to those who ask (``madvise``)."""
    use = switches.chosen(mode, ENV, lambda: thp == "madvise")
    return use and glibc is not None and glibc >= GLIBC_FROM


def checked(mode: str) -> str:
    """``mode`` as one of ``switches.MODES``; anything else is a clear error naming the variable."""
    return switches.checked(mode, ENV)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def restart_with_huge_pages(environ: Mapping[str, str] = os.environ, argv: Sequence[str] | None = None,
                            execve: Callable[..., object] = os.execve, thp_file: Path = THP_MODE) -> bool:
    """Start this command again with the tunable set, when ``wanted`` and not set already (then it returns only if
    ``execve`` does). False when nothing was to be done."""
    tunables = environ.get("GLIBC_TUNABLES")
    if TUNABLE in (tunables or ""):
        return False
    version = os.confstr("CS_GNU_LIBC_VERSION") if "CS_GNU_LIBC_VERSION" in os.confstr_names else None
    if not wanted(environ.get(ENV, DEFAULT), thp_mode(_read(thp_file)), glibc_version(version)):
        return False
    args = list(sys.orig_argv if argv is None else argv)
    execve(sys.executable, [sys.executable, *args[1:]], {**environ, "GLIBC_TUNABLES": with_tunable(tunables)})
    return True


def restart_or_exit() -> None:
    """``restart_with_huge_pages`` for a command's entry point: a wrong ``CYCLOPS_HUGE_PAGES`` ends it with the message."""
    try:
        restart_with_huge_pages()
    except ValueError as exc:
        sys.exit(f"error: {exc}")
