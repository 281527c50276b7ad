"""Compliance flags: every rule is a pure function of the label (fields and lines), the match and
the licence in both languages; ``raise_flags`` runs them all.

Rules live one group per module (licence, ingredients, claims, language, cautions, regulatory);
codes, severities and the English/French wording are in ``messages``.
"""

from __future__ import annotations

from collections.abc import Callable

from cyclops.flags import cautions, claims, ingredients, language, licence, regulatory
from cyclops.flags.context import Context
from cyclops.flags.messages import MESSAGES, make_flag
from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.analysis import Fields, Flag, LabelledLine, Match

Rule = Callable[[Context], list[Flag]]

#: rules that need only the label
LABEL_RULES: tuple[Rule, ...] = (
    licence.npn_missing,
    licence.npn_illegible,
    licence.npn_not_found,
    claims.schedule_a_term,
    language.french_missing,
    *regulatory.RULES,
)

#: label rules that look the printed number up in the reference database (skipped without one)
DATABASE_RULES: tuple[Rule, ...] = (licence.npn_not_found,)

#: rules that compare the label with its licence (skipped when no licence was matched)
LICENCE_RULES: tuple[Rule, ...] = (
    licence.licence_inactive,
    licence.product_name_mismatch,
    licence.company_mismatch,
    *ingredients.RULES,
    claims.claim_not_licensed,
    *cautions.RULES,
)

_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def raise_flags(
    fields: Fields,
    match: Match,
    licence_en: LicenceBundle | None,
    licence_fr: LicenceBundle | None,
    lines: list[LabelledLine],
    *,
    database: bool = True,
) -> list[Flag]:
    """Every compliance flag for one product, most severe first.

    ``database=False``: no reference database was available, so only the rules that need neither it nor a
    licence run (an NPN that cannot be looked up is not "not found")."""
    ctx = Context(fields=fields, match=match, licence_en=licence_en, licence_fr=licence_fr, lines=list(lines))
    label_rules = LABEL_RULES if database else tuple(r for r in LABEL_RULES if r not in DATABASE_RULES)
    rules = label_rules + (LICENCE_RULES if ctx.licence is not None else ())
    flags = [flag for rule in rules for flag in rule(ctx)]
    return sorted(flags, key=lambda f: _SEVERITY_ORDER[f.severity])


__all__ = ["MESSAGES", "Context", "make_flag", "raise_flags"]
