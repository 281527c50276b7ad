"""Past analyses: filter by NPN, company, flag, analyst and date, and open one to resume it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ipywidgets as w

from cyclops.workbench.i18n import t
from cyclops.workbench.state import Session


def summary_label(item: object) -> str:
    """One line per analysis in the list (``cyclops.catalog.AnalysisSummary``)."""
    parts = [getattr(item, name, None) for name in ("analysis_id", "npn", "product_name", "company", "status", "created_at")]
    text = " · ".join(str(p) for p in parts if p)
    flags = getattr(item, "flags", None) or []
    analysts = getattr(item, "analysts", None) or []
    return text + (f" · {len(flags)} flags" if flags else "") + (f" · {', '.join(analysts)}" if analysts else "")


class HistoryPage:
    def __init__(self, session: Session, on_open: Callable[[], None] | None = None) -> None:
        self.session = session
        self.on_open = on_open or (lambda: None)
        self.npn, self.company, self.flag, self.analyst = w.Text(), w.Text(), w.Text(), w.Text()
        self.since = w.DatePicker()
        self.find = w.Button(icon="search")
        self.find.on_click(lambda _b: self.search())
        self.results = w.Select(options=[], rows=10, layout=w.Layout(width="760px"))
        self.results.add_class("cyclops-history-results")
        self.open_button = w.Button(button_style="primary")
        self.open_button.add_class("cyclops-history-open")
        self.open_button.on_click(lambda _b: self.open(self.results.value))
        self.widget = w.VBox([w.HBox([self.npn, self.company]), w.HBox([self.flag, self.analyst]),
                              w.HBox([self.since, self.find]), self.results, self.open_button])
        self.widget.add_class("cyclops-page-history")
        session.subscribe(lambda _s: self.relabel())
        self.relabel()

    def relabel(self) -> None:
        lang = self.session.lang
        for box, key in ((self.npn, "filter_npn"), (self.company, "filter_company"), (self.flag, "filter_flag"),
                         (self.analyst, "filter_analyst"), (self.since, "filter_since")):
            box.description = t(key, lang)
        self.find.description, self.open_button.description = t("find", lang), t("open", lang)

    def search(self) -> list[object]:
        since: date | None = self.since.value
        page = self.session.client.list_analyses(  # type: ignore[attr-defined]
            npn=self.npn.value.strip() or None, company=self.company.value.strip() or None,
            flag=self.flag.value.strip() or None, analyst=self.analyst.value.strip() or None,
            since=since.isoformat() if since else None, limit=50)
        self.results.options = [(summary_label(item), item.analysis_id) for item in page.items]
        return list(page.items)

    def open(self, analysis_id: str | None) -> None:
        if analysis_id:
            self.session.open(analysis_id)
            self.on_open()
