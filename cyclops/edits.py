"""Apply an analyst's ``Edit`` to an ``Analysis``: a pure function, shared by mapi, the client and retraining.

Paths address the analysis JSON with dots and list indices
(``fields.medicinal_ingredients[2].quantity``, ``flags[1].decision``);
``[+]`` appends ``after`` as a new item and ``after=None`` on an item path deletes
the item. The result must still be a valid ``Analysis``, and the edit must be
based on the current version, so two analysts never silently overwrite each other.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pydantic import ValidationError

from cyclops.errors import ConflictError, InvalidEdit
from cyclops.model.analysis import Analysis, Edit

__all__ = ["apply_edit", "parse_path", "value_at", "canonical_hash", "analysis_hash", "record_hash", "ConflictError", "InvalidEdit", "APPEND"]

#: the token that ``[+]`` parses to
APPEND = "+"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATH = re.compile(rf"{_NAME}(?:\.{_NAME}|\[\d+\]|\[\+\])*")
_TOKEN = re.compile(rf"({_NAME})|\[(\d+|\+)\]")
#: top-level keys an analyst may not change: identity and bookkeeping
_READ_ONLY = {"schema_version", "analysis_id", "version", "created_at"}


def parse_path(path: str) -> list[str | int]:
    """``"fields.medicinal_ingredients[2].quantity"`` -> ``["fields", "medicinal_ingredients", 2, "quantity"]``."""
    if not isinstance(path, str) or not _PATH.fullmatch(path):
        raise InvalidEdit(f"bad edit path {path!r}: use names, dots and [index] or [+]", code="invalid_path")
    tokens: list[str | int] = []
    for name, index in _TOKEN.findall(path):
        tokens.append(name if name else (APPEND if index == APPEND else int(index)))
    if APPEND in tokens[:-1]:
        raise InvalidEdit(f"'[+]' may only end an edit path: {path!r}", code="invalid_path")
    return tokens


def _step(node: Any, token: str | int, path: str) -> Any:
    if isinstance(token, int):
        if not isinstance(node, list) or not 0 <= token < len(node):
            raise InvalidEdit(f"{path}: index {token} out of range", code="invalid_path")
        return node[token]
    if not isinstance(node, dict) or token not in node:
        raise InvalidEdit(f"{path}: no field {token!r}", code="invalid_path")
    return node[token]


def apply_edit(analysis: Analysis, edit: Edit) -> Analysis:
    """Return a new analysis with the edit applied and ``version`` bumped; the input is not changed.

    Raises ``ConflictError`` if ``edit.base_version`` is not the analysis' version and
    ``InvalidEdit`` if the path does not exist or the result is not a valid analysis.
    """
    if edit.base_version != analysis.version:
        raise ConflictError(
            f"edit of {edit.field} is based on version {edit.base_version} but the analysis is at version "
            f"{analysis.version}: reload it and apply the correction again"
        )
    tokens = parse_path(edit.field)
    if tokens[0] in _READ_ONLY:
        raise InvalidEdit(f"{tokens[0]} cannot be edited", code="read_only_field")
    data = analysis.model_dump(mode="json")
    parent: Any = data
    for token in tokens[:-1]:
        parent = _step(parent, token, edit.field)
    last = tokens[-1]
    if last == APPEND:
        if not isinstance(parent, list):
            raise InvalidEdit(f"{edit.field}: '[+]' needs a list", code="invalid_path")
        if edit.after is None:
            raise InvalidEdit(f"{edit.field}: appending needs the new item in 'after'", code="invalid_value")
        parent.append(edit.after)
    elif isinstance(last, int):
        _step(parent, last, edit.field)  # range check
        if edit.after is None:
            del parent[last]
        else:
            parent[last] = edit.after
    else:
        _step(parent, last, edit.field)  # unknown keys are refused rather than silently added
        parent[last] = edit.after
    data["version"] = analysis.version + 1
    try:
        return Analysis.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidEdit(f"{edit.field}: the edited analysis is invalid at {where}: {first['msg']}", code="invalid_value") from exc


def value_at(analysis: Analysis, path: str) -> Any:
    """The value an edit at ``path`` replaces (its ``before``): None for ``[+]`` or an absent value."""
    node: Any = analysis.model_dump(mode="json")
    for token in parse_path(path):
        if token == APPEND:
            return None
        if isinstance(token, int):
            if not isinstance(node, list) or not 0 <= token < len(node):
                return None
        elif not isinstance(node, dict) or token not in node:
            return None
        node = node[token]
    return node


def canonical_hash(obj: Any) -> str:
    """``sha256:<hex>`` of a JSON value in canonical form (sorted keys, no spaces, UTF-8): the audit chain's hash."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def analysis_hash(analysis: Analysis) -> str:
    """The hash of an analysis as recorded in an edit's ``result_hash``.

    Fields at their default are left out, so a field added to the model later (with a default) does not change
    the hash of analyses recorded before it.
    """
    return canonical_hash(analysis.model_dump(mode="json", exclude_defaults=True))


def record_hash(record: dict[str, Any]) -> str:
    """The hash of a stored edit record: every field but ``hash`` itself (so it includes ``prev_hash``)."""
    return canonical_hash({k: v for k, v in record.items() if k != "hash"})
