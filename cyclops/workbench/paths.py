"""Read values out of the analysis JSON with the same paths edits use (``fields.x[2].quantity``).

The dashboard needs the ``before`` of every edit; the path grammar is the one
``cyclops.edits`` applies, so both sides agree on what a path means.
"""

from __future__ import annotations

from cyclops.edits import APPEND, parse_path


class BadPath(ValueError):
    """An edit path that does not lead anywhere in the analysis."""


def get_path(data: object, path: str) -> object:
    """The value at ``path`` in a JSON-like tree, or ``None`` for an append (``[+]``)."""
    node = data
    for part in parse_path(path):
        if part == APPEND:
            return None
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError) as exc:
            raise BadPath(f"{path!r} does not exist in the analysis") from exc
    return node
