"""Photo preparation for the viewer: the legend under the photo. The drawing itself (upright photo, field-coloured
OCR boxes, JPEG) lives in ``cyclops.render``, where the report draws the same boxes."""

from __future__ import annotations

from cyclops.render import FIELD_COLOURS, draw_lines, to_jpeg, upright_photo

__all__ = ["FIELD_COLOURS", "draw_lines", "legend_html", "to_jpeg", "upright_photo"]


def legend_html() -> str:
    """Coloured chips naming each field, shown under the photo."""
    chips = "".join(f"<span style='display:inline-block;margin:0 .6em .2em 0'><span style='display:inline-block;width:.9em;"
                    f"height:.9em;background:{colour};border-radius:2px;vertical-align:middle'></span> {label}</span>"
                    for label, colour in FIELD_COLOURS.items())
    return f"<div class='cyclops-legend' style='font-size:12px'>{chips}</div>"
