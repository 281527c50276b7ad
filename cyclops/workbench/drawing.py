"""Photo preparation for the viewer: upright photo, field-coloured OCR boxes, thumbnails."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from cyclops.model.analysis import LabelledLine
from cyclops.model.ocr import Polygon
from cyclops.render import FIELD_COLOURS, draw_boxes


def upright_photo(data: bytes, rotation: int) -> Image.Image:
    """The stored photo turned the way OCR read it (EXIF first, then ``rotation`` degrees clockwise)."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    return image.rotate(-rotation, expand=True) if rotation % 360 else image


def draw_lines(image: Image.Image, lines: list[LabelledLine], highlight: Polygon | None = None,
               highlight_label: str = "other") -> Image.Image:
    """Boxes coloured by field label; ``highlight`` (the selected line or a field's evidence) drawn strong.

    ``cyclops.render.draw_boxes`` highlights by index, so evidence that is not one of the lines is added as a box.
    """
    boxes: list[tuple[Polygon, str, str | None]] = [(line.polygon, line.label, None) for line in lines if line.polygon]
    index = None
    if highlight:
        wanted = [tuple(p) for p in highlight]
        index = next((i for i, (poly, _l, _t) in enumerate(boxes) if [tuple(p) for p in poly] == wanted), None)
        if index is None:
            boxes.append((highlight, highlight_label, None))
            index = len(boxes) - 1
    return draw_boxes(image, boxes, highlight=index)


def legend_html() -> str:
    """Coloured chips naming each field, shown under the photo."""
    chips = "".join(f"<span style='display:inline-block;margin:0 .6em .2em 0'><span style='display:inline-block;width:.9em;"
                    f"height:.9em;background:{colour};border-radius:2px;vertical-align:middle'></span> {label}</span>"
                    for label, colour in FIELD_COLOURS.items())
    return f"<div class='cyclops-legend' style='font-size:12px'>{chips}</div>"


def to_jpeg(image: Image.Image, max_side: int | None = None, quality: int = 85) -> bytes:
    if max_side and max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
