"""Map clicks on the zoomed photo back to photo pixels and to the OCR line under them."""

from __future__ import annotations

from dataclasses import dataclass

from cyclops.model.analysis import LabelledLine
from cyclops.model.ocr import Polygon, bbox_of


@dataclass(frozen=True)
class View:
    """The part of the photo on screen: crop box in photo pixels and the displayed size."""

    x0: float
    y0: float
    x1: float
    y1: float
    shown_width: int
    shown_height: int

    def to_photo(self, x: float, y: float) -> tuple[float, float]:
        """Screen coordinates (relative to the displayed image) -> photo pixels."""
        return (self.x0 + x * (self.x1 - self.x0) / self.shown_width,
                self.y0 + y * (self.y1 - self.y0) / self.shown_height)


def view_for(width: int, height: int, zoom: float, centre_x: float, centre_y: float, shown_width: int = 900) -> View:
    """Crop for a zoom factor (>= 1) centred at fractions ``centre_x``/``centre_y`` of the photo, kept inside it."""
    zoom = max(1.0, zoom)
    crop_w, crop_h = width / zoom, height / zoom
    x0 = min(max(centre_x * width - crop_w / 2, 0.0), width - crop_w)
    y0 = min(max(centre_y * height - crop_h / 2, 0.0), height - crop_h)
    shown_height = max(1, round(shown_width * crop_h / crop_w))
    return View(x0, y0, x0 + crop_w, y0 + crop_h, shown_width, shown_height)


def contains(polygon: Polygon, x: float, y: float) -> bool:
    """Even-odd ray casting; OCR polygons can be rotated quadrilaterals, not only boxes."""
    inside = False
    n = len(polygon)
    for i in range(n):
        (xa, ya), (xb, yb) = polygon[i], polygon[(i + 1) % n]
        if (ya > y) != (yb > y) and x < xa + (y - ya) * (xb - xa) / (yb - ya):
            inside = not inside
    return inside


def line_at(lines: list[LabelledLine], image_id: str, x: float, y: float) -> int | None:
    """Index (in the analysis' ``lines``) of the smallest line on ``image_id`` containing the point."""
    hits = []
    for index, line in enumerate(lines):
        if line.image == image_id and len(line.polygon) >= 3 and contains(line.polygon, x, y):
            x0, y0, x1, y1 = bbox_of(line.polygon)
            hits.append(((x1 - x0) * (y1 - y0), index))
    return min(hits)[1] if hits else None
