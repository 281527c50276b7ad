"""Capture in the field: an inspector in a store takes a product's photos with a phone and sends them to the worklist.

One product at a time. Each photo is named by the face it shows (front, back, side, other) and checked at once by
mapi (``MapiClient.check_photo``): the light and focus first, then the reading (text too small, NPN cut off), so a
photo to take again is said while the product is still in hand. "Send to worklist" analyses the product through
mapi, so it lands in the analysts' worklist, credited to the inspector mapi authenticates (``submitted_by``), each
photo's face recorded in the analysis (``ImageInfo.face``) and in its file name ("front_IMG_1.jpg").

The camera: ipywidgets' FileUpload renders a button that clicks a hidden ``<input type=file>`` it never puts in
the page, and has no ``capture`` attribute. ``CAMERA_JS`` sets ``capture="environment"`` (the back camera on a
phone; an ordinary file chooser elsewhere) on that input as the capture button clicks it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w

from cyclops.errors import CyclopsError, PhotoError
from cyclops.load import load_photo
from cyclops.model.analysis import FACES
from cyclops.model.photo_check import PhotoCheck
from cyclops.settings import get_settings
from cyclops.workbench.drawing import to_jpeg
from cyclops.workbench.i18n import t
from cyclops.workbench.identity import current_analyst

#: after a photo of this face, the selector moves on to the face a label usually shows next
NEXT_FACE = {"front": "back", "back": "side", "side": "side", "other": "other"}
VERDICT_COLOURS = {"good": "#2e7d32", "check": "#ef6c00", "retake": "#c62828"}

#: the capture button's hidden file input gets ``capture="environment"`` (the phone's back camera) as it is clicked:
#: a click on ``.cyclops-capture-take`` arms the next ``input.click()`` of a file input, which is FileUpload's own
CAMERA_JS = """
(function () {
  if (window.__cyclopsCamera) { return; }
  window.__cyclopsCamera = true;
  var armed = false;
  document.addEventListener('click', function (event) {
    armed = !!(event.target && event.target.closest && event.target.closest('.cyclops-capture-take'));
  }, true);
  var click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () {
    if (armed && this.type === 'file') {
      armed = false;
      this.setAttribute('accept', 'image/*');
      this.setAttribute('capture', 'environment');
    }
    return click.apply(this, arguments);
  };
})();
"""

#: large touch targets and one column that fits a 390 px wide phone
PHONE_CSS = """
.cyclops-capture { max-width: 480px; margin: 0 auto; padding: 8px; box-sizing: border-box; width: 100%; }
.cyclops-capture .widget-button, .cyclops-capture .widget-upload, .cyclops-capture .widget-toggle-button {
  min-height: 52px; font-size: 17px; }
.cyclops-capture .widget-toggle-buttons > div { display: flex; width: 100%; }
.cyclops-capture .widget-toggle-buttons .widget-toggle-button { width: auto; flex: 1 1 0; min-width: 0; }
.cyclops-capture .widget-dropdown { height: auto; }
.cyclops-capture-card .widget-dropdown, .cyclops-capture-card .widget-button { box-sizing: border-box; max-width: calc(100% - 4px); }
.cyclops-capture .widget-dropdown select { min-height: 44px; font-size: 16px; }
/* FileUpload writes "Take a photo (0)": the count of files it holds, always 0 here; its title is shown instead */
.cyclops-capture .cyclops-capture-take { font-size: 0; }
.cyclops-capture .cyclops-capture-take i { font-size: 17px; margin-right: 8px; }
.cyclops-capture .cyclops-capture-take::after { content: attr(title); font-size: 17px; }
.cyclops-capture .widget-html-content { font-size: 16px; line-height: 1.35; white-space: normal; }
.cyclops-capture-card { border: 1px solid #ccc; border-radius: 8px; padding: 6px; margin: 6px 0; }
"""


def relabel_faces(chooser: w.ToggleButtons | w.Dropdown, lang: str) -> None:
    """The faces named in ``lang``, keeping the face chosen (new options alone would reset it to the first)."""
    chosen = chooser.value
    chooser.options = [(t(f"face_{f}", lang), f) for f in FACES]
    chooser.value = chosen


@dataclass
class CapturedPhoto:
    """One photo of the product being captured, its face and its verdict."""

    filename: str
    data: bytes
    face: w.Dropdown
    verdict: w.HTML
    remove: w.Button
    thumbnail: w.Image
    check: PhotoCheck | None = None

    @property
    def sent_name(self) -> str:
        """The file name mapi gets: the face first, so the analysis says which face each photo shows."""
        return f"{self.face.value}_{self.filename}"


class CapturePage:
    """The phone page: face, take a photo, its verdict at once, new product, send to worklist."""

    def __init__(self, client: object, inspector: str | None = None, lang: str = "en",
                 on_sent: Callable[[object], None] | None = None) -> None:
        self.client = client  # cyclops.client.MapiClient (check_photo, analyze)
        self.inspector = inspector or current_analyst()
        self.lang = lang
        self.on_sent = on_sent or (lambda _a: None)
        self.photos: list[CapturedPhoto] = []
        self.confirmed: set[str] = set()  # warnings said once before sending ("retake", "two_products"): a second tap sends
        full = w.Layout(width="100%")
        self.title = w.HTML()
        self.language = w.ToggleButtons(options=[("English", "en"), ("Français", "fr")], value=lang, layout=full)
        self.language.add_class("cyclops-capture-language")
        self.language.observe(lambda change: self.set_lang(change["new"]), names="value")
        self.face_label = w.HTML()
        self.face = w.ToggleButtons(options=[(f, f) for f in FACES], value="front", layout=full)
        self.face.add_class("cyclops-capture-face")
        self.take = w.FileUpload(accept="image/*", multiple=False, icon="camera", layout=full)
        self.take.add_class("cyclops-capture-take")
        self.take.observe(self._received, names="value")
        self.count = w.HTML()
        self.cards = w.VBox(layout=full)
        self.send = w.Button(button_style="primary", icon="paper-plane", layout=full)
        self.send.add_class("cyclops-capture-send")
        self.send.on_click(lambda _b: self.send_product())
        self.new_product_button = w.Button(icon="file", layout=full)
        self.new_product_button.add_class("cyclops-capture-new")
        self.new_product_button.on_click(lambda _b: self.new_product())
        self.message = w.HTML()
        self.message.add_class("cyclops-capture-message")
        self.widget = w.VBox([self.title, self.language, self.face_label, self.face, self.take, self.count, self.cards,
                              self.message, self.send, self.new_product_button], layout=full)
        self.widget.add_class("cyclops-capture")
        self.relabel()

    @classmethod
    def from_settings(cls) -> CapturePage:
        """The page wired to mapi (``CYCLOPS_MAPI_URL``), or to the in-process services without one."""
        from cyclops.client import MapiClient

        settings = get_settings()
        return cls(MapiClient(settings.mapi_url, settings.mapi_token))

    def show(self) -> CapturePage:
        from IPython.display import HTML, Javascript, display

        display(HTML(f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{PHONE_CSS}</style>"))
        display(self.widget)
        display(Javascript(CAMERA_JS))
        return self

    # -- language ----------------------------------------------------------
    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.relabel()

    def relabel(self) -> None:
        lang = self.lang
        self.title.value = (f"<h2 style='margin:4px 0'>{html.escape(t('capture_title', lang))}</h2>"
                            f"<div>{html.escape(t('capture_inspector', lang, who=self.inspector))}</div>")
        self.face_label.value = f"<b>{html.escape(t('capture_face', lang))}</b>"
        relabel_faces(self.face, lang)
        self.take.description = self.take.tooltip = t("capture_take", lang)
        self.send.description = t("capture_send", lang)
        self.new_product_button.description = t("new_product", lang)
        for photo in self.photos:
            relabel_faces(photo.face, lang)
            photo.remove.description = t("remove", lang)
            self._show_verdict(photo)
        self.count.value = html.escape(t("capture_count", lang, n=len(self.photos)))

    # -- photos ------------------------------------------------------------
    def _received(self, change: dict) -> None:
        files = [(item["name"], bytes(item["content"])) for item in change["new"]]
        if files:
            self.take.value = ()  # so the next photo, even with the same name, fires again
            for filename, data in files:
                self.add_photo(filename, data)

    def add_photo(self, filename: str, data: bytes, face: str | None = None) -> CapturedPhoto | None:
        """Keep a photo of the product, named by ``face`` (the selector's by default), and check it at once."""
        lang = self.lang
        try:
            thumbnail = to_jpeg(load_photo(filename, data, max_pages=1)[0].image, max_side=160)
        except PhotoError as exc:
            self.message.value = self._error(t("not_image", lang, file=filename, why=str(exc)))
            return None
        face = face or self.face.value
        photo = CapturedPhoto(filename, data, w.Dropdown(options=[(t(f"face_{f}", lang), f) for f in FACES], value=face,
                                                         layout=w.Layout(width="100%")),
                              w.HTML(), w.Button(description=t("remove", lang), icon="trash", layout=w.Layout(width="100%")),
                              w.Image(value=thumbnail, format="jpeg", layout=w.Layout(width="96px", min_width="96px")))
        photo.face.add_class("cyclops-capture-photo-face")
        photo.verdict.add_class("cyclops-capture-verdict")
        photo.remove.on_click(lambda _b, p=photo: self.remove(p))
        self.photos.append(photo)
        self.face.value = NEXT_FACE[face]
        self.message.value = ""
        self.confirmed = set()
        self._draw()
        self.check(photo)
        return photo

    def check(self, photo: CapturedPhoto) -> PhotoCheck | None:
        """The light and focus at once, then the reading (the photo's OCR is kept by mapi for the analysis)."""
        photo.verdict.value = html.escape(t("capture_checking", self.lang))
        try:
            photo.check = self.client.check_photo(photo.filename, photo.data, read=False)  # type: ignore[attr-defined]
            if photo.check.verdict != "retake":
                photo.verdict.value = html.escape(t("capture_reading", self.lang))
                photo.check = self.client.check_photo(photo.filename, photo.data)  # type: ignore[attr-defined]
        except CyclopsError as exc:
            photo.verdict.value = self._error(t("capture_check_failed", self.lang, detail=str(exc)))
            return None
        self._show_verdict(photo)
        return photo.check

    def _show_verdict(self, photo: CapturedPhoto) -> None:
        check = photo.check
        if check is None:
            return
        lang = self.lang
        colour = VERDICT_COLOURS[check.verdict]
        head = {"good": "capture_good", "check": "capture_check", "retake": "capture_retake"}[check.verdict]
        items = "".join(f"<li class='cyclops-capture-issue cyclops-issue-{i.code}'>{html.escape(i.message.get(lang) or i.message['en'])}</li>"
                        for i in check.issues)
        photo.verdict.value = (f"<div class='cyclops-verdict-{check.verdict}' style='color:{colour}'><b>{html.escape(t(head, lang))}</b>"
                               + (f"<ul style='margin:2px 0;padding-left:18px'>{items}</ul>" if items else "") + "</div>")

    def remove(self, photo: CapturedPhoto) -> None:
        self.photos = [p for p in self.photos if p is not photo]
        self.confirmed = set()
        self._draw()

    def new_product(self) -> None:
        """The next product: none of this product's photos go with it."""
        self.photos = []
        self.message.value = ""
        self.confirmed = set()
        self.face.value = "front"
        self._draw()

    def _draw(self) -> None:
        self.cards.children = [self._card(p) for p in self.photos]
        self.count.value = html.escape(t("capture_count", self.lang, n=len(self.photos)))

    @staticmethod
    def _card(photo: CapturedPhoto) -> w.HBox:
        card = w.HBox([photo.thumbnail, w.VBox([photo.face, photo.verdict, photo.remove], layout=w.Layout(flex="1 1 auto", min_width="0"))],
                      layout=w.Layout(width="100%"))
        card.add_class("cyclops-capture-card")
        return card

    @staticmethod
    def _error(text: str) -> str:
        return f"<span style='color:#c62828' class='cyclops-error'>{html.escape(text)}</span>"

    # -- send --------------------------------------------------------------
    def warnings(self) -> list[tuple[str, str]]:
        """What to say before sending: photos to take again, photos printing different NPNs (two products mixed)."""
        lang = self.lang
        said = []
        retakes = [p for p in self.photos if p.check is not None and p.check.verdict == "retake"]
        if retakes:
            said.append(("retake", t("capture_retake_first", lang, n=len(retakes))))
        npns: dict[str, list[str]] = {}
        for photo in self.photos:
            if photo.check is not None and photo.check.npn:
                npns.setdefault(photo.check.npn, []).append(t(f"face_{photo.face.value}", lang))
        if len(npns) > 1:
            listing = "; ".join(f"NPN {npn}: {', '.join(faces)}" for npn, faces in sorted(npns.items()))
            said.append(("two_products", t("capture_two_products", lang, npns=listing)))
        return said

    def send_product(self) -> object | None:
        """Analyse the product through mapi (it lands in the worklist), then start the next one.

        Photos still to take again, or printing different NPNs, are said first; a second tap sends them anyway."""
        lang = self.lang
        if not self.photos:
            self.message.value = self._error(t("capture_no_photos", lang))
            return None
        warnings = self.warnings()
        pending = [text for key, text in warnings if key not in self.confirmed]
        if pending:
            self.confirmed |= {key for key, _ in warnings}
            self.message.value = "<br>".join(self._error(text) for text in pending)
            return None
        self.message.value = html.escape(t("capture_sending", lang, n=len(self.photos)))
        self.send.disabled = self.new_product_button.disabled = True
        try:
            analysis = self.client.analyze([(p.sent_name, p.data) for p in self.photos],  # type: ignore[attr-defined]
                                           faces=[p.face.value for p in self.photos], user=self.inspector)
        except CyclopsError as exc:
            self.message.value = self._error(t("capture_failed", lang, detail=str(exc).rstrip(". ")))
            return None
        finally:
            self.send.disabled = self.new_product_button.disabled = False
        fields = analysis.fields
        product = fields.product_name.value or (f"NPN {fields.npn.value}" if fields.npn.value else t("capture_the_product", lang))
        self.new_product()
        self.message.value = (f"<span class='cyclops-capture-sent' data-analysis='{html.escape(analysis.analysis_id or '')}' "
                              f"style='color:#2e7d32'>{html.escape(t('capture_sent', lang, product=product))}</span>")
        self.on_sent(analysis)
        return analysis
