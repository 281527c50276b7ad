"""Scenes closer to inspectors' phone photos: a package held in a hand or standing on a shelf among other
products, glare spots and fingers over the label (issue 12, section 4).

Used only when ``SynthConfig.realism`` is on. Scene choices (hand, shelf, container, fingers, glare spots,
other products) come from the product's realism random stream; the camera steps after them (``photo.finish``:
crop, blur, noise, 90-degree turn...) from the main one, with the usual ``SynthConfig.degradations``.

Truth rules:
- the product's own lines stay exact (they are moved with the pixels, as in ``degrade``);
- text of other products (shelf distractors, price tags) is background: it is never a truth line. It is
  kept in ``Shot.background`` (moved with the pixels) and written to ``TruthImage.degradations["scene"]
  ["distractor_lines"]`` (text, polygon, ``reading_deg``: its reading direction in the photo, 0 = upright),
  so tests and orientation work can find it;
- a word hidden by a finger or washed out by a glare spot (more than ``HIDDEN_SHARE`` of its box under
  skin / under a highlight stronger than ``GLARE_CORE``) is DROPPED from the truth lines, like a word cut
  off by a crop; a line left with no word is dropped. What was dropped is listed in the image's
  degradation record (``fingers`` / ``glare_spots``: ``hidden_lines``, lines wholly gone, and
  ``hidden_words``, a count). Fingers and spots are placed so that they never hide an NPN,
  medicinal-ingredient or product-name word (as crops never cut the NPN): the key facts in ``printed``
  stay readable; other text (a caution, a heading, the brand) may be hidden, and ``printed`` still lists
  it, as it does for text a crop cut off.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np

from cyclops.model.ocr import bbox_of
from cyclops.model.truth import TruthLine
from cyclops.synth import degrade
from cyclops.synth.canvas import Canvas, wrap
from cyclops.synth.config import CONTAINERS, SynthConfig
from cyclops.synth.degrade import Shot
from cyclops.synth.faces import Face
from cyclops.synth.fonts import available_families, font
from cyclops.synth.photo import compose, finish

HIDDEN_SHARE = 0.15  # a word with more of its box than this under a finger or a glare core is not in the truth
GLARE_CORE = 0.7  # highlight strength above which print is washed out
PROTECTED = ("npn", "medicinal_ingredient", "product_name")

SKIN_TONES: tuple[tuple[int, int, int], ...] = (
    (241, 200, 172),
    (228, 178, 146),
    (205, 145, 112),
    (168, 112, 80),
    (120, 80, 56),
    (86, 58, 42),
)
CONTAINER_COLOURS: tuple[tuple[int, int, int], ...] = (
    (238, 238, 236),
    (250, 250, 248),
    (120, 62, 22),
    (30, 30, 34),
    (26, 60, 120),
    (40, 100, 60),
    (190, 40, 50),
)
DISTRACTOR_NAMES: tuple[tuple[str, str], ...] = (
    ("Omega-3", "Fish Oil 1000 mg"),
    ("Probiotic", "50 Billion CFU"),
    ("Vitamin C", "Time Release"),
    ("Magnesium", "Citrate 150 mg"),
    ("Collagen", "Peptides"),
    ("Melatonin", "Quick Dissolve"),
    ("Iron", "Gentle Formula"),
    ("Zinc", "Lozenges"),
    ("Multivitamin", "Women 50+"),
    ("Elderberry", "Syrup"),
    ("Turmeric", "Curcumin"),
    ("B12", "Energy"),
    ("Calcium", "with Vitamin D"),
    ("CoQ10", "Ubiquinol"),
)
DISTRACTOR_BRANDS: tuple[str, ...] = ("NATURA", "Vita+Life", "PURE LAB", "Greenleaf", "Nordic Sun", "Apex", "Herbalis", "Solaris")
DISTRACTOR_LINES: tuple[str, ...] = ("60 Capsules", "120 Softgels", "Dietary Supplement", "Non-GMO", "90 Tablets", "Sugar Free")


# ---------------------------------------------------------------- helpers


def reading_degrees(polygon) -> int:
    """Direction of reading of a word box (first edge: top-left -> top-right), in photo degrees clockwise: 0 = upright."""
    (x0, y0), (x1, y1) = polygon[0], polygon[1]
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0)) % 360
    return int(round(angle / 90) % 4) * 90


def _shift(lines: list[TruthLine], dx: float, dy: float) -> list[TruthLine]:
    return degrade.map_lines(lines, lambda p: p + np.array([dx, dy], dtype=np.float64))


def _paste(photo: np.ndarray, image: np.ndarray, x: int, y: int, alpha: np.ndarray | None = None) -> None:
    """Paste ``image`` at (x, y), clipped to the photo; ``alpha`` (0..1 float) blends it."""
    h, w = photo.shape[:2]
    ih, iw = image.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + iw), min(h, y + ih)
    if x0 >= x1 or y0 >= y1:
        return
    src = image[y0 - y : y1 - y, x0 - x : x1 - x]
    if alpha is None:
        photo[y0:y1, x0:x1] = src
    else:
        a = alpha[y0 - y : y1 - y, x0 - x : x1 - x, None]
        photo[y0:y1, x0:x1] = (src * a + photo[y0:y1, x0:x1] * (1 - a)).astype(np.uint8)


def soft_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur; wide ones are done at a reduced scale (same look, a fraction of the time on 12 MP photos)."""
    if sigma <= 3:
        return cv2.GaussianBlur(image, (0, 0), sigma)
    h, w = image.shape[:2]
    f = 3 / sigma
    small = cv2.resize(image, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    return cv2.resize(cv2.GaussianBlur(small, (0, 0), 3), (w, h), interpolation=cv2.INTER_LINEAR)


def occlude(
    lines: list[TruthLine], cover: np.ndarray, threshold: float, origin: tuple[int, int] = (0, 0)
) -> tuple[list[TruthLine], list[str], int]:
    """Drop the words with more than ``HIDDEN_SHARE`` of their box where ``cover`` > ``threshold``
    (``cover`` may be a window of the photo whose top-left corner is ``origin``).

    Returns the lines rebuilt from what is left, the texts of lines wholly hidden, and the number of hidden words."""
    h, w = cover.shape[:2]
    ox, oy = origin
    integral = cv2.integral((cover > threshold).astype(np.uint8))
    out, gone, hidden = [], [], 0

    def share(polygon) -> float:
        bx0, by0, bx1, by1 = bbox_of(polygon)
        area = max(1.0, (bx1 - bx0) * (by1 - by0))
        x0, y0, x1, y1 = bx0 - ox, by0 - oy, bx1 - ox, by1 - oy
        x0, y0 = max(0, int(x0)), max(0, int(y0))
        x1, y1 = min(w, math.ceil(x1)), min(h, math.ceil(y1))
        if x1 <= x0 or y1 <= y0:
            return 0.0
        total = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
        return float(total) / area

    for line in lines:
        words = [wd for wd in line.words if share(wd.polygon) <= HIDDEN_SHARE]
        hidden += len(line.words) - len(words)
        if not words:
            gone.append(line.text)
        else:
            out.append(degrade.with_words(line, words))
    return out, gone, hidden


def _touches_protected(lines: list[TruthLine], cover: np.ndarray, threshold: float, origin: tuple[int, int] = (0, 0)) -> bool:
    protected = [line for line in lines if line.label in PROTECTED]
    if not protected:
        return False
    _, _gone, hidden = occlude(protected, cover, threshold, origin)
    return hidden > 0


# ---------------------------------------------------------------- backgrounds and other products


def _distractor(rng: random.Random, width: int, height: int) -> Shot:
    """Another product's face: coloured box with a brand, a name and a line or two (text recorded as lines)."""
    colour = rng.choice(CONTAINER_COLOURS + ((250, 210, 60), (120, 60, 150), (0, 130, 130)))
    dark = sum(colour) < 380
    ink = (250, 250, 250) if dark else (20, 20, 30)
    c = Canvas(width, height, colour)
    fam = rng.choice(available_families())
    name, sub = rng.choice(DISTRACTOR_NAMES)
    pad = max(6, width // 14)
    y = pad
    sizes = (max(10, width // 11), max(12, width // rng.choice((5, 6, 7))), max(9, width // 12), max(8, width // 14))
    texts = (rng.choice(DISTRACTOR_BRANDS), name, sub, rng.choice(DISTRACTOR_LINES))
    for k, (text, size) in enumerate(zip(texts, sizes)):
        f = font(fam.bold if k in (0, 1) else fam.regular, size)
        for part in wrap(text, f, width - 2 * pad, c)[:2]:
            if y + size * 1.3 > height - pad:
                break
            if c.text_width(part, f) <= width - 2 * pad:
                c.line(pad, y, part, f, ink, "other", None)
            y += round(size * 1.25)
        y += round(size * 0.5)
    return Shot(np.asarray(c.image, dtype=np.uint8).copy(), list(c.lines))


def _shelf(w: int, h: int, rng: random.Random, floor: float) -> tuple[np.ndarray, list[TruthLine], dict]:
    """A store shelf: back wall, the shelf board at ``floor`` (fraction of the height), other products standing on it
    and on a shelf above, turned every way (lying on their side, upside down), and a price tag."""
    wall = np.array([rng.randint(150, 235)] * 3, dtype=np.float32) + np.array([rng.uniform(-15, 15) for _ in range(3)])
    ys = np.linspace(0, 1, h // 8 + 2, dtype=np.float32)[:, None, None]
    small = np.clip(wall * (0.8 + 0.25 * ys) + np.zeros((1, w // 8 + 2, 1), np.float32), 0, 255).astype(np.uint8)
    photo = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    lines: list[TruthLine] = []
    turns: list[int] = []
    board = round(h * rng.uniform(0.03, 0.05))
    shelf_y = round(h * floor)
    upper_y = round(h * rng.uniform(0.05, 0.14))
    for base in (shelf_y, upper_y):
        x = -rng.randint(0, w // 12)
        while x < w:
            bw = round(w * rng.uniform(0.09, 0.2))
            bh = round(bw * rng.uniform(1.2, 2.0))
            turn = rng.choices((0, 90, 180, 270), weights=(4, 2, 1, 2))[0]
            box = _distractor(rng, bw, bh)
            if turn:
                box = degrade.rotate90(box, turn)
            ih, iw = box.image.shape[:2]
            top = base - ih if base == shelf_y else base - ih + round(h * 0.12)
            _paste(photo, box.image, x, top)
            lines += _shift(box.lines, x, top)
            turns.append(turn)
            x += iw + rng.randint(0, w // 40)
        plank = np.array([rng.randint(90, 200)] * 3, dtype=np.uint8)
        y0 = base if base == shelf_y else base + round(h * 0.12)
        photo[max(0, y0) : min(h, y0 + board)] = plank
        photo[max(0, y0 + board) : min(h, y0 + board + max(2, board // 3))] = (plank * 0.6).astype(np.uint8)
    # a price tag on the front edge of the shelf board
    tag = Canvas(round(w * 0.09), max(20, board), (252, 252, 245))
    fam = available_families()[0]
    price = f"${rng.randint(8, 49)}.{rng.choice((49, 99, 79))}"
    tag.line(6, 2, price, font(fam.bold, max(10, round(board * 0.6))), (20, 20, 20), "other", None)
    tx = rng.randint(0, max(1, w - tag.size[0]))
    _paste(photo, np.asarray(tag.image, dtype=np.uint8), tx, shelf_y)
    lines += _shift(tag.lines, tx, shelf_y)
    return photo, lines, {"distractors": len(turns), "turns": sorted(set(turns))}


# ---------------------------------------------------------------- containers


def _cylinder_shade(width: int) -> np.ndarray:
    x = np.linspace(-1, 1, width, dtype=np.float32)
    return (0.72 + 0.33 * np.sqrt(np.clip(1 - x**2, 0, 1))).astype(np.float32)


def _package(faces: list[Face], container: str, rng: random.Random) -> tuple[np.ndarray, np.ndarray, list[TruthLine], dict]:
    """The label(s) on a container: RGB, alpha (uint8) and the truth lines in package pixels."""
    if len(faces) > 1:  # two panels of a carton: side by side, the second a little darker
        parts = [np.asarray(f.canvas.image, dtype=np.uint8) for f in faces]
        hh = max(p.shape[0] for p in parts)
        out = np.zeros((hh, sum(p.shape[1] for p in parts), 3), np.uint8)
        lines: list[TruthLine] = []
        x = 0
        for k, (p, f) in enumerate(zip(parts, faces)):
            out[: p.shape[0], x : x + p.shape[1]] = (p * (1.0 - 0.12 * k)).astype(np.uint8)
            lines += _shift(f.lines, x, 0)
            x += p.shape[1]
        return out, np.full(out.shape[:2], 255, np.uint8), lines, {"container": "carton"}
    face = faces[0]
    label = np.asarray(face.canvas.image, dtype=np.uint8).copy()
    lines = list(face.lines)
    params: dict = {"container": container}
    lh, lw = label.shape[:2]
    lmask = np.full((lh, lw), 255, np.uint8)
    if container in ("bottle", "tub"):
        label, lmask, lines, params["curvature"] = degrade.curve(label, lines, rng)
    body = np.array(rng.choice(CONTAINER_COLOURS), dtype=np.float32)
    side = round(lw * rng.uniform(0.02, 0.05))
    top = round(lh * {"bottle": 0.1, "tub": 0.06, "pouch": 0.22}[container])
    bottom = round(lh * rng.uniform(0.04, 0.08))
    neck = round(lh * 0.3) if container == "bottle" else 0
    ph, pw = neck + top + lh + bottom, lw + 2 * side
    img = np.zeros((ph, pw, 3), np.float32)
    alpha = np.zeros((ph, pw), np.uint8)
    radius = max(6, pw // 30)
    cv2.rectangle(alpha, (0, neck + radius), (pw - 1, ph - 1 - radius), 255, -1)
    cv2.rectangle(alpha, (radius, neck), (pw - 1 - radius, ph - 1), 255, -1)
    for cx, cy in (
        (radius, neck + radius),
        (pw - 1 - radius, neck + radius),
        (radius, ph - 1 - radius),
        (pw - 1 - radius, ph - 1 - radius),
    ):
        cv2.circle(alpha, (cx, cy), radius, 255, -1)
    img[:] = body
    if container == "bottle":  # shoulder, neck and a ridged cap
        cap = np.array(rng.choice(CONTAINER_COLOURS), dtype=np.float32)
        sh = round(neck * 0.35)
        pts = np.array(
            [[0, neck + radius], [pw - 1, neck + radius], [round(pw * 0.72), neck - sh], [round(pw * 0.28), neck - sh]], np.int32
        )
        cv2.fillConvexPoly(alpha, pts, 255)
        cx0, cx1 = round(pw * 0.26), round(pw * 0.74)
        alpha[: neck - sh + 2, cx0:cx1] = 255
        img[: neck - sh + 2, cx0:cx1] = cap
        for rx in range(cx0 + 6, cx1 - 4, max(6, pw // 80)):
            img[: neck - sh, rx : rx + 2] = cap * 0.7
    elif container == "tub":  # a lid a little wider than the tub
        lid = np.array(rng.choice(CONTAINER_COLOURS), dtype=np.float32)
        img[neck : neck + top] = lid
        img[neck + top - max(3, top // 6) : neck + top] = lid * 0.75
    else:  # pouch: crimped seal and a zip line at the top
        seal = round(top * 0.35)
        for rx in range(0, pw, max(4, pw // 120)):
            img[:seal, rx : rx + 1] = body * 0.8
        img[round(top * 0.7) : round(top * 0.7) + max(2, top // 25)] = body * 0.75
        notch = max(4, seal // 2)
        cv2.fillConvexPoly(alpha, np.array([[0, seal], [notch, seal + notch // 2], [0, seal + notch]], np.int32), 0)
    shade = _cylinder_shade(pw) if container != "pouch" else (0.9 + 0.12 * _cylinder_shade(pw))
    img *= shade[None, :, None]
    m = (lmask.astype(np.float32) / 255)[:, :, None]
    ly, lx = neck + top, side
    img[ly : ly + lh, lx : lx + lw] = label * m + img[ly : ly + lh, lx : lx + lw] * (1 - m)
    params["size"] = [pw, ph]
    return np.clip(img, 0, 255).astype(np.uint8), alpha, _shift(lines, lx, ly), params


def _homography(size: tuple[int, int], box: tuple[float, float, float, float], rng: random.Random, tilt: float) -> np.ndarray:
    """Homography putting a (w, h) image into ``box`` (x0, y0, x1, y1) keeping its aspect, with a small tilt and
    perspective."""
    pw, ph = size
    x0, y0, x1, y1 = box
    scale = min((x1 - x0) / pw, (y1 - y0) / ph)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    a = math.radians(rng.uniform(-tilt, tilt))
    ca, sa = math.cos(a), math.sin(a)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    dst = []
    for x, y in src:
        dx, dy = (x - pw / 2) * scale, (y - ph / 2) * scale
        jx, jy = rng.uniform(-0.03, 0.03) * pw * scale, rng.uniform(-0.03, 0.03) * ph * scale
        dst.append([cx + dx * ca - dy * sa + jx, cy + dx * sa + dy * ca + jy])
    return cv2.getPerspectiveTransform(src, np.array(dst, np.float32))


# ---------------------------------------------------------------- hand


def _capsule(mask: np.ndarray, p0, p1, thickness: int) -> None:
    cv2.line(mask, (round(p0[0]), round(p0[1])), (round(p1[0]), round(p1[1])), 255, thickness, cv2.LINE_AA)
    for p in (p0, p1):
        cv2.circle(mask, (round(p[0]), round(p[1])), thickness // 2, 255, -1, cv2.LINE_AA)


def _skin(photo: np.ndarray, mask: np.ndarray, tone, rng: random.Random, tips=()) -> None:
    """Paint skin where ``mask`` is set: rounded shading (distance to the edge), a soft shadow and fingernails.

    Shading is computed at most 1000 px across and enlarged (skin has no detail to lose), then blended at full size."""
    bx, by, bw, bh = cv2.boundingRect(mask)
    if bw == 0 or bh == 0:
        return
    h, w = mask.shape
    pad = max(40, bw // 30)
    x0, y0, x1, y1 = max(0, bx - pad), max(0, by - pad), min(w, bx + bw + pad), min(h, by + bh + pad)
    rw, rh = x1 - x0, y1 - y0
    f = min(1.0, 1000 / max(rw, rh))
    sw, sh = max(1, round(rw * f)), max(1, round(rh * f))
    m = cv2.resize(mask[y0:y1, x0:x1], (sw, sh), interpolation=cv2.INTER_AREA) if f < 1 else mask[y0:y1, x0:x1]
    off = max(2, sw // 150)
    shadow = cv2.GaussianBlur(np.roll(np.roll(m, off, 0), off, 1).astype(np.float32) / 255, (0, 0), off * 2)
    dist = cv2.distanceTransform((m > 127).astype(np.uint8), cv2.DIST_L2, 3)
    depth = max(2.0, float(np.percentile(dist[dist > 0], 90)) if (dist > 0).any() else 2.0)
    shade = 0.7 + 0.38 * np.sqrt(np.clip(dist / depth, 0, 1))
    skin = np.array(tone, np.float32)[None, None, :] * shade[:, :, None]
    skin += np.random.default_rng(rng.getrandbits(32)).normal(0, 3, (sh, sw, 1)).astype(np.float32)
    nail = tuple(float(min(255, c * 1.12 + 12)) for c in tone)
    for (tx, ty), r in tips:  # nails: a lighter, pinker ellipse at each fingertip
        centre = (round((tx - x0) * f), round((ty - y0) * f))
        cv2.ellipse(skin, centre, (max(2, round(r * 0.55 * f)), max(2, round(r * 0.4 * f))), 0, 0, 360, nail, -1, cv2.LINE_AA)
    a = cv2.GaussianBlur(m.astype(np.float32) / 255, (0, 0), 1.0)
    skin8 = np.clip(skin, 0, 255).astype(np.uint8)
    if f < 1:
        skin8 = cv2.resize(skin8, (rw, rh), interpolation=cv2.INTER_LINEAR)
        a = cv2.resize(a, (rw, rh), interpolation=cv2.INTER_LINEAR)
        shadow = cv2.resize(shadow, (rw, rh), interpolation=cv2.INTER_LINEAR)
    roi = np.ascontiguousarray(photo[y0:y1, x0:x1])
    dark = np.ascontiguousarray(0.35 * shadow, dtype=np.float32)
    roi = cv2.blendLinear(roi, np.zeros_like(roi), 1 - dark, dark)
    photo[y0:y1, x0:x1] = cv2.blendLinear(skin8, roi, a, 1 - a)


def _hand_behind(photo: np.ndarray, quad: np.ndarray, side: str, tone, rng: random.Random) -> None:
    """Palm and forearm behind the package, coming up from the bottom of the photo on the holding side."""
    h, w = photo.shape[:2]
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    pw, ph = x1 - x0, y1 - y0
    edge = x0 if side == "left" else x1
    mask = np.zeros((h, w), np.uint8)
    cy = y0 + ph * rng.uniform(0.55, 0.75)
    cv2.ellipse(mask, (round(edge), round(cy)), (round(pw * 0.22), round(ph * 0.3)), 0, 0, 360, 255, -1, cv2.LINE_AA)
    arm = round(pw * 0.32)
    out = -1 if side == "left" else 1
    pts = np.array(
        [
            [edge - arm // 2, cy],
            [edge + arm // 2, cy],
            [edge + out * pw * 0.1 + arm // 2, h + 10],
            [edge + out * pw * 0.1 - arm // 2, h + 10],
        ],
        np.int32,
    )
    cv2.fillConvexPoly(mask, pts, 255, cv2.LINE_AA)
    _skin(photo, mask, tone, rng)


def _fingers(
    shape: tuple[int, int], quad: np.ndarray, side: str, depth: float, rng: random.Random
) -> tuple[np.ndarray, list, dict]:
    """A mask of four fingers reaching over the package from ``side`` by ``depth`` of its width, and a thumb opposite."""
    h, w = shape
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    pw, ph = x1 - x0, y1 - y0
    t = max(6, round(min(ph * rng.uniform(0.07, 0.09), pw * 0.09)))
    start = y0 + ph * rng.uniform(0.25, 0.6)
    sign = 1 if side == "left" else -1
    edge = x0 if side == "left" else x1
    mask = np.zeros((h, w), np.uint8)
    tips = []
    lengths = (0.8, 1.0, 0.95, 0.7)
    for k, f in enumerate(lengths):
        y = start + k * t * 1.02
        reach = pw * depth * f
        p0 = (edge - sign * t * 0.8, y + t * 0.3)
        p1 = (edge + sign * reach, y + rng.uniform(-0.15, 0.15) * t)
        _capsule(mask, p0, p1, t - max(1, t // 12))
        tips.append(((p1[0] - sign * t * 0.2, p1[1]), t / 2))
    # thumb on the other edge, higher up, short
    tedge = x1 if side == "left" else x0
    ty = y0 + ph * rng.uniform(0.2, 0.45)
    tt = round(t * 1.15)
    treach = pw * min(depth, 0.12) * rng.uniform(0.5, 1.0)
    p0, p1 = (tedge + sign * tt, ty + tt), (tedge - sign * treach, ty)
    _capsule(mask, p0, p1, tt)
    tips.append(((p1[0] + sign * tt * 0.2, p1[1]), tt / 2))
    return mask, tips, {"side": side, "depth": round(depth, 3), "finger_px": t}


# ---------------------------------------------------------------- glare


def _glare_spots(photo: np.ndarray, quad: np.ndarray, rng: random.Random, container: str, avoid) -> tuple[np.ndarray, list]:
    """1-3 sharp elliptical highlights on the package (streaks on bottles); spots that would wash out a protected
    word are moved (up to 8 tries) or left out. Returns the highlight strength map and the spots' parameters."""
    h, w = photo.shape[:2]
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    pw, ph = x1 - x0, y1 - y0
    total = np.zeros((h, w), np.float32)
    spots = []
    ux0, uy0, ux1, uy1 = w, h, 0, 0
    for _ in range(rng.randint(1, 3)):
        for _try in range(8):
            if container in ("bottle", "tub") and rng.random() < 0.6:
                rx, ry = pw * rng.uniform(0.015, 0.045), ph * rng.uniform(0.15, 0.4)
                ang = rng.uniform(-6, 6)
            else:
                rx, ry = pw * rng.uniform(0.03, 0.1), ph * rng.uniform(0.02, 0.07)
                ang = rng.uniform(-35, 35)
            cx, cy = rng.uniform(x0 + 0.1 * pw, x1 - 0.1 * pw), rng.uniform(y0 + 0.1 * ph, y1 - 0.1 * ph)
            strength = rng.uniform(0.85, 1.0)
            soft = max(1.5, min(rx, ry) * 0.35)
            pad = round(max(rx, ry) + 4 * soft)
            bx0, by0, bx1, by1 = (
                max(0, round(cx) - pad),
                max(0, round(cy) - pad),
                min(w, round(cx) + pad),
                min(h, round(cy) + pad),
            )
            if bx1 <= bx0 or by1 <= by0:
                continue
            roi = np.zeros((by1 - by0, bx1 - bx0), np.float32)
            cv2.ellipse(
                roi, (round(cx - bx0), round(cy - by0)), (max(1, round(rx)), max(1, round(ry))), ang, 0, 360, 1.0, -1, cv2.LINE_AA
            )
            roi = np.maximum(total[by0:by1, bx0:bx1], soft_blur(roi, soft) * strength)
            if avoid(roi, (bx0, by0)):
                continue
            total[by0:by1, bx0:bx1] = roi
            ux0, uy0, ux1, uy1 = min(ux0, bx0), min(uy0, by0), max(ux1, bx1), max(uy1, by1)
            spots.append(
                {
                    "center": [round(float(cx), 1), round(float(cy), 1)],
                    "radii": [round(float(rx), 1), round(float(ry), 1)],
                    "angle_deg": round(ang, 1),
                    "strength": round(strength, 3),
                }
            )
            break
    if spots:
        a = total[uy0:uy1, ux0:ux1, None]
        win = photo[uy0:uy1, ux0:ux1].astype(np.float32)
        photo[uy0:uy1, ux0:ux1] = np.clip(win * (1 - a) + np.array([255, 253, 246], np.float32) * a, 0, 255).astype(np.uint8)
    return total, spots


# ---------------------------------------------------------------- the scene


def photograph_scene(
    faces: list[Face], config: SynthConfig, rng: random.Random, real_rng: random.Random, *, cut_npn: bool = False
) -> Shot:
    """Photograph ``faces`` in a hand, on a shelf or on a table (as drawn from ``config.realism``), add glare spots and
    fingers, then the usual camera steps (``photo.finish``)."""
    real = config.realism
    w, h = config.width, config.height
    u = real_rng.random()
    kind = "hand" if u < real.hand else "shelf" if u < real.hand + real.shelf else "table"
    effects = not config.clean
    if kind == "table":
        shot = compose(faces, config, rng)
        if effects and real_rng.random() < real.glare_spots:
            lines = shot.lines
            boxes = np.array([bbox_of(line.polygon) for line in lines] or [(0, 0, w, h)], np.float32)
            quad = np.array([boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)], np.float32)  # where the label's text is
            cover, spots = _glare_spots(
                shot.image, quad, real_rng, "carton", lambda c, o: _touches_protected(lines, c, GLARE_CORE, o)
            )
            if spots:
                shot.lines, gone, hidden = occlude(shot.lines, cover, GLARE_CORE)
                shot.degradations["glare_spots"] = {"spots": spots, "hidden_words": hidden, "hidden_lines": gone}
        shot.degradations["scene"] = {"kind": "table"}
        return finish(shot, config, rng, cut_npn=cut_npn)

    container = real_rng.choice(CONTAINERS)
    pixels, alpha, lines, pkg = _package(faces, container, real_rng)
    # the package lying on its side on the shelf, or held sideways to read a side panel: the label's text runs at
    # 90/270 degrees while the shelf and the other products stay upright (the photo's ``rotation`` follows the label)
    turn = real_rng.choice((90, 270)) if real_rng.random() < real.turned else 0
    if turn:
        turned = degrade.rotate90(Shot(pixels, lines), turn)
        pixels, lines = turned.image, turned.lines
        alpha = np.ascontiguousarray(cv2.rotate(alpha, cv2.ROTATE_90_CLOCKWISE if turn == 90 else cv2.ROTATE_90_COUNTERCLOCKWISE))
        pkg["turned_deg_clockwise"] = turn
    ph, pw = pixels.shape[:2]
    scene: dict = {"kind": kind, **pkg}
    background: list[TruthLine] = []
    if kind == "shelf":
        floor = real_rng.uniform(0.8, 0.92)
        photo, background, info = _shelf(w, h, real_rng, floor)
        scene.update(info)
        height = h * floor * real_rng.uniform(0.62, 0.78)
        width = min(w * real_rng.uniform(0.45, 0.62), height * pw / ph)
        height = width * ph / pw
        cx = w * real_rng.uniform(0.42, 0.58)
        box = (cx - width / 2, h * floor - height, cx + width / 2, h * floor)
        tilt = 1.5
    else:
        if real_rng.random() < 0.5:
            photo, background, info = _shelf(w, h, real_rng, real_rng.uniform(0.6, 0.95))
            sigma = max(2.0, w / real_rng.uniform(250, 450))
            photo = soft_blur(photo, sigma)
            scene.update(info, background_blur=round(sigma, 2))
        else:
            photo = degrade.background(w, h, real_rng)
        fill = real_rng.uniform(0.72, 0.9)
        cx, cy = w * real_rng.uniform(0.45, 0.55), h * real_rng.uniform(0.45, 0.55)
        box = (cx - w * fill / 2, cy - h * fill / 2, cx + w * fill / 2, cy + h * fill / 2)
        tilt = 7.0
    hmat = _homography((pw, ph), box, real_rng, tilt)
    quad = cv2.perspectiveTransform(np.array([[[0, 0]], [[pw, 0]], [[pw, ph]], [[0, ph]]], np.float64), hmat).reshape(-1, 2)
    side = real_rng.choice(("left", "right"))
    tone = real_rng.choice(SKIN_TONES)
    if kind == "hand":
        _hand_behind(photo, quad, side, tone, real_rng)
    warped = cv2.warpPerspective(pixels, hmat, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    a = cv2.warpPerspective(alpha, hmat, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    af = a.astype(np.float32) * (1 / 255)
    # a soft shadow of the package on what is behind it (down and to one side of the light)
    reach = max(4, round(min(w, h) * real_rng.uniform(0.006, 0.02)))
    dx, dy = round(reach * real_rng.uniform(-1, 1)), reach
    shadow = soft_blur(np.roll(np.roll(af, dy, 0), dx, 1), reach * 1.5) * real_rng.uniform(0.25, 0.45)
    photo = cv2.blendLinear(photo, np.zeros_like(photo), 1 - shadow, shadow)
    photo = cv2.blendLinear(warped, photo, af, 1 - af)
    lines = degrade.map_lines(lines, degrade.homography_map(hmat.astype(np.float64)))
    scene["quad"] = [[round(float(x), 1), round(float(y), 1)] for x, y in quad]
    if background:
        background, _, _ = occlude(background, af, 0.5)
    done: dict[str, object] = {"scene": scene}
    if len(faces) > 1:
        done["multi_face"] = {"faces": [f.id for f in faces]}
    if "curvature" in pkg:
        done["curvature"] = [scene.pop("curvature")]
    if kind == "hand":
        over = effects and real_rng.random() < real.fingers_over_text
        depth = real_rng.uniform(0.1, 0.28) if over else real_rng.uniform(0.015, 0.04)
        for _try in range(8):
            mask, tips, params = _fingers((h, w), quad, side, depth, real_rng)
            if not _touches_protected(lines, mask, 127):
                break
            depth *= 0.7
        else:
            mask, tips, params = _fingers((h, w), quad, side, 0.0, real_rng)
        _skin(photo, mask, tone, real_rng, tips)
        lines, gone, hidden = occlude(lines, mask, 127)
        if background:
            background, _, _ = occlude(background, mask, 127)
        params.update(hidden_words=hidden, hidden_lines=gone, over_text=over)
        done["fingers"] = params
    if effects and real_rng.random() < real.glare_spots:
        kept = lines
        cover, spots = _glare_spots(photo, quad, real_rng, container, lambda c, o: _touches_protected(kept, c, GLARE_CORE, o))
        if spots:
            lines, gone, hidden = occlude(lines, cover, GLARE_CORE)
            done["glare_spots"] = {"spots": spots, "hidden_words": hidden, "hidden_lines": gone}
    photo, done["lighting"] = _lighting(photo, real_rng)
    shot = Shot(
        photo, degrade.keep_inside(lines, w, h), done, (360 - turn) % 360, background=degrade.keep_inside(background, w, h)
    )
    return finish(shot, config, rng, cut_npn=cut_npn)


def _lighting(photo: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict]:
    """Room light: a colour cast (white balance), a brightness gradient and darker corners (vignetting)."""
    h, w = photo.shape[:2]
    cast = [rng.uniform(0.93, 1.05), rng.uniform(0.96, 1.03), rng.uniform(0.88, 1.04)]
    gx, gy = rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12)
    vignette = rng.uniform(0.1, 0.3)
    sw, sh = w // 16 + 2, h // 16 + 2
    x = np.linspace(-1, 1, sw, dtype=np.float32)[None, :]
    y = np.linspace(-1, 1, sh, dtype=np.float32)[:, None]
    gain = (1 + gx * x + gy * y) * (1 - vignette * np.clip((x**2 + y**2) / 2, 0, 1))
    gain = cv2.resize(gain.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    out = photo.astype(np.float32) * gain[:, :, None] * np.array(cast, np.float32)[None, None, :]
    params = {"cast": [round(c, 3) for c in cast], "gradient": [round(gx, 3), round(gy, 3)], "vignette": round(vignette, 3)}
    return np.clip(out, 0, 255).astype(np.uint8), params


def distractor_record(lines: list[TruthLine]) -> list[dict]:
    """The background text of a finished photo as written to ``degradations["scene"]["distractor_lines"]``."""
    return [
        {
            "text": line.text,
            "polygon": [[round(x, 1), round(y, 1)] for x, y in line.polygon],
            "reading_deg": reading_degrees(line.words[0].polygon) if line.words else 0,
        }
        for line in lines
    ]
