"""Debian's free fonts, paired regular/bold, so labels vary in typeface like real packaging."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_ROOT = Path("/usr/share/fonts/truetype")

#: (family, regular file, bold file), relative to FONT_ROOT; Latin-1 coverage (é, à, ç, µ) checked by tests
_CANDIDATES: tuple[tuple[str, str, str], ...] = (
    ("DejaVu Sans", "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    ("DejaVu Sans Condensed", "dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf"),
    ("DejaVu Serif", "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    ("Liberation Sans", "liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
    ("Liberation Sans Narrow", "liberation/LiberationSansNarrow-Regular.ttf", "liberation/LiberationSansNarrow-Bold.ttf"),
    ("Liberation Serif", "liberation/LiberationSerif-Regular.ttf", "liberation/LiberationSerif-Bold.ttf"),
    ("Noto Sans", "noto/NotoSans-Regular.ttf", "noto/NotoSans-Bold.ttf"),
    ("Noto Serif", "noto/NotoSerif-Regular.ttf", "noto/NotoSerif-Bold.ttf"),
    ("FreeSans", "freefont/FreeSans.ttf", "freefont/FreeSansBold.ttf"),
    ("FreeSerif", "freefont/FreeSerif.ttf", "freefont/FreeSerifBold.ttf"),
)


class FontsMissing(RuntimeError):
    """No usable TrueType font was found (install fonts-dejavu or fonts-liberation)."""


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: Path
    bold: Path


@lru_cache
def available_families() -> tuple[FontFamily, ...]:
    """The candidate families whose files exist on this machine, in a fixed order (determinism)."""
    found = tuple(
        FontFamily(name, FONT_ROOT / reg, FONT_ROOT / bold)
        for name, reg, bold in _CANDIDATES
        if (FONT_ROOT / reg).is_file() and (FONT_ROOT / bold).is_file()
    )
    if not found:
        raise FontsMissing(f"no TrueType fonts found under {FONT_ROOT}; install fonts-dejavu-core or fonts-liberation")
    return found


def pick_family(rng: random.Random) -> FontFamily:
    return rng.choice(available_families())


@lru_cache(maxsize=512)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """A loaded font; cached because labels reuse a handful of (file, size) pairs."""
    return ImageFont.truetype(str(path), size)
