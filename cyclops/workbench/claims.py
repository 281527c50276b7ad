"""Claims page: each printed recommended use beside the closest licensed purpose, marked by the analyst."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from cyclops.compare.reading import read_unsurely
from cyclops.flags.claims import claim_support
from cyclops.workbench.i18n import t
from cyclops.workbench.licence_check import licence_doubt
from cyclops.workbench.state import Session

_DECISIONS = {None: "undecided", True: "compliant", False: "not_compliant"}


class ClaimsPage:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.decisions: list[w.ToggleButtons] = []
        self.not_claim_buttons: list[w.Button] = []
        self.table = w.VBox()
        self.widget = w.VBox([self.table])
        self.widget.add_class("cyclops-page-claims")
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.session.lang
        analysis = self.session.analysis
        self.decisions, self.not_claim_buttons = [], []
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
            rows.append(w.VBox([
                w.HTML(f"<div>{item.text}</div><div style='color:#555'>→ {support}</div>{unsure}"),
                w.HBox([decision, not_claim]),
            ]))
        self.table.children = rows

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
