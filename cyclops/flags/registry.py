"""Every compliance rule in one list: the codes it raises and what it needs (only the label, the
reference database, or a matched licence). ``raise_flags`` runs them in this order; a new rule is
added here and nowhere else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cyclops.flags import cautions, claims, ingredients, language, licence, regulatory
from cyclops.flags.context import Context
from cyclops.model.analysis import Flag

#: label: the label alone; database: the label and the reference database (skipped without one, since a
#: number that cannot be looked up is not "not found"); licence: the label and its matched licence
Needs = Literal["label", "database", "licence"]


@dataclass(frozen=True)
class Rule:
    check: Callable[[Context], list[Flag]]
    codes: tuple[str, ...]  # every code ``check`` may raise (its wording is in ``messages.MESSAGES``)
    needs: Needs

    @property
    def name(self) -> str:
        return self.check.__name__

    def applies(self, *, database: bool, licensed: bool) -> bool:
        """Whether the rule can judge, given a reference database and a matched licence or not."""
        return self.needs == "label" or (self.needs == "database" and database) or (self.needs == "licence" and licensed)


RULES: tuple[Rule, ...] = (
    Rule(licence.npn_missing, ("NPN_MISSING",), "label"),
    Rule(licence.npn_illegible, ("NPN_ILLEGIBLE",), "label"),
    Rule(licence.npn_not_found, ("NPN_NOT_FOUND",), "database"),
    Rule(claims.schedule_a_term, ("SCHEDULE_A_TERM",), "label"),
    Rule(language.french_missing, ("FRENCH_MISSING",), "label"),
    Rule(regulatory.injectable_term, ("INJECTABLE_TERM",), "label"),
    Rule(regulatory.prescription_ingredient, ("PRESCRIPTION_INGREDIENT",), "label"),
    Rule(regulatory.controlled_substance, ("CONTROLLED_SUBSTANCE",), "label"),
    Rule(licence.licence_inactive, ("LICENCE_INACTIVE",), "licence"),
    Rule(licence.product_name_mismatch, ("PRODUCT_NAME_MISMATCH",), "licence"),
    Rule(licence.company_mismatch, ("COMPANY_MISMATCH",), "licence"),
    Rule(ingredients.ingredient_rules, ("INGREDIENT_NOT_ON_LABEL", "INGREDIENT_NOT_LICENSED", "QUANTITY_MISMATCH"), "licence"),
    Rule(claims.claim_not_licensed, ("CLAIM_NOT_LICENSED",), "licence"),
    Rule(cautions.cautions_missing, ("CAUTIONS_MISSING",), "licence"),
)
