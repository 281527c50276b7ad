"""Map ground-truth polygons (stored-file coordinates) onto the upright page the OCR saw."""

from __future__ import annotations

from cyclops.model.ocr import Polygon, bbox_of


def rotate_point(x: float, y: float, width: int, height: int, degrees_cw: int) -> tuple[float, float]:
    """Where (x, y) of a width x height image lands after turning the image ``degrees_cw`` clockwise."""
    d = degrees_cw % 360
    if d == 0:
        return x, y
    if d == 90:
        return height - y, x
    if d == 180:
        return width - x, height - y
    if d == 270:
        return y, width - x
    raise ValueError(f"rotation must be a multiple of 90, got {degrees_cw}")


def rotate_polygon(polygon: Polygon, width: int, height: int, degrees_cw: int) -> Polygon:
    return [rotate_point(x, y, width, height, degrees_cw) for x, y in polygon]


def _overlap(a: Polygon, b: Polygon) -> tuple[float, float, float]:
    """(intersection, area of a, area of b) of the axis-aligned boxes of two polygons."""
    ax0, ay0, ax1, ay1 = bbox_of(a)
    bx0, by0, bx1, by1 = bbox_of(b)
    iw = max(0.0, min(ax1, bx1) - max(ax0, bx0))
    ih = max(0.0, min(ay1, by1) - max(ay0, by0))
    return iw * ih, (ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0)


def iou(a: Polygon, b: Polygon) -> float:
    """Intersection over union of the axis-aligned boxes of two polygons."""
    if not a or not b:
        return 0.0
    inter, area_a, area_b = _overlap(a, b)
    union = area_a + area_b - inter
    return inter / union if union > 0 else 0.0


def overlap_of_first(a: Polygon, b: Polygon) -> float:
    """Share of box ``a`` covered by box ``b`` (a predicted line may span several truth lines)."""
    if not a or not b:
        return 0.0
    inter, area_a, _ = _overlap(a, b)
    return inter / area_a if area_a > 0 else 0.0
