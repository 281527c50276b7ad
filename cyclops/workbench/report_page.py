"""Report page: HTML preview and PDF/HTML/CSV/JSON downloads of the reviewed analysis, in the analyst's language."""

from __future__ import annotations

import base64

import ipywidgets as w

from cyclops.errors import NotFound
from cyclops.report import Report, build_report, report_csv, report_html, report_json, report_pdf
from cyclops.workbench.i18n import t
from cyclops.workbench.licence_check import confirmed_licence
from cyclops.workbench.state import Session


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An <a download> with the file inlined: works in Voila without a file server."""
    encoded = base64.b64encode(data).decode()
    return (f"<a class='cyclops-download' download='{filename}' href='data:{mime};base64,{encoded}' "
            f"style='margin-right:1em'>{label}</a>")


class ReportPage:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.report: Report | None = None
        self.pdf: bytes | None = None
        self.build_button = w.Button(button_style="primary")
        self.build_button.on_click(lambda _b: self.build())
        self.downloads = w.HTML()
        self.preview = w.HTML()
        self.widget = w.VBox([self.build_button, self.downloads, self.preview])
        self.widget.add_class("cyclops-page-report")
        session.subscribe(lambda _s: self.relabel())
        self.relabel()

    def relabel(self) -> None:
        self.build_button.description = t("make_report", self.session.lang)

    def build(self) -> Report | None:
        session = self.session
        analysis = session.analysis
        if analysis is None:
            self.preview.value = t("no_analysis", session.lang)
            return None
        photos = {}
        for image in analysis.images:
            try:
                photos[image.id] = session.client.photo(image.sha256)  # type: ignore[attr-defined]
            except NotFound:
                continue
        lang = session.lang
        self.report = build_report(analysis, edits=session.edits(), licence=_bundle(session, "en"),
                                   licence_fr=_bundle(session, "fr"), photos=photos, generated_by=session.analyst)
        self.pdf = report_pdf(self.report, lang)
        page = report_html(self.report, lang)
        name = f"cyclops-{analysis.analysis_id or 'report'}"
        self.downloads.value = (
            download_link(self.pdf, f"{name}.pdf", "application/pdf", t("download_pdf", lang))
            + download_link(_document(page, lang).encode(), f"{name}.html", "text/html", t("download_html", lang))
            + download_link(report_csv(self.report).encode(), f"{name}.csv", "text/csv", t("download_csv", lang))
            + download_link(report_json(self.report).encode(), f"{name}.json", "application/json", t("download_json", lang)))
        self.preview.value = page
        return self.report


def _bundle(session: Session, language: str):
    """The confirmed licence's record in ``language`` only (the session falls back to English; the report must not)."""
    bundle = confirmed_licence(session, language)
    return bundle if bundle is not None and bundle.language == language else None


def _document(page: str, lang: str) -> str:
    """The preview as a file of its own."""
    return f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>Cyclops</title></head><body>{page}</body></html>"
