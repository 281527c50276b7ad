"""Flags near their thresholds: which verdicts a small change of one threshold would turn.

Every rule compares a measured number (a similarity, a count of well-read lines, a share of terms) with a
threshold in ``FlagParams``. The rules do not report the number, and each measures something different, so
the margin is found by asking the rules themselves: each rule runs once while its reads of the thresholds
are noted, then again with each threshold it read nudged down and up. A flag that disappears is raised by a
hair; one that appears is a near miss. Both are where the rules are least sure and an analyst's eye is
worth most, so the review priority counts them (``cyclops.review_priority``).

The nudge is a twentieth of a threshold's scale: 0.05 on a 0-1 score (at most half a small share such as the
2 % range margin), 5 % of a 0-100 ratio or a length, and one on a count of five or more. Counts under five
(two words make a line well read) are not nudged: one more or fewer is a different rule, not a nearby one.

A flag whose wording or boxes alone change under a nudge (FRENCH_MISSING listing one section more) keeps its verdict.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cyclops.flags.context import Context
from cyclops.flags.params import DEFAULT_FLAGS, FlagParams
from cyclops.flags.registry import RULES, Rule
from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.analysis import Fields, Flag, LabelledLine, Match, NearFlag

#: a float threshold moves by this much (at most half itself); an int one by this share of itself, at least one
FLOAT_NUDGE = 0.05
INT_SHARE = 0.05
#: an int threshold is nudged only when one step is at most this share of it
INT_MOST = 0.2


class _Noting:
    """Thresholds that note which of their fields a rule reads (and otherwise behave as the ``FlagParams`` they wrap)."""

    def __init__(self, params: FlagParams) -> None:
        object.__setattr__(self, "_params", params)
        object.__setattr__(self, "read", set())

    def __getattr__(self, name: str):
        value = getattr(self._params, name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.read.add(name)
        return value


def nudges(params: FlagParams, name: str) -> list[FlagParams]:
    """``params`` with ``name`` moved a little down and a little up (never below zero, a score never above one)."""
    value = getattr(params, name)
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        step = max(1, round(value * INT_SHARE))
        if step > INT_MOST * value:
            return []
        moved = [value - step, value + step]
    else:
        step = min(FLOAT_NUDGE, value / 2)
        moved = [round(value - step, 4), round(value + step, 4)]
        if value <= 1.0:
            moved = [min(v, 1.0) for v in moved]
    return [dataclasses.replace(params, **{name: v}) for v in moved if v >= 0 and v != value]


def _turned(now: dict[tuple, Flag], then: dict[tuple, Flag]) -> list[tuple[Flag, bool]]:
    """Flags of ``now`` that ``then`` clears (True) and flags of ``then`` not in ``now`` (False). A code raised once
    before and once after is the same verdict, only worded or boxed differently (FRENCH_MISSING listing one more
    section), and is left out."""
    def once(flags: dict[tuple, Flag]) -> set[str]:
        codes = [f.code for f in flags.values()]
        return {c for c in codes if codes.count(c) == 1}

    same = once(now) & once(then)
    cleared = [(f, True) for key, f in now.items() if key not in then and f.code not in same]
    return cleared + [(f, False) for key, f in then.items() if key not in now and f.code not in same]


def near_flags(
    fields: Fields,
    match: Match,
    licence_en: LicenceBundle | None,
    licence_fr: LicenceBundle | None,
    lines: list[LabelledLine],
    *,
    database: bool = True,
    params: FlagParams | None = None,
    rules: Sequence[Rule] = RULES,
) -> list[NearFlag]:
    """Every flag that a nudge of one threshold would clear or raise, once per flag and way (the first threshold
    found that turns it), in the order of ``rules``. Takes what ``raise_flags`` takes."""
    params = params or DEFAULT_FLAGS
    licensed = (licence_en or licence_fr) is not None

    def run(rule: Rule, p) -> list[Flag]:
        ctx = Context(fields=fields, match=match, licence_en=licence_en, licence_fr=licence_fr, lines=list(lines), params=p)
        return rule.check(ctx)

    found: dict[tuple, NearFlag] = {}
    for rule in rules:
        if not rule.applies(database=database, licensed=licensed):
            continue
        noting = _Noting(params)
        now = {f.identity: f for f in run(rule, noting)}
        for name in sorted(noting.read):
            for moved in nudges(params, name):
                then = {f.identity: f for f in run(rule, moved)}
                turned = _turned(now, then)
                for flag, raised in turned:
                    found.setdefault((flag.identity, raised), NearFlag(
                        code=flag.code, severity=flag.severity, raised=raised, threshold=name,
                        value=getattr(params, name), nudged=getattr(moved, name),
                        message=flag.message, message_fr=flag.message_fr))
    return list(found.values())
