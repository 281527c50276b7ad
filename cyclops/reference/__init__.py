"""Regulatory reference lists (Schedule A.1, injectable routes, prescription and controlled
substances) shipped as JSON data so analysts can review and update them without code changes.

Each file in ``data/`` is ``{"source": ..., "note": ..., "items": [...]}``; ``load`` returns the
items, ``document`` the whole file (for showing the source and caveats in the dashboard).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

NAMES: tuple[str, ...] = (
    "schedule_a",
    "treatment_terms",
    "injectable_terms",
    "prescription_drugs",
    "controlled_substances",
)


class UnknownReferenceList(KeyError):
    """Asked for a list that is not shipped; names the ones that are."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no reference list {name!r}; known lists: {', '.join(NAMES)}")
        self.name = name


@cache
def document(name: str) -> dict[str, Any]:
    """The whole data file (``source``, ``note``, ``items``); cached because flags read it per label."""
    if name not in NAMES:
        raise UnknownReferenceList(name)
    text = resources.files(__package__).joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    if not doc.get("source") or not doc.get("note") or not isinstance(doc.get("items"), list):
        raise ValueError(f"reference list {name!r} lacks source, note or items")
    return doc


def load(name: str) -> list[dict[str, Any]]:
    """The items of one reference list, e.g. ``load("schedule_a")``."""
    return document(name)["items"]
