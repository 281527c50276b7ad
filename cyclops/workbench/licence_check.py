"""Whether the matched licence may be shown as the product's.

A licence found by a search (name, company, ingredients), or one whose number is not the NPN printed
on the label, may belong to another product: a product sold without a licence always finds some
sister licence. Until the analyst confirms a licence (``match.method == "analyst"``), every page
says so in a banner and nothing is compared with that licence, so no row looks "matched" by accident.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Literal

import ipywidgets as w

from cyclops.match import licence_doubt as match_doubt
from cyclops.model.analysis import Analysis
from cyclops.workbench.i18n import t
from cyclops.workbench.state import Session

Doubt = Literal["npn_differs", "search"]


def licence_doubt(analysis: Analysis | None) -> Doubt | None:
    """Why the matched licence is not yet the product's (``cyclops.match.licence_doubt``)."""
    return None if analysis is None else match_doubt(analysis.match, analysis.fields.npn.value)


def confirmed_licence(session: Session, language: str = "en"):
    """The matched licence (``LicenceBundle``) when it may be compared with the label, else None."""
    return None if licence_doubt(session.analysis) else session.licence(language)


class LicenceBanner:
    """The warning above every page while the match is in doubt, with a way to the Product page."""

    def __init__(self, session: Session, on_check: Callable[[], None] | None = None) -> None:
        self.session = session
        self.text = w.HTML()
        self.check = w.Button(button_style="warning", icon="search", layout=w.Layout(width="auto"))
        self.check.add_class("cyclops-licence-banner-check")
        self.check.on_click(lambda _b: (on_check or (lambda: None))())
        self.widget = w.HBox([self.text, self.check], layout=w.Layout(
            border="2px solid #ef6c00", padding="4px 8px", margin="4px 0", align_items="center"))
        self.widget.add_class("cyclops-licence-banner")
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.session.lang
        analysis = self.session.analysis
        doubt = licence_doubt(analysis)
        self.check.description = t("check_licence", lang)
        if doubt is None or analysis is None:
            self.text.value = ""
            self.widget.layout.display = "none"
            return
        message = t(f"licence_{doubt}", lang, printed=html.escape(analysis.fields.npn.value or ""),
                    matched=html.escape(analysis.match.licence_number or ""))
        self.text.value = (f"<span class='cyclops-licence-warning' style='color:#b45309'>⚠ {message} "
                           f"{html.escape(t('licence_not_compared', lang))}</span>")
        self.widget.layout.display = "flex"
