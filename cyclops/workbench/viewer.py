"""Photo viewer: the upright photo with coloured OCR boxes, zoom and pan, click a box to read or fix it."""

from __future__ import annotations

import html

import ipywidgets as w
from PIL import Image

from cyclops.extract.relabel import relabel_moves
from cyclops.model.analysis import FIELD_LABELS, Evidence
from cyclops.model.ocr import Polygon
from cyclops.workbench.drawing import FIELD_COLOURS, draw_lines, to_jpeg, upright_photo
from cyclops.workbench.geometry import View, line_at, view_for
from cyclops.workbench.i18n import STRINGS, t
from cyclops.workbench.state import Session

SHOWN_WIDTH = 900


def field_name(label: str, lang: str) -> str:
    """A line's field in the analyst's language ("ingrédient médicinal", not ``medicinal_ingredient``)."""
    key = f"label_{label}"
    return t(key, lang) if key in STRINGS else label.replace("_", " ")


def legend(lang: str) -> str:
    """Coloured chips naming each field in the analyst's language, shown under the photo."""
    chips = "".join(f"<span style='display:inline-block;margin:0 .6em .2em 0'><span style='display:inline-block;width:.9em;"
                    f"height:.9em;background:{colour};border-radius:2px;vertical-align:middle'></span> {field_name(label, lang)}</span>"
                    for label, colour in FIELD_COLOURS.items())
    return f"<div class='cyclops-legend' style='font-size:12px'>{chips}</div>"


class PhotoViewer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._photos: dict[str, Image.Image] = {}  # sha256 -> upright photo
        self._view: View | None = None
        self.highlight: Polygon | None = None
        self.selected: int | None = None  # index into analysis.lines
        self._quiet = False

        self.image_choice = w.Dropdown(description="", options=[])
        self.zoom = w.FloatSlider(value=1.0, min=1.0, max=6.0, step=0.5)
        self.pan_x = w.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05)
        self.pan_y = w.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05)
        self.picture = w.Image(format="jpeg", layout=w.Layout(width="100%", max_width=f"{SHOWN_WIDTH}px", display="none"))
        self.picture.add_class("cyclops-photo")
        self.line_text = w.Text(continuous_update=False, layout=w.Layout(width="60%"))
        self.line_text.add_class("cyclops-selected-line")
        self.line_label = w.Dropdown(options=list(FIELD_LABELS))
        self.line_label.add_class("cyclops-selected-label")
        self.hint = w.HTML()
        self.legend = w.HTML()
        for control in (self.image_choice, self.zoom, self.pan_x, self.pan_y):
            control.observe(lambda _change: self.redraw(), names="value")
        self.line_text.observe(self._text_changed, names="value")
        self.line_label.observe(self._label_changed, names="value")
        try:
            from ipyevents import Event
        except ImportError:  # still usable without clicks: boxes, zoom and evidence highlight work
            self._events = None
        else:
            self._events = Event(source=self.picture, watched_events=["click"])
            self._events.on_dom_event(self.on_click)
        self.widget = w.VBox([
            w.HBox([self.image_choice, self.zoom]), w.HBox([self.pan_x, self.pan_y]),
            self.picture, self.legend, self.hint, w.HBox([self.line_text, self.line_label]),
        ])
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    # -- data --------------------------------------------------------------
    def _photo(self, image_id: str) -> Image.Image | None:
        analysis = self.session.analysis
        info = next((i for i in analysis.images if i.id == image_id), None) if analysis else None
        if info is None:
            return None
        if info.sha256 not in self._photos:
            data = self.session.client.photo(info.sha256)  # type: ignore[attr-defined]
            self._photos[info.sha256] = upright_photo(data, info.rotation)
        return self._photos[info.sha256]

    def refresh(self) -> None:
        lang = self.session.lang
        self.zoom.description, self.pan_x.description, self.pan_y.description = t("zoom", lang), t("pan_x", lang), t("pan_y", lang)
        self.image_choice.description = t("photo", lang)
        self.line_text.description = t("selected_line", lang)
        self.line_label.description = t("assign_to", lang)
        self.legend.value = legend(lang)
        analysis = self.session.analysis
        ids = [(f"{i.filename or i.id}", i.id) for i in analysis.images] if analysis else []
        self._quiet = True
        try:
            names = [(field_name(label, lang), label) for label in FIELD_LABELS]
            if list(self.line_label.options) != names:
                self.line_label.options = names
            if list(self.image_choice.options) != ids:
                self.image_choice.options = ids
                self.image_choice.value = ids[0][1] if ids else None
            self._show_selected()
        finally:
            self._quiet = False
        self.redraw()

    def redraw(self) -> None:
        analysis = self.session.analysis
        image_id = self.image_choice.value
        photo = self._photo(image_id) if analysis and image_id else None
        if photo is None:
            self.hint.value = t("no_analysis", self.session.lang)
            self.picture.layout.display = "none"
            return
        self.picture.layout.display = None
        lines = [line for line in analysis.lines if line.image == image_id]
        drawn = draw_lines(photo, lines, self.highlight)
        view = view_for(photo.width, photo.height, self.zoom.value, self.pan_x.value, self.pan_y.value, SHOWN_WIDTH)
        crop = drawn.crop((round(view.x0), round(view.y0), round(view.x1), round(view.y1)))
        self.picture.value = to_jpeg(crop.resize((view.shown_width, view.shown_height)))
        self._view = view
        if self.selected is None:
            self.hint.value = t("click_a_box", self.session.lang)

    # -- interaction ------------------------------------------------------
    def on_click(self, event: dict) -> None:
        """ipyevents click: coordinates relative to the shown picture -> photo pixels -> line."""
        if self._view is None or self.session.analysis is None:
            return
        scale_x = self._view.shown_width / float(event.get("boundingRectWidth") or self._view.shown_width)
        scale_y = self._view.shown_height / float(event.get("boundingRectHeight") or self._view.shown_height)
        x, y = self._view.to_photo(event["relativeX"] * scale_x, event["relativeY"] * scale_y)
        self.select(line_at(self.session.analysis.lines, self.image_choice.value, x, y))

    def select(self, index: int | None) -> None:
        self.selected = index
        line = self.session.analysis.lines[index] if (index is not None and self.session.analysis) else None
        self.highlight = line.polygon if line else None
        self._quiet = True
        try:
            self._show_selected()
        finally:
            self._quiet = False
        self.redraw()

    def _show_selected(self) -> None:
        analysis = self.session.analysis
        if self.selected is None or analysis is None or self.selected >= len(analysis.lines):
            self.line_text.value, self.selected = "", None
            return
        line = analysis.lines[self.selected]
        self.line_text.value = line.text
        self.line_label.value = line.label if line.label in FIELD_LABELS else "other"
        self.hint.value = f"<b>{html.escape(field_name(line.label, self.session.lang))}</b> · {html.escape(line.text)}"

    def show_evidence(self, evidence: Evidence) -> None:
        """Bring the evidence's photo up with its box highlighted (from the field pages)."""
        if any(value == evidence.image for _, value in self.image_choice.options):
            self.image_choice.value = evidence.image
        self.selected = None
        self.highlight = evidence.polygon or None
        self.redraw()

    def _text_changed(self, change: dict) -> None:
        if not self._quiet and self.selected is not None:
            self.session.save(f"lines[{self.selected}].text", change["new"])

    def _label_changed(self, change: dict) -> None:
        """The box's new label, then its text moved to that field (``cyclops.extract.relabel``)."""
        if self._quiet or self.selected is None or self.session.analysis is None:
            return
        index, analysis = self.selected, self.session.analysis
        moves = relabel_moves(analysis, index, change["new"])
        if self.session.save(f"lines[{index}].label", change["new"]):
            for path, value in moves:
                if not self.session.save(path, value, "box relabelled on the photo"):
                    break
