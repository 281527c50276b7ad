"""Product page: the proposed NPN, name, company, brand, dosage form and net quantity, and the licence they belong to."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from cyclops.workbench.evidence import ShowEvidence, as_read_note, eye_button, item_chip, shower
from cyclops.workbench.i18n import t
from cyclops.workbench.state import Session

#: every single-value field of the label, each with its eye, confidence colour and text as read
PRODUCT_FIELDS = ("npn", "product_name", "brand", "company", "dosage_form", "net_quantity")


class ProductPage:
    def __init__(self, session: Session, show_evidence: ShowEvidence | None = None) -> None:
        self.session = session
        self.show_evidence = shower(session, show_evidence)
        self._quiet = False
        self.inputs: dict[str, w.Text] = {}
        self.confidence: dict[str, w.HTML] = {}
        self.evidence_buttons: dict[str, w.Button] = {}
        rows = []
        for name in PRODUCT_FIELDS:
            box = w.Text(continuous_update=False, layout=w.Layout(width="500px"), style={"description_width": "140px"})
            box.add_class(f"cyclops-field-{name}")
            box.observe(self._changed(name), names="value")
            self.inputs[name], self.confidence[name] = box, w.HTML()
            self.evidence_buttons[name] = eye_button([], self.show_evidence, session.lang)
            rows.append(w.HBox([self.evidence_buttons[name], box, self.confidence[name]]))
        self.search = w.Text(continuous_update=True, layout=w.Layout(width="420px"))
        self.search.add_class("cyclops-licence-search")
        self.search.observe(lambda change: self.run_search(change["new"]), names="value")
        self.results = w.Select(options=[], rows=6, layout=w.Layout(width="720px"))
        self.use = w.Button(button_style="primary")
        self.use.on_click(lambda _b: self.choose(self.results.value))
        self.confirm = w.Button(button_style="success")
        self.confirm.on_click(lambda _b: self.accept())
        self.matched = w.HTML()
        self.widget = w.VBox(rows + [self.matched, self.confirm, self.search, self.results, self.use])
        self.widget.add_class("cyclops-page-product")
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    def _changed(self, name: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            if not self._quiet and self.session.analysis is not None:
                self.session.save(f"fields.{name}.value", change["new"] or None)
        return handler

    def refresh(self) -> None:
        lang = self.session.lang
        analysis = self.session.analysis
        self._quiet = True
        try:
            rows = self.widget.children[:len(PRODUCT_FIELDS)]
            for name, row in zip(PRODUCT_FIELDS, rows, strict=True):
                self.inputs[name].description = t(name, lang)
                value = getattr(analysis.fields, name) if analysis else None
                self.inputs[name].value = (value.value or "") if value else ""
                self.confidence[name].value = self._confidence_html(value) if value else ""
                self.evidence_buttons[name] = eye_button(value.evidence if value else [], self.show_evidence, lang)
                row.children = (self.evidence_buttons[name], *row.children[1:])
        finally:
            self._quiet = False
        self.search.placeholder = t("search_licence", lang)
        self.search.description = ""
        self.use.description = t("use_licence", lang)
        self.confirm.description = t("confirm_match", lang)
        self.matched.value = self._match_html()
        if analysis is not None and not self.search.value:
            self.results.options = [(self._candidate_label(c.licence_number, c.product_name, c.company_name, c.score, True), (c.lnhpd_id, c.licence_number))
                                    for c in analysis.match.candidates]

    def _confidence_html(self, value) -> str:
        """The confidence colour, and what the label prints beside a repaired or withheld value (it is evidence)."""
        lang = self.session.lang
        analysis = self.session.analysis
        if not value.value and not value.needs_review and not value.as_read:
            return ""  # nothing read: no confidence to show (the worklist does not count it unsure either)
        parts = [item_chip(value, analysis.lines if analysis else [], lang)]
        if value.needs_review:
            parts.append(f"<b class='cyclops-needs-review'>{html.escape(t('needs_review', lang))}</b>")
        if note := as_read_note(value.value, value.as_read, lang):
            parts.append(note)
        return " · ".join(parts)

    def _match_html(self) -> str:
        lang = self.session.lang
        analysis = self.session.analysis
        if analysis is None or analysis.match.lnhpd_id is None:
            return f"<b>{t('matched_licence', lang)}</b>: {t('no_match', lang)}"
        m = analysis.match
        name = next((c.product_name for c in m.candidates if c.lnhpd_id == m.lnhpd_id), "")
        return (f"<b>{t('matched_licence', lang)}</b>: <span class='cyclops-matched'>NPN {m.licence_number}</span> "
                f"{name} ({t('method_' + m.method, lang)}, {m.score:.0%})")

    @staticmethod
    def _candidate_label(number: str, name: str, company: str, score: float, active: bool) -> str:
        return f"{number} · {name} · {company} · {score:.2f}" + ("" if active else " ✗")

    def run_search(self, text: str) -> None:
        """Licence search as the analyst types: NPN digits, product name or company."""
        text = text.strip()
        if len(text) < 2:
            return
        hits = self.session.client.search_products(text, limit=10)  # type: ignore[attr-defined]
        self.results.options = [(self._candidate_label(h.licence_number, h.product_name, h.company_name or "", h.score, h.active),
                                 (h.lnhpd_id, h.licence_number)) for h in hits]

    def choose(self, choice: tuple[int, str] | None) -> None:
        """The analyst picks a licence: three edits so the match says who decided and on what."""
        if choice is None or self.session.analysis is None:
            return
        lnhpd_id, number = choice
        if self.session.save("match.lnhpd_id", lnhpd_id) and self.session.save("match.licence_number", number):
            self.session.save("match.method", "analyst")

    def accept(self) -> bool:
        """Confirm the proposed licence as is (button, or Alt+A on this page). False when none is proposed."""
        analysis = self.session.analysis
        if analysis is None or analysis.match.lnhpd_id is None:
            return False
        return self.session.save("match.method", "analyst", reason="confirmed proposal")
