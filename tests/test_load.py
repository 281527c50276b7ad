"""Photo loading: every accepted format ends as RGB, every bad input as a typed error naming the file."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cyclops.errors import CorruptImage, EmptyDocument, ImageTooLarge, PhotoError, TooManyPhotos, UnsupportedFileType
from cyclops.load import load_photo, load_photos, safe_filename, sniff_type, to_rgb


def encode(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


def sample(size=(120, 80)) -> Image.Image:
    img = Image.new("RGB", size, "white")
    img.paste((200, 30, 30), (0, 0, 20, 20))  # red mark at top-left
    return img


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "AVIF", "BMP"])
def test_raster_formats_load_as_rgb(fmt):
    [loaded] = load_photo(f"label.{fmt.lower()}", encode(sample(), fmt))
    assert loaded.image.mode == "RGB"
    assert loaded.image.size == (120, 80)
    assert loaded.id == "img0" and loaded.page == 1 and len(loaded.sha256) == 64
    r, g, b = loaded.image.getpixel((5, 5))
    assert r > 150 and g < 90 and b < 90


DATA = Path(__file__).parent / "data"  # HEIC photos written by data/make_heic.py (Cyclops decodes, never encodes, HEIC)


def test_an_iphone_heic_photo_loads_as_rgb():
    """iPhones save HEIC; mapi's upload said it took HEIC while the loader refused it as "not a recognised image"."""
    data = (DATA / "marked.heic").read_bytes()
    assert sniff_type(data) == "heif"
    [loaded] = load_photo("IMG_0001.HEIC", data)
    assert loaded.image.mode == "RGB" and loaded.image.size == (120, 80)
    r, g, b = loaded.image.getpixel((5, 5))
    assert r > 150 and g < 90 and b < 90


def test_a_heic_photo_is_turned_once_by_its_own_rotation():
    """The photo's 'irot' (its EXIF orientation 6 when written) turns it 90 degrees clockwise, once: the red corner
    goes from the top left to the top right."""
    [loaded] = load_photo("IMG_0002.HEIC", (DATA / "marked_rot90.heic").read_bytes())
    assert loaded.image.size == (80, 120)
    assert loaded.image.getpixel((74, 5))[0] > 150 and loaded.image.getpixel((74, 5))[1] < 90
    assert loaded.image.getpixel((5, 5)) == (255, 255, 255) or min(loaded.image.getpixel((5, 5))) > 230


def test_a_damaged_heic_or_avif_is_a_corrupt_image_and_a_text_starting_bm_is_unsupported():
    whole = (DATA / "label.heic").read_bytes()
    with pytest.raises(CorruptImage, match="IMG_3.HEIC"):
        load_photo("IMG_3.HEIC", whole[: len(whole) // 3])
    with pytest.raises(CorruptImage):
        load_photo("junk.avif", b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif" + b"\x00" * 64)
    with pytest.raises(UnsupportedFileType, match="HEIC, AVIF, BMP"):
        load_photo("notes.bmp", b"BMW service notes, not a bitmap")


def test_type_is_read_from_content_not_extension():
    [loaded] = load_photo("photo.pdf", encode(sample(), "PNG"))
    assert loaded.image.size == (120, 80)
    assert sniff_type(encode(sample(), "WEBP")) == "webp"


def test_cmyk_jpeg_becomes_rgb():
    cmyk = Image.new("CMYK", (40, 40), (0, 255, 255, 0))  # pure red ink
    [loaded] = load_photo("cmyk.jpg", encode(cmyk, "JPEG"))
    r, g, b = loaded.image.getpixel((20, 20))
    assert loaded.image.mode == "RGB" and r > 200 and g < 60 and b < 60


def test_16_bit_grey_png_is_scaled_to_8_bit():
    arr = np.zeros((10, 20), dtype=np.uint16)
    arr[:, 10:] = 65535
    arr[:, :10] = 32768
    [loaded] = load_photo("deep.png", encode(Image.fromarray(arr), "PNG"))
    assert loaded.image.mode == "RGB"
    assert loaded.image.getpixel((15, 5)) == (255, 255, 255)
    assert abs(loaded.image.getpixel((2, 5))[0] - 128) <= 1


def test_palette_with_transparency_is_composited_on_white():
    img = Image.new("P", (10, 10), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.paste(1, (0, 0, 5, 10))
    img.info["transparency"] = 0
    [loaded] = load_photo("pal.png", encode(img, "PNG", transparency=0))
    assert loaded.image.getpixel((8, 5)) == (255, 255, 255)  # transparent black -> white
    assert loaded.image.getpixel((2, 5)) == (255, 0, 0)


def test_alpha_is_composited_on_white():
    img = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    img.paste((0, 0, 255, 255), (0, 0, 5, 10))
    [loaded] = load_photo("alpha.png", encode(img, "PNG"))
    assert loaded.image.getpixel((8, 5)) == (255, 255, 255)
    assert loaded.image.getpixel((2, 5)) == (0, 0, 255)


def test_to_rgb_handles_float_and_bilevel():
    assert to_rgb(Image.new("F", (4, 4), 0.5)).getpixel((0, 0)) == (0, 0, 0)
    assert to_rgb(Image.new("1", (4, 4), 1)).getpixel((0, 0)) == (255, 255, 255)


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: display turned 90 degrees clockwise
    data = encode(sample((120, 80)), "JPEG", exif=exif.tobytes())
    [loaded] = load_photo("phone.jpg", data)
    assert loaded.image.size == (80, 120)
    r, g, _ = loaded.image.getpixel((75, 5))  # the top-left mark is now top-right
    assert r > 150 and g < 90


def test_multi_page_pdf_gives_one_image_per_page():
    first, second = sample((300, 200)), Image.new("RGB", (300, 200), (0, 0, 255))
    data = encode(first, "PDF", save_all=True, append_images=[second], resolution=100)
    pages = load_photo("scan.pdf", data)
    assert [p.page for p in pages] == [1, 2]
    assert [p.id for p in pages] == ["img0", "img1"]
    assert pages[0].sha256.endswith("#p1") and pages[1].sha256.endswith("#p2")
    assert pages[0].sha256.split("#")[0] == pages[1].sha256.split("#")[0]
    assert pages[0].image.width == pytest.approx(600, abs=3)  # 3 inches at 200 dpi
    assert pages[1].image.getpixel((300, 200))[2] > 200


def test_pdf_without_pages_is_an_empty_document():
    import pypdfium2 as pdfium

    buf = io.BytesIO()
    pdfium.PdfDocument.new().save(buf)
    with pytest.raises(EmptyDocument) as err:
        load_photo("blank.pdf", buf.getvalue())
    assert err.value.code == "empty_document" and "blank.pdf" in str(err.value)


def test_damaged_pdf_is_corrupt():
    with pytest.raises(CorruptImage):
        load_photo("bad.pdf", b"%PDF-1.7\n garbage that is no pdf")


def test_text_file_named_jpg_is_unsupported():
    with pytest.raises(UnsupportedFileType) as err:
        load_photo("notes.jpg", b"just some text, not a photo\n")
    assert err.value.code == "unsupported_file_type" and "notes.jpg" in err.value.message


def test_gif_is_unsupported():
    frames = [Image.new("P", (10, 10), i) for i in range(3)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(UnsupportedFileType, match="GIF"):
        load_photo("anim.gif", data)


def test_truncated_jpeg_is_corrupt():
    data = encode(Image.effect_noise((200, 200), 60).convert("RGB"), "JPEG")
    with pytest.raises(CorruptImage) as err:
        load_photo("cut.jpg", data[: len(data) // 2])
    assert err.value.code == "corrupt_image" and "cut.jpg" in str(err.value)


def test_zero_bytes_is_empty():
    with pytest.raises(EmptyDocument):
        load_photo("empty.png", b"")


def test_file_over_byte_limit_is_refused(configure, monkeypatch):
    configure(max_file_bytes="1000")
    with pytest.raises(ImageTooLarge, match="CYCLOPS_MAX_FILE_BYTES"):
        load_photo("big.png", encode(Image.effect_noise((100, 100), 50), "PNG"))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` but carries one row of data: cheap to make, costly to decode."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\x00" + b"\x00" * (width // 8 + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_huge_png_is_refused_from_its_header(monkeypatch):
    from PIL import ImageFile

    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self) or real_load(self))
    data = _png_header_only(20_000, 20_000)
    with pytest.raises(ImageTooLarge, match="bomb.png.*pixels"):
        load_photo("bomb.png", data)
    assert decoded == []  # refused from the header: no pixel was decoded


def test_multi_frame_tiff_gives_every_frame():
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    frames = [Image.new("RGB", (30 + 10 * i, 20), c) for i, c in enumerate(colours)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    images = load_photo("three.tif", data)
    assert [i.page for i in images] == [1, 2, 3]
    assert [i.image.getpixel((5, 5)) for i in images] == colours  # each its own frame, not the last one thrice
    assert [i.image.width for i in images] == [30, 40, 50]
    assert len({i.sha256 for i in images}) == 3


def test_tiff_frames_and_pdf_pages_spend_the_request_budget(monkeypatch):
    from cyclops.errors import PixelBudgetExceeded
    from cyclops.load import Budget

    frames = [Image.new("L", (100, 100), 255) for _ in range(3)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(PixelBudgetExceeded):
        load_photo("three.tif", data, budget=Budget(pixels=25_000, pages=12))
    with pytest.raises(TooManyPhotos):
        load_photo("three.tif", data, budget=Budget(pixels=10**9, pages=2))
    budget = Budget(pixels=10**9, pages=12)
    assert len(load_photo("three.tif", data, budget=budget)) == 3 and budget.pages == 9 and budget.pixels == 10**9 - 30_000
    pdf = encode(sample((100, 100)), "PDF", save_all=True, append_images=[sample((100, 100))])
    assert len(load_photo("two.pdf", pdf, max_pages=1)) == 1  # /v1/ocr renders the first page only


def test_pixel_limit_comes_from_settings(configure, monkeypatch):
    configure(max_pixels="1000000")
    with pytest.raises(ImageTooLarge, match="2000x2000 pixels"):
        load_photo("wide.png", _png_header_only(2000, 2000))


def test_too_many_photos_refuses_the_upload(configure, monkeypatch):
    configure(max_photos="2")
    png = encode(sample(), "PNG")
    with pytest.raises(TooManyPhotos) as err:
        load_photos([("a.png", png), ("b.png", png), ("c.png", png)])
    assert err.value.code == "too_many_photos"


def test_load_photos_numbers_good_images_and_reports_bad_ones():
    png = encode(sample(), "PNG")
    pdf = encode(sample((100, 100)), "PDF", save_all=True, append_images=[sample((100, 100))])
    images, errors = load_photos([("a.png", png), ("bad.jpg", b"nope"), ("two.pdf", pdf), ("../../etc/x.png", b"")])
    assert [i.id for i in images] == ["img0", "img1", "img2"]
    assert [i.filename for i in images] == ["a.png", "two.pdf", "two.pdf"]
    assert [type(e) for e in errors] == [UnsupportedFileType, EmptyDocument]
    assert all(isinstance(e, PhotoError) for e in errors)
    assert errors[1].filename == "x.png" and ".." not in errors[1].message


def test_safe_filename_strips_paths_controls_and_length():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\me\\label.jpg") == "label.jpg"
    assert safe_filename("bad\x00na\nme\x1b.png") == "badname.png"
    assert safe_filename("") == "unnamed" and safe_filename("..") == "unnamed"
    long = safe_filename("a" * 500 + ".jpeg")
    assert len(long) <= 120 and long.endswith(".jpeg")
    assert safe_filename('x<y>:"z".png') == "x_y___z_.png"


def test_photo_errors_survive_pickling():
    import pickle

    with pytest.raises(CorruptImage) as err:
        load_photo("cut.jpg", b"\xff\xd8\xff\xe0 truncated")
    copy = pickle.loads(pickle.dumps(err.value))
    assert type(copy) is CorruptImage and copy.filename == "cut.jpg" and copy.code == "corrupt_image"
    assert copy.to_dict() == err.value.to_dict()


def test_the_loader_warm_up_says_whether_the_limits_let_it_decode() -> None:
    """``load.warm_up`` decodes a blank phone-sized JPEG, and says so; a file-size limit under that JPEG's size
    refuses it, which the warm-up reports instead of raising."""
    from cyclops import load
    from cyclops.settings import Settings

    assert load.warm_up(Settings()) is True
    assert load.warm_up(Settings(max_pixels=1_000_000)) is True
    assert load.warm_up(Settings(max_file_bytes=1000)) is False
