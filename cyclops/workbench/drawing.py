"""Photo preparation for the viewer. The drawing itself (upright photo, field-coloured OCR boxes, JPEG) lives in
``cyclops.render``, where the report draws the same boxes; the legend under the photo, in the analyst's language, is
``cyclops.workbench.viewer.legend``."""

from __future__ import annotations

from cyclops.render import FIELD_COLOURS, draw_lines, to_jpeg, upright_photo

__all__ = ["FIELD_COLOURS", "draw_lines", "to_jpeg", "upright_photo"]
