"""Upload page: several photos at once, thumbnails, remove one, analyse with a progress bar per photo.

One product at a time: "New product" empties the page, and photos that print different NPNs are not
analysed as one product unless the analyst says they are (two products mixed give one wrong analysis).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w

from cyclops.errors import CyclopsError, PhotoError
from cyclops.extract.npn import find_npn
from cyclops.load import load_photo
from cyclops.model.analysis import Analysis
from cyclops.workbench.drawing import to_jpeg
from cyclops.workbench.i18n import t
from cyclops.workbench.state import Session


def check_photo(filename: str, data: bytes) -> tuple[bytes | None, str | None]:
    """(thumbnail JPEG, None) for a usable photo or PDF page, (None, why) otherwise."""
    try:
        pages = load_photo(filename, data)
    except PhotoError as exc:
        return None, str(exc)
    return to_jpeg(pages[0].image, max_side=160), None


@dataclass
class PendingPhoto:
    filename: str
    data: bytes
    thumbnail: bytes
    progress: w.FloatProgress
    remove: w.Button
    note: w.HTML


class UploadPage:
    def __init__(self, session: Session, on_done: Callable[[Analysis], None] | None = None) -> None:
        self.session = session
        self.on_done = on_done or (lambda _a: None)
        self.photos: list[PendingPhoto] = []
        self.chooser = w.FileUpload(multiple=True)
        self.chooser.observe(self._received, names="value")
        self.gallery = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.analyze_button = w.Button(button_style="primary", icon="play")
        self.analyze_button.on_click(lambda _b: self.analyze())
        self.new_product_button = w.Button(icon="file", layout=w.Layout(width="auto"))
        self.new_product_button.add_class("cyclops-new-product")
        self.new_product_button.on_click(lambda _b: self.new_product())
        self.insist = w.Checkbox(value=False, indent=False, layout=w.Layout(display="none"))
        self.insist.add_class("cyclops-one-product")
        self.message = w.HTML()
        self.message.add_class("cyclops-upload-message")
        self.widget = w.VBox([w.HBox([self.new_product_button, self.chooser]), self.gallery, self.insist,
                              self.analyze_button, self.message])
        self.widget.add_class("cyclops-page-upload")
        session.subscribe(lambda _s: self.relabel())
        self.relabel()

    def relabel(self) -> None:
        lang = self.session.lang
        self.chooser.description = t("choose_photos", lang)
        self.analyze_button.description = t("analyze", lang)
        self.new_product_button.description = t("new_product", lang)
        self.insist.description = t("one_product_anyway", lang)
        for photo in self.photos:
            photo.remove.description = t("remove", lang)

    def _received(self, change: dict) -> None:
        files = [(item["name"], bytes(item["content"])) for item in change["new"]]
        if files:
            self.add_files(files)
            self.chooser.value = ()  # so choosing the same file again fires again

    def add_files(self, files: list[tuple[str, bytes]]) -> list[str]:
        """Keep the readable photos; name every unreadable file in the page. Returns the messages shown."""
        lang = self.session.lang
        problems = []
        for filename, data in files:
            thumbnail, why = check_photo(filename, data)
            if thumbnail is None:
                problems.append(t("not_image", lang, file=filename, why=why))
                continue
            remove = w.Button(description=t("remove", lang), icon="trash", layout=w.Layout(width="120px"))
            photo = PendingPhoto(filename, data, thumbnail, w.FloatProgress(value=0, min=0, max=1, layout=w.Layout(width="120px")),
                                 remove, w.HTML(t("photo_ready", lang)))
            remove.on_click(lambda _b, p=photo: self.remove(p))
            self.photos.append(photo)
            self._photos_changed()
        self.message.value = "<br>".join(f"<span style='color:#c62828' class='cyclops-error'>{html.escape(p)}</span>" for p in problems)
        self._draw()
        return problems

    def remove(self, photo: PendingPhoto) -> None:
        self.photos = [p for p in self.photos if p is not photo]
        self._photos_changed()
        self._draw()

    def new_product(self) -> None:
        """Start the next product: none of the previous product's photos is sent with it."""
        self.photos = []
        self.message.value = ""
        self._photos_changed()
        self._draw()

    def _photos_changed(self) -> None:
        """"They are one product" was said of other photos: ask again."""
        self.insist.value = False
        self.insist.layout.display = "none"

    def _draw(self) -> None:
        self.gallery.children = [w.VBox([w.Image(value=p.thumbnail, format="jpeg", layout=w.Layout(width="120px")),
                                         w.HTML(f"<small>{p.filename}</small>"), p.progress, p.note, p.remove])
                                 for p in self.photos]

    def _read_each_photo(self, lang: str) -> dict[str, list[str]]:
        """OCR the photos one by one first, so each has its own progress bar. Returns the photos of each NPN read.

        mapi keeps each photo's OCR (by content hash and engine version), so the analysis
        that follows reuses it instead of reading the photos again. A photo that fails here
        is reported by the analysis itself, with the rest still analysed.
        """
        npns: dict[str, list[str]] = {}
        for photo in self.photos:
            photo.progress.value, photo.note.value = 0.2, t("photo_reading", lang)
            try:
                doc = self.session.client.ocr(photo.filename, photo.data)
            except CyclopsError:
                photo.progress.value, photo.note.value = 0.2, t("photo_analysing", lang)
                continue
            photo.progress.value, photo.note.value = 0.8, t("photo_read", lang)
            # only a number printed as "NPN ..." or "DIN-HM ..." counts: plain text lines carry no classifier label
            npn = find_npn([line.text for _page, line in doc.lines()]).value
            if npn:
                npns.setdefault(npn, []).append(photo.filename)
        return npns

    def _refuse_mixed(self, npns: dict[str, list[str]], lang: str) -> bool:
        """Photos of two NPNs are two products: say so and stop, unless the analyst ticked "one product"."""
        if len(npns) < 2 or self.insist.value:
            return False
        listing = "; ".join(f"NPN {npn}: {', '.join(files)}" for npn, files in sorted(npns.items()))
        self.message.value = (f"<span style='color:#c62828' class='cyclops-error cyclops-npn-conflict'>"
                              f"{html.escape(t('npn_conflict', lang, npns=listing))}</span>")
        self.insist.layout.display = "flex"
        for photo in self.photos:
            photo.progress.bar_style, photo.remove.disabled = "warning", False
        return True

    def analyze(self) -> Analysis | None:
        lang = self.session.lang
        if not self.photos:
            self.message.value = t("no_photos", lang)
            return None
        for photo in self.photos:
            photo.progress.value, photo.progress.bar_style, photo.note.value = 0.0, "info", t("photo_waiting", lang)
            photo.remove.disabled = True
        self.analyze_button.disabled = True
        npns = self._read_each_photo(lang)
        if self._refuse_mixed(npns, lang):
            self.analyze_button.disabled = False
            return None
        try:
            analysis = self.session.client.analyze([(p.filename, p.data) for p in self.photos], user=self.session.analyst)
        except CyclopsError as exc:  # typed failures (bad photo, mapi down...) shown in the page; photos stay for a retry
            detail = html.escape(str(exc))
            self.message.value = f"<span style='color:#c62828' class='cyclops-error'>{t('analysis_failed', lang, detail=detail)}</span>"
            for photo in self.photos:
                photo.progress.bar_style, photo.remove.disabled = "danger", False
            return None
        finally:
            self.analyze_button.disabled = False
        failed = {e.filename: e.message for e in analysis.errors}
        for photo in self.photos:
            photo.progress.value = 1.0
            photo.progress.bar_style = "danger" if photo.filename in failed else "success"
            photo.note.value = failed.get(photo.filename, t("photo_done", lang))
            photo.remove.disabled = False
        name = analysis.fields.product_name.value or analysis.fields.npn.value or ""
        self.message.value = t("analysis_done", lang, product=html.escape(name))
        self.session.load(analysis)
        self.on_done(analysis)
        return analysis
