"""Draw OCR and field boxes on a photo, coloured by field label, for the dashboard, the report, notebooks and synth previews."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageColor, ImageDraw, ImageFont, ImageOps

from cyclops.model.analysis import FIELD_LABELS, LabelledLine
from cyclops.model.ocr import Polygon, bbox_of

#: One colour per field label (colour-blind-friendly where possible); "other" is grey.
FIELD_COLOURS: dict[str, str] = {
    "product_name": "#0072b2",
    "brand": "#56b4e9",
    "company": "#009e73",
    "npn": "#d55e00",
    "medicinal_ingredient": "#e69f00",
    "non_medicinal_ingredient": "#f0e442",
    "recommended_use": "#cc79a7",
    "dose": "#6a3d9a",
    "caution": "#e31a1c",
    "other": "#999999",
}
assert set(FIELD_COLOURS) == set(FIELD_LABELS), "every field label needs a colour"
FALLBACK_COLOUR = "#333333"
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:
        return ImageFont.load_default()


def draw_boxes(
    image: Image.Image,
    boxes: list[tuple[Polygon, str, str | None]],
    highlight: int | None = None,
) -> Image.Image:
    """A copy of ``image`` with each (polygon, label, text) outlined in its label's colour and lightly filled.

    ``highlight`` is the index of a box to emphasise (thicker outline, stronger fill), e.g. the one an analyst selected.
    Unknown labels are drawn in dark grey rather than refused, so new labels never break a preview.
    """
    base = image.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    scale = max(base.size) / 1000
    width = max(2, round(2 * scale))
    font = _font(max(10, round(14 * scale)))
    for index, (polygon, label, text) in enumerate(boxes):
        if len(polygon) < 3:
            continue
        rgb = ImageColor.getrgb(FIELD_COLOURS.get(label, FALLBACK_COLOUR))
        strong = index == highlight
        points = [(float(x), float(y)) for x, y in polygon]
        draw.polygon(points, fill=rgb + ((110 if strong else 45),), outline=rgb + (255,), width=width * (3 if strong else 1))
        if text:
            x0, y0, _, _ = bbox_of(points)
            tx, ty = x0, max(0.0, y0 - font.size - 2) if hasattr(font, "size") else y0
            left, top, right, bottom = draw.textbbox((tx, ty), text, font=font)
            draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=(255, 255, 255, 200))
            draw.text((tx, ty), text, font=font, fill=rgb + (255,))
    return Image.alpha_composite(base, overlay).convert("RGB")


def upright_photo(data: bytes, rotation: int) -> Image.Image:
    """The stored photo turned the way OCR read it (EXIF first, then ``rotation`` degrees clockwise)."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    return image.rotate(-rotation, expand=True) if rotation % 360 else image


def draw_lines(image: Image.Image, lines: list[LabelledLine], highlight: Polygon | None = None,
               highlight_label: str = "other") -> Image.Image:
    """Boxes coloured by field label; ``highlight`` (the selected line or a field's evidence) drawn strong.

    ``draw_boxes`` highlights by index, so evidence that is not one of the lines is added as a box.
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


def to_jpeg(image: Image.Image, max_side: int | None = None, quality: int = 85) -> bytes:
    if max_side and max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
