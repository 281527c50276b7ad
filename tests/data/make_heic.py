"""Writes the HEIC test photos in this folder (run once by hand; their bytes are committed).

Cyclops only decodes HEIC (``pi-heif``); encoding needs ``pillow-heif``, which is not a dependency:
``pip install --target /tmp/phe pillow-heif && PYTHONPATH=/tmp/phe python tests/data/make_heic.py``.
"""

from __future__ import annotations

from pathlib import Path

import pillow_heif
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def marked() -> Image.Image:
    """120x80 white, a red square at the top left: where it lands tells how the photo was turned."""
    image = Image.new("RGB", (120, 80), "white")
    image.paste((200, 30, 30), (0, 0, 20, 20))
    return image


def label() -> Image.Image:
    image = Image.new("RGB", (1400, 700), "white")
    pen = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 44)
    for i, text in enumerate(("Vitamin D3 1000 IU", "NPN 80012345", "Acme Naturals Inc.", "Helps maintain healthy bones.")):
        pen.text((60, 60 + i * 110), text, font=font, fill="black")
    return image


if __name__ == "__main__":
    pillow_heif.register_heif_opener()
    marked().save(HERE / "marked.heic", quality=90)
    turned = Image.Exif()
    turned[0x0112] = 6  # EXIF "rotate 90 clockwise to show": the encoder stores it as the HEIF 'irot' transform
    marked().save(HERE / "marked_rot90.heic", quality=90, exif=turned.tobytes())
    label().save(HERE / "label.heic", quality=80)
