"""Brackets in label text, walked one way for every rule that needs them: where a list may be cut (never inside
"(as zinc citrate)" or "[root, 4:1]") and whether a line began inside a bracket opened on the line above."""

from __future__ import annotations

from collections.abc import Callable

OPENING = "(["
CLOSING = ")]"


def split_outside(text: str, cut: Callable[[str, int], bool]) -> list[str]:
    """``text`` cut at each position ``i`` outside brackets where ``cut(text, i)`` holds, the cutting character
    dropped ("Zinc (citrate), Iron" at commas -> "Zinc (citrate)", " Iron"). A closing bracket without its
    opening one counts for nothing."""
    items, depth, current = [], 0, ""
    for i, ch in enumerate(text):
        depth += ch in OPENING
        depth -= ch in CLOSING and depth > 0
        if depth == 0 and cut(text, i):
            items.append(current)
            current = ""
            continue
        current += ch
    items.append(current)
    return items


def closes_unopened(text: str) -> bool:
    """Whether ``text`` closes a bracket it never opened ("L.)(Fruit) Powder"): it began inside a bracket."""
    depth = 0
    for ch in text:
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            if depth == 0:
                return True
            depth -= 1
    return False
