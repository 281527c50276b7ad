"""Realistic synthetic photos (issue 12, section 4): hand and shelf scenes, distractor text, fingers and glare,
12 MP output, US Supplement Facts panels with blends and two-unit amounts, stylised product names."""

from __future__ import annotations

import io
import os
import random

import numpy as np
import pytesseract
import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from cyclops.lnhpd.records import MedicinalIngredient
from cyclops.model.ocr import bbox_of, rect
from cyclops.model.truth import TruthLine, TruthWord
from cyclops.synth.config import DegradationProbabilities, Realism, SynthConfig
from cyclops.synth.content import build_content
from cyclops.synth.examples import example_pairs
from cyclops.synth.faces import compose_faces
from cyclops.synth.product import synthesize_product
from cyclops.synth.scenes import occlude, photograph_scene, reading_degrees

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _config(**realism: float) -> SynthConfig:
    """Only the named realism options, no random camera degradation (each test looks at one property)."""
    return SynthConfig(degradations=DegradationProbabilities.none(), vertical_npn=0.0, realism=Realism(**realism))


def _gray(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.float32)


def _ocr(image: Image.Image) -> str:
    return pytesseract.image_to_string(image, lang="eng", config="--psm 7").strip()


def _lines(truth, label=None):
    return [line for img in truth.images for line in img.lines if label is None or line.label == label]


def test_default_config_is_unchanged_and_realism_is_deterministic():
    en, fr = example_pairs()[0]
    assert not SynthConfig().realism.enabled and Realism.preset().enabled
    plain, _ = synthesize_product(en, fr, 3, SynthConfig())
    assert all("scene" not in img.degradations for img in plain.images)
    assert "ingredient_panel" not in plain.printed
    config = SynthConfig(realism=Realism.preset())
    a_truth, a_files = synthesize_product(en, fr, 3, config)
    b_truth, b_files = synthesize_product(en, fr, 3, config)
    assert a_files == b_files and a_truth.model_dump_json() == b_truth.model_dump_json()
    assert all("scene" in img.degradations for img in a_truth.images)


def test_shelf_distractor_text_is_in_the_pixels_but_not_in_the_truth():
    en, fr = example_pairs()[0]
    truth, files = synthesize_product(en, fr, 7, _config(shelf=1.0))
    front = truth.images[0]
    scene = front.degradations["scene"]
    assert scene["kind"] == "shelf" and scene["distractors"] >= 4
    distractors = scene["distractor_lines"]
    own = {line.text for line in _lines(truth)}
    assert distractors and not own & {d["text"] for d in distractors}
    # the label's own text is upright; some background text runs another way
    assert {reading_degrees(w.polygon) for line in front.lines for w in line.words} == {0}
    turned = [d for d in distractors if d["reading_deg"] != 0]
    assert turned
    # the largest turned distractor line is really printed there: crop it, turn it upright and read it
    d = max(
        turned,
        key=lambda d: min(
            bbox_of(d["polygon"])[2] - bbox_of(d["polygon"])[0], bbox_of(d["polygon"])[3] - bbox_of(d["polygon"])[1]
        ),
    )
    x0, y0, x1, y1 = bbox_of([tuple(p) for p in d["polygon"]])
    image = Image.open(io.BytesIO(files[front.id])).convert("L")
    crop = image.crop((max(0, x0 - 6), max(0, y0 - 6), x1 + 6, y1 + 6)).rotate(d["reading_deg"], expand=True)
    crop = crop.resize((crop.width * 2, crop.height * 2))
    read = _ocr(crop).replace(" ", "").lower()
    first = d["text"].replace(" ", "").lower()
    assert sum(c in read for c in first) >= 0.6 * len(first), (d["text"], read)
    # the product's own words still sit on ink
    gray = _gray(files[front.id])
    inked = []
    for line in front.lines:
        for w in line.words:
            bx0, by0, bx1, by1 = (round(v) for v in bbox_of(w.polygon))
            box = gray[max(0, by0) : by1, max(0, bx0) : bx1]
            inked.append(box.size > 0 and float((box < np.percentile(box, 90) - 50).mean()) > 0.02)
    assert sum(inked) / len(inked) > 0.95


def test_package_on_its_side_label_sideways_while_the_shelf_stays_upright():
    """The case of a side panel photographed sideways among upright boxes: most text in the photo is upright, the
    label's is not, and ``rotation`` says how to turn the photo to read the label."""
    en, fr = example_pairs()[0]
    truth, _ = synthesize_product(en, fr, 7, _config(shelf=1.0, turned=1.0))
    for img in truth.images:
        assert img.degradations["scene"]["turned_deg_clockwise"] in (90, 270)
        assert img.rotation == 360 - img.degradations["scene"]["turned_deg_clockwise"]
        label = {reading_degrees(w.polygon) for line in img.lines if not line.vertical for w in line.words}
        assert label == {(360 - img.rotation) % 360}
        background = [d["reading_deg"] for d in img.degradations["scene"]["distractor_lines"]]
        along = sum(d == (360 - img.rotation) % 360 for d in background)
        assert len(background) - along > along  # most background text runs another way than the label's


def test_occlusion_drops_hidden_words_and_wholly_hidden_lines():
    words = [TruthWord(text=t, polygon=rect(x, 10, x + 40, 30)) for t, x in (("one", 0), ("two", 50), ("three", 100))]
    line = TruthLine(text="one two three", polygon=rect(0, 10, 140, 30), label="caution", words=words)
    alone = TruthLine(
        text="gone", polygon=rect(0, 50, 40, 70), label="other", words=[TruthWord(text="gone", polygon=rect(0, 50, 40, 70))]
    )
    mask = np.zeros((100, 200), np.uint8)
    mask[0:40, 45:95] = 255  # covers "two"
    mask[45:80, 0:45] = 255  # covers "gone"
    mask[10:12, 100:140] = 255  # a sliver (10 %) of "three": still legible
    kept, gone, hidden = occlude([line, alone], mask, 127)
    assert [ln.text for ln in kept] == ["one three"] and gone == ["gone"] and hidden == 2
    assert bbox_of(kept[0].polygon) == (0, 10, 140, 30)


def test_hand_fingers_over_text_keep_the_npn_and_ingredients_and_drop_what_they_hide():
    en, fr = example_pairs()[1]
    hidden_total, gone = 0, []
    for seed in range(43, 53):  # until the fingers have hidden a whole line somewhere (43 does)
        if gone:
            break
        truth, _files = synthesize_product(en, fr, seed, _config(hand=1.0, fingers_over_text=1.0))
        for img in truth.images:
            assert img.degradations["scene"]["kind"] == "hand"
            fingers = img.degradations["fingers"]
            assert fingers["over_text"] is True and fingers["depth"] >= 0
            hidden_total += fingers["hidden_words"]
            for text in fingers["hidden_lines"]:
                assert text not in [line.text for line in img.lines]
                gone.append(text)
        # never hidden: the NPN and the medicinal ingredient rows
        assert any(line.text == "NPN 80098765" for line in _lines(truth, "npn"))
        rows = " ".join(line.text for line in _lines(truth, "medicinal_ingredient"))
        assert "Echinacea purpurea" in rows and "250 mg" in rows
    assert hidden_total > 0 and gone  # the fingers covered words, and one whole line, on some photo


def test_glare_spots_are_bright_and_recorded():
    en, fr = example_pairs()[0]
    truth, files = synthesize_product(en, fr, 5, _config(glare_spots=1.0))
    spots = [(img, s) for img in truth.images for s in img.degradations.get("glare_spots", {}).get("spots", [])]
    assert spots
    for img, spot in spots:
        gray = _gray(files[img.id])
        cx, cy = (round(v) for v in spot["center"])
        assert gray[cy - 1 : cy + 2, cx - 1 : cx + 2].mean() > 220
    assert any(line.label == "npn" for line in _lines(truth))


def test_12_megapixel_scene():
    from cyclops.synth.cli import parse_size

    assert parse_size("12mp") == (4000, 3000) and parse_size("12mp-portrait") == (3000, 4000)
    assert parse_size("2000x1500") == (2000, 1500)
    with pytest.raises(ValueError):
        parse_size("huge")
    en, fr = example_pairs()[0]
    rng = random.Random(1)
    faces = compose_faces(build_content(en, fr, rng), rng, "base", False)
    config = SynthConfig(width=3000, height=4000, degradations=DegradationProbabilities.none(), realism=Realism(hand=1.0))
    shot = photograph_scene(faces[:1], config, rng, random.Random(2))
    assert shot.size == (3000, 4000)
    assert shot.degradations["scene"]["kind"] == "hand"
    heights = [bbox_of(w.polygon)[3] - bbox_of(w.polygon)[1] for line in shot.lines for w in line.words]
    assert heights and max(heights) > 60  # the label fills the tall frame: print is large in pixels
    for line in shot.lines:
        x0, y0, x1, y1 = bbox_of(line.polygon)
        assert 0 <= x0 < x1 <= 3000 and 0 <= y0 < y1 <= 4000


def test_supplement_facts_panel_truth(tmp_path):
    en, fr = example_pairs()[0]  # Vitamin D3 25 mcg (1000 IU)
    truth, files = synthesize_product(en, fr, 2, SynthConfig(clean=True, vertical_npn=0.0, realism=Realism(supplement_facts=1.0)))
    p = truth.printed
    assert p["ingredient_panel"] == "supplement_facts"
    assert p["medicinal_ingredients"] == [
        {"name": "Vitamin D3", "name_fr": "Vitamine D3", "quantity": 25, "unit": "mcg", "potency": "1000 IU"}
    ]
    rows = _lines(truth, "medicinal_ingredient")
    assert [r.text for r in rows] == ["Vitamin D3 25 mcg (1000 IU)"]
    other = [line.text for line in _lines(truth, "other")]
    for text in ("Supplement Facts", "Amount Per Serving", "% Daily Value", "125%"):
        assert text in other
    assert any(t.startswith("Serving Size") for t in other) and any(t.startswith("Servings Per Container") for t in other)
    assert any(t.endswith("Daily Value not established.") for t in other)
    assert not any("%" in r.text for r in rows)
    # the rows read back (the panel is drawn where the truth says)
    img = next(i for i in truth.images if any(line.label == "medicinal_ingredient" for line in i.lines))
    image = Image.open(io.BytesIO(files[img.id])).convert("RGB")
    x0, y0, x1, y1 = bbox_of(rows[0].polygon)
    read = _ocr(image.crop((x0 - 6, y0 - 6, x1 + 6, y1 + 6)))
    assert "Vitamin" in read and "25" in read and "1000" in read


def _blend_pair():
    en, fr = example_pairs()[1]
    herbs = [
        ("Echinacea purpurea", "Échinacée pourpre", 200),
        ("Zingiber officinale", "Gingembre", 100),
        ("Curcuma longa", "Curcuma", 150),
    ]
    vit_c = ("Vitamin C", "Vitamine C", 90)

    def ings(lang):
        return [
            MedicinalIngredient(
                lnhpd_id=910002, ingredient_name=name if lang == "en" else name_fr, quantity=q, quantity_unit_of_measure="mg"
            )
            for name, name_fr, q in [vit_c, *herbs]
        ]

    return en.model_copy(update={"medicinal_ingredients": ings("en")}), fr.model_copy(
        update={"medicinal_ingredients": ings("fr")}
    )


def test_supplement_facts_blend_is_one_ingredient_with_parts():
    en, fr = _blend_pair()
    truth, _ = synthesize_product(en, fr, 4, SynthConfig(clean=True, realism=Realism(supplement_facts=1.0, blend=1.0)))
    printed = truth.printed["medicinal_ingredients"]
    assert printed[0]["name"] == "Vitamin C" and printed[0]["quantity"] == 90 and "parts" not in printed[0]
    blend = printed[1]
    assert len(printed) == 2 and blend["quantity"] == 450 and blend["unit"] == "mg"
    assert [part["name"] for part in blend["parts"]] == ["Echinacea purpurea", "Zingiber officinale", "Curcuma longa"]
    rows = [line.text for line in _lines(truth, "medicinal_ingredient")]
    assert rows[0] == "Vitamin C 90 mg" and rows[1] == f"{blend['name']} 450 mg"
    listed = " ".join(rows[2:])
    assert all(name in listed for name in ("Echinacea purpurea", "Zingiber officinale", "Curcuma longa"))
    other = [line.text for line in _lines(truth, "other")]
    assert "100%" in other  # vitamin C's % Daily Value, a line of its own


def test_stylised_front_name_is_large_with_brand_above_and_count_below():
    en, fr = example_pairs()[1]
    for seed in (1, 2, 3):
        truth, _ = synthesize_product(en, fr, seed, _config(stylised_front=1.0))
        front = truth.images[0]
        lines = front.lines
        brand = [line for line in lines if line.label == "brand"]
        names = [line for line in lines if line.label == "product_name" and line.language is None]
        assert len(brand) == 1 and 1 <= len(names) <= 3
        assert " ".join(n.text for n in names).casefold() == truth.printed["product_name"].casefold()
        top = lambda line: bbox_of(line.polygon)[1]
        height = lambda line: bbox_of(line.polygon)[3] - bbox_of(line.polygon)[1]
        assert top(brand[0]) < top(names[0])
        count = next(line for line in lines if line.label == "other" and "Capsules" in line.text)
        assert top(count) > top(names[-1])
        assert height(names[0]) > 2.2 * height(count)  # big type


def test_cli_realistic_and_size(tmp_path, monkeypatch):
    from cyclops.synth import cli
    from cyclops.synth.dataset import load_dataset

    monkeypatch.setenv("CYCLOPS_DATA_DIR", str(tmp_path / "data"))
    app = typer.Typer()
    cli.register(app)
    app.command("noop")(lambda: None)
    out = tmp_path / "ds"
    result = CliRunner().invoke(
        app, ["synth", "--n", "1", "--seed", "2", "--out", str(out), "--realistic", "--size", "900x700", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    ((truth, _paths),) = load_dataset(out)
    assert all(
        (img.width, img.height) in ((900, 700), (700, 900)) or "low_resolution" in img.degradations or "crop" in img.degradations
        for img in truth.images
    )
    assert all(img.degradations["scene"]["kind"] in ("hand", "shelf", "table") for img in truth.images)
    bad = CliRunner().invoke(app, ["synth", "--n", "1", "--out", str(tmp_path / "x"), "--size", "huge"])
    assert bad.exit_code != 0 and "huge" in bad.output


def test_separate_english_and_french_tables_and_label_extras_are_not_uses():
    en, fr = example_pairs()[0]
    truth, _ = synthesize_product(en, fr, 3, SynthConfig(clean=True, realism=Realism(bilingual_tables=1.0, label_extras=1.0)))
    # one substance, two rows (one per table), one printed ingredient with both names
    rows = [line.text for line in _lines(truth, "medicinal_ingredient")]
    assert rows == ["Vitamin D3 25 mcg (1000 IU)", "Vitamine D3 25 mcg (1000 IU)"]
    assert [(i["name"], i["name_fr"]) for i in truth.printed["medicinal_ingredients"]] == [("Vitamin D3", "Vitamine D3")]
    heads = [line for line in _lines(truth, "other") if "ngr" in line.text and "dicina" in line.text]
    assert {h.language for h in heads} == {"en", "fr"}
    # origin, web address, route, storage, phone, lot and the UPC digits are "other", never a use
    extras = [line.text for line in _lines(truth, "other")]
    uses = [u["text"] for u in truth.printed["recommended_uses"] if u["language"] == "en"]
    assert uses == [p.purpose for p in en.purposes]
    assert (
        sum(any(k in t for k in ("Canada", "www.", ".com", "1-800-", "LOT ", "Oral", "Store", "Keep tightly")) for t in extras)
        >= 3
    )
    used = " ".join(line.text for line in _lines(truth, "recommended_use"))
    assert "Canada" not in used and "www." not in used and "1-800" not in used
    upc = [t for t in extras if t.replace(" ", "").isdigit() and len(t.replace(" ", "")) == 12]
    assert len(upc) <= 1 and not any(line.text.endswith(t) for t in upc for line in _lines(truth, "npn"))
