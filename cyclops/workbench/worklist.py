"""The worklist: the first page, every product to review (uploads and ``cyclops batch`` runs alike, as the catalogue
lists them), the most likely wrong or non-compliant first; filter, sort by any column, open one to review it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import ipywidgets as w

from cyclops.review import STATUSES
from cyclops.workbench.i18n import t
from cyclops.workbench.phone_link import link_html
from cyclops.workbench.state import Session

#: the catalogue rows fetched per search (mapi's largest page)
FETCH = 500
#: rows drawn at once (the rest are counted, and a filter narrows them)
SHOWN = 60
#: (key, i18n label, width) of each column; the key is the AnalysisSummary attribute it sorts on
COLUMNS = (("priority", "col_priority", "90px"), ("status", "col_status", "120px"), ("npn", "filter_npn", "90px"),
           ("product_name", "col_product", "200px"), ("company", "filter_company", "160px"),
           ("assigned_to", "col_assigned", "90px"), ("submitted_by", "col_submitted", "90px"), ("high_flags", "col_high", "80px"),
           ("unsure_fields", "col_unsure", "90px"), ("updated_at", "col_date", "100px"))
#: columns whose natural order is largest first
DESCENDING = {"priority", "high_flags", "unsure_fields", "updated_at"}


def _sort_value(item: object, key: str) -> object:
    value = getattr(item, key, None)
    if key == "status":
        return STATUSES.index(value) if value in STATUSES else len(STATUSES)
    return value.lower() if isinstance(value, str) else value


def order(items: list[object], key: str = "priority", descending: bool | None = None) -> list[object]:
    """Sorted by ``key`` (most urgent first by default), ties newest first; empty values last."""
    descending = key in DESCENDING if descending is None else descending
    items = sorted(items, key=lambda i: getattr(i, "updated_at", None) or "", reverse=True)
    present = [i for i in items if getattr(i, key, None) is not None]
    missing = [i for i in items if getattr(i, key, None) is None]
    return sorted(present, key=lambda i: _sort_value(i, key), reverse=descending) + missing


class WorklistPage:
    def __init__(self, session: Session, on_open: Callable[[str], None]) -> None:
        self.session = session
        self.on_open = on_open
        self.items: list[object] = []
        self.sort_key, self.descending = "priority", True
        self.npn, self.company, self.flag, self.analyst = w.Text(), w.Text(), w.Text(), w.Text()
        for box, name in ((self.npn, "npn"), (self.company, "company"), (self.flag, "flag"), (self.analyst, "analyst")):
            box.add_class(f"cyclops-worklist-{name}")
            box.layout = w.Layout(width="230px")
            box.observe(lambda _c: self.search(), names="value")  # continuous_update off: on Enter or leaving the box
            box.continuous_update = False
        self.since = w.DatePicker(layout=w.Layout(width="230px"))
        self.since.observe(lambda _c: self.search(), names="value")
        self.status = w.Dropdown(layout=w.Layout(width="230px"))
        self.status.add_class("cyclops-worklist-status")
        self.status.observe(lambda _c: self.search(), names="value")  # the server filters by status
        self.refresh_button = w.Button(icon="refresh")
        self.refresh_button.add_class("cyclops-worklist-refresh")
        self.refresh_button.on_click(lambda _b: self.search())
        self.headers = {key: self._header(key) for key, _label, _width in COLUMNS}
        self.rows = w.VBox()
        self.rows.add_class("cyclops-worklist-rows")
        self.count = w.HTML()
        self.count.add_class("cyclops-worklist-count")
        self.capture_address: str | None = None  # the phone capture page's address, once the page's request is known
        self.phone = w.HTML(layout=w.Layout(margin="0 0 0 auto"))
        self.phone.add_class("cyclops-worklist-phone")
        filters = w.GridBox([self.npn, self.company, self.flag, self.analyst, self.since, self.status],
                            layout=w.Layout(grid_template_columns="repeat(auto-fill, 240px)", grid_gap="2px 8px"))
        self.widget = w.VBox([filters, w.HBox([self.refresh_button, self.count, self.phone], layout=w.Layout(align_items="center")),
                              self._head(), self.rows])
        self.widget.add_class("cyclops-page-worklist")
        session.subscribe(lambda _s: self.relabel())
        self.relabel()

    def _head(self) -> w.HBox:
        head = w.HBox(list(self.headers.values()) + [w.Label(layout=w.Layout(width="80px"))])
        head.add_class("cyclops-worklist-head")
        return head

    def _header(self, key: str) -> w.Button:
        width = next(width for k, _l, width in COLUMNS if k == key)
        button = w.Button(layout=w.Layout(width=width, padding="0 2px"))
        button.add_class(f"cyclops-sort-{key}")
        button.on_click(lambda _b: self.sort_by(key))
        return button

    def relabel(self) -> None:
        lang = self.session.lang
        for box, key in ((self.npn, "filter_npn"), (self.company, "filter_company"), (self.flag, "filter_flag"),
                         (self.analyst, "filter_analyst"), (self.since, "filter_since"), (self.status, "filter_status")):
            box.description = t(key, lang)
        current = self.status.value
        self.status.options = [(t("status_any", lang), "")] + [(t(f"status_{s}", lang), s) for s in STATUSES]
        self.status.value = current or ""
        self.refresh_button.description = t("refresh", lang)
        self.phone.value = link_html(self.capture_address, lang)
        for key, label, _width in COLUMNS:
            arrow = (" ▼" if self.descending else " ▲") if key == self.sort_key else ""
            self.headers[key].description = t(label, lang) + arrow
        self.draw()

    def set_capture_address(self, address: str | None) -> None:
        """Offer the phone capture page (``cyclops.workbench.phone_link``) at ``address``."""
        self.capture_address = address
        self.phone.value = link_html(address, self.session.lang)

    # -- data -------------------------------------------------------------
    def search(self) -> list[object]:
        """Fetch the catalogue rows matching the filters, most urgent first, from the server (so the first page holds
        the products most likely wrong however many there are); a column header then sorts them here."""
        since: date | None = self.since.value
        page = self.session.client.list_analyses(  # type: ignore[attr-defined]
            npn=self.npn.value.strip() or None, company=self.company.value.strip() or None,
            flag=self.flag.value.strip().upper() or None, analyst=self.analyst.value.strip() or None,
            since=since.isoformat() if since else None, status=self.status.value or None, order="priority",
            limit=FETCH)
        self.items = list(page.items)
        self.draw()
        return self.items

    def visible(self) -> list[object]:
        wanted = self.status.value
        items = [i for i in self.items if not wanted or getattr(i, "status", None) == wanted]
        return order(items, self.sort_key, self.descending)

    def sort_by(self, key: str) -> None:
        """A column header: sort on it, most urgent/largest/newest first; again: the other way."""
        self.descending = (not self.descending) if key == self.sort_key else key in DESCENDING
        self.sort_key = key
        self.relabel()

    # -- drawing ------------------------------------------------------------
    def draw(self) -> None:
        lang = self.session.lang
        items = self.visible()
        self.count.value = t("worklist_count", lang, shown=min(len(items), SHOWN), total=len(items))
        self.rows.children = [self._row(item) for item in items[:SHOWN]]

    def _cell(self, item: object, key: str) -> str:
        lang = self.session.lang
        value = getattr(item, key, None)
        if key == "status":
            text = t(f"status_{value}", lang) if value in STATUSES else str(value or "")
            if value == "signed_off" and not getattr(item, "final", False):
                text += " " + t("waiting_second_short", lang)
            return text
        if key == "priority":
            return f"{value:.0f}" if isinstance(value, (int, float)) else ""
        if key == "updated_at":
            return (value or getattr(item, "created_at", None) or "")[:10]
        return "" if value is None else str(value)

    def _row(self, item: object) -> w.HBox:
        cells = []
        for key, _label, width in COLUMNS:
            text = html.escape(self._cell(item, key))
            style = "color:#c62828;font-weight:bold" if key == "high_flags" and getattr(item, key, 0) else ""
            cell = w.HTML(f"<span class='cyclops-cell-{key}' style='{style}' title='{text}'>{text}</span>",
                          layout=w.Layout(width=width, overflow="hidden", padding="0 2px"))
            cells.append(cell)
        open_button = w.Button(description=t("open", self.session.lang), button_style="primary",
                               layout=w.Layout(width="80px"))
        open_button.add_class("cyclops-worklist-open")
        analysis_id = item.analysis_id
        open_button.on_click(lambda _b: self.on_open(analysis_id))
        row = w.HBox(cells + [open_button])
        row.add_class("cyclops-worklist-row")
        if re.fullmatch(r"[A-Za-z0-9_-]+", analysis_id or ""):
            row.add_class(f"cyclops-row-{analysis_id}")  # found by its id (the page's tests, a script)
        return row
