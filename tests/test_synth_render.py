"""Rendering of synthetic label photos: determinism, degradations, and truth polygons sitting on the printed text."""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections import Counter

import numpy as np
import pytesseract
import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from cyclops.model.ocr import bbox_of
from cyclops.model.truth import TruthImage
from cyclops.synth.config import DEGRADATIONS, SynthConfig
from cyclops.synth.examples import example_pairs
from cyclops.synth.product import synthesize_product

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _gray(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.float32)


def _ink_fraction(gray: np.ndarray, polygon) -> float:
    """Share of pixels in the polygon's box clearly darker than the box's brightest tenth (text ink)."""
    x0, y0, x1, y1 = (round(v) for v in bbox_of(polygon))
    crop = gray[max(0, y0) : y1, max(0, x0) : x1]
    if crop.size == 0:
        return 0.0
    return float((crop < np.percentile(crop, 90) - 60).mean())


def test_same_seed_same_bytes_different_seed_different_bytes():
    en, fr = example_pairs()[0]
    config = SynthConfig(violation_rate=0.5)
    a_truth, a_files = synthesize_product(en, fr, 11, config)
    b_truth, b_files = synthesize_product(en, fr, 11, config)
    _c_truth, c_files = synthesize_product(en, fr, 12, config)
    assert a_files == b_files
    assert a_truth.model_dump_json() == b_truth.model_dump_json()
    assert a_files != c_files


@pytest.mark.parametrize("name", DEGRADATIONS)
def test_each_degradation_can_be_forced_and_is_recorded(name):
    en, fr = example_pairs()[1]
    truth, _files = synthesize_product(en, fr, 5, SynthConfig.forcing(name))
    recorded = [img.degradations for img in truth.images if name in img.degradations]
    assert recorded, f"{name} not recorded in {[img.degradations for img in truth.images]}"
    others = {k for img in truth.images for k in img.degradations} - {name}
    assert others <= {"jpeg"} or name == "jpeg", f"unexpected degradations {others}"
    if name == "npn_cut":
        assert truth.printed["npn_legible"] is False and truth.printed["npn"] == "80098765"
        assert not any("80098765" in line.text for img in truth.images for line in img.lines)
    if name == "multi_face":
        assert any(len(img.degradations.get("multi_face", {}).get("faces", [])) == 2 for img in truth.images)
    if name == "rotate90":
        assert all(img.rotation in (90, 180, 270) for img in truth.images)
    if name == "low_resolution":
        assert all(img.width < 1600 for img in truth.images)
    if name == "jpeg":
        assert all(img.degradations["jpeg"]["quality"] <= 70 for img in truth.images)


def test_clean_config_applies_nothing_and_writes_png():
    en, fr = example_pairs()[0]
    truth, files = synthesize_product(en, fr, 2, SynthConfig(clean=True))
    assert all(img.degradations == {} and img.rotation == 0 for img in truth.images)
    assert all(data.startswith(b"\x89PNG") for data in files.values())
    assert truth.printed["npn_legible"] is True


@pytest.mark.parametrize(
    "forced", [("rotate90",), ("curvature", "perspective", "skew"), ("crop", "low_resolution", "multi_face")]
)
def test_polygons_follow_geometric_transforms(forced):
    """After the forced transforms every word box still holds dark ink, and far more than a box shifted off the text."""
    en, fr = example_pairs()[0]
    truth, files = synthesize_product(en, fr, 21, SynthConfig.forcing(*forced))
    on, off = [], []
    for img in truth.images:
        gray = _gray(files[img.id])
        assert gray.shape == (img.height, img.width)
        for line in img.lines:
            for word in line.words:
                x0, y0, x1, y1 = bbox_of(word.polygon)
                assert -1 <= x0 and -1 <= y0 and x1 <= img.width + 1 and y1 <= img.height + 1
                on.append(_ink_fraction(gray, word.polygon))
                # the same box moved by three box heights or widths (onto background, mostly)
                dx, dy = (0, 3 * (y1 - y0)) if (x1 - x0) >= (y1 - y0) else (3 * (x1 - x0), 0)
                off.append(_ink_fraction(gray, [(x + dx, y + dy) for x, y in word.polygon]))
    assert len(on) > 10
    assert np.median(on) > 0.08
    assert sum(f > 0.02 for f in on) / len(on) > 0.95
    assert np.median(on) > 2 * np.median(off)


def _norm_tokens(text: str) -> list[str]:
    """Case-folded, NFC, with punctuation stripped from both ends of each token; punctuation-only tokens (dot leaders,
    a lone "/" or ":") are dropped. Accents and inner punctuation ("D3", "5:1", "d'emploi", "2-3") must read exactly."""
    text = unicodedata.normalize("NFC", text).casefold().replace("’", "'")
    out = []
    for tok in text.split():
        tok = re.sub(r"^[^\w%µ]+|[^\w%µ]+$", "", tok)
        if tok:
            out.append(tok)
    return out


def _line_crop(image: Image.Image, polygon, vertical: bool) -> Image.Image:
    """The line's box with a margin of a quarter of its height; vertical lines turned to read left to right."""
    x0, y0, x1, y1 = bbox_of(polygon)
    pad = max(4, round((y1 - y0 if not vertical else x1 - x0) * 0.25))
    crop = image.crop((max(0, x0 - pad), max(0, y0 - pad), min(image.width, x1 + pad), min(image.height, y1 + pad)))
    return crop.rotate(-90, expand=True) if vertical else crop


def _read_lines(crops: list[Image.Image], folder) -> list[str]:
    """OCR every crop as one text line (--psm 7) in ONE Tesseract run (a list file: one page per crop), because
    loading eng+fra costs about a second per process on a busy machine."""
    paths = []
    for k, crop in enumerate(crops):
        path = folder / f"line{k:04d}.png"
        crop.save(path)
        paths.append(str(path))
    listing = folder / "lines.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    pages = pytesseract.image_to_string(str(listing), lang="eng+fra", config="--psm 7").split("\f")
    assert len(pages) >= len(crops)
    return pages[: len(crops)]


def test_truth_lines_read_back_with_tesseract(tmp_path):
    """The key promise: on clean renders, cropping each truth line and OCR-ing it gives back its words."""
    crops, lines = [], []
    for (en, fr), seed in zip(example_pairs(), (1, 2)):
        truth, files = synthesize_product(en, fr, seed, SynthConfig(clean=True))
        for img in truth.images:
            image = Image.open(io.BytesIO(files[img.id])).convert("RGB")
            for line in img.lines:
                crops.append(_line_crop(image, line.polygon, line.vertical))
                lines.append(line)
    total, matched, misses = 0, 0, []
    for line, read in zip(lines, _read_lines(crops, tmp_path)):
        got = Counter(_norm_tokens(read))
        for tok in _norm_tokens(line.text):
            total += 1
            if got[tok] > 0:
                got[tok] -= 1
                matched += 1
            else:
                misses.append((tok, line.text, read.strip()))
    assert total > 100
    assert matched / total >= 0.90, f"{matched}/{total} read back; misses: {misses[:20]}"


def test_vertical_npn_is_marked_and_reads_back(tmp_path):
    en, fr = example_pairs()[0]
    truth, files = synthesize_product(en, fr, 4, SynthConfig(clean=True, vertical_npn=1.0))
    front: TruthImage = truth.images[0]
    npn_lines = [line for line in front.lines if line.label == "npn"]
    assert len(npn_lines) == 1 and npn_lines[0].vertical and npn_lines[0].text == "NPN 80012345"
    x0, y0, x1, y1 = bbox_of(npn_lines[0].polygon)
    assert (y1 - y0) > 3 * (x1 - x0)  # tall and narrow
    image = Image.open(io.BytesIO(files["front"])).convert("RGB")
    crop = _line_crop(image, npn_lines[0].polygon, vertical=True)
    assert "80012345" in _read_lines([crop], tmp_path)[0].replace(" ", "")


def test_cli_writes_dataset_and_preview(tmp_path, monkeypatch):
    from cyclops.synth import cli
    from cyclops.synth.dataset import load_dataset

    monkeypatch.setenv("CYCLOPS_DATA_DIR", str(tmp_path / "data"))
    app = typer.Typer()
    cli.register(app)
    app.command("noop")(lambda: None)  # a second command keeps "synth" as a sub-command
    out = tmp_path / "ds"
    result = CliRunner().invoke(
        app, ["synth", "--n", "2", "--seed", "3", "--out", str(out), "--preview", "--no-progress", "--violation-rate", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 2 products" in result.output
    items = load_dataset(out)
    assert len(items) == 2 and all(len(t.violations) == 1 for t, _ in items)
    preview = Image.open(out / "preview.png")
    assert preview.width >= 1000 and preview.height > 400
    bad = CliRunner().invoke(app, ["synth", "--n", "1", "--out", str(tmp_path / "x"), "--family", "nope"])
    assert bad.exit_code != 0 and "nope" in bad.output


def test_every_label_font_family_is_installed() -> None:
    """`scripts/install-system.sh` installs every family the renderer draws from: a machine missing
    one renders different labels, so the recorded benchmarks and the packaged model would not reproduce."""
    from cyclops.synth.fonts import _CANDIDATES, available_families

    assert [f.name for f in available_families()] == [name for name, _, _ in _CANDIDATES]
