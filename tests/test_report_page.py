"""The workbench's Report page against a real in-process ``MapiClient``: both licence records, the edit log and the
photos reach the report, in the analyst's language, with PDF, HTML, CSV and JSON downloads."""

from __future__ import annotations

import base64
import re

from cyclops.client import MapiClient
from cyclops.lnhpd.sample import generate
from cyclops.workbench.app import Workbench
from tests.samples import sample_analysis, seed_in_process


def test_report_page_passes_french_licence_edits_and_photos() -> None:
    licences = generate(2, 7)
    en, fr = licences[0]
    analysis, photo = sample_analysis(en)
    seed_in_process(analysis, photo, licences)
    bench = Workbench(MapiClient(), analyst="alice")
    bench.session.open("an-1")
    bench.product.inputs["brand"].value = "Tundra Labs"  # one correction, recorded by mapi under alice
    bench.session.set_lang("fr")
    report = bench.report.build()
    assert report is not None and len(report.corrections) == 1 and report.corrections[0].analyst == "alice"
    assert report.ingredients[0].licence_name_fr == fr.medicinal_ingredients[0].ingredient_name
    assert "img0" in report.photos and report.flags[0].crops
    preview = bench.report.preview.value
    assert "Conclusion" in preview and "Marque" in preview and "Tundra Labs" in preview and "fields." not in preview
    links = dict(re.findall(r"download='cyclops-an-1\.(\w+)' href='data:[^;]+;base64,([^']+)'", bench.report.downloads.value))
    assert set(links) == {"pdf", "html", "csv", "json"}
    assert base64.b64decode(links["pdf"]).startswith(b"%PDF")
    assert "<html lang='fr'>" in base64.b64decode(links["html"]).decode()
