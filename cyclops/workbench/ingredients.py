"""Ingredients page: label versus licence side by side, mismatches highlighted, every row editable."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace

import ipywidgets as w

from cyclops.compare.amounts import unsure_amount
from cyclops.model.analysis import Ingredient
from cyclops.workbench.compare import IngredientRow, pair_ingredients
from cyclops.workbench.evidence import ShowEvidence, as_read_note, eye_button, item_chip, shower
from cyclops.workbench.i18n import t
from cyclops.workbench.licence_check import licence_doubt
from cyclops.workbench.state import Session

_STATE_COLOURS = {"matched": "#2e7d32", "mismatch": "#c62828", "label_only": "#ef6c00", "licence_only": "#6a1b9a",
                  "not_compared": "#616161"}


def parse_number(text: str) -> float | None:
    """'12,5' (French decimal comma) or '12.5' -> 12.5; '' -> None; anything else raises ValueError."""
    text = text.strip().replace(",", ".")
    return float(text) if text else None


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@dataclass
class RowWidgets:
    row: IngredientRow
    name: w.Text | None = None
    quantity: w.Text | None = None
    unit: w.Text | None = None
    delete: w.Button | None = None
    to_non_medicinal: w.Button | None = None
    add_to_label: w.Button | None = None
    eye: w.Button | None = None
    confidence: w.HTML | None = None  # the confidence colour and the name as printed, when repaired


class IngredientsPage:
    def __init__(self, session: Session, show_evidence: ShowEvidence | None = None) -> None:
        self.session = session
        self.show_evidence = shower(session, show_evidence)
        self.rows: list[RowWidgets] = []
        self.non_medicinal_moves: list[w.Button] = []
        self.non_medicinal_deletes: list[w.Button] = []
        self.table = w.VBox()
        self.non_medicinal = w.VBox()
        self.message = w.HTML()
        self.new_name = w.Text()
        self.add = w.Button()
        self.add.on_click(lambda _b: self.add_ingredient(self.new_name.value))
        self.widget = w.VBox([self.table, w.HBox([self.new_name, self.add]), self.message, self.non_medicinal])
        self.widget.add_class("cyclops-page-ingredients")
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.session.lang
        self.add.description = t("add", lang)
        self.new_name.placeholder = t("new_ingredient", lang)
        analysis = self.session.analysis
        if analysis is None:
            self.table.children, self.rows = (w.HTML(t("no_analysis", lang)),), []
            self.non_medicinal.children = ()
            return
        printed = analysis.fields.medicinal_ingredients
        if licence_doubt(analysis):  # maybe another product's licence: the label alone, compared with nothing
            pairs = [IngredientRow("not_compared", i, item, None) for i, item in enumerate(printed)]
            licence_title = t("licence_unconfirmed", lang)
        else:
            en, fr = self.session.licence("en"), self.session.licence("fr")
            main = en or fr
            # judged exactly as the flags judge (both languages' names, the lines' confidences), shown in the page's language
            pairs = pair_ingredients(printed, main.medicinal_ingredients if main else [],
                                     fr.medicinal_ingredients if en and fr else None, analysis.lines)
            if lang == "fr" and en and fr:
                pairs = [replace(r, licence=fr.medicinal_ingredients[r.licence_index])
                         if r.licence_index is not None and r.licence_index < len(fr.medicinal_ingredients) else r
                         for r in pairs]
            licence_title = t("licence_side", lang)
        self.rows = [self._row(r) for r in pairs]
        header = w.HTML(
            f"<table style='width:100%'><tr><th style='width:55%'>{t('label_side', lang)}: {t('ingredient', lang)} · "
            f"{t('quantity', lang)} · {t('unit', lang)}</th><th>{licence_title}</th><th>{t('state', lang)}</th></tr></table>")
        self.table.children = [header] + [self._layout(r) for r in self.rows]
        self.non_medicinal_moves, self.non_medicinal_deletes = [], []
        items = []
        for index, item in enumerate(analysis.fields.non_medicinal_ingredients):
            move = w.Button(description=t("to_medicinal", lang), layout=w.Layout(width="auto"))
            move.on_click(self._callback(self.move_to_medicinal, index))
            delete = w.Button(description=t("delete", lang), button_style="danger", layout=w.Layout(width="auto"))
            delete.add_class("cyclops-non-medicinal-delete")
            delete.on_click(self._callback(self.delete_non_medicinal, index))
            self.non_medicinal_moves.append(move)
            self.non_medicinal_deletes.append(delete)
            name = w.HTML(f"{html.escape(item.name, quote=False)} {as_read_note(item.name, item.as_read, lang)}", layout=w.Layout(width="260px"))
            chip = w.HTML(item_chip(item, analysis.lines, lang))
            items.append(w.HBox([eye_button(item.evidence, self.show_evidence, lang), name, chip, move, delete]))
        self.non_medicinal.children = [w.HTML(f"<h4>{t('non_medicinal', lang)}</h4>")] + items

    def _row(self, row: IngredientRow) -> RowWidgets:
        lang = self.session.lang
        widgets = RowWidgets(row)
        if row.label is not None and row.label_index is not None:
            i = row.label_index
            widgets.name = w.Text(row.label.name, continuous_update=False, layout=w.Layout(width="220px"))
            if row.label.as_read and row.label.as_read != row.label.name:  # spelling repaired it: the print is evidence
                widgets.name.add_class("cyclops-repaired")
                widgets.name.tooltip = t("as_read", lang, text=row.label.as_read)
                widgets.name.layout.border = "1px dashed #1565c0"
            widgets.quantity = w.Text(_fmt(row.label.quantity), continuous_update=False, layout=w.Layout(width="90px"))
            widgets.quantity.add_class("cyclops-quantity")
            if unsure_amount(row.label):  # the flags held back on this amount: the analyst reads the photo
                widgets.quantity.add_class("cyclops-unsure")
                widgets.quantity.layout.border = "2px solid #ef6c00"
                widgets.quantity.tooltip = t("check_amount", lang)
            widgets.unit = w.Text(row.label.unit or "", continuous_update=False, layout=w.Layout(width="70px"))
            widgets.eye = eye_button(row.label.evidence, self.show_evidence, lang)
            lines = self.session.analysis.lines if self.session.analysis else []
            note = as_read_note(row.label.name, row.label.as_read, lang)
            widgets.confidence = w.HTML(item_chip(row.label, lines, lang) + (f"<br>{note}" if note else ""))
            widgets.name.observe(self._save_text(f"fields.medicinal_ingredients[{i}].name"), names="value")
            widgets.unit.observe(self._save_text(f"fields.medicinal_ingredients[{i}].unit"), names="value")
            widgets.quantity.observe(self._save_quantity(i), names="value")
            widgets.delete = w.Button(description=t("delete", lang), button_style="danger", layout=w.Layout(width="90px"))
            widgets.delete.on_click(self._callback(self.delete, i))
            widgets.to_non_medicinal = w.Button(description=t("to_non_medicinal", lang), layout=w.Layout(width="200px"))
            widgets.to_non_medicinal.on_click(self._callback(self.move_to_non_medicinal, i))
        else:
            widgets.add_to_label = w.Button(description=t("add_to_label", lang), layout=w.Layout(width="200px"))
            widgets.add_to_label.on_click(lambda _b, m=row.licence: self.add_ingredient(
                m.ingredient_name, m.quantity, m.quantity_unit_of_measure))
        return widgets

    def _layout(self, r: RowWidgets) -> w.Widget:
        lang = self.session.lang
        licence = r.row.licence
        other = f"{licence.ingredient_name} · {_fmt(licence.quantity)} {licence.quantity_unit_of_measure or ''}" if licence else "—"
        colour = _STATE_COLOURS[r.row.state]
        state = w.HTML(f"<span class='cyclops-state-{r.row.state}' style='color:{colour};font-weight:bold'>{t(r.row.state, lang)}</span>")
        left = [r.eye, r.name, r.quantity, r.unit, r.confidence] if r.name else [w.HTML("—", layout=w.Layout(width="426px"))]
        actions = [b for b in (r.delete, r.to_non_medicinal, r.add_to_label) if b is not None]
        box = w.HBox(left + [w.HTML(other, layout=w.Layout(width="260px")), state] + actions)
        if r.row.state == "mismatch":
            box.layout.border = f"2px solid {colour}"
        return box

    @staticmethod
    def _callback(action: Callable[[int], object], index: int) -> Callable[[w.Button], None]:
        return lambda _b: action(index)

    def _save_text(self, path: str) -> Callable[[dict], None]:
        return lambda change: self.session.save(path, change["new"].strip() or None)

    def _save_quantity(self, index: int) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            try:
                value = parse_number(change["new"])
            except ValueError:
                self.message.value = f"<span style='color:#c62828'>{t('quantity', self.session.lang)}: «{change['new']}» ?</span>"
                return
            self.message.value = ""
            self.session.save(f"fields.medicinal_ingredients[{index}].quantity", value)
        return handler

    # -- actions ------------------------------------------------------------
    def delete(self, index: int) -> None:
        self.session.save(f"fields.medicinal_ingredients[{index}]", None)

    def delete_non_medicinal(self, index: int) -> None:
        """Junk read as a non-medicinal ingredient ("Oral / Orale", a lot number) leaves the list."""
        self.session.save(f"fields.non_medicinal_ingredients[{index}]", None)

    def add_ingredient(self, name: str, quantity: float | None = None, unit: str | None = None) -> None:
        name = name.strip()
        if not name or self.session.analysis is None:
            return
        item = Ingredient(name=name, quantity=quantity, unit=unit, confidence=1.0).model_dump(mode="json")
        if self.session.save("fields.medicinal_ingredients[+]", item):
            self.new_name.value = ""

    def move_to_non_medicinal(self, index: int) -> None:
        analysis = self.session.analysis
        if analysis is None:
            return
        item = analysis.fields.medicinal_ingredients[index]
        moved = {"name": item.name, "confidence": item.confidence, "evidence": [e.model_dump(mode="json") for e in item.evidence]}
        if self.session.save("fields.non_medicinal_ingredients[+]", moved, reason="moved from medicinal"):
            self.session.save(f"fields.medicinal_ingredients[{index}]", None, reason="moved to non-medicinal")

    def move_to_medicinal(self, index: int) -> None:
        analysis = self.session.analysis
        if analysis is None:
            return
        item = analysis.fields.non_medicinal_ingredients[index]
        moved = Ingredient(name=item.name, confidence=item.confidence, evidence=item.evidence).model_dump(mode="json")
        if self.session.save("fields.medicinal_ingredients[+]", moved, reason="moved from non-medicinal"):
            self.session.save(f"fields.non_medicinal_ingredients[{index}]", None, reason="moved to medicinal")
