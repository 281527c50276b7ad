"""The analysis being reviewed and the saving of every change as an ``Edit``.

Pages never talk to storage themselves: they call ``Session.save`` with a
path and a new value. The session posts the edit with the version it is based
on, so two analysts can never silently overwrite each other, and keeps every
edit the server could not take (conflict or outage) so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from cyclops.edits import APPEND, apply_edit, parse_path
from cyclops.errors import ConflictError, MapiError, NotFound, StorageUnavailable
from cyclops.model.analysis import Analysis, Edit
from cyclops.workbench.i18n import t
from cyclops.workbench.paths import get_path

#: the reason an undo edit carries, naming the change it undoes (so a second undo goes one change further back)
UNDO_REASON = "undo of change {seq}"


class Client(Protocol):
    """The part of ``cyclops.client.MapiClient`` the workbench uses."""

    def analyze(self, photos: list[tuple[str, bytes]], engine: str | None = None, *, faces: list[str] | None = None,
                user: str | None = None) -> Analysis: ...
    def get_analysis(self, analysis_id: str) -> Analysis: ...
    def post_edit(self, analysis_id: str, edit: Edit) -> Analysis: ...
    def edits(self, analysis_id: str) -> list[Edit]: ...
    def flush_outbox(self) -> int: ...


SaveState = Literal["idle", "saved", "offline", "conflict", "error"]


@dataclass
class Status:
    """What the status bar tells the analyst about their last change."""

    state: SaveState = "idle"
    edit: Edit | None = None
    theirs: list[Edit] = field(default_factory=list)  # the other analysts' edits on a conflict
    detail: str = ""


Listener = Callable[["Session"], None]


class Session:
    """One analyst reviewing one analysis through a client."""

    def __init__(self, client: Client, analyst: str, lang: str = "en") -> None:
        self.client = client
        self.analyst = analyst
        self.lang = lang
        self.analysis: Analysis | None = None
        self.status = Status()
        self.unsaved: list[Edit] = []  # rejected on conflict: shown, re-appliable, never dropped
        self._listeners: list[Listener] = []
        self._licences: dict[str, dict] = {}

    def licence(self, language: str = "en"):
        """The matched licence (``LicenceBundle``) in ``language``, fetched once per licence number."""
        if self.analysis is None or not self.analysis.match.licence_number:
            return None
        number = self.analysis.match.licence_number
        if number not in self._licences:
            try:
                self._licences[number] = self.client.get_product(number)  # type: ignore[attr-defined]
            except NotFound:
                self._licences[number] = {}
        return self._licences[number].get(language) or self._licences[number].get("en")

    # -- observers -------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener(self)

    def notify(self) -> None:
        """Tell the pages again (the status changed outside a save: the next automatic try's time)."""
        self._notify()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._notify()

    # -- loading ---------------------------------------------------------
    def load(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.status = Status()
        self.unsaved = []
        self._notify()

    def open(self, analysis_id: str) -> Analysis:
        """Reopen a stored analysis: its saved version already contains every accepted edit."""
        self.load(self.client.get_analysis(analysis_id))
        assert self.analysis is not None
        return self.analysis

    def edits(self) -> list[Edit]:
        if self.analysis is None or self.analysis.analysis_id is None:
            return []
        return self.client.edits(self.analysis.analysis_id)

    # -- saving ----------------------------------------------------------
    def value(self, path: str) -> object:
        if self.analysis is None:
            return None
        return get_path(self.analysis.model_dump(mode="json"), path)

    def save(self, path: str, after: object, reason: str | None = None, *, again: bool = False) -> bool:
        """Post one change at once. True when the server took it; False on conflict, outage or refusal.
        ``again``: post it even if the value is already ``after`` (a second analyst's confirmation of a flag)."""
        if self.analysis is None or self.analysis.analysis_id is None:
            raise RuntimeError("no analysis is open")
        if self.status.state == "offline":
            # edits kept during an outage go first: this one was based on the local copy, whose version counts
            # them already, so the server refused it as a conflict with no one's change and the kept text vanished
            self.retry_outbox()
        before = self.value(path)
        if before == after and not path.endswith("[+]") and not again:
            return True
        edit = Edit(analyst=self.analyst, field=path, before=before, after=after, reason=reason,
                    base_version=self.analysis.version)
        return self._post(edit)

    def _post(self, edit: Edit) -> bool:
        assert self.analysis is not None and self.analysis.analysis_id is not None
        analysis_id = self.analysis.analysis_id
        try:
            self.analysis = self.client.post_edit(analysis_id, edit)
        except ConflictError as exc:
            mine_base = self.analysis.version
            latest = self.client.get_analysis(analysis_id)
            theirs = [e for e in self.client.edits(analysis_id) if e.base_version >= mine_base]
            self.unsaved.append(edit)
            self.analysis = latest
            self.status = Status("conflict", edit, theirs, str(exc))
            self._notify()
            return False
        except StorageUnavailable as exc:
            self.analysis = _apply_locally(self.analysis, edit)  # the client keeps it in its outbox
            self.status = Status("offline", edit, [], str(exc))
            self._notify()
            return False
        except MapiError as exc:  # refused (e.g. the same analyst confirming a high-severity flag twice): say why
            self.status = Status("error", edit, [], exc.message)
            self._notify()
            return False
        self.status = Status("saved", edit)
        self._notify()
        return True

    def undo(self) -> Edit | None:
        """Undo my last change still in force: a new edit puts back the value it replaced (the log keeps both).
        Returns the change undone; None (status says why) when there is none or it cannot be put back."""
        if self.analysis is None or self.analysis.analysis_id is None:
            return None
        edits = self.client.edits(self.analysis.analysis_id)
        undone = {e.reason for e in edits if e.reason and e.reason.startswith("undo of change ")}
        mine = [e for e in edits if e.analyst == self.analyst and e.seq is not None
                and UNDO_REASON.format(seq=e.seq) not in undone and not (e.reason or "").startswith("undo of change ")]
        if not mine:
            self.status = Status("error", None, [], t("nothing_to_undo", self.lang))
            self._notify()
            return None
        last = mine[-1]
        path, after = self._reverse(last)
        if path is None:
            self.status = Status("error", last, [], t("cannot_undo", self.lang))
            self._notify()
            return None
        return last if self.save(path, after, UNDO_REASON.format(seq=last.seq), again=True) else None

    def _reverse(self, edit: Edit) -> tuple[str | None, object]:
        """(path, value) that puts back what ``edit`` replaced; an added item is removed, a removed item put back."""
        tokens = parse_path(edit.field)
        if tokens[-1] == APPEND:  # added: remove the last item equal to what was added
            parent = edit.field[: -len("[+]")]
            items = self.value(parent)
            if not isinstance(items, list):
                return None, None
            for index in range(len(items) - 1, -1, -1):
                if items[index] == edit.after or (isinstance(items[index], dict) and isinstance(edit.after, dict)
                                                  and all(items[index].get(k) == v for k, v in edit.after.items())):
                    return f"{parent}[{index}]", None
            return None, None
        if isinstance(tokens[-1], int) and edit.after is None:  # removed: put it back where it was
            parent = edit.field[: edit.field.rindex("[")]
            items = self.value(parent)
            if not isinstance(items, list) or parent == "flags":
                return None, None
            return parent, items[: tokens[-1]] + [edit.before] + items[tokens[-1]:]
        return edit.field, edit.before

    def reapply_unsaved(self) -> int:
        """After reading the other analyst's change, post mine again on top of the latest version."""
        pending, self.unsaved = self.unsaved, []
        done = 0
        for edit in pending:
            if self.save(edit.field, edit.after, edit.reason):
                done += 1
        return done

    def discard_unsaved(self) -> None:
        """Keep the other analyst's version (the rejected edit stays visible in the conflict status)."""
        self.unsaved = []
        self.status = Status("idle")
        self._notify()

    def retry_outbox(self) -> int:
        """Send edits kept while storage was down; reload the server's version once they are in."""
        sent = self.client.flush_outbox()
        if self.analysis is not None and self.analysis.analysis_id is not None and sent:
            self.analysis = self.client.get_analysis(self.analysis.analysis_id)
            self.status = Status("saved", self.status.edit if self.status.state == "offline" else None)  # names what was kept
            self._notify()
        return sent


def _apply_locally(analysis: Analysis, edit: Edit) -> Analysis:
    return apply_edit(analysis, edit)
