"""Turn uploaded files into upright-by-EXIF RGB images, refusing anything unsafe with a typed error.

Photos come from phones, scanners and e-mail attachments, so the type is read
from the bytes (never the extension), size limits are checked from the header
before any pixels are decoded (decompression bombs), and every odd pixel mode
(CMYK, 16-bit, palette, alpha) ends up as plain RGB on a white background.

Accepted: JPEG, PNG, WebP, TIFF (every frame), HEIC/HEIF (what iPhones save), AVIF, BMP and PDF (every page,
rendered at 200 dpi). One request has a budget of pixels and pages (``Budget``): every page size
and frame header is read and counted before the first pixel is decoded or rendered,
so a small file that would expand to gigabytes is refused up front. GIF is refused with ``UnsupportedFileType``: labels are never GIFs
and animated frames would only add noise.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageFile, ImageOps

from cyclops.errors import (
    CorruptImage,
    EmptyDocument,
    ImageTooLarge,
    PhotoError,
    PixelBudgetExceeded,
    TooManyPhotos,
    UnsupportedFileType,
)
from cyclops.settings import Settings, get_settings

PDF_DPI = 200
#: a phone photo's pixels (4:3, 12 MP): what the warm-ups decode and detect at
PHONE_PHOTO = (4000, 3000)
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


@dataclass
class Budget:
    """What one request may still decode: pixels (all images together) and pages (images, PDF pages, TIFF frames)."""

    pixels: int
    pages: int

    @classmethod
    def for_request(cls, settings: Settings | None = None) -> Budget:
        settings = settings or get_settings()
        return cls(pixels=settings.max_request_pixels, pages=settings.max_photos)

    def take(self, name: str, pixels: int, pages: int = 1) -> None:
        """Spend, or raise before anything is decoded."""
        if pages > self.pages:
            raise TooManyPhotos(f"{name}: {pages} pages or frames; the request has room for {self.pages} more "
                                f"(CYCLOPS_MAX_PHOTOS).", filename=name)
        if pixels > self.pixels:
            raise PixelBudgetExceeded(
                f"{name}: {pixels:,} pixels to decode; the request has room for {self.pixels:,} more "
                f"(CYCLOPS_MAX_REQUEST_PIXELS).", filename=name)
        self.pixels -= pixels
        self.pages -= pages


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


#: ISO base media files ("....ftyp<brand>"): the brands of HEIF stills (an iPhone's HEIC photos) and of AVIF
_HEIF_BRANDS = frozenset([b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1", b"mif2"])
_AVIF_BRANDS = frozenset([b"avif", b"avis"])
#: the sizes of a BMP's DIB header (OS/2 and Windows versions): "BM" alone is too weak a mark
_BMP_HEADERS = frozenset([12, 16, 40, 52, 56, 64, 108, 124])


def _ftyp_brands(data: bytes) -> set[bytes]:
    """The major and compatible brands of an ISO base media file's first box, or none."""
    if data[4:8] != b"ftyp" or len(data) < 16:
        return set()
    size = min(int.from_bytes(data[:4], "big"), len(data), 256)
    return {data[8:12]} | {data[i:i + 4] for i in range(16, size - 3, 4)}


def sniff_type(data: bytes) -> str | None:
    """The file type from its magic bytes: "jpeg", "png", "webp", "tiff", "heif", "avif", "bmp", "pdf", "gif" or
    None."""
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
    if data[4:8] == b"ftyp":
        for brands in ({data[8:12]}, _ftyp_brands(data)):  # the major brand first: an AVIF also lists the generic "mif1"
            for kind, known in (("avif", _AVIF_BRANDS), ("heif", _HEIF_BRANDS)):
                if brands & known:
                    return kind
    if data[:2] == b"BM" and len(data) >= 18 and int.from_bytes(data[14:18], "little") in _BMP_HEADERS:
        return "bmp"
    return None


@cache
def _heif_opener() -> None:
    """Teach Pillow to open HEIF (``pi-heif``: libheif's decoder only); done once, when a HEIF photo first comes.
    The decoder turns the photo by its own 'irot'/'imir' transforms and resets the EXIF orientation, so
    ``exif_transpose`` does not turn it twice."""
    import pi_heif

    pi_heif.register_heif_opener()


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


def _decode_raster(data: bytes, name: str, max_pixels: int, budget: Budget, max_pages: int | None = None) -> list[Image.Image]:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            _check_pixels(opened.width, opened.height, name, max_pixels)  # header only: nothing decoded yet
            count = getattr(opened, "n_frames", 1) if opened.format == "TIFF" else 1
            count = min(count, max_pages) if max_pages else count
            if count > budget.pages:
                raise TooManyPhotos(f"{name}: {count} frames; at most {budget.pages} are accepted.", filename=name)
            sizes = []
            for index in range(count):  # every frame's header, before any frame's pixels
                opened.seek(index)
                _check_pixels(opened.width, opened.height, name, max_pixels)
                sizes.append(opened.width * opened.height)
            budget.take(name, sum(sizes), count)
            result = []
            for index in range(count):
                opened.seek(index)
                opened.load()
                image = to_rgb(ImageOps.exif_transpose(opened))
                result.append(image.copy() if image is opened else image)  # a frame of its own, not the file's cursor
            return result
    except PhotoError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"{name}: too many pixels, refused as a possible decompression bomb ({exc}).", filename=name) from exc
    except Exception as exc:  # Pillow raises OSError, ValueError, SyntaxError, struct.error... on bad data
        raise CorruptImage(f"{name}: the image is damaged or truncated ({exc}).", filename=name) from exc


def _render_pdf(data: bytes, name: str, max_pixels: int, budget: Budget, max_pages: int | None = None) -> list[Image.Image]:
    import pypdfium2 as pdfium  # only a PDF needs it, and it is slow to import

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError: damaged, encrypted... and PDFium refuses page-less files outright
        if re.search(rb"/Type\s*/Pages", data) and not re.search(rb"/Type\s*/Page(?!s)", data):
            raise EmptyDocument(f"{name}: the PDF has no pages.", filename=name) from exc
        raise CorruptImage(f"{name}: the PDF cannot be opened ({exc}).", filename=name) from exc
    try:
        total = len(pdf)
        if total == 0:
            raise EmptyDocument(f"{name}: the PDF has no pages.", filename=name)
        count = min(total, max_pages) if max_pages else total
        if count > budget.pages:
            raise TooManyPhotos(f"{name}: the PDF has {total} pages; at most {budget.pages} are accepted.", filename=name)
        plan = []  # (scale, pixels) of every page, from the page sizes alone: nothing rendered yet
        for index in range(count):
            width, height = pdf.get_page_size(index)  # points
            if not (width > 0 and height > 0) or not math.isfinite(width * height):
                raise CorruptImage(f"{name}: page {index + 1} has no size ({width}x{height} points).", filename=name)
            scale = PDF_DPI / 72
            if width * height * scale * scale > max_pixels:  # a vector page is legitimate: render it smaller
                scale = (max_pixels / (width * height)) ** 0.5 * 0.99
            plan.append((scale, math.ceil(width * scale) * math.ceil(height * scale)))
        budget.take(name, sum(pixels for _, pixels in plan), count)
        images = []
        for index, (scale, _) in enumerate(plan):
            page = pdf[index]
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


def load_photo(filename: str, data: bytes, *, budget: Budget | None = None, max_pages: int | None = None,
               settings: Settings | None = None) -> list[LoadedImage]:
    """One uploaded file as images (one per PDF page or TIFF frame), ids "img0", "img1"... in page order.

    ``budget`` is what the request may still decode (default: a whole request's); ``max_pages`` keeps only the
    first pages or frames (``/v1/ocr`` reads the first). ``settings`` holds the limits (default: those configured).
    """
    settings = settings or get_settings()
    budget = budget if budget is not None else Budget.for_request(settings)
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
        raise UnsupportedFileType(f"{name}: {what}; send JPEG, PNG, WebP, TIFF, HEIC, AVIF, BMP or PDF.", filename=name)
    digest = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        pages = _render_pdf(data, name, settings.max_pixels, budget, max_pages)
        return [
            LoadedImage(id=f"img{i}", filename=name, sha256=f"{digest}#p{i + 1}", image=img, page=i + 1)
            for i, img in enumerate(pages)
        ]
    if kind == "heif":
        _heif_opener()
    frames = _decode_raster(data, name, settings.max_pixels, budget, max_pages)
    if len(frames) == 1:
        return [LoadedImage(id="img0", filename=name, sha256=digest, image=frames[0], page=1)]
    return [
        LoadedImage(id=f"img{i}", filename=name, sha256=f"{digest}#p{i + 1}", image=img, page=i + 1)
        for i, img in enumerate(frames)
    ]


def load_photos(files: list[tuple[str, bytes]], settings: Settings | None = None) -> tuple[list[LoadedImage], list[PhotoError]]:
    """Every usable image of an upload, numbered "img0".. in upload order, plus one error per refused file
    (``iter_photos``, gathered)."""
    images: list[LoadedImage] = []
    errors: list[PhotoError] = []
    for item in iter_photos(files, settings):
        (errors if isinstance(item, PhotoError) else images).append(item)
    return images, errors


def iter_photos(files: list[tuple[str, bytes]], settings: Settings | None = None) -> Iterator[LoadedImage | PhotoError]:
    """Every usable image of an upload, numbered "img0".. in upload order, or the error that refused its file, each
    as soon as its file is decoded: the pipeline reads one photo while it decodes the next.

    More files than ``max_photos`` refuses the whole upload (``TooManyPhotos`` is raised before anything is
    decoded), since silently dropping the last photos could hide the one with the NPN. Pages beyond the limit
    (PDFs) are reported as a ``TooManyPhotos`` error for that file. ``settings`` holds the limits (default: those
    configured).
    """
    settings = settings or get_settings()
    limit = settings.max_photos
    if len(files) > limit:
        raise TooManyPhotos(f"{len(files)} files uploaded; at most {limit} photos are accepted for one product.")
    budget = Budget.for_request(settings)  # shared by every file: the total is what memory sees
    count = 0
    for filename, data in files:
        try:
            loaded = load_photo(filename, data, budget=budget, settings=settings)
        except PhotoError as exc:
            yield exc
            continue
        if count + len(loaded) > limit:
            name = safe_filename(filename)
            yield TooManyPhotos(f"{name}: would bring the upload past {limit} images; left out.", filename=name)
            continue
        for item in loaded:
            item.id = f"img{count}"
            count += 1
            yield item


def warm_up(settings: Settings | None = None) -> bool:
    """Decode a blank JPEG of a phone photo's size as an upload is decoded, so that the first real one does not pay
    for the first decoding that large (0.23-0.25 s after the engine's warm-up, 0.07 s after; a small JPEG does not
    spare it). Never larger than ``max_pixels``, and never an error, since it only saves time: False when the
    limits refuse even that (a file-size limit under the blank photo's 190 KB)."""
    settings = settings or get_settings()
    scale = min(1.0, (settings.max_pixels / (PHONE_PHOTO[0] * PHONE_PHOTO[1])) ** 0.5)
    size = (max(1, int(PHONE_PHOTO[0] * scale)), max(1, int(PHONE_PHOTO[1] * scale)))
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "JPEG")
    try:
        load_photo("warm-up.jpg", out.getvalue(), budget=Budget(pixels=size[0] * size[1], pages=1), settings=settings)
    except PhotoError:
        return False
    return True
