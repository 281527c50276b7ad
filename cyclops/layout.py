"""Group OCR lines into blocks in reading order and tag each block and line with its language.

Labels are bilingual and often printed as an English column beside a French
one, so blocks are found by recursive XY-cuts: a vertical cut wherever a clear
x-gap separates two text columns, otherwise a horizontal cut at paragraph gaps.
Language comes from ``cyclops.text.language.detect_language`` (lingua, English vs French only,
with a stop-word/accent hint for text too short for a statistical guess); codes and numbers get None.
"""

from __future__ import annotations

import re
import statistics

from cyclops.model.ocr import Block, Line, Page, bbox_of, union_polygon
from cyclops.text.language import detect_language

COLUMN_GAP = 1.0  # x-gap, in median line heights, that separates columns
PARAGRAPH_GAP = 0.9  # y-gap, in median line heights, that separates paragraphs
MIN_COLUMN_SHARE = 0.2  # a column narrower than this share of its region is a table column, not a text column
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def _line_height(line: Line) -> float:
    x0, y0, x1, y1 = bbox_of(line.polygon)
    return max(1.0, (x1 - x0) if line.vertical else (y1 - y0))


def _gaps(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Empty stretches between the union of intervals, as (start, end)."""
    gaps, end = [], None
    for a, b in sorted(intervals):
        if end is not None and a > end:
            gaps.append((end, a))
        end = b if end is None else max(end, b)
    return gaps


def _xy_cut(lines: list[Line], unit: float) -> list[list[Line]]:
    if len(lines) <= 1:
        return [lines]
    boxes = [bbox_of(ln.polygon) for ln in lines]
    region_x0, region_x1 = min(b[0] for b in boxes), max(b[2] for b in boxes)
    width = max(region_x1 - region_x0, 1.0)
    x_gaps = [g for g in _gaps([(b[0], b[2]) for b in boxes]) if g[1] - g[0] >= COLUMN_GAP * unit]
    if x_gaps:
        cuts = [region_x0] + [(a + b) / 2 for a, b in x_gaps] + [region_x1 + 1]
        columns: list[list[Line]] = [[] for _ in range(len(cuts) - 1)]
        extents: list[list[float]] = [[] for _ in range(len(cuts) - 1)]
        for line, box in zip(lines, boxes):
            index = next(i for i in range(len(cuts) - 1) if (box[0] + box[2]) / 2 < cuts[i + 1])
            columns[index].append(line)
            extents[index] += [box[0], box[2]]
        if all(max(e) - min(e) >= MIN_COLUMN_SHARE * width for e in extents if e):
            return [block for column in columns if column for block in _xy_cut(column, unit)]
    y_gaps = [g for g in _gaps([(b[1], b[3]) for b in boxes]) if g[1] - g[0] >= PARAGRAPH_GAP * unit]
    if y_gaps:
        bands: list[list[Line]] = [[] for _ in range(len(y_gaps) + 1)]
        for line, box in zip(lines, boxes):
            centre = (box[1] + box[3]) / 2
            index = sum(centre > (a + b) / 2 for a, b in y_gaps)
            bands[index].append(line)
        return [block for band in bands if band for block in _xy_cut(band, unit)]
    return [lines]


def _reading_order(lines: list[Line], unit: float) -> list[Line]:
    """Top to bottom, and left to right for lines on the same row."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: bbox_of(ln.polygon)[1]):
        top = bbox_of(line.polygon)[1]
        if rows and abs(top - bbox_of(rows[-1][0].polygon)[1]) < 0.5 * unit:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: bbox_of(ln.polygon)[0])]


def median_line_height(page: Page) -> float:
    heights = [_line_height(ln) for ln in page.lines() if ln.polygon and not ln.vertical]
    return statistics.median(heights) if heights else 1.0


def arrange(page: Page, *, regroup: bool = True) -> Page:
    """The page with lines grouped into blocks in reading order and languages set.

    ``regroup=False`` keeps the engine's own blocks (Tesseract's) and only orders lines and sets languages.
    Vertical lines (printed along an edge) each get a block of their own, after the others.
    """
    unit = median_line_height(page)
    if regroup:
        lines = [ln for ln in page.lines() if ln.polygon and ln.words]
        flat = [ln for ln in lines if not ln.vertical]
        groups = [_reading_order(g, unit) for g in _xy_cut(flat, unit) if g] + [[ln] for ln in lines if ln.vertical]
    else:
        groups = [_reading_order([ln for ln in b.lines if ln.polygon], unit) for b in page.blocks]
    blocks = []
    for group in groups:
        if not group:
            continue
        language = detect_language(" ".join(ln.text for ln in group))
        new_lines = [
            ln.model_copy(update={"language": detect_language(ln.text) or (language if _has_words(ln.text) else None)})
            for ln in group
        ]
        blocks.append(Block(lines=new_lines, polygon=union_polygon([ln.polygon for ln in new_lines]), language=language))
    return page.model_copy(update={"blocks": blocks})


def _has_words(text: str) -> bool:
    return any(not (w.isupper() and len(w) <= 4) for w in _WORD.findall(text))


def line_features(page: Page, line: Line) -> dict:
    """Geometry of a line relative to its page, for the field classifier (font size is relative: 1.0 = median line)."""
    x0, y0, x1, y1 = bbox_of(line.polygon) if line.polygon else (0.0, 0.0, 0.0, 0.0)
    w, h = max(page.width, 1), max(page.height, 1)
    text = line.text
    letters = [c for c in text if c.isalpha()]
    return {
        "rel_font_size": _line_height(line) / median_line_height(page),
        "x0": x0 / w,
        "y0": y0 / h,
        "x1": x1 / w,
        "y1": y1 / h,
        "x_centre": (x0 + x1) / 2 / w,
        "y_centre": (y0 + y1) / 2 / h,
        "width_share": (x1 - x0) / w,
        "n_words": len(line.words),
        "n_chars": len(text),
        "digit_share": sum(c.isdigit() for c in text) / max(len(text), 1),
        "upper_share": sum(c.isupper() for c in letters) / max(len(letters), 1),
        "confidence": line.confidence,
        "vertical": line.vertical,
        "language": line.language,
    }
