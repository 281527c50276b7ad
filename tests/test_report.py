"""The review report: verdict first, label and licence side by side, flags with their evidence crops, the correction
log, photos with boxes, sign-off; every word in the chosen language; the PDF read back with pypdfium2."""

from __future__ import annotations

import base64
import csv
import io
import json
import re

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from cyclops.compare.ingredients import compare_ingredients
from cyclops.model.analysis import Edit
from cyclops.report import build_report, report_csv, report_html, report_json, report_pdf
from cyclops.report.words import WORDS
from tests.samples import sample_analysis, sample_licences

NOW = "2026-03-04T05:06:07+00:00"
#: the report's headings in reading order (keys of cyclops.report.words.WORDS)
SECTIONS = ["verdict", "flag_summary", "side_by_side", "medicinal", "non_medicinal", "uses", "dose", "cautions", "flags",
            "corrections", "photos", "signoff"]


def _edit(seq: int, field: str, after: object, before: object = None, analyst: str = "alice", reason: str | None = None) -> Edit:
    return Edit(analyst=analyst, field=field, before=before, after=after, base_version=seq - 1, seq=seq,
                at=f"2026-03-04T05:{seq:02d}:00+00:00", reason=reason)


def _report(edits: list[Edit] | None = None, signed: bool = False):
    from datetime import datetime

    en, fr = sample_licences()
    analysis, photo = sample_analysis(en)
    analysis.fields.medicinal_ingredients[0].quantity = 7.25
    analysis.flags[0].decision, analysis.flags[0].reason = "confirmed", "double dose printed"
    analysis.fields.recommended_uses[1].compliant = False
    analysis.review.signed_off = signed
    edits = edits if edits is not None else [
        _edit(1, "fields.medicinal_ingredients[0].quantity", 7.25, before=10.0),
        _edit(2, "flags[0].decision", "confirmed", reason="double dose printed"),
    ]
    report = build_report(analysis, edits=edits, licence=en, licence_fr=fr, photos={"img0": photo}, generated_by="alice",
                          now=datetime.fromisoformat(NOW))
    return en, fr, analysis, photo, report


def _text(page: str) -> str:
    """The words of an HTML page, pictures and tags left out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"src='[^']*'", "", page)))


def _pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_verdict_and_flag_summary_come_first_then_every_section(lang: str) -> None:
    page = report_html(_report()[-1], lang)
    index = 0 if lang == "en" else 1
    positions = [page.find(f">{WORDS[key][index]}<") for key in SECTIONS]
    assert -1 not in positions, [key for key, at in zip(SECTIONS, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    verdict = WORDS["verdict_non_compliant"][index].format(n=1)
    assert page.find(verdict) < positions[1]  # the confirmed finding is said before anything else


def test_french_report_has_no_english_word_and_no_field_path() -> None:
    report = _report()[-1]
    french = _text(report_html(report, "fr"))
    english_only = {en for en, fr in WORDS.values() if en != fr and len(en) > 3 and "{" not in en}
    assert [word for word in english_only if re.search(rf"\b{re.escape(word)}\b", french)] == []
    for leftover in ("Confirmed", "Not compliant", "Amount differs", "High", "raised by", "Flag "):
        assert leftover not in french
    assert "7,25 mL" in french and "4 mars 2026, 05 h 01 UTC" in french  # French numbers and dates
    for page in (french, _text(report_html(report, "en"))):
        assert "fields." not in page and "medicinal_ingredients[" not in page and "flags[" not in page


def test_label_and_licence_side_by_side_use_the_flags_rows_with_french_names() -> None:
    en, fr, analysis, _photo, report = _report()
    rows = compare_ingredients(analysis.fields.medicinal_ingredients, en.medicinal_ingredients,
                               other_language=fr.medicinal_ingredients, lines=analysis.lines).rows
    assert [i.state for i in report.ingredients] == [r.state for r in rows]
    english, french = _text(report_html(report, "en")), _text(report_html(report, "fr"))
    assert f"{en.licence.licence_number}" in english and en.licence.company_name in english
    assert en.medicinal_ingredients[-1].ingredient_name in english and "Not on the label" in english
    assert fr.medicinal_ingredients[-1].ingredient_name in french and "Absent de l'étiquette" in french
    assert fr.licence.product_name in french and en.licence.product_name in english
    for bundle, page in ((en, english), (fr, french)):
        assert bundle.purposes[1].purpose in page
        assert bundle.non_medicinal_ingredients[0].ingredient_name in page
        assert bundle.risks[0].risk_text in page
    assert "Adults 18+ Years: 5 mL, 1 Daily" in english and "Adultes 18+ Ans : 5 mL, 1 Par jour" in french
    assert "Cures insomnia overnight. — Not compliant" in english


def test_each_flag_shows_its_evidence_crop_and_decision() -> None:
    _en, _fr, analysis, photo, report = _report()
    page = report_html(report)
    flag_table = page[page.find(">Flags and decisions<"):page.find(">Corrections<")]
    images = re.findall(r"src='data:image/jpeg;base64,([^']+)'", flag_table)
    assert len(images) == 1
    crop = Image.open(io.BytesIO(base64.b64decode(images[0]))).convert("RGB")
    full = Image.open(io.BytesIO(photo))
    assert crop.width < full.width and crop.height < full.height / 3  # cut around the ingredient's box, not the photo
    pixels = np.asarray(crop).astype(int)
    red = int(((pixels[..., 0] > 180) & (pixels[..., 1] < 100) & (pixels[..., 2] < 100)).sum())
    assert red > 300  # the evidence box is drawn (the label itself is black on white)
    words = _text(flag_table)
    assert "Amount differs from the licence (code QUANTITY_MISMATCH)" in words
    assert "Confirmed" in words and "Reason: double dose printed" in words
    assert analysis.flags[0].message in words


def test_correction_log_says_who_when_what_before_after_in_plain_words() -> None:
    report = _report()[-1]
    english, french = report_html(report), report_html(report, "fr")
    log = _text(english[english.find(">Corrections<"):english.find(">Photos<")])
    assert "1 alice 2026-03-04 05:01 UTC Medicinal ingredient 1 (Fish oil): amount 10 7.25" in log
    assert "2 alice 2026-03-04 05:02 UTC Flag 1 (Fish oil: quantity differs from the licence): decision" in log
    assert "Reason: double dose printed (empty) confirmed" in log
    log_fr = _text(french[french.find(">Corrections<"):french.find(">Photos<")])
    assert "Ingrédient médicinal 1 (Fish oil) : quantité 10 7,25" in log_fr and "(vide) confirmé" in log_fr


def test_photos_are_drawn_with_their_field_boxes() -> None:
    _en, _fr, analysis, _photo, report = _report()
    drawn = Image.open(io.BytesIO(report.photos["img0"])).convert("RGB")
    npn = next(line for line in analysis.lines if line.label == "npn")
    x0, y0 = npn.polygon[0]
    r, g, b = drawn.getpixel((int(x0) + 1, int(y0) + 1))
    assert r > 180 and 60 < g < 140 and b < 60  # the NPN's orange outline
    page = report_html(report)
    assert page[page.find(">Photos<"):].count("data:image/jpeg;base64,") == 1
    assert "#d55e00" in page and "licence number" in _text(page[page.find("cyclops-report-legend"):])  # the colours' key
    assert "numéro de licence" in _pdf_text(report_pdf(report, "fr")) and "Photo 1 (front.png)" in _text(page)


def test_sign_off_and_both_decisions_make_the_report_final() -> None:
    edits = [_edit(1, "flags[0].decision", "confirmed"), _edit(2, "flags[0].decision", "dismissed", analyst="bob"),
             _edit(3, "review.signed_off", True)]
    report = _report(edits, signed=True)[-1]
    assert report.review.final and report.analysts == ["alice", "bob"]
    english = _text(report_html(report))
    assert "Final: signed off, and every high-severity flag decided by two analysts." in english
    assert "Signed off by alice" in english and "Signed off on 2026-03-04 05:03 UTC" in english
    assert "bob, 2026-03-04 05:02 UTC: Dismissed" in english and "The analysts disagree." in english
    draft = _text(report_html(_report(edits[:1], signed=True)[-1], "fr"))
    assert "Ébauche : 1 signalement(s) de gravité élevée attendent un second analyste." in draft


def test_pdf_holds_the_report_in_either_language() -> None:
    en, fr, _analysis, _photo, report = _report()
    english = _pdf_text(report_pdf(report))
    assert english.index("Verdict") < english.index("Flag summary") < english.index("Label and licence side by side")
    for words in (en.licence.licence_number, "7.25 mL", "Amount differs", "Not compliant", "double dose printed",
                  "Medicinal ingredient 1 (Fish oil): amount", "2026-03-04 05:06 UTC", "Page 1"):
        assert words in english, words
    french = _pdf_text(report_pdf(report, "fr"))
    for words in ("Conclusion", "Quantité différente", "7,25 mL", "Non conforme", fr.medicinal_ingredients[-1].ingredient_name,
                  "4 mars 2026", "Examen et approbation"):
        assert words in french, words
    assert "Flag summary" not in french and "Amount differs" not in french
    assert len(pdfium.PdfDocument(report_pdf(report))) >= 2  # flows over pages instead of shrinking


def test_an_unconfirmed_licence_is_compared_with_nothing() -> None:
    """A licence a search found is not the product's until an analyst confirms it (issue 13, item 3)."""
    en, fr = sample_licences()
    analysis, photo = sample_analysis(en)
    analysis.match.method = "search"
    report = build_report(analysis, licence=en, licence_fr=fr, photos={"img0": photo})
    assert report.licence_doubt and {i.state for i in report.ingredients} == {"not_compared"}
    assert all(i.licence_name == "" for i in report.ingredients)
    assert f"The licence found ({en.licence.licence_number}) was not confirmed by an analyst" in report_html(report)


def test_csv_and_json_agree() -> None:
    en, _fr, _analysis, _photo, report = _report()
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    flag = next(r for r in rows if r["section"] == "flag")
    assert (flag["item"], flag["status"], flag["reason"]) == ("QUANTITY_MISMATCH", "confirmed", "double dose printed")
    states = {r["item"]: r["status"] for r in rows if r["section"] == "ingredient"}
    assert states[en.medicinal_ingredients[0].ingredient_name] == "mismatch"
    assert states[en.medicinal_ingredients[-1].ingredient_name] == "licence_only"
    assert next(r["item"] for r in rows if r["section"] == "correction") == "Medicinal ingredient 1 (Fish oil): amount"
    data = json.loads(report_json(report))
    assert data["identity"][3]["label"] == en.licence.licence_number and data["photos"] == ["img0"]
    assert data["analysts"] == ["alice"] and len(data["corrections"]) == 2 and data["verdict"] == "non_compliant"
    assert data["flags"][0]["crops"] == 1 and data["review"]["status"] == "reviewed"


def test_evidence_on_two_photos_gives_two_crops_and_a_missing_photo_none() -> None:
    from cyclops.model.analysis import Evidence, ImageInfo
    from cyclops.model.ocr import rect

    en, fr = sample_licences()
    analysis, photo = sample_analysis(en)
    analysis.images.append(ImageInfo(id="img1", sha256="0" * 64, width=800, height=600))
    analysis.images.append(ImageInfo(id="img2", sha256="1" * 64, width=800, height=600))
    analysis.flags[0].evidence += [Evidence(image="img1", polygon=rect(40, 40, 300, 80)),
                                   Evidence(image="img2", polygon=rect(40, 40, 300, 80))]
    report = build_report(analysis, licence=en, licence_fr=fr, photos={"img0": photo, "img1": photo})  # img2 not stored
    assert len(report.flags[0].crops) == 2 and sorted(report.photos) == ["img0", "img1"]
    page = report_html(report)
    assert page[page.find(">Flags and decisions<"):page.find(">Corrections<")].count("data:image/jpeg;base64,") == 2
    assert "QUANTITY_MISMATCH" in _pdf_text(report_pdf(report))
