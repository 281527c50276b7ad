"""Turn uploaded files into upright-by-EXIF RGB images, refusing anything unsafe with a typed error.

Photos come from phones, scanners and e-mail attachments, so the type is read
from the bytes (never the extension), size limits are checked from the header
before any pixels are decoded (decompression bombs), and every odd pixel mode
(CMYK, 16-bit, palette, alpha) ends up as plain RGB on a white background.

Accepted: JPEG, PNG, WebP, TIFF (every frame) and PDF (every page, rendered at
200 dpi). GIF is refused with ``UnsupportedFileType``: labels are never GIFs
and animated frames would only add noise.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFile, ImageOps, ImageSequence

from cyclops.errors import CorruptImage, EmptyDocument, ImageTooLarge, PhotoError, TooManyPhotos, UnsupportedFileType
from cyclops.settings import get_settings

PDF_DPI = 200
_MAX_NAME = 120

ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated photo is an error, never a half-grey image


@dataclass
class LoadedImage:
    """One image ready for OCR. ``page`` is 1-based (1 for single images)."""

    id: str
    filename: str
    sha256: str
    image: Image.Image
    page: int = 1


def safe_filename(name: str | None) -> str:
    """A file name safe for messages and storage: no folders, control characters or excessive length."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip().strip(".")
    if not name:
        return "unnamed"
    if len(name) > _MAX_NAME:
        _, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot and len(ext) <= 10 else ""
        name = name[: _MAX_NAME - len(ext) - 1] + ("." + ext if ext else "")
    return name


def sniff_type(data: bytes) -> str | None:
    """The file type from its magic bytes: "jpeg", "png", "webp", "tiff", "pdf", "gif" or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode as 8-bit RGB; transparency is composited on white (labels are printed on white)."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        arr = np.asarray(image, dtype=np.float64)
        top = 65535.0 if arr.max(initial=0) > 255 else 255.0
        arr = np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
        return Image.fromarray(arr, "L").convert("RGB")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _check_pixels(width: int, height: int, name: str, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise CorruptImage(f"{name}: the image has no pixels ({width}x{height}).", filename=name)
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"{name}: {width}x{height} pixels is more than the limit of {max_pixels:,} (CYCLOPS_MAX_PIXELS).", filename=name
        )


def _decode_raster(data: bytes, name: str, max_pixels: int) -> list[Image.Image]:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            _check_pixels(opened.width, opened.height, name, max_pixels)  # header only: nothing decoded yet
            frames = [opened] if opened.format != "TIFF" else list(ImageSequence.Iterator(opened))
            result = []
            for frame in frames:
                _check_pixels(frame.width, frame.height, name, max_pixels)
                frame.load()
                result.append(to_rgb(ImageOps.exif_transpose(frame)))
                if opened.format != "TIFF":
                    break
            return result
    except PhotoError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"{name}: too many pixels, refused as a possible decompression bomb ({exc}).", filename=name) from exc
    except Exception as exc:  # Pillow raises OSError, ValueError, SyntaxError, struct.error... on bad data
        raise CorruptImage(f"{name}: the image is damaged or truncated ({exc}).", filename=name) from exc


def _render_pdf(data: bytes, name: str, max_pixels: int, max_pages: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError: damaged, encrypted... and PDFium refuses page-less files outright
        if re.search(rb"/Type\s*/Pages", data) and not re.search(rb"/Type\s*/Page(?!s)", data):
            raise EmptyDocument(f"{name}: the PDF has no pages.", filename=name) from exc
        raise CorruptImage(f"{name}: the PDF cannot be opened ({exc}).", filename=name) from exc
    try:
        if len(pdf) == 0:
            raise EmptyDocument(f"{name}: the PDF has no pages.", filename=name)
        if len(pdf) > max_pages:
            raise TooManyPhotos(f"{name}: the PDF has {len(pdf)} pages; at most {max_pages} are accepted.", filename=name)
        images = []
        for page in pdf:
            width, height = page.get_size()  # points
            scale = PDF_DPI / 72
            if width * height * scale * scale > max_pixels:  # a vector page is legitimate: render it smaller
                scale = (max_pixels / max(width * height, 1.0)) ** 0.5 * 0.99
            bitmap = page.render(scale=scale)
            images.append(to_rgb(bitmap.to_pil()))
            page.close()
        return images
    except PhotoError:
        raise
    except Exception as exc:
        raise CorruptImage(f"{name}: a PDF page cannot be rendered ({exc}).", filename=name) from exc
    finally:
        pdf.close()


def load_photo(filename: str, data: bytes) -> list[LoadedImage]:
    """One uploaded file as images (one per PDF page or TIFF frame), ids "img0", "img1"... in page order."""
    settings = get_settings()
    name = safe_filename(filename)
    if not data:
        raise EmptyDocument(f"{name}: the file is empty (0 bytes).", filename=name)
    if len(data) > settings.max_file_bytes:
        raise ImageTooLarge(
            f"{name}: {len(data):,} bytes is more than the limit of {settings.max_file_bytes:,} (CYCLOPS_MAX_FILE_BYTES).",
            filename=name,
        )
    kind = sniff_type(data)
    if kind is None or kind == "gif":
        what = "a GIF" if kind == "gif" else "not a recognised image"
        raise UnsupportedFileType(f"{name}: {what}; send JPEG, PNG, WebP, TIFF or PDF.", filename=name)
    digest = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        pages = _render_pdf(data, name, settings.max_pixels, settings.max_photos)
        return [
            LoadedImage(id=f"img{i}", filename=name, sha256=f"{digest}#p{i + 1}", image=img, page=i + 1)
            for i, img in enumerate(pages)
        ]
    frames = _decode_raster(data, name, settings.max_pixels)
    if len(frames) > settings.max_photos:
        raise TooManyPhotos(f"{name}: {len(frames)} frames; at most {settings.max_photos} are accepted.", filename=name)
    if len(frames) == 1:
        return [LoadedImage(id="img0", filename=name, sha256=digest, image=frames[0], page=1)]
    return [
        LoadedImage(id=f"img{i}", filename=name, sha256=f"{digest}#p{i + 1}", image=img, page=i + 1)
        for i, img in enumerate(frames)
    ]


def load_photos(files: list[tuple[str, bytes]]) -> tuple[list[LoadedImage], list[PhotoError]]:
    """Every usable image of an upload, numbered "img0".. in upload order, plus one error per refused file.

    More files than ``max_photos`` refuses the whole upload (``TooManyPhotos`` is raised), since
    silently dropping the last photos could hide the one with the NPN. Pages beyond the limit
    (PDFs) are reported as a ``TooManyPhotos`` error for that file.
    """
    limit = get_settings().max_photos
    if len(files) > limit:
        raise TooManyPhotos(f"{len(files)} files uploaded; at most {limit} photos are accepted for one product.")
    images: list[LoadedImage] = []
    errors: list[PhotoError] = []
    for filename, data in files:
        try:
            loaded = load_photo(filename, data)
        except PhotoError as exc:
            errors.append(exc)
            continue
        if len(images) + len(loaded) > limit:
            name = safe_filename(filename)
            errors.append(TooManyPhotos(f"{name}: would bring the upload past {limit} images; left out.", filename=name))
            continue
        for item in loaded:
            item.id = f"img{len(images)}"
            images.append(item)
    return images, errors
