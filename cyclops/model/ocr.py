"""The OCR result model every engine returns: Document -> Page -> Block -> Line -> Word.

Every node carries geometry (a polygon in pixel coordinates of the page image
*after* orientation correction) and a confidence in [0, 1], and the tree
round-trips through JSON, so the cache, mapi, the dashboard and the notebooks
all read the same thing.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, Field

Point = tuple[float, float]
Polygon = list[Point]


def bbox_of(polygon: Polygon) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a polygon."""
    xs = [p[0] for p in polygon]
    ys = [p[1] for p in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def text_height(polygon: Polygon, vertical: bool = False) -> float:
    """The height of a line's type: of its quad along its own axes (p0 -> p3, p1 -> p2), whatever its slope,
    where the upright box of a sloping or curving line is taller than its letters; the box's width for a line
    printed along an edge, the box's height for other shapes."""
    if not len(polygon):
        return 0.0
    x0, y0, x1, y1 = bbox_of(polygon)
    if vertical:
        return x1 - x0
    if len(polygon) != 4:
        return y1 - y0
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = ((float(x), float(y)) for x, y in polygon)
    return (math.hypot(dx - ax, dy - ay) + math.hypot(cx - bx, cy - by)) / 2


def rect(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """A polygon for an axis-aligned box, clockwise from top-left."""
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def union_polygon(polygons: list[Polygon]) -> Polygon:
    """Axis-aligned box around several polygons (used for line and block geometry)."""
    boxes = [bbox_of(p) for p in polygons if p]
    if not boxes:
        return []
    return rect(min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


class Word(BaseModel):
    text: str
    confidence: float = 1.0
    polygon: Polygon = Field(default_factory=list)


class Line(BaseModel):
    words: list[Word] = Field(default_factory=list)
    polygon: Polygon = Field(default_factory=list)
    confidence: float = 1.0
    language: str | None = None  # "en", "fr" or None when unknown
    vertical: bool = False  # printed along an edge (read after rotating the crop)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


class Block(BaseModel):
    lines: list[Line] = Field(default_factory=list)
    polygon: Polygon = Field(default_factory=list)
    language: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class Page(BaseModel):
    image_id: str  # id of the image in the analysis ("img0", ...)
    width: int
    height: int
    rotation: int = 0  # degrees clockwise applied to the stored photo to make text upright
    blocks: list[Block] = Field(default_factory=list)

    def lines(self) -> list[Line]:
        return [line for block in self.blocks for line in block.lines]

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    def scaled(self, width: int, height: int) -> Page:
        """This page with every polygon moved onto an image of ``width`` x ``height`` (the same photo read smaller)."""
        sx, sy = width / max(self.width, 1), height / max(self.height, 1)

        def move(polygon: Polygon) -> Polygon:
            return [(x * sx, y * sy) for x, y in (point[:2] for point in polygon)]

        blocks = [block.model_copy(update={"polygon": move(block.polygon), "lines": [
            line.model_copy(update={"polygon": move(line.polygon),
                                    "words": [word.model_copy(update={"polygon": move(word.polygon)}) for word in line.words]})
            for line in block.lines]}) for block in self.blocks]
        return self.model_copy(update={"width": width, "height": height, "blocks": blocks})


class Document(BaseModel):
    engine: str
    engine_version: str
    pages: list[Page] = Field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[tuple[Page, Line]]:
        return [(page, line) for page in self.pages for line in page.lines()]

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)
