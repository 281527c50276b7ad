"""What an identity may change in an analysis, checked by the route before ``Services.post_edit``.

- the analyst of an edit is the authenticated user: a body naming someone else is refused;
- the server records ``before`` (the value at the path now), never the client's word for it;
- read-only parts (ids, versions, images, timings, photo errors, flags near their thresholds, the OCR geometry of
  lines) cannot be edited;
- only the pipeline writes flags with ``source: "pipeline"``: analysts decide on them (``decision``,
  ``reason``) and add their own flags (``source: "analyst"``), but never create, rewrite or delete one;
- a high-severity flag confirmed once needs its second confirmation from a different reviewer;
- an edit value is at most ``CYCLOPS_MAX_EDIT_BYTES``.
"""

from __future__ import annotations

import json
from typing import Any

from cyclops.edits import APPEND, parse_path
from cyclops.errors import Forbidden, InvalidEdit, TooLarge
from cyclops.model.analysis import Analysis, Edit
from cyclops.service.identity import Identity
from cyclops.settings import Settings

#: top-level parts written by the pipeline only
READ_ONLY = {"schema_version", "analysis_id", "version", "created_at", "versions", "images", "timings", "errors", "near_flags"}
#: what an analyst may correct in an OCR line (its place on the photo is the OCR's)
LINE_EDITABLE = {"text", "label", "language"}
#: what an analyst may set on a flag the pipeline raised
PIPELINE_FLAG_EDITABLE = {"decision", "reason"}
MAX_REASON = 4000


def needs_history(edit: Edit) -> bool:
    """Whether ``check_edit`` needs the edit log (a flag decision: who confirmed it before)."""
    return edit.field.startswith("flags[") and edit.field.endswith("].decision")


def _value_at(data: Any, tokens: list[str | int]) -> Any:
    node = data
    for token in tokens:
        if token == APPEND:
            return None
        if isinstance(token, int):
            if not isinstance(node, list) or not 0 <= token < len(node):
                return None
            node = node[token]
        else:
            if not isinstance(node, dict) or token not in node:
                return None
            node = node[token]
    return node


def claimed_by(identity: Identity, edit: Edit) -> Edit:
    """The edit under the caller's name: a verified caller cannot name someone else (403 ``analyst_mismatch``)."""
    claimed = (edit.analyst or "").strip()
    if identity.verified:
        if claimed and claimed != identity.user:
            raise Forbidden(f"you are {identity.user}; an edit cannot be recorded under {claimed!r}", code="analyst_mismatch")
        return edit.model_copy(update={"analyst": identity.user})
    # loopback without tokens, auth off, in-process: nothing to check the name against
    return edit.model_copy(update={"analyst": claimed or identity.user})


def check_edit(identity: Identity, current: Analysis, edit: Edit, history: list[Edit], settings: Settings) -> Edit:
    """The edit as the server will store it (analyst and ``before`` set here), or a 403/413/422."""
    size = len(json.dumps(edit.after, ensure_ascii=False).encode("utf-8"))
    if size > settings.max_edit_bytes:
        raise TooLarge(f"the edit's value is {size:,} bytes; at most {settings.max_edit_bytes:,} (CYCLOPS_MAX_EDIT_BYTES)",
                       code="edit_too_large")
    if edit.reason is not None and len(edit.reason) > MAX_REASON:
        raise TooLarge(f"the edit's reason is {len(edit.reason):,} characters; at most {MAX_REASON:,}", code="edit_too_large")
    analyst = claimed_by(identity, edit).analyst
    tokens = parse_path(edit.field)
    head = tokens[0]
    if head in READ_ONLY:
        raise InvalidEdit(f"{head} is written by the pipeline and cannot be edited", code="read_only_field")
    data = current.model_dump(mode="json")
    if head == "lines" and (len(tokens) < 3 or not isinstance(tokens[1], int) or tokens[2] not in LINE_EDITABLE):
        raise InvalidEdit(f"{edit.field}: only a line's {', '.join(sorted(LINE_EDITABLE))} can be edited",
                          code="read_only_field")
    if head == "flags":
        _check_flag_edit(identity, analyst, data, tokens, edit, history)
    return edit.model_copy(update={"analyst": analyst, "before": _value_at(data, tokens), "seq": None, "at": None})


def _check_flag_edit(identity: Identity, analyst: str, data: dict[str, Any], tokens: list[str | int], edit: Edit,
                     history: list[Edit]) -> None:
    flags = data.get("flags") or []
    if len(tokens) == 1:
        raise Forbidden("the flags cannot be replaced wholesale: decide on one (flags[i].decision) or add one (flags[+])",
                        code="pipeline_flag")
    index = tokens[1]
    if index == APPEND:
        after = edit.after if isinstance(edit.after, dict) else {}
        if after.get("source") != "analyst":
            raise Forbidden('a flag added by an edit must have source "analyst"; only the pipeline raises pipeline flags',
                            code="pipeline_flag")
        return
    if not isinstance(index, int) or not 0 <= index < len(flags):
        return  # apply_edit answers a bad path
    flag = flags[index]
    if len(tokens) == 2:  # the whole flag: replaced or deleted
        after = edit.after if isinstance(edit.after, dict) else None
        if flag.get("source") == "pipeline" or (after is not None and after.get("source") != "analyst"):
            raise Forbidden(f"flags[{index}] is the pipeline's: set its decision or reason instead", code="pipeline_flag")
        return
    part = tokens[2]
    if part == "source":
        raise Forbidden("a flag's source cannot be edited", code="pipeline_flag")
    if flag.get("source") == "pipeline" and part not in PIPELINE_FLAG_EDITABLE:
        raise Forbidden(f"flags[{index}] is the pipeline's: only its {' and '.join(sorted(PIPELINE_FLAG_EDITABLE))} can be set",
                        code="pipeline_flag")
    if part == "decision" and edit.after == "confirmed" and flag.get("severity") == "high" and flag.get("decision") == "confirmed":
        confirmers = _confirmers(index, flag, history)
        if not identity.can_review:
            raise Forbidden(f"the second confirmation of a high-severity flag needs a reviewer; {analyst} is an {identity.role}",
                            code="reviewer_required")
        if analyst in confirmers:
            raise Forbidden(f"{analyst} already confirmed flags[{index}]: the second confirmation must come from a different reviewer",
                            code="same_reviewer")


def _confirmers(index: int, flag: dict[str, Any], history: list[Edit]) -> set[str]:
    """Who confirmed flag ``index`` before: a decision edit, or adding it already confirmed."""

    def confirms(e: Edit) -> bool:
        if e.field == f"flags[{index}].decision":
            return e.after == "confirmed"
        added = e.after if e.field == "flags[+]" and isinstance(e.after, dict) else {}
        return added.get("decision") == "confirmed" and (added.get("code"), added.get("message")) == (flag.get("code"), flag.get("message"))

    return {e.analyst for e in history if confirms(e)}
