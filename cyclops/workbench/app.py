"""The dashboard: header (language, analyst, save status, shortcuts), pages Upload → Report, and the photo viewer."""

from __future__ import annotations

import html
import json
import time

import ipywidgets as w

from cyclops.client import MapiClient
from cyclops.errors import MapiError
from cyclops.model.analysis import SERVER_ANALYST, Evidence
from cyclops.report.plain import describe_field
from cyclops.settings import get_settings
from cyclops.workbench.autoretry import AutoRetry, clock_time
from cyclops.workbench.claims import ClaimsPage
from cyclops.workbench.flags import FlagsPage
from cyclops.workbench.history import HistoryPage
from cyclops.workbench.i18n import t
from cyclops.workbench.identity import current_analyst
from cyclops.workbench.ingredients import IngredientsPage
from cyclops.workbench.licence_check import LicenceBanner
from cyclops.workbench.page_style import FIT_CSS
from cyclops.workbench.product import ProductPage
from cyclops.workbench.report_page import ReportPage
from cyclops.workbench.signoff import SignOffPanel
from cyclops.workbench.state import Client, Session
from cyclops.workbench.upload import UploadPage
from cyclops.workbench.viewer import PAN_PREVIEW_JS, PhotoViewer
from cyclops.workbench.worklist import WorklistPage

PAGES = ("page_worklist", "page_upload", "page_product", "page_ingredients", "page_claims", "page_flags", "page_report",
         "page_history")
SHORTCUTS = {"n": "next", "b": "back", "a": "accept", "s": "save", "z": "undo"}

#: Alt+letter shortcuts, listened for in the page and handed to hidden buttons (one per action). Not ipyevents:
#: its key listener swallows every key (preventDefault) while the mouse is over the widget, so text boxes broke.
KEYBOARD_JS = """
(function () {
  if (window.__cyclopsShortcuts) { return; }
  window.__cyclopsShortcuts = true;
  var actions = %s;
  document.addEventListener('keydown', function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
    var action = actions[(event.code || '').replace('Key', '').toLowerCase()];
    var button = action && document.querySelector('.cyclops-key-' + action);
    if (!button) { return; }
    event.preventDefault();
    button.click();
  }, true);
})();
""".replace("%s", json.dumps(SHORTCUTS))

#: the open analysis goes in the address (``?analysis=<id>``) so a reload or a bookmark comes back to it. The kernel
#: writes the id into a hidden HTML widget; this watches it and rewrites the address (the token is left out).
ADDRESS_JS = """
(function () {
  if (window.__cyclopsAddress) { return; }
  window.__cyclopsAddress = true;
  function follow(node) {
    var holder = node.querySelector('[data-analysis]');
    if (!holder) { return; }
    var id = holder.getAttribute('data-analysis');
    var params = new URLSearchParams(window.location.search);
    params.delete('token');
    if (id) { params.set('analysis', id); } else { params.delete('analysis'); }
    var query = params.toString();
    var address = window.location.pathname + (query ? '?' + query : '') + window.location.hash;
    if (address !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, '', address);
    }
  }
  function watch() {
    var node = document.querySelector('.cyclops-address');
    if (!node) { window.setTimeout(watch, 200); return; }
    follow(node);
    new MutationObserver(function () { follow(node); }).observe(node, {childList: true, subtree: true, attributes: true});
  }
  watch();
})();
"""

#: Voila's page asks the server to shut its kernel down when it unloads (reload, tab closed), sending the
#: ``_xsrf`` cookie's value as proof it comes from the page; but Voila's page never sets that cookie, so every
#: goodbye was refused (403 "_xsrf argument missing") and each reload left a kernel running. The page sets
#: one itself (double-submit: another site can neither read nor write it), so the goodbye gets through.
SHUTDOWN_JS = """
(function () {
  if (/(^|;\\s*)_xsrf=/.test(document.cookie)) { return; }
  var token = Array.from(window.crypto.getRandomValues(new Uint8Array(16)),
                         function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  document.cookie = '_xsrf=' + token + '; path=/; SameSite=Strict';
})();
"""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


class Workbench:
    def __init__(self, client: Client, analyst: str | None = None, lang: str = "en") -> None:
        self.session = Session(client, analyst or current_analyst(), lang)
        self.autoretry = AutoRetry(self.session)  # first listener: the time of its next try is set when the header reads it
        self.viewer = PhotoViewer(self.session)
        self.worklist = WorklistPage(self.session, on_open=self.open_analysis)
        self.upload = UploadPage(self.session, on_done=lambda _a: self.go(PAGES.index("page_product")))
        self.product = ProductPage(self.session, self.show_evidence)
        self.ingredients = IngredientsPage(self.session)
        self.claims = ClaimsPage(self.session)
        self.flags = FlagsPage(self.session, self.show_evidence)
        self.report = ReportPage(self.session)
        self.signoff = SignOffPanel(self.session)
        self.history = HistoryPage(self.session)
        widgets = [self.worklist.widget, self.upload.widget, self.product.widget, self.ingredients.widget,
                   self.claims.widget, self.flags.widget, w.VBox([self.signoff.widget, self.report.widget]),
                   self.history.widget]
        self.tabs = w.Tab(children=widgets)
        self.tabs.observe(self._tab_opened, names="selected_index")

        self.title = w.HTML()
        self.language = w.ToggleButtons(options=[("English", "en"), ("Français", "fr")], value=lang)
        self.language.add_class("cyclops-language")
        self.language.observe(lambda change: self.session.set_lang(change["new"]), names="value")
        self.who = w.HTML()
        self.status = w.HTML()
        self.status.add_class("cyclops-status")
        self.reapply = w.Button(button_style="warning")
        self.keep_theirs = w.Button()
        self.retry = w.Button()
        self.reapply.on_click(lambda _b: self.session.reapply_unsaved())
        self.keep_theirs.on_click(lambda _b: self.session.discard_unsaved())
        self.retry.on_click(lambda _b: self.session.retry_outbox())
        self.undo = w.Button(icon="undo")
        self.undo.add_class("cyclops-undo")
        self.undo.on_click(lambda _b: self.undo_last())
        self.address = w.HTML(layout=w.Layout(display="none"))
        self.address.add_class("cyclops-address")
        self.back = w.Button(icon="arrow-left")
        self.next = w.Button(icon="arrow-right")
        self.back.on_click(lambda _b: self.go(self.tabs.selected_index - 1))
        self.next.on_click(lambda _b: self.go(self.tabs.selected_index + 1))
        self.help = w.Accordion(children=[w.HTML()])
        self.status_actions = w.HBox()
        self.licence_banner = LicenceBanner(self.session, on_check=lambda: self.go(PAGES.index("page_product")))
        header = w.VBox([w.HBox([self.title, self.language, self.who]),
                         w.HBox([self.status, self.status_actions, self.undo]), self.help, self.licence_banner.widget,
                         self.address])
        self.left = w.VBox([self.tabs, w.HBox([self.back, self.next])], layout=w.Layout(width="55%"))
        self.right = w.VBox([self.viewer.widget], layout=w.Layout(width="45%"))
        body = w.HBox([self.left, self.right], layout=w.Layout(flex_flow="row nowrap"))
        self.widget = w.VBox([header, body])
        self.widget.add_class("cyclops-workbench")
        self._widen(True)  # the first page is the worklist
        self.key_buttons = {action: self._key_button(letter, action) for letter, action in SHORTCUTS.items()}
        self.widget.children += (w.HBox(list(self.key_buttons.values()), layout=w.Layout(display="none")),)
        self.session.subscribe(lambda _s: self.refresh())
        self.refresh()

    @classmethod
    def from_settings(cls) -> Workbench:
        """The dashboard wired to mapi when ``CYCLOPS_MAPI_URL`` is set, to the in-process services otherwise."""
        settings = get_settings()
        return cls(MapiClient(settings.mapi_url, settings.mapi_token))

    def show(self) -> Workbench:
        from IPython.display import HTML, Javascript, display

        display(HTML(f"<style>{FIT_CSS}</style>"))
        display(self.widget)
        display(Javascript(KEYBOARD_JS))
        display(Javascript(SHUTDOWN_JS))
        display(Javascript(ADDRESS_JS))
        display(Javascript(PAN_PREVIEW_JS))
        return self

    def open_from_query(self, query: str | None) -> str | None:
        """Open the analysis named in the page's address (``?analysis=<id>``); the worklist otherwise."""
        from urllib.parse import parse_qs

        analysis_id = (parse_qs(query or "").get("analysis") or [""])[0].strip()
        if analysis_id:
            try:
                self.open_analysis(analysis_id)
                return analysis_id
            except MapiError as exc:
                self.status.value = t("status_error", self.session.lang, detail=html.escape(exc.message))
        self._show_worklist()
        return None

    def open_analysis(self, analysis_id: str) -> None:
        """Open a product from the worklist or the address: its Product page, its id in the address."""
        self.session.open(analysis_id)
        self.go(PAGES.index("page_product"))

    def undo_last(self) -> None:
        if self.session.undo() is not None and self.tabs.selected_index == PAGES.index("page_history"):
            self.history.load()

    def _show_worklist(self) -> None:
        try:
            self.worklist.search()
        except MapiError as exc:  # mapi down: say so in the page, keep the dashboard usable
            self.status.value = t("status_error", self.session.lang, detail=html.escape(exc.message))

    # -- navigation and shortcuts ----------------------------------------
    def go(self, index: int) -> None:
        self.tabs.selected_index = max(0, min(len(PAGES) - 1, index))

    def _tab_opened(self, change: dict) -> None:
        """The worklist and the changes are fetched when their tab opens, so they are the server's latest."""
        page = PAGES[change["new"] or 0]
        self._widen(page == "page_worklist")
        if page == "page_worklist":
            self._show_worklist()
        elif page == "page_history":
            self.history.load()
        elif page == "page_report":
            self.signoff.refresh()

    def _widen(self, whole: bool) -> None:
        """The worklist takes the whole width (no photo to show beside it); the other pages share it with the photo."""
        self.left.layout.width = "100%" if whole else "55%"
        self.right.layout.display = "none" if whole else None

    def show_evidence(self, evidence: Evidence) -> None:
        self.viewer.show_evidence(evidence)

    def _key_button(self, letter: str, action: str) -> w.Button:
        """The hidden button KEYBOARD_JS clicks for Alt+``letter``."""
        button = w.Button(description=action)
        button.add_class(f"cyclops-key-{action}")
        button.on_click(lambda _b: self.on_key({"altKey": True, "key": letter}))
        return button

    def on_key(self, event: dict) -> str | None:
        """Alt+N/B/A/S: next, back, accept the proposal, save now. Returns the action taken."""
        if not event.get("altKey"):
            return None
        action = SHORTCUTS.get(str(event.get("key", "")).lower()) or SHORTCUTS.get(str(event.get("code", ""))[-1:].lower())
        if action == "next":
            self.go(self.tabs.selected_index + 1)
        elif action == "back":
            self.go(self.tabs.selected_index - 1)
        elif action == "accept":
            self.accept_in_view()
        elif action == "save":
            self.session.retry_outbox()
        elif action == "undo":
            self.undo_last()
        return action

    def accept_in_view(self) -> bool:
        """Alt+A: the proposal of the page in view only (Product: the licence; Flags: the highlighted flag).
        Elsewhere it says there is nothing to accept rather than deciding something out of sight."""
        page = PAGES[self.tabs.selected_index or 0]
        analysis = self.session.analysis
        if page == "page_product" and analysis is not None and analysis.match.lnhpd_id is not None:
            return self.product.accept()
        if page == "page_flags" and self.flags.current() is not None:
            return self.flags.accept_current()
        self.status.value = t("nothing_to_accept", self.session.lang)
        return False

    # -- header -----------------------------------------------------------
    def refresh(self) -> None:
        lang = self.session.lang
        self.title.value = f"<h2 class='cyclops-title'>{t('title', lang)}</h2>"
        self.who.value = f"{t('analyst', lang)}: <b>{html.escape(self.session.analyst)}</b>"
        for index, key in enumerate(PAGES):
            self.tabs.set_title(index, t(key, lang))
        self.back.description, self.next.description = t("back", lang), t("next", lang)
        self.help.set_title(0, t("help", lang))
        self.help.children[0].value = t("help_body", lang)
        self.reapply.description, self.keep_theirs.description = t("reapply", lang), t("keep_theirs", lang)
        self.retry.description = t("retry", lang)
        self.undo.description = t("undo", lang)
        analysis_id = self.session.analysis.analysis_id if self.session.analysis else None
        self.address.value = f"<span data-analysis='{html.escape(analysis_id or '', quote=True)}'></span>"
        self.status.value, actions = self.status_text()
        self.status_actions.children = actions

    def status_text(self) -> tuple[str, list[w.Widget]]:
        lang = self.session.lang
        status = self.session.status
        field = html.escape(describe_field(status.edit.field, self.session.analysis, lang)) if status.edit else ""
        if status.state == "saved":
            return f"<span style='color:#2e7d32'>{t('status_saved', lang, field=field)}</span>", []
        if status.state == "offline":
            due = self.autoretry.due
            when = t("retry_at", lang, when=clock_time(due), seconds=max(0, round(due - time.time()))) if due else ""
            return f"<span style='color:#ef6c00'>{t('status_offline', lang, field=field, when=when)}</span>", [self.retry]
        if status.state == "conflict":
            # the server's re-check of the flags follows another analyst's change: not a change of theirs to weigh
            # (it named "cyclops" as an analyst and dumped the flags' raw records, codes and all)
            changes = [e for e in status.theirs if e.analyst != SERVER_ANALYST] or status.theirs
            who = ", ".join(sorted({e.analyst for e in changes})) or "?"
            theirs = "; ".join(f"{describe_field(e.field, self.session.analysis, lang)} = {_short(e.after)}"
                               for e in changes) or "?"
            mine_field = describe_field(status.edit.field, self.session.analysis, lang) if status.edit else ""
            text = t("status_conflict", lang, who=who, theirs=theirs, field=mine_field, mine=_short(status.edit.after if status.edit else None))
            return f"<span style='color:#c62828'>{html.escape(text)}</span>", [self.reapply, self.keep_theirs]
        if status.state == "error":
            return t("status_error", lang, detail=html.escape(status.detail)), []
        return t("status_idle", lang), []
