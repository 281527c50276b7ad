"""The changes page: every edit of the open product, newest first, in plain words (who, when, what, before, after)."""

from __future__ import annotations

import html

import ipywidgets as w

from cyclops.errors import MapiError
from cyclops.model.analysis import Edit
from cyclops.report.plain import describe_field, describe_value
from cyclops.workbench.i18n import t
from cyclops.workbench.state import Session


class HistoryPage:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.edits: list[Edit] = []
        self.table = w.HTML()
        self.table.add_class("cyclops-history-table")
        self.widget = w.VBox([self.table])
        self.widget.add_class("cyclops-page-history")
        session.subscribe(lambda _s: self.relabel())

    def relabel(self) -> None:
        if self.edits:
            self.draw()

    def load(self) -> list[Edit]:
        """Fetch the log (when the page opens: the list is always the server's)."""
        try:
            self.edits = self.session.edits()
        except MapiError as exc:
            self.edits = []
            self.table.value = t("status_error", self.session.lang, detail=html.escape(exc.message))
            return []
        self.draw()
        return self.edits

    def draw(self) -> None:
        lang, analysis = self.session.lang, self.session.analysis
        if analysis is None:
            self.table.value = t("no_analysis", lang)
            return
        if not self.edits:
            self.table.value = f"<p>{t('no_changes', lang)}</p>"
            return
        e = html.escape
        head = "".join(f"<th style='text-align:left;padding:2px 6px'>{t(k, lang)}</th>"
                       for k in ("col_who", "col_when", "col_what", "col_before", "col_after"))
        rows = []
        for edit in reversed(self.edits):
            what = e(describe_field(edit.field, analysis, lang))
            if edit.reason:
                reason = edit.reason
                if reason.startswith("undo of change "):
                    reason = t("undo_of", lang, seq=reason.rsplit(" ", 1)[-1])
                what += f" <i>({e(reason)})</i>"
            when = (edit.at or "")[:16].replace("T", " ")
            cells = [e(edit.analyst), e(when), what, e(describe_value(edit.before, lang)), e(describe_value(edit.after, lang))]
            rows.append("<tr class='cyclops-history-row'>" + "".join(
                f"<td style='padding:2px 6px;vertical-align:top;overflow-wrap:anywhere'>{c}</td>" for c in cells) + "</tr>")
        self.table.value = (f"<table style='border-collapse:collapse;width:100%'><thead><tr>{head}</tr></thead>"
                            f"<tbody>{''.join(rows)}</tbody></table>")
