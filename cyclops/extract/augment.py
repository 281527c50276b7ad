"""OCR-like noise for training lines, so a model trained on clean synthetic truth transfers to real OCR.

Character confusions, dropped accents, lost characters, split and merged lines:
the mistakes Tesseract and RapidOCR make on small label type.
"""

from __future__ import annotations

import random

from cyclops.extract.features import RawLine
from cyclops.extract.ingredients import LEADER
from cyclops.model.ocr import bbox_of, rect
from cyclops.text.fold import strip_accents

VERSION = "1"
#: what OCR reads instead of a character (both directions are common)
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "0": ("O", "o"), "O": ("0",), "o": ("0",), "1": ("l", "I", "|"), "l": ("1", "I"), "I": ("1", "l"),
    "5": ("S",), "S": ("5",), "8": ("B",), "B": ("8",), "2": ("Z",), "6": ("G",), "m": ("rn",), "rn": ("m",),
    "e": ("c",), "c": ("e",), "g": ("q",), "µ": ("u", "p"), ",": (".",), ".": (",", ""),
}


def noisy_text(text: str, rng: random.Random, rate: float = 0.04) -> str:
    """Confusions, dropped accents and lost characters at about ``rate`` per character."""
    if rng.random() < 0.3:
        text = strip_accents(text)
    out = []
    i = 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair in CONFUSIONS and rng.random() < rate:
            out.append(rng.choice(CONFUSIONS[pair]))
            i += 2
            continue
        ch = text[i]
        r = rng.random()
        if ch in CONFUSIONS and r < rate:
            out.append(rng.choice(CONFUSIONS[ch]))
        elif r < rate * 1.25 and ch != " ":
            pass  # a character OCR did not see
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def split_line(line: RawLine, rng: random.Random) -> list[RawLine]:
    """Cut a line into two at a space (OCR breaking a wide line at a gap), polygons split proportionally."""
    spaces = [i for i, c in enumerate(line.text) if c == " "]
    if not spaces or not line.polygon or line.vertical:
        return [line]
    cut = rng.choice(spaces)
    x0, y0, x1, y1 = bbox_of(line.polygon)
    xm = x0 + (x1 - x0) * cut / max(len(line.text), 1)
    return [
        RawLine(line.text[:cut], rect(x0, y0, xm, y1), line.language, line.vertical),
        RawLine(line.text[cut + 1:], rect(xm, y0, x1, y1), line.language, line.vertical),
    ]


def augment_page(lines: list[tuple[RawLine, str]], rng: random.Random, split_rate: float = 0.08, merge_rate: float = 0.05) -> list[tuple[RawLine, str]]:
    """A noisy copy of a page's (line, label) list: text noise, some lines split, some same-label neighbours merged,
    and sometimes the page's layout read the way OCR misreads it (cells apart, columns interleaved)."""
    out: list[tuple[RawLine, str]] = []
    if rng.random() < 0.5:
        lines = layout_noise(lines, rng)
    for line, label in lines:
        noisy = RawLine(noisy_text(line.text, rng), list(line.polygon), line.language if rng.random() > 0.1 else None, line.vertical)
        if out and out[-1][1] == label and rng.random() < merge_rate and not line.vertical:
            prev, _ = out[-1]
            box = bbox_of(prev.polygon + noisy.polygon) if prev.polygon and noisy.polygon else None
            out[-1] = (RawLine(prev.text + " " + noisy.text, rect(*box) if box else [], prev.language, False), label)
            continue
        parts = split_line(noisy, rng) if rng.random() < split_rate else [noisy]
        out.extend((part, label) for part in parts if part.text.strip())
    return out


def split_cells(line: RawLine) -> list[RawLine]:
    """A table row "Zinc ........ 50 mg" read as two lines, name cell and amount cell (as OCR often does)."""
    m = LEADER.search(line.text)
    if not m or not line.polygon or line.vertical or m.start() == 0 or m.end() >= len(line.text):
        return [line]
    x0, y0, x1, y1 = bbox_of(line.polygon)
    n = max(len(line.text), 1)
    xa, xb = x0 + (x1 - x0) * m.start() / n, x0 + (x1 - x0) * m.end() / n
    return [RawLine(line.text[: m.start()], rect(x0, y0, xa, y1), line.language, False),
            RawLine(line.text[m.end():], rect(xb, y0, x1, y1), line.language, False)]


def row_major(lines: list[tuple[RawLine, str]]) -> list[tuple[RawLine, str]]:
    """Reading order row by row across columns, the way OCR interleaves English and French columns."""
    boxes = [bbox_of(line.polygon) if line.polygon else None for line, _ in lines]
    if any(b is None for b in boxes) or not lines:
        return lines
    height = sorted(b[3] - b[1] for b in boxes)[len(boxes) // 2] or 1.0  # type: ignore[index]
    order = sorted(range(len(lines)), key=lambda i: (round(boxes[i][1] / height), boxes[i][0]))  # type: ignore[index]
    return [lines[i] for i in order]


def layout_noise(lines: list[tuple[RawLine, str]], rng: random.Random, cell_rate: float = 0.5, row_major_rate: float = 0.5) -> list[tuple[RawLine, str]]:
    """Page-level OCR layout mistakes: table cells split apart, columns interleaved."""
    out: list[tuple[RawLine, str]] = []
    for line, label in lines:
        parts = split_cells(line) if rng.random() < cell_rate else [line]
        out.extend((part, label) for part in parts if part.text.strip())
    return row_major(out) if rng.random() < row_major_rate else out
