"""Claims page: each printed recommended use beside the closest licensed purpose, marked by the analyst."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from cyclops.compare.reading import read_unsurely
from cyclops.flags.claims import claim_support
from cyclops.workbench.evidence import ShowEvidence, as_read_note, eye_button, item_chip, shower
from cyclops.workbench.i18n import t
from cyclops.workbench.licence_check import licence_doubt
from cyclops.workbench.state import Session

_DECISIONS = {None: "undecided", True: "compliant", False: "not_compliant"}
#: the statement lists shown under the claims, and where each row may be moved
STATEMENTS = ("directions", "cautions")
MOVES = {"directions": ("cautions", "recommended_uses"), "cautions": ("directions", "recommended_uses")}


class ClaimsPage:
    def __init__(self, session: Session, show_evidence: ShowEvidence | None = None) -> None:
        self.session = session
        self.show_evidence = shower(session, show_evidence)
        self.decisions: list[w.ToggleButtons] = []
        self.not_claim_buttons: list[w.Button] = []
        self.statement_buttons: dict[tuple[str, int, str], w.Button] = {}  # (list, row, "delete" | target list)
        self.table = w.VBox()
        self.statements = w.VBox()
        self.widget = w.VBox([self.table, self.statements])
        self.widget.add_class("cyclops-page-claims")
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.session.lang
        analysis = self.session.analysis
        self.decisions, self.not_claim_buttons = [], []
        self._refresh_statements()
        if analysis is None:
            self.table.children = (w.HTML(t("no_analysis", lang)),)
            return
        uses = analysis.fields.recommended_uses
        if not uses:
            self.table.children = (w.HTML(t("no_claims", lang)),)
            return
        doubt = licence_doubt(analysis)  # maybe another product's licence: claims are compared with nothing
        rows: list[w.Widget] = [w.HTML(f"<b>{t('claim', lang)}</b> | <b>{t('licensed_use', lang)}</b> | <b>{t('score', lang)}</b>")]
        for index, item in enumerate(uses):
            licence = None if doubt else self.session.licence(item.language if item.language in ("en", "fr") else "en")
            purposes = [p.purpose for p in licence.purposes] if licence else []
            score, best = claim_support(item.text, purposes)
            colour = "#2e7d32" if score >= 0.8 else "#ef6c00" if score >= 0.5 else "#c62828"
            support = (f"<span class='cyclops-not-compared' style='color:#616161'>{t('not_compared', lang)}</span>" if doubt else
                       f"{purposes[best] if best is not None else '—'} <span style='color:{colour};font-weight:bold'>{score:.2f}</span>")
            decision = w.ToggleButtons(options=[(t(label, lang), value) for value, label in _DECISIONS.items()],
                                       value=item.compliant)
            decision.observe(self._decide(index), names="value")
            self.decisions.append(decision)
            # a claim read unsurely from the photo is not flagged automatically: the analyst is asked to look
            unsure = (f"<div class='cyclops-unsure' style='color:#ef6c00'>⚠ {t('check_claim', lang)}</div>"
                      if read_unsurely(item, analysis.lines) else "")
            not_claim = w.Button(description=t("not_a_claim", lang), tooltip=t("not_a_claim_hint", lang),
                                 layout=w.Layout(width="auto"))
            not_claim.add_class("cyclops-not-a-claim")
            not_claim.on_click(lambda _b, i=index: self.not_a_claim(i))
            self.not_claim_buttons.append(not_claim)
            chip, note = item_chip(item, analysis.lines, lang), as_read_note(item.text, item.as_read, lang)
            rows.append(w.VBox([
                w.HTML(f"<div>{chip} {html.escape(item.text, quote=False)} {note}</div><div style='color:#555'>→ {support}</div>{unsure}"),
                w.HBox([eye_button(item.evidence, self.show_evidence, lang), decision, not_claim]),
            ]))
        self.table.children = rows

    def _refresh_statements(self) -> None:
        """Directions and cautions as read, each row deletable or movable to the list it belongs to."""
        lang, analysis = self.session.lang, self.session.analysis
        self.statement_buttons = {}
        if analysis is None:
            self.statements.children = ()
            return
        blocks: list[w.Widget] = []
        for name in STATEMENTS:
            items = getattr(analysis.fields, name)
            blocks.append(w.HTML(f"<h4>{t('list_' + name, lang)} ({len(items)})</h4>"))
            for index, item in enumerate(items):
                repaired = as_read_note(item.text, item.as_read, lang)
                chip = item_chip(item, analysis.lines, lang)
                unsure = (f" <small class='cyclops-unsure' style='color:#ef6c00'>⚠ {t('check_claim', lang)}</small>"
                          if read_unsurely(item, analysis.lines) else "")
                buttons = [eye_button(item.evidence, self.show_evidence, lang)]
                for action in ("delete", *MOVES[name]):
                    label = t("delete", lang) if action == "delete" else t("move_to", lang, where=t("list_" + action, lang))
                    button = w.Button(description=label, layout=w.Layout(width="auto"),
                                      button_style="danger" if action == "delete" else "")
                    button.add_class(f"cyclops-statement-{action}")
                    button.on_click(lambda _b, n=name, i=index, a=action: self.move_statement(n, i, a))
                    self.statement_buttons[(name, index, action)] = button
                    buttons.append(button)
                blocks.append(w.VBox([w.HTML(f"<div>{chip} {html.escape(item.text, quote=False)} {repaired}{unsure}</div>"), w.HBox(buttons)]))
        self.statements.children = blocks

    def move_statement(self, name: str, index: int, action: str) -> bool:
        """Delete a direction or caution, or move it to another list (the item itself travels, evidence and all)."""
        analysis = self.session.analysis
        if analysis is None or not 0 <= index < len(getattr(analysis.fields, name)):
            return False
        item = getattr(analysis.fields, name)[index].model_dump(mode="json")
        if not self.session.save(f"fields.{name}[{index}]", None, "not a " + name.rstrip("s") if action == "delete" else None):
            return False
        return action == "delete" or self.session.save(f"fields.{action}[+]", item, f"moved from {name}")

    def not_a_claim(self, index: int) -> bool:
        """"Oral / Orale" or "Product of Canada" read as a use: the item leaves the claims, and the photo lines it was
        read from are relabelled "other", so the correction reaches the reading (and retraining), not just the list."""
        analysis = self.session.analysis
        if analysis is None or not 0 <= index < len(analysis.fields.recommended_uses):
            return False
        item = analysis.fields.recommended_uses[index]
        read_from = {(e.image, e.text) for e in item.evidence}
        lines = [k for k, line in enumerate(analysis.lines)
                 if line.label == "recommended_use" and ((line.image, line.text) in read_from or line.text == item.text)]
        if not self.session.save(f"fields.recommended_uses[{index}]", None, "not a claim"):
            return False
        return all([self.session.save(f"lines[{k}].label", "other", "not a claim") for k in lines])

    def _decide(self, index: int) -> Callable[[dict], None]:
        return lambda change: self.session.save(f"fields.recommended_uses[{index}].compliant", change["new"])
