"""Sample data for the workbench and report tests: LNHPD sample licences, an analysis built from them with
its photo, a small reference database, and a synthetic product to upload. No server, no browser.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw

from cyclops.lnhpd.records import LicenceBundle
from cyclops.lnhpd.sample import generate
from cyclops.model.analysis import (
    Analysis,
    Candidate,
    Evidence,
    Fields,
    FieldValue,
    Flag,
    ImageInfo,
    Ingredient,
    LabelledLine,
    Match,
    TextItem,
)
from cyclops.model.ocr import rect
from cyclops.model.truth import ProductTruth
from cyclops.storage import open_store


def sample_licences(seed: int = 7) -> tuple[LicenceBundle, LicenceBundle]:
    return generate(2, seed)[0]


def label_photo(lines: list[tuple[str, tuple[int, int, int, int]]], size: tuple[int, int] = (800, 600)) -> bytes:
    image = Image.new("RGB", size, "white")
    pen = ImageDraw.Draw(image)
    for text, (x0, y0, _x1, _y1) in lines:
        pen.text((x0 + 4, y0 + 4), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sample_analysis(en: LicenceBundle, analysis_id: str = "an-1") -> tuple[Analysis, bytes]:
    """A reviewed-looking analysis of ``en``: first ingredient's quantity misprinted, last one missing, one extra."""
    lic = en.licence
    first = en.medicinal_ingredients[0]
    boxes = {
        "npn": (f"NPN {lic.licence_number}", (40, 40, 300, 80)),
        "product_name": (lic.product_name, (40, 100, 700, 150)),
        "ingredient0": (f"{first.ingredient_name} {first.quantity * 2:g} {first.quantity_unit_of_measure}", (40, 200, 500, 240)),
        "use": (en.purposes[0].purpose, (40, 300, 760, 340)),
    }
    photo = label_photo(list(boxes.values()))
    sha = hashlib.sha256(photo).hexdigest()

    def ev(key: str) -> list[Evidence]:
        text, box = boxes[key]
        return [Evidence(image="img0", polygon=rect(*box), text=text)]

    ingredients = [Ingredient(name=first.ingredient_name, quantity=first.quantity * 2, unit=first.quantity_unit_of_measure,
                              confidence=0.9, evidence=ev("ingredient0"))]
    ingredients += [Ingredient(name=m.ingredient_name, quantity=m.quantity, unit=m.quantity_unit_of_measure, confidence=0.9)
                    for m in en.medicinal_ingredients[1:-1]]
    ingredients.append(Ingredient(name="Zinc citrate", quantity=5, unit="mg", confidence=0.6, quantity_confidence=0.4))
    fields = Fields(
        npn=FieldValue(value=lic.licence_number, confidence=0.95, evidence=ev("npn")),
        product_name=FieldValue(value=lic.product_name, confidence=0.8, evidence=ev("product_name")),
        brand=FieldValue(value=lic.product_name.split()[0], confidence=0.5),
        company=FieldValue(value=lic.company_name, confidence=0.7),
        medicinal_ingredients=ingredients,
        recommended_uses=[TextItem(text=en.purposes[0].purpose, language="en", confidence=0.8, evidence=ev("use")),
                          TextItem(text="Cures insomnia overnight.", language="en", confidence=0.8)],
    )
    analysis = Analysis(
        analysis_id=analysis_id,
        images=[ImageInfo(id="img0", sha256=sha, width=800, height=600, filename="front.png")],
        fields=fields,
        match=Match(lnhpd_id=lic.lnhpd_id, licence_number=lic.licence_number, method="npn_exact", score=1.0,
                    candidates=[Candidate(lnhpd_id=lic.lnhpd_id, licence_number=lic.licence_number,
                                          product_name=lic.product_name, company_name=lic.company_name or "", score=1.0)]),
        flags=[Flag(code="QUANTITY_MISMATCH", severity="high", message=f"{first.ingredient_name}: quantity differs from the licence",
                    message_fr=f"{first.ingredient_name} : la quantité diffère de la licence", evidence=ev("ingredient0"))],
        lines=[LabelledLine(image="img0", polygon=rect(*box), text=text, confidence=0.9,
                            label=("medicinal_ingredient" if key.startswith("ingredient") else "recommended_use" if key == "use" else key))
               for key, (text, box) in boxes.items()],
        created_at=datetime(2026, 1, 2, tzinfo=UTC).isoformat(),
    )
    return analysis, photo


def seed_in_process(analysis: Analysis, photo: bytes, licences: list[tuple[LicenceBundle, LicenceBundle]]) -> None:
    """Put ``analysis`` and its photo in the configured store and catalogue, and ``licences`` in the reference
    database, so a real in-process ``MapiClient`` serves them (the tests' data dir is a tmp dir)."""
    from cyclops.catalog import open_catalog
    from cyclops.lnhpd.importer import import_paths
    from cyclops.lnhpd.sample import write_api_json
    from cyclops.settings import get_settings

    settings = get_settings()
    if not settings.lnhpd_path.exists():
        settings.lnhpd_path.parent.mkdir(parents=True, exist_ok=True)
        import_paths(write_api_json(licences, settings.data_dir / "lnhpd-api"), settings.lnhpd_path)
    store = open_store(settings=settings)
    store.put_photo(photo)
    store.put_analysis(analysis)
    open_catalog(settings).index_analysis(analysis)


# --- browser tests: real mapi + real Voila -------------------------------------------------------

#: licences in the browser tests' reference database (the synthetic sample's first ones: quick to import)
BROWSER_LICENCES = 120


def build_reference_db(path: Path, size: int = BROWSER_LICENCES) -> list[tuple[LicenceBundle, LicenceBundle]]:
    """Import the first ``size`` licences of the synthetic LNHPD sample into ``path``."""
    from cyclops.evaluate.run import SAMPLE_SEED
    from cyclops.lnhpd.importer import import_paths
    from cyclops.lnhpd.sample import write_api_json

    pairs = generate(size, SAMPLE_SEED)
    import_paths(write_api_json(pairs, path.parent / "lnhpd-api"), path)
    return pairs


def pick_product(pairs: list[tuple[LicenceBundle, LicenceBundle]], out_dir: Path) -> tuple[ProductTruth, list[Path]]:
    """A clean synthetic product of a licence in the database, NPN printed and legible, with a quantity
    misprinted (so the pipeline raises a flag to confirm). Deterministic: the first such product."""
    from cyclops.synth.config import SynthConfig
    from cyclops.synth.product import synthesize_product

    config = SynthConfig(clean=True, violation_rate=1.0)
    for k, (en, fr) in enumerate(pairs):
        truth, images = synthesize_product(en, fr, 500 + k, config)
        codes = [v.code for v in truth.violations]
        if truth.printed.get("npn") and truth.printed.get("npn_legible") and codes == ["QUANTITY_MISMATCH"]:
            out_dir.mkdir(parents=True, exist_ok=True)
            paths = []
            for image in truth.images:
                path = out_dir / image.file
                path.write_bytes(images[image.id])
                paths.append(path)
            return truth, paths
    raise RuntimeError("no synthetic product with a legible NPN and a quantity violation in the sample")


def workbench_on_s3(s3_server, configure):
    """alice's workbench on an-1 (a sample analysis) in an S3 store on ``s3_server`` (moto), which a test may stop
    and start to make an outage."""
    from cyclops.client import MapiClient
    from cyclops.workbench.app import Workbench

    configure(store=f"s3://{s3_server.create_bucket()}/cyclops", s3_endpoint_url=s3_server.endpoint)
    licences = generate(2, 7)
    analysis, photo = sample_analysis(licences[0][0])
    seed_in_process(analysis, photo, licences)
    workbench = Workbench(MapiClient(), analyst="alice")
    workbench.session.open("an-1")
    return workbench


def label_12mp() -> Image.Image:
    """A 3000x4000 photo of a label (the 12 MP fine pass's tests): a large name, then a facts panel's six rows of
    small print, on a tinted background."""
    from PIL import ImageFont

    image = Image.new("RGB", (3000, 4000), (226, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.text((200, 200), "SLEEP WELL", fill=(30, 40, 90), font=ImageFont.load_default(size=260))
    small = ImageFont.load_default(size=42)
    rows = ["Magnesium (as bisglycinate) 200 mg", "Melatonin 3 mg", "L-Theanine 100 mg", "Ingrédients non médicinaux : cellulose",
            "Recommended use: Helps to increase total sleep time.", "NPN 80098765"]
    for k, row in enumerate(rows):
        draw.text((220, 900 + 90 * k), row, fill="black", font=small)
    return image
