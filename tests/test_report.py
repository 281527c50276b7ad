"""The review report: content of the PDF (read back with poppler's pdftotext), HTML, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from cyclops.model.analysis import Edit
from cyclops.report import build_report, report_csv, report_html, report_json, report_pdf
from tests.browser_fixtures import sample_analysis, sample_licences


def _report():
    en, _fr = sample_licences()
    analysis, photo = sample_analysis(en)
    analysis.fields.medicinal_ingredients[0].quantity = 7.25
    analysis.flags[0].decision, analysis.flags[0].reason = "confirmed", "double dose printed"
    analysis.fields.recommended_uses[1].compliant = False
    edits = [Edit(analyst="alice", field="flags[0].decision", after="confirmed", base_version=0, seq=0)]
    now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    return en, build_report(analysis, edits=edits, licence=en, photos={"img0": photo}, generated_by="alice", now=now)


def test_pdf_holds_product_ingredients_flags_and_decisions(tmp_path: Path) -> None:
    en, report = _report()
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf(report))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert en.licence.licence_number in text
    assert "7.25" in text
    assert "QUANTITY_MISMATCH" in text and "confirmed" in text and "double dose printed" in text
    assert "not compliant" in text and "alice" in text and "2026-03-04" in text
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.MULTILINE)


def test_french_pdf_uses_french_titles_and_messages(tmp_path: Path) -> None:
    _en, report = _report()
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(report_pdf(report, "fr"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "Ingrédients médicinaux" in text and "la quantité diffère" in text


def test_html_csv_json_agree() -> None:
    en, report = _report()
    html = report_html(report)
    assert "data:image/jpeg;base64," in html and "7.25" in html
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    flag = next(r for r in rows if r["section"] == "flag")
    assert (flag["item"], flag["status"], flag["reason"]) == ("QUANTITY_MISMATCH", "confirmed", "double dose printed")
    states = {r["item"]: r["status"] for r in rows if r["section"] == "ingredient"}
    assert states[en.medicinal_ingredients[0].ingredient_name] == "mismatch"
    assert states[en.medicinal_ingredients[-1].ingredient_name] == "licence_only"
    data = json.loads(report_json(report))
    assert data["product"]["npn"] == en.licence.licence_number and data["photos"] == ["img0"]
    assert data["analysts"] == ["alice"] and data["edit_count"] == 1


def test_an_unconfirmed_licence_is_said_so_in_the_report() -> None:
    """A licence a search found is not the product's until an analyst confirms it (issue 13, item 3)."""
    from cyclops.model.analysis import Analysis, Fields, FieldValue, Match
    from cyclops.report import build_report

    found = Analysis(fields=Fields(npn=FieldValue()), match=Match(lnhpd_id=1, licence_number="80958031", method="search", score=0.7))
    assert "not confirmed" in build_report(found).licence["licence_number"]
    confirmed = found.model_copy(update={"match": found.match.model_copy(update={"method": "analyst"})})
    assert build_report(confirmed).licence["licence_number"] == "80958031"
    printed = Analysis(fields=Fields(npn=FieldValue(value="80012345")),
                       match=Match(lnhpd_id=1, licence_number="80012345", method="npn_exact", score=1.0))
    assert build_report(printed).licence["licence_number"] == "80012345"
