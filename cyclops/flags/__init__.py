"""Compliance flags: every rule is a pure function of the label (fields and lines), the match and
the licence in both languages; ``raise_flags`` runs them all.

Rules live one group per module (licence, ingredients, claims, language, cautions, regulatory) and are
listed, with their codes, in ``registry``; codes, severities and the English/French wording are in
``messages``; every threshold they judge by in ``params``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cyclops.flags.context import Context
from cyclops.flags.messages import MESSAGES, make_flag
from cyclops.flags.params import DEFAULT_FLAGS, FlagParams
from cyclops.flags.registry import RULES, Rule
from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.analysis import Fields, Flag, LabelledLine, Match

_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def raise_flags(
    fields: Fields,
    match: Match,
    licence_en: LicenceBundle | None,
    licence_fr: LicenceBundle | None,
    lines: list[LabelledLine],
    *,
    database: bool = True,
    params: FlagParams | None = None,
    rules: Sequence[Rule] = RULES,
) -> list[Flag]:
    """Every compliance flag for one product, most severe first (within a severity, in the order of ``rules``).

    ``database=False``: no reference database was available, so only the rules that need neither it nor a
    licence run (an NPN that cannot be looked up is not "not found"). ``params``: the thresholds to judge
    by (default: those the rules have always used)."""
    ctx = Context(fields=fields, match=match, licence_en=licence_en, licence_fr=licence_fr, lines=list(lines),
                  params=params or DEFAULT_FLAGS)
    licensed = ctx.licence is not None
    flags = [flag for rule in rules if rule.applies(database=database, licensed=licensed) for flag in rule.check(ctx)]
    return sorted(flags, key=lambda f: _SEVERITY_ORDER[f.severity])


__all__ = ["MESSAGES", "RULES", "Context", "FlagParams", "Rule", "make_flag", "raise_flags"]
