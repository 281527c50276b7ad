"""Sign-off: the analyst signs the product off once every flag is decided; each high-severity flag also needs a
second analyst's decision before the report is final. The panel shows both decisions and any disagreement.

The second-reviewer rule itself is the service layer's (``cyclops.service.policy``, behind mapi): a refused confirmation comes back as an error
the status bar shows. Who signed off and when is read from the edit log (``cyclops.review``).
"""

from __future__ import annotations

import html

import ipywidgets as w

from cyclops.review import ASSIGN, SIGN_OFF, ReviewState, review_state
from cyclops.workbench.i18n import t
from cyclops.workbench.state import Session


class SignOffPanel:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.state: ReviewState | None = None
        self.summary = w.HTML()
        self.summary.add_class("cyclops-signoff-summary")
        self.sign = w.Button(button_style="success", icon="check")
        self.sign.add_class("cyclops-sign-off")
        self.sign.on_click(lambda _b: self.sign_off())
        self.withdraw = w.Button(icon="undo")
        self.withdraw.add_class("cyclops-withdraw-sign-off")
        self.withdraw.on_click(lambda _b: self.session.save(SIGN_OFF, False))
        self.take = w.Button(icon="user")
        self.take.add_class("cyclops-assign-me")
        self.take.on_click(lambda _b: self.session.save(ASSIGN, self.session.analyst))
        self.widget = w.VBox([self.summary, w.HBox([self.sign, self.withdraw, self.take])])
        self.widget.add_class("cyclops-signoff")
        self.widget.layout = w.Layout(border="1px solid #ccc", padding="4px 8px", margin="0 0 8px 0")
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    def sign_off(self) -> bool:
        """Sign off when every flag is decided; else say what is left (the status bar)."""
        analysis = self.session.analysis
        if analysis is None:
            return False
        if any(flag.standing and flag.decision is None for flag in analysis.flags):
            self.summary.value = self._text() + f"<p class='cyclops-signoff-refused' style='color:#c62828'>{t('decide_flags_first', self.session.lang)}</p>"
            return False
        return self.session.save(SIGN_OFF, True)

    def refresh(self) -> None:
        lang = self.session.lang
        self.sign.description, self.withdraw.description = t("sign_off", lang), t("withdraw_sign_off", lang)
        self.take.description = t("assign_me", lang)
        analysis = self.session.analysis
        if analysis is None:
            self.state = None
            self.summary.value = t("no_analysis", lang)
            self.widget.layout.display = "none"
            return
        self.widget.layout.display = None
        try:
            edits = self.session.edits()
        except Exception:  # noqa: BLE001 - mapi down: the panel says so, the page stays usable
            edits = []
        self.state = review_state(analysis, edits)
        self.sign.disabled = analysis.review.signed_off
        self.withdraw.disabled = not analysis.review.signed_off
        self.take.disabled = self.state.assigned_to == self.session.analyst
        self.summary.value = self._text()

    def _text(self) -> str:
        lang, state = self.session.lang, self.state
        if state is None:
            return ""
        e = html.escape
        parts = [f"<b>{t('review_status', lang)}:</b> <span class='cyclops-review-status'>{e(t('status_' + state.status, lang))}</span>"]
        if state.assigned_to:
            parts.append(f"{t('col_assigned', lang)}: <b>{e(state.assigned_to)}</b>")
        if state.signed_off_by:
            parts.append(t("signed_off_by", lang, who=e(state.signed_off_by), at=e((state.signed_off_at or "")[:16].replace("T", " "))))
        lines = [" · ".join(parts)]
        for flag in state.high_flags:
            message = flag.message_fr if lang == "fr" and flag.message_fr else flag.message
            said = "; ".join(f"{e(d.analyst)}: {e(t(d.decision, lang) if d.decision else '?')}" for d in flag.decisions) \
                or t("pending", lang)
            if flag.disagreement:
                note = f"<b style='color:#c62828'>{t('disagreement', lang)}</b>"
            elif flag.second_done:
                note = f"<span style='color:#2e7d32'>{t('second_done', lang)}</span>"
            else:
                note = f"<span style='color:#ef6c00'>{t('needs_second', lang)}</span>"
            lines.append(f"<li class='cyclops-high-flag-review'>{e(message)} — {said} — {note}</li>")
        final = t("report_final", lang) if state.final else t("report_not_final", lang)
        colour = "#2e7d32" if state.final else "#555"
        return (f"<div>{lines[0]}</div><ul style='margin:2px 0'>{''.join(lines[1:])}</ul>"
                f"<div class='cyclops-report-final' style='color:{colour}'>{final}</div>")
