"""The dashboard: header (language, analyst, save status, shortcuts), pages Upload → Report, and the photo viewer."""

from __future__ import annotations

import html
import json

import ipywidgets as w

from cyclops.errors import MapiError
from cyclops.model.analysis import Evidence
from cyclops.workbench.claims import ClaimsPage
from cyclops.workbench.flags import FlagsPage
from cyclops.workbench.history import HistoryPage
from cyclops.workbench.i18n import t
from cyclops.workbench.identity import current_analyst
from cyclops.workbench.ingredients import IngredientsPage
from cyclops.workbench.licence_check import LicenceBanner
from cyclops.workbench.product import ProductPage
from cyclops.workbench.report_page import ReportPage
from cyclops.workbench.state import Client, Session
from cyclops.workbench.upload import UploadPage
from cyclops.workbench.viewer import PhotoViewer

PAGES = ("page_upload", "page_product", "page_ingredients", "page_claims", "page_flags", "page_report", "page_history")
SHORTCUTS = {"n": "next", "b": "back", "a": "accept", "s": "save"}

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
        self.viewer = PhotoViewer(self.session)
        self.upload = UploadPage(self.session, on_done=lambda _a: self.go(1))
        self.product = ProductPage(self.session, self.show_evidence)
        self.ingredients = IngredientsPage(self.session)
        self.claims = ClaimsPage(self.session)
        self.flags = FlagsPage(self.session, self.show_evidence)
        self.report = ReportPage(self.session)
        self.history = HistoryPage(self.session, on_open=lambda: self.go(1))
        pages = [self.upload, self.product, self.ingredients, self.claims, self.flags, self.report, self.history]
        self.tabs = w.Tab(children=[p.widget for p in pages])
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
        self.back = w.Button(icon="arrow-left")
        self.next = w.Button(icon="arrow-right")
        self.back.on_click(lambda _b: self.go(self.tabs.selected_index - 1))
        self.next.on_click(lambda _b: self.go(self.tabs.selected_index + 1))
        self.help = w.Accordion(children=[w.HTML()])
        self.status_actions = w.HBox()
        self.licence_banner = LicenceBanner(self.session, on_check=lambda: self.go(PAGES.index("page_product")))
        header = w.VBox([w.HBox([self.title, self.language, self.who]), w.HBox([self.status, self.status_actions]), self.help,
                         self.licence_banner.widget])
        body = w.HBox([w.VBox([self.tabs, w.HBox([self.back, self.next])], layout=w.Layout(width="55%")),
                       w.VBox([self.viewer.widget], layout=w.Layout(width="45%"))])
        self.widget = w.VBox([header, body])
        self.widget.add_class("cyclops-workbench")
        self.key_buttons = {action: self._key_button(letter, action) for letter, action in SHORTCUTS.items()}
        self.widget.children += (w.HBox(list(self.key_buttons.values()), layout=w.Layout(display="none")),)
        self.session.subscribe(lambda _s: self.refresh())
        self.refresh()

    @classmethod
    def from_settings(cls) -> Workbench:
        """The dashboard wired to mapi when ``CYCLOPS_MAPI_URL`` is set, to the in-process services otherwise."""
        from cyclops.client import MapiClient
        from cyclops.settings import get_settings

        settings = get_settings()
        return cls(MapiClient(settings.mapi_url, settings.mapi_token))

    def show(self) -> Workbench:
        from IPython.display import Javascript, display

        display(self.widget)
        display(Javascript(KEYBOARD_JS))
        display(Javascript(SHUTDOWN_JS))
        return self

    # -- navigation and shortcuts ----------------------------------------
    def go(self, index: int) -> None:
        self.tabs.selected_index = max(0, min(len(PAGES) - 1, index))

    def _tab_opened(self, change: dict) -> None:
        """The history list is fetched when its tab opens, so it shows the latest analyses without a click."""
        if change["new"] == PAGES.index("page_history"):
            try:
                self.history.search()
            except MapiError as exc:  # mapi down: say so in the page, keep the dashboard usable
                self.history.results.options = []
                self.status.value = t("status_error", self.session.lang, detail=html.escape(str(exc)))

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
        self.status.value, actions = self.status_text()
        self.status_actions.children = actions

    def status_text(self) -> tuple[str, list[w.Widget]]:
        lang = self.session.lang
        status = self.session.status
        field = status.edit.field if status.edit else ""
        if status.state == "saved":
            return f"<span style='color:#2e7d32'>{t('status_saved', lang, field=field)}</span>", []
        if status.state == "offline":
            return f"<span style='color:#ef6c00'>{t('status_offline', lang, field=field)}</span>", [self.retry]
        if status.state == "conflict":
            who = ", ".join(sorted({e.analyst for e in status.theirs})) or "?"
            theirs = "; ".join(f"{e.field} = {_short(e.after)}" for e in status.theirs) or "?"
            text = t("status_conflict", lang, who=who, theirs=theirs, field=field, mine=_short(status.edit.after if status.edit else None))
            return f"<span style='color:#c62828'>{html.escape(text)}</span>", [self.reapply, self.keep_theirs]
        if status.state == "error":
            return t("status_error", lang, detail=html.escape(status.detail)), []
        return t("status_idle", lang), []
