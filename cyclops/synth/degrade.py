"""Geometric and photometric degradations of a photo, moving the ground-truth polygons with the pixels.

Every geometric step maps the image with OpenCV and the polygons with the
*same* mapping (a homography through ``cv2.perspectiveTransform``, or the
analytic forward map of the cylinder whose inverse feeds ``cv2.remap``), so
truth boxes stay on the text. Polygon edges are densified before non-linear
maps so curved lines stay covered.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from cyclops.model.ocr import Polygon, bbox_of, union_polygon
from cyclops.model.truth import TruthLine

PointMap = Callable[[np.ndarray], np.ndarray]  # (N, 2) float -> (N, 2) float


@dataclass
class Shot:
    """A photo under construction: pixels (H, W, 3 uint8 RGB), truth lines in its pixel coordinates, what was done."""

    image: np.ndarray
    lines: list[TruthLine]
    degradations: dict[str, object] = field(default_factory=dict)
    rotation: int = 0  # degrees clockwise that make the text upright again
    # text of other products in the scene (shelf, background): moved with the pixels, never part of the truth lines
    background: list[TruthLine] = field(default_factory=list)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.shape[1], self.image.shape[0]


# ---------------------------------------------------------------- polygons


def densify(polygon: Polygon, per_edge: int) -> Polygon:
    """Insert points along each edge so a non-linear map bends the outline with the text."""
    if per_edge <= 1 or len(polygon) < 2:
        return list(polygon)
    out: Polygon = []
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1]):
        for k in range(per_edge):
            t = k / per_edge
            out.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
    return out


def map_polygon(polygon: Polygon, fn: PointMap, per_edge: int = 1) -> Polygon:
    pts = np.asarray(densify(polygon, per_edge), dtype=np.float64).reshape(-1, 2)
    if len(pts) == 0:
        return []
    return [(round(float(x), 2), round(float(y), 2)) for x, y in fn(pts)]


def map_lines(lines: list[TruthLine], fn: PointMap, per_edge: int = 1) -> list[TruthLine]:
    """The same lines with every word and line polygon moved by ``fn``."""
    out = []
    for line in lines:
        words = [w.model_copy(update={"polygon": map_polygon(w.polygon, fn, per_edge)}) for w in line.words]
        out.append(
            line.model_copy(
                update={"polygon": map_polygon(line.polygon, fn, max(per_edge, 1) * 3 if per_edge > 1 else 1), "words": words}
            )
        )
    return out


def homography_map(h: np.ndarray) -> PointMap:
    def fn(pts: np.ndarray) -> np.ndarray:
        return cv2.perspectiveTransform(pts.reshape(-1, 1, 2).astype(np.float64), h).reshape(-1, 2)

    return fn


def keep_inside(lines: list[TruthLine], width: int, height: int, tol: float = 1.0) -> list[TruthLine]:
    """Drop words not wholly inside the image (they cannot be read exactly); rebuild lines from what is left."""
    out = []
    for line in lines:
        words = [
            w
            for w in line.words
            if (b := bbox_of(w.polygon))[0] >= -tol and b[1] >= -tol and b[2] <= width + tol and b[3] <= height + tol
        ]
        if words:
            out.append(with_words(line, words))
    return out


def with_words(line: TruthLine, words: list) -> TruthLine:
    """The line rebuilt from some of its words (text and polygon follow); the line itself when all are kept."""
    if len(words) == len(line.words):
        return line
    return line.model_copy(update={"words": words, "text": " ".join(w.text for w in words),
                                   "polygon": union_polygon([w.polygon for w in words])})


# ---------------------------------------------------------------- composition


def background(width: int, height: int, rng: random.Random) -> np.ndarray:
    """A table-top: a base colour with a soft gradient and fine grain (deterministic for ``rng``).

    Built at 1/8 scale and enlarged: the gradient is linear and the grain soft, so nothing is lost and it is fast."""
    sw, sh = width // 8 + 2, height // 8 + 2
    base = np.array([rng.randint(60, 200), rng.randint(60, 190), rng.randint(50, 180)], dtype=np.float32)
    gy = np.linspace(-1, 1, sh, dtype=np.float32)[:, None, None]
    gx = np.linspace(-1, 1, sw, dtype=np.float32)[None, :, None]
    img = base + 25 * (rng.uniform(-1, 1) * gx + rng.uniform(-1, 1) * gy)
    img = img + np.random.default_rng(rng.getrandbits(32)).normal(0, 4, (sh, sw, 1)).astype(np.float32)
    small = np.clip(img, 0, 255).astype(np.uint8)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def curve(face: np.ndarray, lines: list[TruthLine], rng: random.Random) -> tuple[np.ndarray, np.ndarray, list[TruthLine], dict]:
    """Wrap the face around a vertical cylinder (a bottle): returns RGB, alpha mask, moved lines, parameters."""
    h, w = face.shape[:2]
    half_angle = rng.uniform(0.45, 0.8)  # radians of cylinder visible on each side of the centre
    radius = w / (2 * half_angle)
    bow = rng.uniform(-0.03, 0.03) * h  # vertical bow of horizontal lines (camera above or below)
    cx = w / 2

    def forward(pts: np.ndarray) -> np.ndarray:
        theta = (pts[:, 0] - cx) / radius
        return np.stack([cx + radius * np.sin(theta), pts[:, 1] + bow * (1 - np.cos(theta))], axis=1)

    # the map depends on x only, except for the bow: build one row and broadcast
    xs = np.arange(w, dtype=np.float64) + 0.5
    theta_row = np.arcsin(np.clip((xs - cx) / radius, -1, 1))
    valid_row = np.abs(xs - cx) <= radius * math.sin(half_angle)
    ys = (np.arange(h, dtype=np.float32) + 0.5)[:, None]
    map_x = np.broadcast_to(np.where(valid_row, cx + radius * theta_row, -10).astype(np.float32) - 0.5, (h, w)).copy()
    map_y = (
        np.where(valid_row[None, :], ys - (bow * (1 - np.cos(theta_row))).astype(np.float32)[None, :], -10).astype(np.float32)
        - 0.5
    )
    theta = np.broadcast_to(theta_row.astype(np.float32), (h, w))
    out = cv2.remap(face, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    mask = cv2.remap(
        np.full((h, w), 255, np.uint8), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    shade = (0.78 + 0.22 * np.cos(theta)).astype(np.float32)
    out = cv2.multiply(out.astype(np.float32), cv2.merge([shade, shade, shade]), dtype=cv2.CV_8U)
    params = {"half_angle": round(half_angle, 4), "radius": round(radius, 2), "bow": round(bow, 2)}
    return out, mask, map_lines(lines, forward, per_edge=4), params


def place(
    photo: np.ndarray,
    face: np.ndarray,
    mask: np.ndarray,
    lines: list[TruthLine],
    region: tuple[int, int, int, int],
    rng: random.Random,
    skew: bool,
    perspective: bool,
) -> tuple[list[TruthLine], dict]:
    """Paste the face into ``region`` of the photo through a homography (scale, skew, perspective); returns moved lines."""
    fh, fw = face.shape[:2]
    rx0, ry0, rx1, ry1 = region
    scale = min((rx1 - rx0) / fw, (ry1 - ry0) / fh) * rng.uniform(0.84, 0.95)
    angle = math.radians(rng.uniform(-4, 4)) if skew else 0.0
    cx, cy = (rx0 + rx1) / 2 + rng.uniform(-0.02, 0.02) * (rx1 - rx0), (ry0 + ry1) / 2 + rng.uniform(-0.02, 0.02) * (ry1 - ry0)
    src = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], dtype=np.float32)
    ca, sa = math.cos(angle), math.sin(angle)
    dst = []
    jitter = []
    for x, y in src:
        dx, dy = (x - fw / 2) * scale, (y - fh / 2) * scale
        px, py = cx + dx * ca - dy * sa, cy + dx * sa + dy * ca
        jx, jy = (rng.uniform(-0.05, 0.05) * fw * scale, rng.uniform(-0.05, 0.05) * fh * scale) if perspective else (0.0, 0.0)
        jitter.append([round(jx, 2), round(jy, 2)])
        dst.append([px + jx, py + jy])
    hmat = cv2.getPerspectiveTransform(src, np.array(dst, dtype=np.float32))
    size = (photo.shape[1], photo.shape[0])
    warped = cv2.warpPerspective(face, hmat, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    alpha = cv2.warpPerspective(mask, hmat, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    a = alpha.astype(np.float32) * (1 / 255)
    photo[:] = cv2.blendLinear(warped, photo, a, 1 - a)
    params = {"scale": round(scale, 4), "angle_deg": round(math.degrees(angle), 3), "corner_jitter": jitter}
    return map_lines(lines, homography_map(hmat.astype(np.float64))), params


# ---------------------------------------------------------------- crops


def crop_box(shot: Shot, box: tuple[int, int, int, int]) -> Shot:
    x0, y0, x1, y1 = box
    image = np.ascontiguousarray(shot.image[y0:y1, x0:x1])

    def shift(p: np.ndarray) -> np.ndarray:
        return p - np.array([x0, y0], dtype=np.float64)

    moved = map_lines(shot.lines, shift)
    back = keep_inside(map_lines(shot.background, shift), x1 - x0, y1 - y0) if shot.background else []
    return Shot(image, keep_inside(moved, x1 - x0, y1 - y0), dict(shot.degradations), shot.rotation, back)


def _npn_words(shot: Shot) -> list[Polygon]:
    return [w.polygon for line in shot.lines if line.label == "npn" for w in line.words]


def edge_crop(shot: Shot, rng: random.Random) -> tuple[Shot, dict] | None:
    """Cut a strip off one edge, never touching an NPN word; None when no side allows it."""
    w, h = shot.size
    protect = [bbox_of(p) for p in _npn_words(shot)]
    sides = ["left", "right", "top", "bottom"]
    rng.shuffle(sides)
    for side in sides:
        frac = rng.uniform(0.08, 0.2)
        box = {
            "left": (round(w * frac), 0, w, h),
            "right": (0, 0, round(w * (1 - frac)), h),
            "top": (0, round(h * frac), w, h),
            "bottom": (0, 0, w, round(h * (1 - frac))),
        }[side]
        if all(b[0] >= box[0] + 2 and b[1] >= box[1] + 2 and b[2] <= box[2] - 2 and b[3] <= box[3] - 2 for b in protect):
            return crop_box(shot, box), {"side": side, "fraction": round(frac, 4)}
    return None


def npn_cut(shot: Shot, rng: random.Random) -> tuple[Shot, dict] | None:
    """Cut the photo through the NPN digits (along the reading direction), leaving a partial number."""
    number = [
        line.words[-1].polygon
        for line in shot.lines
        if line.label == "npn" and line.words and any(c.isdigit() for c in line.words[-1].text)
    ]
    if not number:
        return None
    x0, y0, x1, y1 = bbox_of(number[0])
    w, h = shot.size
    frac = rng.uniform(0.3, 0.6)
    if x1 - x0 >= y1 - y0:  # horizontal: cut off the left part (prefix and first digits)
        cut = round(x0 + frac * (x1 - x0))
        box, side = (cut, 0, w, h), "left"
    else:  # vertical, read bottom to top: cut off the top (last digits)
        cut = round(y0 + frac * (y1 - y0))
        box, side = (0, cut, w, h), "top"
    return crop_box(shot, box), {"side": side, "at": cut, "fraction_of_number": round(frac, 4)}


# ---------------------------------------------------------------- resolution and rotation


def downscale(shot: Shot, rng: random.Random) -> tuple[Shot, dict]:
    factor = rng.uniform(0.6, 0.8)
    w, h = shot.size
    nw, nh = round(w * factor), round(h * factor)
    image = cv2.resize(shot.image, (nw, nh), interpolation=cv2.INTER_AREA)
    s = np.array([nw / w, nh / h])
    back = map_lines(shot.background, lambda p: p * s) if shot.background else []
    return Shot(image, map_lines(shot.lines, lambda p: p * s), dict(shot.degradations), shot.rotation, back), {
        "factor": round(factor, 4),
        "size": [nw, nh],
    }


def rotate90(shot: Shot, degrees_cw: int) -> Shot:
    """Turn the photo clockwise by 90, 180 or 270 degrees; ``rotation`` then records the turn that undoes it."""
    w, h = shot.size
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    maps: dict[int, PointMap] = {
        90: lambda p: np.stack([h - p[:, 1], p[:, 0]], axis=1),
        180: lambda p: np.stack([w - p[:, 0], h - p[:, 1]], axis=1),
        270: lambda p: np.stack([p[:, 1], w - p[:, 0]], axis=1),
    }
    image = np.ascontiguousarray(cv2.rotate(shot.image, codes[degrees_cw]))
    back = map_lines(shot.background, maps[degrees_cw]) if shot.background else []
    return Shot(
        image, map_lines(shot.lines, maps[degrees_cw]), dict(shot.degradations), (shot.rotation + 360 - degrees_cw) % 360, back
    )


# ---------------------------------------------------------------- photometric


def blur(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict]:
    sigma = rng.uniform(0.6, 1.3)
    return cv2.GaussianBlur(image, (0, 0), sigma), {"sigma": round(sigma, 3)}


def glare(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict]:
    h, w = image.shape[:2]
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    rx, ry = rng.uniform(0.08, 0.2) * w, rng.uniform(0.08, 0.2) * h
    strength = rng.uniform(0.3, 0.55)
    gx = np.exp(-(((np.arange(w, dtype=np.float32) - cx) / rx) ** 2))
    gy = np.exp(-(((np.arange(h, dtype=np.float32) - cy) / ry) ** 2))
    g = np.outer(gy, gx).astype(np.float32) * strength  # separable gaussian spot
    out = cv2.blendLinear(np.full_like(image, 255), image, g, 1 - g)
    return out, {"center": [round(cx, 1), round(cy, 1)], "radii": [round(rx, 1), round(ry, 1)], "strength": round(strength, 3)}


def noise(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict]:
    sigma = rng.uniform(3, 8)
    # a 256x256 tile of gaussian grain repeated with a random offset: looks the same to OCR, ten times cheaper
    h, w = image.shape[:2]
    tile = np.random.default_rng(rng.getrandbits(32)).standard_normal((256, 256, 3), dtype=np.float32) * np.float32(sigma)
    oy, ox = rng.randrange(256), rng.randrange(256)
    grain = np.tile(tile, ((h + oy) // 256 + 1, (w + ox) // 256 + 1, 1))[oy : oy + h, ox : ox + w, : image.shape[2]]
    return cv2.add(image.astype(np.float32), grain, dtype=cv2.CV_8U), {"sigma": round(sigma, 3)}
