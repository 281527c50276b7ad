"""Flags page: every flag with its severity, message and evidence; confirm or dismiss with a reason; add one by hand.

A flag whose verdict hangs on a threshold (``Analysis.near_flags``) says so: a raised one is marked borderline, and
the flags the rules almost raised are listed below, each with a button that raises it as the analyst's own."""

from __future__ import annotations

import html

import ipywidgets as w

from cyclops.model.analysis import Flag, NearFlag
from cyclops.report.words import flag_title
from cyclops.workbench.evidence import ShowEvidence, confidence_chip, confidence_level, eye_button, read_confidence, shower
from cyclops.workbench.i18n import t
from cyclops.workbench.state import Session

_SEVERITY_COLOURS = {"high": "#c62828", "medium": "#ef6c00", "low": "#1565c0"}


class FlagsPage:
    def __init__(self, session: Session, show_evidence: ShowEvidence | None = None) -> None:
        self.session = session
        self.show_evidence = shower(session, show_evidence)
        self.confirm_buttons: list[w.Button] = []
        self.raise_buttons: list[w.Button] = []  # one per near miss, in the order of ``near_misses``
        self.dismiss_buttons: list[w.Button] = []
        self.reasons: list[w.Text] = []
        self.chosen: int | None = None  # the row the analyst last looked at (its evidence shown); else the first pending
        self._shown_id: str | None = None
        self.table = w.VBox()
        self.near = w.VBox()
        self.near.add_class("cyclops-flags-near")
        self.new_code = w.Text()
        self.new_severity = w.Dropdown(options=["high", "medium", "low"], value="medium")
        self.new_message = w.Text(layout=w.Layout(width="420px"))
        self.add = w.Button(button_style="warning")
        self.add.on_click(lambda _b: self.add_flag(self.new_code.value, self.new_severity.value, self.new_message.value))
        self.add_title = w.HTML()
        self.widget = w.VBox([self.table, self.near, self.add_title, w.HBox([self.new_code, self.new_severity, self.new_message, self.add])])
        self.widget.add_class("cyclops-page-flags")
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.session.lang
        self.add_title.value = f"<h4>{t('add_flag', lang)}</h4>"
        self.new_code.placeholder, self.new_message.placeholder = t("flag_code", lang), t("message", lang)
        self.new_severity.options = [(t(s, lang), s) for s in ("high", "medium", "low")]
        self.add.description = t("add", lang)
        self.confirm_buttons, self.dismiss_buttons, self.reasons = [], [], []
        analysis = self.session.analysis
        if analysis is None or analysis.analysis_id != self._shown_id:  # another product: no row chosen yet
            self.chosen, self._shown_id = None, analysis.analysis_id if analysis else None
        self.near.children, self.raise_buttons = (), []
        if analysis is None:
            self.table.children = (w.HTML(t("no_analysis", lang)),)
            return
        self.near.children = self._near_rows(lang)
        if not analysis.flags:
            self.table.children = (w.HTML(t("no_flags", lang)),)
            return
        self.table.children = [self._row(i, flag) for i, flag in enumerate(analysis.flags)]

    def near_misses(self) -> list[NearFlag]:
        """Flags the rules almost raised and nobody has raised since (the analyst's own flag of that code counts)."""
        analysis = self.session.analysis
        if analysis is None:
            return []
        raised = {f.code for f in analysis.flags if f.standing}
        return [n for n in analysis.near_flags if not n.raised and n.code not in raised]

    def borderline(self, flag: Flag) -> NearFlag | None:
        """The nudge that would clear this raised flag, when its verdict hangs on a threshold."""
        analysis = self.session.analysis
        near = analysis.near_flags if analysis and flag.source == "pipeline" and flag.raised_at_version is None else []
        return next((n for n in near if n.raised and n.code == flag.code and n.message == flag.message), None)

    def _near_rows(self, lang: str) -> tuple[w.Widget, ...]:
        misses = self.near_misses()
        if not misses:
            return ()
        rows: list[w.Widget] = [w.HTML(f"<h4>{t('flags_near', lang)}</h4><small>{t('flags_near_help', lang)}</small>")]
        for index, near in enumerate(misses):
            message = near.message_fr if lang == "fr" and near.message_fr else near.message
            button = w.Button(description=t("raise_flag", lang), button_style="warning")
            button.add_class("cyclops-flag-raise-near")
            button.on_click(lambda _b, i=index: self.raise_near(i))
            self.raise_buttons.append(button)
            head = w.HTML(
                f"<span style='color:{_SEVERITY_COLOURS[near.severity]}'>{t(near.severity, lang)}</span> "
                f"{self._title(near, lang)}{html.escape(message, quote=False)} "
                f"<small style='color:#616161'>{html.escape(self._nudge(near, lang))}</small>")
            rows.append(w.HBox([button, head]))
        return tuple(rows)

    @staticmethod
    def _nudge(near: NearFlag, lang: str) -> str:
        return t("flag_near_raised" if near.raised else "flag_near_missed", lang, threshold=near.threshold,
                 value=f"{near.value:g}", nudged=f"{near.nudged:g}")

    def raise_near(self, index: int) -> None:
        """Raise a near miss as the analyst's own flag, confirmed, in both languages as the rules word it."""
        misses = self.near_misses()
        if index >= len(misses) or self.session.analysis is None:
            return
        near = misses[index]
        flag = Flag(code=near.code, severity=near.severity, message=near.message, message_fr=near.message_fr or near.message,
                    source="analyst", decision="confirmed")
        self.session.save("flags[+]", flag.model_dump(mode="json"))

    def current(self) -> int | None:
        """The row Alt+A acts on: the one whose evidence the analyst opened while it is undecided, else the first
        undecided flag. None when every flag is decided."""
        flags = self.session.analysis.flags if self.session.analysis else []
        if self.chosen is not None and self.chosen < len(flags) and flags[self.chosen].standing and flags[self.chosen].decision is None:
            return self.chosen
        return next((i for i, flag in enumerate(flags) if flag.standing and flag.decision is None), None)

    def accept_current(self) -> bool:
        """Alt+A on this page: confirm the highlighted flag (with its typed reason). False when none is left."""
        index = self.current()
        if index is None:
            return False
        self.decide(index, "confirmed", self.reasons[index].value if index < len(self.reasons) else "")
        return True

    def _look_at(self, index: int, flag: Flag) -> None:
        self.chosen = index
        self.show_evidence(flag.evidence[0])
        self.refresh()

    def _row(self, index: int, flag: Flag) -> w.Widget:
        lang = self.session.lang
        message = flag.message_fr if lang == "fr" and flag.message_fr else flag.message
        decision = t(flag.decision, lang) if flag.decision else t("pending", lang)
        head = w.HTML(
            f"<span style='color:{_SEVERITY_COLOURS[flag.severity]};font-weight:bold'>{t(flag.severity, lang)}</span> "
            f"{self._title(flag, lang)}{html.escape(message, quote=False)} — <i class='cyclops-flag-decision'>{decision}</i>"
            + (f" ({html.escape(flag.reason, quote=False)})" if flag.reason else "") + self._chip(flag, lang))
        borderline = self.borderline(flag)
        if borderline is not None:  # the verdict hangs on a threshold: say so, in words, with the numbers
            head.value += (f" <small class='cyclops-flag-borderline' style='color:#6a1b9a' title='{html.escape(borderline.threshold)}'>"
                           f"{t('flag_borderline', lang)}: {html.escape(self._nudge(borderline, lang))}</small>")
        reason = w.Text(value=flag.reason or "", placeholder=t("reason", lang), continuous_update=False)
        confirm = w.Button(description=t("confirm", lang), button_style="danger")
        dismiss = w.Button(description=t("dismiss", lang))
        confirm.add_class("cyclops-flag-confirm")
        dismiss.add_class("cyclops-flag-dismiss")
        confirm.on_click(lambda _b: self.decide(index, "confirmed", reason.value))
        dismiss.on_click(lambda _b: self.decide(index, "dismissed", reason.value))
        evidence = eye_button(flag.evidence, lambda _e: self._look_at(index, flag), lang)
        self.confirm_buttons.append(confirm)
        self.dismiss_buttons.append(dismiss)
        self.reasons.append(reason)
        row = w.VBox([head, w.HBox([confirm, dismiss, reason, evidence])])
        if not flag.standing:  # a correction made the rules stop raising it: shown, out of the way, nothing to decide
            head.value = (f"<s style='color:#757575'>{head.value}</s> <b class='cyclops-flag-resolved-note' style='color:#2e7d32'>"
                          f"{t('flag_resolved', lang)}</b>")
            row.add_class("cyclops-flag-resolved")
            confirm.disabled = dismiss.disabled = reason.disabled = True
        elif flag.raised_at_version is not None:  # raised by the re-check after a correction
            head.value = f"<b class='cyclops-flag-new-note' style='color:#c62828'>{t('flag_new', lang)}</b> " + head.value
            row.add_class("cyclops-flag-new")
        if index == self.current():  # what Alt+A confirms, marked so it never acts out of sight
            head.value += f" <small class='cyclops-flag-in-view-hint' style='color:#1565c0'>⌨ {t('flag_in_view', lang)}</small>"
            row.add_class("cyclops-flag-current")
            row.layout.border_left = "4px solid #1565c0"
            row.layout.padding = "0 0 0 6px"
        return row

    @staticmethod
    def _title(flag: Flag | NearFlag, lang: str) -> str:
        """The flag's plain title in the analyst's language; its code only as the title's tooltip (an analyst's own
        flag has no title: its message says it)."""
        title = flag_title(flag.code, lang)
        return (f"<b class='cyclops-flag-title' title='{html.escape(flag.code, quote=True)}'>{html.escape(title)}</b>: "
                if title else "")

    def _chip(self, flag: Flag, lang: str) -> str:
        """How surely the lines the flag cites were read: a flag on a half-read line is likelier a misreading."""
        analysis = self.session.analysis
        confidence = read_confidence(flag, analysis.lines) if analysis else None
        return "" if confidence is None else " " + confidence_chip(confidence, confidence_level(confidence), lang)

    def decide(self, index: int, decision: str, reason: str = "") -> None:
        """Decision then reason: two edits, so each can be audited and undone on its own. A decision is posted even
        when the flag already has it: a second analyst's confirmation is a decision of its own (mapi's four-eyes rule)."""
        if self.session.save(f"flags[{index}].decision", decision, again=True) and reason.strip():
            self.session.save(f"flags[{index}].reason", reason.strip())

    def add_flag(self, code: str, severity: str, message: str) -> None:
        code, message = code.strip().upper(), message.strip()
        if not code or not message or self.session.analysis is None:
            return
        flag = Flag(code=code, severity=severity, message=message, message_fr=message, source="analyst", decision="confirmed")
        if self.session.save("flags[+]", flag.model_dump(mode="json")):
            self.new_code.value = self.new_message.value = ""
