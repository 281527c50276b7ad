"""Is this photo good enough to read? Told at once, while the inspector still holds the product.

Two kinds of checks, both pure functions:

* on the pixels, fast (a 12 MP photo in well under a second, on a copy scaled to ``work_side``): too dark
  (the bright parts of the photo are still dark), washed out (even the darkest parts are pale: glare or
  overexposure leaves no dark print), blurred (even the sharpest parts have little fine detail: variance
  of the Laplacian, tile by tile);
* on the photo's OCR (``cyclops.model.ocr.Document``, the reading an analysis reuses): no text found, text
  too small (the median printed line is too few pixels tall to be read reliably), and the NPN cut off by the
  photo's edge, judged by the extractor's own rules (``cyclops.normalize.licence.parse_npn`` for a licence number
  without its 8 digits, ``at_edge`` for a line touching the edge) rather than a second rule here.

Every issue carries a plain message in English and French and a severity; thresholds live in ``QualityParams``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from cyclops.extract.lines import SourceLine
from cyclops.extract.npn import at_edge, find_npn
from cyclops.extract.params import DEFAULTS as EXTRACT_DEFAULTS
from cyclops.layout import line_features, median_line_height
from cyclops.model.ocr import Document
from cyclops.model.photo_check import PhotoCheck, QualityIssue
from cyclops.normalize.licence import parse_npn
from cyclops.params import Params


@dataclass(frozen=True)
class QualityParams(Params):
    """Every threshold of the photo checks (luminance on 0-255; pixels of the photo as taken)."""

    work_side: int = 1600  # the pixel checks look at the photo scaled down so its longer side is at most this
    bright_quantile: float = 0.95  # "the bright parts": this quantile of luminance
    too_dark: float = 80.0  # ...below this, the photo is too dark to read
    dark_quantile: float = 0.02  # "the darkest parts" (the print): this quantile of luminance
    washed_out: float = 150.0  # ...above this, there is no dark print left: glare or overexposure
    denoise: float = 1.0  # Gaussian sigma (work-side pixels) smoothed away before measuring detail: sensor noise
    tile: int = 32  # side of the tiles the sharpness is measured in (work-side pixels)
    sharp_quantile: float = 0.97  # the sharpest tiles (the print) are this quantile of the tiles' sharpness
    blurred: float = 150.0  # ...variance of their Laplacian (at ``contrast``) below this: blurred
    contrast: float = 128.0  # sharpness is scaled to this contrast (bright parts minus print), so a dim sharp photo stays sharp
    min_line_px: float = 16.0  # median printed line height (photo pixels) below this: text too small to read
    npn_edge: float = EXTRACT_DEFAULTS.npn_edge  # a line this close to the edge (share of the photo) touches it


DEFAULTS = QualityParams()

#: what the inspector is told, in both languages ({value} and {limit} are the measure and its threshold)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "too_dark": ("high", "Too dark: the label cannot be read. Add light or step out of the shadow, then take it again.",
                 "Trop sombre : l'étiquette est illisible. Ajoutez de la lumière ou sortez de l'ombre, puis reprenez la photo."),
    "washed_out": ("high", "Too bright or glare: the print is washed out. Tilt the product away from the light, then take it again.",
                   "Trop clair ou reflet : l'impression est délavée. Inclinez le produit hors de la lumière, puis reprenez la photo."),
    "blurred": ("high", "Blurred: hold the phone still and tap the label to focus, then take it again.",
                "Floue : tenez le téléphone immobile et touchez l'étiquette pour faire la mise au point, puis reprenez la photo."),
    "no_text": ("high", "No text found: is the label in the photo? Take it again, label facing the camera.",
                "Aucun texte trouvé : l'étiquette est-elle sur la photo ? Reprenez-la, étiquette face à l'appareil."),
    "text_too_small": ("high", "Text too small to read ({value:.0f} pixels high, {limit:.0f} needed): come closer so the label fills the photo.",
                       "Texte trop petit pour être lu ({value:.0f} pixels de haut, {limit:.0f} requis) : approchez-vous pour que l'étiquette remplisse la photo."),
    "npn_cut_off": ("high", "The NPN is cut off by the edge of the photo: move the phone so the whole number is in the picture.",
                    "Le NPN est coupé par le bord de la photo : déplacez le téléphone pour que tout le numéro soit sur la photo."),
}


def issue(code: str, value: float | None = None, limit: float | None = None) -> QualityIssue:
    """The issue ``code`` with its messages filled in."""
    severity, en, fr = MESSAGES[code]
    fill = {"value": value or 0.0, "limit": limit or 0.0}
    return QualityIssue(code=code, severity=severity, message={"en": en.format(**fill), "fr": fr.format(**fill)},  # type: ignore[arg-type]
                        value=None if value is None else round(float(value), 2),
                        limit=None if limit is None else round(float(limit), 2))


def working_gray(image: Image.Image | np.ndarray, side: int = DEFAULTS.work_side) -> np.ndarray:
    """8-bit luminance of the photo, scaled down (box filter) so its longer side is at most ``side``."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    factor = math.ceil(max(image.size) / side) if max(image.size) > side else 1
    if factor > 1:
        image = image.reduce(factor)  # a box filter: fast, and it averages sensor noise rather than aliasing it
    return np.asarray(image.convert("L"))


def sharpness(gray: np.ndarray, params: QualityParams = DEFAULTS) -> float:
    """Variance of the Laplacian in the sharpest tiles: high for crisp print, low when all of it is blurred
    (tiles, not the whole photo, so a sharp label on a plain background is not called blurred)."""
    # a light smoothing first: sensor noise has a strong Laplacian of its own that would pass for detail
    lap = cv2.Laplacian(cv2.GaussianBlur(gray, (0, 0), params.denoise), cv2.CV_32F, ksize=3)
    t = params.tile
    rows, cols = lap.shape[0] // t, lap.shape[1] // t
    if rows == 0 or cols == 0:
        return float(lap.var())
    tiles = lap[: rows * t, : cols * t].reshape(rows, t, cols, t).swapaxes(1, 2).reshape(rows * cols, t * t)
    return float(np.quantile(tiles.var(axis=1), params.sharp_quantile))


def check_pixels(image: Image.Image | np.ndarray, params: QualityParams = DEFAULTS) -> list[QualityIssue]:
    """Too dark, washed out, blurred: from the pixels alone. A photo too dark to judge is not also called blurred."""
    gray = working_gray(image, params.work_side)
    bright, dark = np.quantile(gray, [params.bright_quantile, params.dark_quantile])
    if bright < params.too_dark:
        return [issue("too_dark", bright, params.too_dark)]
    issues = []
    if dark > params.washed_out:
        issues.append(issue("washed_out", dark, params.washed_out))
    # the Laplacian grows with contrast squared: a dim but sharp photo is not blurred
    sharp = sharpness(gray, params) * (params.contrast / max(float(bright - dark), 16.0)) ** 2
    if sharp < params.blurred:
        issues.append(issue("blurred", sharp, params.blurred))
    return issues


def check_reading(doc: Document, params: QualityParams = DEFAULTS) -> list[QualityIssue]:
    """No text, text too small, NPN cut off: from the photo's OCR (its first page)."""
    if not doc.pages or not any(line.words for line in doc.pages[0].lines()):
        return [issue("no_text")]
    page = doc.pages[0]
    issues = []
    height = median_line_height(page)
    if height < params.min_line_px:
        issues.append(issue("text_too_small", height, params.min_line_px))
    if any(npn_cut_off(SourceLine(text=line.text, features=line_features(page, line)), params) for line in page.lines()):
        issues.append(issue("npn_cut_off"))
    return issues


def npn_cut_off(line: SourceLine, params: QualityParams = DEFAULTS) -> bool:
    """A line printing "NPN" or "DIN-HM" without its 8 digits, touching the photo's edge: the edge cut the number.

    The extractor's own rules: ``parse_npn`` says the number is incomplete, ``at_edge`` that the line touches the edge.
    """
    parsed = parse_npn(line.text)
    return parsed is not None and parsed[0] is None and at_edge(line, params.npn_edge)


def printed_npn(doc: Document) -> str | None:
    """The NPN or DIN-HM printed on the photo, when read whole (``find_npn`` on its lines, prefix required)."""
    return find_npn([line.text for _page, line in doc.lines()]).value


def verdict(issues: list[QualityIssue]) -> str:
    """``retake`` when any issue is high, ``check`` when any is medium, else ``good``."""
    if any(i.severity == "high" for i in issues):
        return "retake"
    return "check" if issues else "good"


def photo_check(filename: str, size: tuple[int, int], issues: list[QualityIssue], read: bool) -> PhotoCheck:
    """The verdict on a photo of ``size`` (width, height) from the issues found."""
    return PhotoCheck(filename=filename, width=size[0], height=size[1], verdict=verdict(issues),  # type: ignore[arg-type]
                      issues=issues, read=read)


def check_photo(filename: str, image: Image.Image | np.ndarray, doc: Document | None = None,
                params: QualityParams = DEFAULTS) -> PhotoCheck:
    """The whole verdict: the pixel checks, then the reading checks when the photo's OCR is given."""
    issues = check_pixels(image, params)
    if doc is not None:
        issues += check_reading(doc, params)
    size = image.size if isinstance(image, Image.Image) else (image.shape[1], image.shape[0])
    result = photo_check(filename, size, issues, doc is not None)
    return result.model_copy(update={"npn": printed_npn(doc)}) if doc is not None else result
