"""Photograph one or two faces of a package: place them on a table, then apply the drawn degradations in camera order."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image

from cyclops.synth import degrade
from cyclops.synth.config import SynthConfig
from cyclops.synth.degrade import Shot
from cyclops.synth.faces import Face


def _happens(name: str, config: SynthConfig, rng: random.Random) -> bool:
    # always draw, so one probability changing does not reshuffle every later choice
    return rng.random() < config.probability(name)


def photograph(faces: list[Face], config: SynthConfig, rng: random.Random, *, cut_npn: bool = False) -> Shot:
    """Compose ``faces`` side by side in one photo and degrade it; every applied step is recorded with its parameters."""
    return finish(compose(faces, config, rng), config, rng, cut_npn=cut_npn)


def compose(faces: list[Face], config: SynthConfig, rng: random.Random) -> Shot:
    """``faces`` side by side on a table, with curvature, skew and perspective as drawn."""
    w, h = config.width, config.height
    photo = degrade.background(w, h, rng)
    done: dict[str, object] = {}
    if len(faces) > 1:
        done["multi_face"] = {"faces": [f.id for f in faces]}
    curved = _happens("curvature", config, rng)
    skew = _happens("skew", config, rng)
    perspective = _happens("perspective", config, rng)
    lines = []
    placements = []
    for k, face in enumerate(faces):
        region = (round(k * w / len(faces)), 0, round((k + 1) * w / len(faces)), h)
        pixels = np.asarray(face.canvas.image, dtype=np.uint8).copy()
        mask = np.full(pixels.shape[:2], 255, np.uint8)
        face_lines = list(face.lines)
        if curved:
            pixels, mask, face_lines, params = degrade.curve(pixels, face_lines, rng)
            done.setdefault("curvature", []).append(params)
        moved, params = degrade.place(photo, pixels, mask, face_lines, region, rng, skew, perspective)
        placements.append(params)
        lines += moved
    if skew:
        done["skew"] = [{"angle_deg": p["angle_deg"]} for p in placements]
    if perspective:
        done["perspective"] = [{"corner_jitter": p["corner_jitter"]} for p in placements]
    return Shot(photo, degrade.keep_inside(lines, w, h), done)


def finish(shot: Shot, config: SynthConfig, rng: random.Random, *, cut_npn: bool = False) -> Shot:
    """The camera-order steps after composition: crop, NPN cut, low resolution, blur, glare, noise, 90-degree turn."""
    if _happens("crop", config, rng) and (res := degrade.edge_crop(shot, rng)) is not None:
        shot, shot.degradations["crop"] = res[0], res[1]
    if cut_npn and (res := degrade.npn_cut(shot, rng)) is not None:
        shot, shot.degradations["npn_cut"] = res[0], res[1]
    if _happens("low_resolution", config, rng):
        shot, params = degrade.downscale(shot, rng)
        shot.degradations["low_resolution"] = params
    for name, fn in (("blur", degrade.blur), ("glare", degrade.glare), ("noise", degrade.noise)):
        if _happens(name, config, rng):
            shot.image, shot.degradations[name] = fn(shot.image, rng)
    if _happens("rotate90", config, rng):
        turn = rng.choice((90, 180, 270))
        shot = degrade.rotate90(shot, turn)
        shot.degradations["rotate90"] = {"degrees_clockwise": turn}
    return shot


def encode(shot: Shot, config: SynthConfig, rng: random.Random) -> tuple[bytes, str]:
    """Encode with fixed settings (same input -> same bytes): PNG when clean, else JPEG (strong compression if drawn)."""
    image = Image.fromarray(shot.image, "RGB")
    buf = io.BytesIO()
    if config.clean:
        image.save(buf, format="PNG", compress_level=6)
        return buf.getvalue(), "png"
    quality = 92
    if _happens("jpeg", config, rng):
        quality = rng.randint(45, 70)
        shot.degradations["jpeg"] = {"quality": quality}
    image.save(buf, format="JPEG", quality=quality, subsampling=2, optimize=False, progressive=False)
    return buf.getvalue(), "jpg"
