"""The report's pictures: each photo with its field boxes drawn, and each flag's evidence cut from its photo.

An inspector believes a crop of the printed words sooner than a sentence about them; the boxes are drawn by
``cyclops.render``, the same code that draws them in the workbench.
"""

from __future__ import annotations

from PIL import Image

from cyclops.model.analysis import Analysis, Evidence
from cyclops.model.ocr import bbox_of
from cyclops.render import draw_boxes, draw_lines, to_jpeg, upright_photo

#: longest side of a photo in the report, in pixels (sharp on paper, small enough to mail)
PHOTO_SIDE = 1400
#: longest side of an evidence crop
CROP_SIDE = 700
#: space kept around the evidence, as a share of the evidence's height (at least ``MIN_MARGIN`` pixels)
MARGIN = 1.5
MIN_MARGIN = 24


class Photos:
    """The analysis' photos turned upright once, for drawing and cropping."""

    def __init__(self, analysis: Analysis, photos: dict[str, bytes]) -> None:
        self.analysis = analysis
        self._upright: dict[str, Image.Image] = {}
        for info in analysis.images:
            data = photos.get(info.id)
            if data is not None:
                self._upright[info.id] = upright_photo(data, info.rotation)

    def ids(self) -> list[str]:
        return [info.id for info in self.analysis.images if info.id in self._upright]

    def with_boxes(self, image_id: str) -> bytes:
        """The photo with every OCR line's box in its field's colour."""
        lines = [line for line in self.analysis.lines if line.image == image_id]
        return to_jpeg(draw_lines(self._upright[image_id], lines), PHOTO_SIDE, quality=80)

    def crops(self, evidence: list[Evidence]) -> list[bytes]:
        """One crop per photo holding evidence: the evidence boxes drawn in red, with some of the label around them."""
        out = []
        for image_id in dict.fromkeys(e.image for e in evidence):
            image = self._upright.get(image_id)
            polygons = [e.polygon for e in evidence if e.image == image_id and len(e.polygon) >= 3]
            if image is None or not polygons:
                continue
            x0, y0, x1, y1 = bbox_of([point for p in polygons for point in p])
            pad = max(MIN_MARGIN, MARGIN * (y1 - y0) / max(1, len(polygons)))
            left, top = max(0, int(x0 - pad)), max(0, int(y0 - pad))
            crop = image.crop((left, top, min(image.width, int(x1 + pad)), min(image.height, int(y1 + pad))))
            # drawn on the crop, not the 12 MP photo; lightly filled, so the printed words stay readable under the box
            crop = draw_boxes(crop, [([(x - left, y - top) for x, y in polygon], "caution", None) for polygon in polygons])
            out.append(to_jpeg(crop, CROP_SIDE, quality=85))
        return out
