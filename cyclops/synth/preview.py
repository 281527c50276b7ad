"""A contact sheet of generated photos with their truth boxes coloured by label, to eyeball a dataset at a glance."""

from __future__ import annotations

from pathlib import Path

from matplotlib import colormaps
from PIL import Image, ImageDraw

from cyclops.model.analysis import FIELD_LABELS
from cyclops.model.truth import ProductTruth, TruthImage
from cyclops.synth.fonts import available_families, font


def label_colours() -> dict[str, tuple[int, int, int]]:
    """One distinct colour per field label (matplotlib's tab10), "other" in grey."""
    cmap = colormaps["tab10"]
    out = {}
    for k, label in enumerate(FIELD_LABELS):
        r, g, b, _ = cmap(k % 10)
        out[label] = (round(r * 255), round(g * 255), round(b * 255))
    out["other"] = (150, 150, 150)
    return out


def annotate(image: Image.Image, truth_image: TruthImage, width: int = 3) -> Image.Image:
    """The photo with every truth line outlined in its label colour."""
    colours = label_colours()
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    for line in truth_image.lines:
        pts = [tuple(p) for p in line.polygon]
        if len(pts) >= 3:
            draw.polygon(pts, outline=colours.get(line.label, (255, 0, 255)), width=width)
    return out


def contact_sheet(
    items: list[tuple[ProductTruth, dict[str, Path]]], out: Path, thumb: int = 400, columns: int = 4, limit: int = 48
) -> Path:
    """Write a PNG grid of up to ``limit`` annotated photos (with a label legend) and return its path."""
    tiles: list[tuple[str, Image.Image]] = []
    for truth, paths in items:
        for ti in truth.images:
            if len(tiles) >= limit:
                break
            with Image.open(paths[ti.id]) as img:
                tile = annotate(img, ti, width=max(2, img.width // 400))
            tile.thumbnail((thumb, thumb))
            tiles.append((f"{truth.product_id}/{ti.id}", tile))
    if not tiles:
        raise ValueError("nothing to preview: the dataset has no images")
    legend_h = 40
    caption = 20
    rows = (len(tiles) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * thumb, legend_h + rows * (thumb + caption)), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    small = font(available_families()[0].regular, 14)
    x = 8
    for label, colour in label_colours().items():
        draw.rectangle((x, 12, x + 14, 26), fill=colour)
        draw.text((x + 18, 11), label, font=small, fill=(0, 0, 0))
        x += 24 + round(draw.textlength(label, font=small))
    for k, (name, tile) in enumerate(tiles):
        cx, cy = (k % columns) * thumb, legend_h + (k // columns) * (thumb + caption)
        sheet.paste(tile, (cx + (thumb - tile.width) // 2, cy))
        draw.text((cx + 4, cy + thumb + 2), name, font=small, fill=(0, 0, 0))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, format="PNG")
    return out
