"""The zoomed photo's geometry: clicks back to photo pixels and to the OCR line under them; the wheel zooming about
the mouse, a drag panning, and an evidence box brought up to fill the view. Pure functions, tested alone."""

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


def centre_of(view: View, width: int, height: int) -> tuple[float, float]:
    """The view's centre as fractions of the photo (what ``view_for`` takes), after its clamping."""
    return (view.x0 + view.x1) / 2 / width, (view.y0 + view.y1) / 2 / height


def zoom_about(view: View, width: int, height: int, zoom: float, x: float, y: float) -> tuple[float, float]:
    """The centre for ``zoom`` that keeps the photo point under the screen point (x, y) under it (wheel zoom)."""
    px, py = view.to_photo(x, y)
    crop_w, crop_h = width / max(1.0, zoom), height / max(1.0, zoom)
    x0 = px - x / view.shown_width * crop_w
    y0 = py - y / view.shown_height * crop_h
    after = view_for(width, height, zoom, (x0 + crop_w / 2) / width, (y0 + crop_h / 2) / height, view.shown_width)
    return centre_of(after, width, height)


def pan_by(view: View, width: int, height: int, dx: float, dy: float, zoom: float) -> tuple[float, float]:
    """The centre after dragging the picture by (dx, dy) screen pixels: the photo follows the mouse."""
    cx = ((view.x0 + view.x1) / 2 - dx * (view.x1 - view.x0) / view.shown_width) / width
    cy = ((view.y0 + view.y1) / 2 - dy * (view.y1 - view.y0) / view.shown_height) / height
    return centre_of(view_for(width, height, zoom, cx, cy, view.shown_width), width, height)


def fit_box(polygon: Polygon, width: int, height: int, most: float, fill: float = 0.6) -> tuple[float, float, float]:
    """(zoom, centre x, centre y) bringing a box up to ``fill`` of the view, at most ``most`` times (evidence)."""
    x0, y0, x1, y1 = bbox_of(polygon)
    box_w, box_h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    zoom = max(1.0, min(most, fill * width / box_w, fill * height / box_h))
    return zoom, (x0 + x1) / 2 / width, (y0 + y1) / 2 / height


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
