"""Photo viewer: the upright photo with coloured OCR boxes; thumbnails to pick a photo, the mouse wheel zooms about the
pointer and a drag pans; click a box to read or fix it; an eye on any page brings its evidence up, zoomed."""

from __future__ import annotations

import html
from math import hypot

import ipywidgets as w
from PIL import Image

from cyclops.extract.relabel import relabel_moves
from cyclops.model.analysis import FIELD_LABELS, Evidence
from cyclops.model.ocr import Polygon
from cyclops.workbench.drawing import FIELD_COLOURS, draw_lines, to_jpeg, upright_photo
from cyclops.workbench.evidence import register_viewer
from cyclops.workbench.geometry import View, centre_of, fit_box, line_at, pan_by, view_for, zoom_about
from cyclops.workbench.i18n import STRINGS, t
from cyclops.workbench.state import Session

SHOWN_WIDTH = 900
#: the closest zoom: a line of a 12 MP photo readable in the viewer's width
MAX_ZOOM = 12.0
#: one wheel notch (about 100 pixels of scroll, or 3 lines) zooms by this factor; a touchpad's small scrolls, by less
WHEEL_STEP, WHEEL_NOTCH, WHEEL_LINE = 1.25, 100.0, 33.0
#: a press and release further apart than this (screen pixels) is a drag, not a click on a box
DRAG_PIXELS = 4.0
THUMB_SIDE = 160

#: a drag moves the picture with the mouse at once (a CSS translate in the page): the kernel draws the new view only on
#: release, which took a second with nothing moving. The preview stays until the kernel's new picture replaces it
#: (its ``src`` changes), so it does not jump back in between; a press that moved no further than a click is left be.
PAN_PREVIEW_JS = """
(function () {
  if (window.__cyclopsPanPreview) { return; }
  window.__cyclopsPanPreview = true;
  var drag = null;
  document.addEventListener('mousedown', function (event) {
    var img = event.button === 0 && event.target.closest ? event.target.closest('img.cyclops-photo') : null;
    drag = img ? {img: img, x: event.clientX, y: event.clientY, src: img.src} : null;
  }, true);
  document.addEventListener('mousemove', function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.hypot(dx, dy) <= DRAG_PIXELS) { return; }
    drag.img.style.transform = 'translate(' + dx + 'px, ' + dy + 'px)';
  }, true);
  document.addEventListener('mouseup', function () {
    if (!drag) { return; }
    var img = drag.img, src = drag.src;
    drag = null;
    if (!img.style.transform) { return; }
    var observer, timer;
    var done = function () { observer.disconnect(); window.clearTimeout(timer); img.style.transform = ''; };
    observer = new MutationObserver(function () { if (img.src !== src) { done(); } });
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
    timer = window.setTimeout(done, 5000);  // no new picture came (the view could not move): back in place
  }, true);
})();
""".replace("DRAG_PIXELS", repr(DRAG_PIXELS))


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


def _listen(source: w.Widget, events: list[str], handler, wait: int = 0) -> object | None:
    """ipyevents on ``source`` (browser default actions off: no page scroll on the wheel, no image drag-and-drop)."""
    try:
        from ipyevents import Event
    except ImportError:  # still usable without: boxes, slider zoom and evidence highlight work
        return None
    event = Event(source=source, watched_events=events, prevent_default_action=True)
    if wait:
        event.throttle_or_debounce, event.wait = "throttle", wait
    event.on_dom_event(handler)
    return event


class PhotoViewer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._photos: dict[str, Image.Image] = {}  # sha256 -> upright photo
        self._view: View | None = None
        self.highlight: Polygon | None = None
        self.selected: int | None = None  # index into analysis.lines
        self.image_id: str | None = None  # the photo on show
        self.centre = (0.5, 0.5)  # the view's centre, fractions of the photo
        self._press: tuple[float, float] | None = None
        self._press_event: dict | None = None  # the mousedown, whose window position a drag is measured from
        self._dragged = False
        self._quiet = False
        self._evidence_text = ""

        self.thumbnails: dict[str, w.Image] = {}
        self._thumb_key: object = None
        self._thumb_events: list[object] = []
        self.thumbs = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.thumbs.add_class("cyclops-thumbs")
        # no step: the browser would snap an evidence box's zoom (1.04) to the step and send it back
        self.zoom = w.FloatSlider(value=1.0, min=1.0, max=MAX_ZOOM, step=None, readout_format=".2f")
        self.zoom.add_class("cyclops-zoom")
        self.picture = w.Image(format="jpeg", layout=w.Layout(width="100%", max_width=f"{SHOWN_WIDTH}px", display="none"))
        self.picture.add_class("cyclops-photo")
        self.where = w.HTML()
        self.line_text = w.Text(continuous_update=False, layout=w.Layout(width="60%"))
        self.line_text.add_class("cyclops-selected-line")
        self.line_label = w.Dropdown(options=list(FIELD_LABELS))
        self.line_label.add_class("cyclops-selected-label")
        self.hint = w.HTML()
        self.legend = w.HTML()
        self.zoom.observe(self._zoom_changed, names="value")
        self.line_text.observe(self._text_changed, names="value")
        self.line_label.observe(self._label_changed, names="value")
        self._events = _listen(self.picture, ["click", "mousedown", "mouseup"], self.on_mouse)
        self._wheel = _listen(self.picture, ["wheel"], self.on_wheel, wait=80)
        frame = w.Box([self.picture], layout=w.Layout(overflow="hidden", width="100%"))  # a dragged picture stays inside
        self.widget = w.VBox([
            self.thumbs, w.HBox([self.zoom, self.where]),
            frame, self.legend, self.hint, w.HBox([self.line_text, self.line_label]),
        ])
        register_viewer(session, self.show_evidence)
        session.subscribe(lambda _s: self.refresh())
        self.refresh()

    # -- data --------------------------------------------------------------
    def _photo(self, image_id: str | None) -> Image.Image | None:
        analysis = self.session.analysis
        info = next((i for i in analysis.images if i.id == image_id), None) if analysis else None
        if info is None:
            return None
        if info.sha256 not in self._photos:
            data = self.session.client.photo(info.sha256)  # type: ignore[attr-defined]
            self._photos[info.sha256] = upright_photo(data, info.rotation)
        return self._photos[info.sha256]

    def _image_ids(self) -> list[str]:
        return [i.id for i in self.session.analysis.images] if self.session.analysis else []

    def refresh(self) -> None:
        lang = self.session.lang
        self.zoom.description = t("zoom", lang)
        self.line_text.description = t("selected_line", lang)
        self.line_label.description = t("assign_to", lang)
        self.legend.value = legend(lang)
        self._quiet = True
        try:
            names = [(field_name(label, lang), label) for label in FIELD_LABELS]
            if list(self.line_label.options) != names:
                self.line_label.options = names
            self._refresh_thumbnails()
            self._show_selected()
        finally:
            self._quiet = False
        self.redraw()

    def _refresh_thumbnails(self) -> None:
        """One small clickable picture per photo of the product, rebuilt only when the photos change."""
        ids = self._image_ids()
        analysis = self.session.analysis
        key = (analysis.analysis_id, [(i.id, i.sha256) for i in analysis.images]) if analysis else None
        if key != self._thumb_key:  # another product, or its photos changed
            self._thumb_key, self.thumbnails, self._thumb_events = key, {}, []
            self.image_id = None
            keep = {i.sha256 for i in analysis.images} if analysis else set()
            self._photos = {sha: photo for sha, photo in self._photos.items() if sha in keep}  # one product's photos held
            shown = []
            for info in analysis.images if analysis else []:
                photo = self._photo(info.id)
                # no tooltip: the browser side of ipywidgets 8.1 cannot draw an Image that has one
                thumb = w.Image(value=to_jpeg(photo, max_side=THUMB_SIDE) if photo else b"", format="jpeg",
                                layout=w.Layout(height="56px", width="auto", border="2px solid transparent"))
                thumb.add_class("cyclops-thumb")
                thumb.add_class(f"cyclops-thumb-{info.id}")
                self._thumb_events.append(_listen(thumb, ["click"], lambda _e, i=info.id: self.choose_photo(i)))
                self.thumbnails[info.id] = thumb
                name = w.HTML(f"<span style='font-size:11px;color:#555'>{html.escape(info.filename or info.id)}</span>")
                shown.append(w.VBox([thumb, name], layout=w.Layout(margin="0 6px 2px 0", align_items="center")))
            self.thumbs.children = shown
            if self.image_id not in ids:
                self._set_photo(ids[0] if ids else None)
        self._mark_thumbnail()

    def _mark_thumbnail(self) -> None:
        for image_id, thumb in self.thumbnails.items():
            on = image_id == self.image_id
            thumb.layout.border = "2px solid #1565c0" if on else "2px solid transparent"
            if on and "cyclops-thumb-selected" not in thumb._dom_classes:
                thumb.add_class("cyclops-thumb-selected")
            elif not on and "cyclops-thumb-selected" in thumb._dom_classes:
                thumb.remove_class("cyclops-thumb-selected")

    def _set_photo(self, image_id: str | None) -> None:
        """Another photo: seen whole, nothing selected on it."""
        self.image_id, self.centre, self.selected, self.highlight, self._evidence_text = image_id, (0.5, 0.5), None, None, ""
        self._quiet, quiet = True, self._quiet
        try:
            self.zoom.value = 1.0
        finally:
            self._quiet = quiet
        self._mark_thumbnail()

    def choose_photo(self, image_id: str) -> None:
        """A thumbnail clicked."""
        if image_id in self._image_ids():
            self._set_photo(image_id)
            self._show_selected()
            self.redraw()

    def redraw(self) -> None:
        analysis = self.session.analysis
        photo = self._photo(self.image_id) if analysis and self.image_id else None
        if photo is None:
            self.hint.value = t("no_analysis", self.session.lang)
            self.picture.layout.display = "none"
            self.where.value = ""
            self._view = None
            return
        self.picture.layout.display = None
        lines = [line for line in analysis.lines if line.image == self.image_id]
        view = view_for(photo.width, photo.height, self.zoom.value, *self.centre, SHOWN_WIDTH)
        self.centre = centre_of(view, photo.width, photo.height)
        self.picture.value = to_jpeg(self._drawn(photo, view, lines))
        self._view = view
        self.where.value = (f"<span class='cyclops-view' data-image='{html.escape(self.image_id, quote=True)}' "
                            f"data-zoom='{self.zoom.value:.3f}' data-view='{view.x0:.1f} {view.y0:.1f} {view.x1:.1f} {view.y1:.1f}' "
                            f"data-highlight='{1 if self.highlight else 0}' style='font-size:12px;color:#555'>"
                            f"{html.escape(t('zoom_hint', self.session.lang, zoom=self.zoom.value))}</span>")
        if self.selected is None:
            self.hint.value = (f"<span class='cyclops-evidence-shown'>{html.escape(t('evidence_shown', self.session.lang, text=self._evidence_text))}</span>"
                               if self._evidence_text else t("click_a_box", self.session.lang))

    def _drawn(self, photo: Image.Image, view: View, lines: list) -> Image.Image:
        """The part in view, scaled to the screen, then its boxes drawn: a wheel step on a 12 MP photo draws on
        900 pixels, not on the whole photo, and the boxes keep one thickness at every zoom."""
        shown = photo.crop((round(view.x0), round(view.y0), round(view.x1), round(view.y1)))
        shown = shown.resize((view.shown_width, view.shown_height))
        sx, sy = view.shown_width / (view.x1 - view.x0), view.shown_height / (view.y1 - view.y0)

        def moved(polygon: Polygon) -> Polygon:
            return [((x - view.x0) * sx, (y - view.y0) * sy) for x, y in polygon]

        on_screen = [line.model_copy(update={"polygon": moved(line.polygon)}) for line in lines]
        return draw_lines(shown, on_screen, moved(self.highlight) if self.highlight else None)

    # -- zoom and pan -----------------------------------------------------
    def _zoom_changed(self, _change: dict) -> None:
        if not self._quiet:
            self.redraw()

    def _screen(self, event: dict) -> tuple[float, float] | None:
        """An ipyevents mouse event's position in the shown picture's pixels (the page may show it smaller)."""
        if self._view is None:
            return None
        scale_x = self._view.shown_width / float(event.get("boundingRectWidth") or self._view.shown_width)
        scale_y = self._view.shown_height / float(event.get("boundingRectHeight") or self._view.shown_height)
        return float(event["relativeX"]) * scale_x, float(event["relativeY"]) * scale_y

    def _drag(self, event: dict) -> tuple[float, float] | None:
        """How far the mouse went since the press, in the shown picture's pixels. Measured in the window
        (``clientX``): the picture itself follows the mouse during the drag (``PAN_PREVIEW_JS``), so a position
        relative to it would not have moved."""
        press = self._press_event
        if self._view is None or press is None:
            return None
        if all(key in e for e in (press, event) for key in ("clientX", "clientY")):
            scale_x = self._view.shown_width / float(event.get("boundingRectWidth") or self._view.shown_width)
            scale_y = self._view.shown_height / float(event.get("boundingRectHeight") or self._view.shown_height)
            return ((float(event["clientX"]) - float(press["clientX"])) * scale_x,
                    (float(event["clientY"]) - float(press["clientY"])) * scale_y)
        point = self._screen(event)
        return (point[0] - self._press[0], point[1] - self._press[1]) if point and self._press else None

    def _set_view(self, zoom: float, centre: tuple[float, float]) -> None:
        self.centre = centre
        self._quiet = True
        try:
            self.zoom.value = zoom
        finally:
            self._quiet = False
        self.redraw()

    def on_wheel(self, event: dict) -> None:
        """Wheel up zooms in, down zooms out, about the photo point under the mouse."""
        point, photo = self._screen(event), self._photo(self.image_id)
        delta = float(event.get("deltaY") or 0)
        if point is None or photo is None or delta == 0:
            return
        notches = delta * (WHEEL_LINE if event.get("deltaMode") == 1 else 1.0) / WHEEL_NOTCH
        zoom = min(MAX_ZOOM, max(1.0, self.zoom.value * WHEEL_STEP ** -max(-1.0, min(1.0, notches))))
        if zoom != self.zoom.value:
            self._set_view(zoom, zoom_about(self._view, photo.width, photo.height, zoom, *point))

    def on_mouse(self, event: dict) -> None:
        """Press, release and click on the picture: a drag pans it, a click without a drag picks a box."""
        kind = event.get("type")
        if kind == "mousedown":
            self._press, self._dragged = self._screen(event), False
            self._press_event = event
        elif kind == "mouseup":
            moved, photo = self._drag(event), self._photo(self.image_id)
            if moved and photo and hypot(*moved) > DRAG_PIXELS:
                self._dragged = True
                self._set_view(self.zoom.value, pan_by(self._view, photo.width, photo.height, *moved, self.zoom.value))
            self._press = self._press_event = None
        elif kind == "click":
            if self._dragged:  # the end of a drag, not a click on a box
                self._dragged = False
                return
            self.on_click(event)

    # -- interaction ------------------------------------------------------
    def on_click(self, event: dict) -> None:
        """A click: coordinates relative to the shown picture -> photo pixels -> line."""
        point = self._screen(event)
        if point is None or self.session.analysis is None:
            return
        x, y = self._view.to_photo(*point)
        self.select(line_at(self.session.analysis.lines, self.image_id, x, y))

    def select(self, index: int | None) -> None:
        self.selected = index
        line = self.session.analysis.lines[index] if (index is not None and self.session.analysis) else None
        self.highlight = line.polygon if line else None
        self._evidence_text = ""
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
        lang = self.session.lang
        self.line_text.value = line.text
        self.line_label.value = line.label if line.label in FIELD_LABELS else "other"
        as_read = (f" <i class='cyclops-as-read' style='color:#1565c0'>({html.escape(t('line_as_read', lang, text=line.ocr_text))})</i>"
                   if line.ocr_text and line.ocr_text != line.text else "")
        self.hint.value = f"<b>{html.escape(field_name(line.label, lang))}</b> · {html.escape(line.text)}{as_read}"

    def show_evidence(self, evidence: Evidence) -> None:
        """Bring the evidence's photo up with its box highlighted and zoomed to (the eye on every page)."""
        if evidence.image in self._image_ids() and evidence.image != self.image_id:
            self._set_photo(evidence.image)
        self.selected = None
        self.highlight = evidence.polygon or None
        self._evidence_text = evidence.text
        photo = self._photo(self.image_id)
        if photo is not None and evidence.image == self.image_id and len(evidence.polygon) >= 3:
            zoom, cx, cy = fit_box(evidence.polygon, photo.width, photo.height, MAX_ZOOM)
            self._set_view(zoom, (cx, cy))
        else:
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
