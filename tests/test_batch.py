"""Batch runs on a real Dask LocalCluster through the real pipeline: results, failures, resume, catalogue rebuild."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import typer
from PIL import Image, ImageDraw, ImageFont
from typer.testing import CliRunner

from cyclops.batch import find_products, run_batch
from cyclops.catalog import open_catalog
from cyclops.storage import open_store


def _label(path: Path, lines: list[str]) -> None:
    img = Image.new("RGB", (900, 120 + 90 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    for i, text in enumerate(lines):
        draw.text((40, 50 + i * 90), text, font=font, fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def test_find_products_from_folders_and_manifest(tmp_path: Path) -> None:
    _label(tmp_path / "src" / "b" / "2.png", ["x"])
    _label(tmp_path / "src" / "b" / "1.png", ["x"])
    (tmp_path / "src" / "empty").mkdir()
    (tmp_path / "src" / "b" / "notes.txt").write_text("ignored")
    assert [(p.name, [f.name for f in p.photos]) for p in find_products(tmp_path / "src")] == [("b", ["1.png", "2.png"])]
    manifest = tmp_path / "m.csv"
    manifest.write_text("product,photo\np1,src/b/1.png\np1,src/b/2.png\np2,/abs/x.png\n")
    products = find_products(manifest)
    assert [(p.name, len(p.photos)) for p in products] == [("p1", 2), ("p2", 1)]
    assert products[0].photos[0] == tmp_path / "src" / "b" / "1.png"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,file\n")
    from cyclops.errors import BadRequest

    with pytest.raises(BadRequest):
        find_products(bad)


def test_batch_run_resume_and_rebuild(tmp_path: Path, configure, lnhpd_sample) -> None:
    configure(lnhpd_db=lnhpd_sample[0])
    en, _ = lnhpd_sample[1][0]
    src = tmp_path / "src"
    _label(src / "good" / "front.png", [en.licence.product_name, f"NPN {en.licence.licence_number}"])
    _label(src / "other" / "front.png", ["Vitamin C 500 mg", "NPN 80000001"])
    (src / "broken").mkdir()
    (src / "broken" / "front.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    out = str(tmp_path / "store")

    first = run_batch(src, out, workers=1, engine="tesseract", progress=False)
    assert sorted(first.analysed) == ["good", "other"], first
    assert [f.product for f in first.failed] == ["broken"] and "broken" not in first.analysed
    store = open_store(out)
    analysis = store.get_analysis(first.analysed["good"])
    assert analysis.fields.npn.value and "".join(filter(str.isdigit, analysis.fields.npn.value)) == en.licence.licence_number
    assert store.list(f"ocr/{analysis.images[0].sha256}")  # OCR stored beside the analysis

    second = run_batch(src, out, workers=1, engine="tesseract", progress=False)
    assert second.analysed == {} and second.skipped == first.analysed  # resumed: nothing analysed twice

    # the catalogue can be thrown away and rebuilt from the store alone, resume information included
    from cyclops.cli import serve

    app = typer.Typer()
    serve.register(app)
    open_catalog().clear()
    result = CliRunner().invoke(app, ["catalog", "rebuild", "--store", out])
    assert result.exit_code == 0 and "2 analyses" in result.output, result.output
    cat = open_catalog()
    assert {row.analysis_id for row in cat.list_analyses().items} == set(first.analysed.values())
    third = run_batch(src, out, workers=1, engine="tesseract", progress=False)
    assert third.skipped == first.analysed
