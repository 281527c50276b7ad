"""Every flag code with its severity and plain-language message in English and French.

Kept in one table so translators and analysts review the wording in one place; rules pass the
placeholders (``{npn}``, ``{name}`` ...) and ``make_flag`` fills both languages."""

from __future__ import annotations

from dataclasses import dataclass

from cyclops.model.analysis import Evidence, Flag, Severity


@dataclass(frozen=True)
class Message:
    severity: Severity
    en: str
    fr: str
    licence_field: str | None = None


MESSAGES: dict[str, Message] = {
    "NPN_MISSING": Message(
        "high", "No product licence number (NPN or DIN-HM) was found on the label.",
        "Aucun numéro de licence de produit (NPN ou DIN-HM) n'a été trouvé sur l'étiquette.",
        "productlicence.licence_number"),
    "NPN_ILLEGIBLE": Message(
        "medium", "The product licence number is partly printed or unreadable ({text}).",
        "Le numéro de licence de produit est incomplet ou illisible ({text}).",
        "productlicence.licence_number"),
    "NPN_NOT_FOUND": Message(
        "high", "Licence number {npn} is not in the Licensed Natural Health Products Database.",
        "Le numéro de licence {npn} ne figure pas dans la Base de données des produits de santé naturels homologués.",
        "productlicence.licence_number"),
    "LICENCE_INACTIVE": Message(
        "high", "Licence {npn} ({name}) is not active.",
        "La licence {npn} ({name}) n'est pas active.",
        "productlicence.flag_product_status"),
    "PRODUCT_NAME_MISMATCH": Message(
        "medium", "The product name on the label ({printed}) differs from the licensed name ({licensed}).",
        "Le nom du produit sur l'étiquette ({printed}) diffère du nom autorisé ({licensed}).",
        "productlicence.product_name"),
    "COMPANY_MISMATCH": Message(
        "low", "The company on the label ({printed}) differs from the licence holder ({licensed}).",
        "L'entreprise sur l'étiquette ({printed}) diffère du titulaire de la licence ({licensed}).",
        "productlicence.company_name"),
    "INGREDIENT_NOT_ON_LABEL": Message(
        "high", "Licensed medicinal ingredient {name} is not listed on the label.",
        "L'ingrédient médicinal autorisé {name} ne figure pas sur l'étiquette.",
        "medicinalingredient.ingredient_name"),
    "INGREDIENT_NOT_LICENSED": Message(
        "high", "Medicinal ingredient {name} on the label is not in the licence.",
        "L'ingrédient médicinal {name} sur l'étiquette ne figure pas dans la licence.",
        "medicinalingredient.ingredient_name"),
    "QUANTITY_MISMATCH": Message(
        "high", "{name}: the label says {printed}, the licence says {licensed}.",
        "{name} : l'étiquette indique {printed}, la licence indique {licensed}.",
        "medicinalingredient.quantity"),
    "CLAIM_NOT_LICENSED": Message(
        "high", "The claim \"{claim}\" is not supported by any licensed recommended use.",
        "L'allégation « {claim_fr} » n'est appuyée par aucun usage recommandé autorisé.",
        "productpurpose.purpose"),
    "SCHEDULE_A_TERM": Message(
        "high", "The label presents the product for {disease} (Food and Drugs Act, Schedule A.1): \"{text}\".",
        "L'étiquette présente le produit pour : {disease_fr} (Loi sur les aliments et drogues, annexe A.1) : « {text_fr} ».",
        "productpurpose.purpose"),
    "INJECTABLE_TERM": Message(
        "high", "The label refers to injection (\"{term}\"); natural health products cannot be injected.",
        "L'étiquette mentionne l'injection (« {term} ») ; un produit de santé naturel ne peut pas être injecté.",
        "productroute.route_type_desc"),
    "PRESCRIPTION_INGREDIENT": Message(
        "high", "{name} is a prescription drug ({detail}) and is not in the licence.",
        "{name} est un médicament sur ordonnance ({detail}) et ne figure pas dans la licence.",
        "medicinalingredient.ingredient_name"),
    "CONTROLLED_SUBSTANCE": Message(
        "high", "{name} is a controlled substance ({detail}) and is not in the licence.",
        "{name} est une substance contrôlée ({detail}) et ne figure pas dans la licence.",
        "medicinalingredient.ingredient_name"),
    "FRENCH_MISSING": Message(
        "medium", "The {section} are printed only in {present}; both English and French are required.",
        "Les {section_fr} ne sont imprimés qu'en {present_fr} ; l'anglais et le français sont obligatoires.",
        None),
    "CAUTIONS_MISSING": Message(
        "medium", "A licensed caution or warning is missing from the label: \"{risk}\".",
        "Une mise en garde autorisée est absente de l'étiquette : « {risk} ».",
        "productrisk.risk_text"),
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:  # a rule that forgot a placeholder still gives a readable message
        return "?"


def make_flag(code: str, evidence: list[Evidence] | None = None, licence_field: str | None = None,
              **values: object) -> Flag:
    """A Flag with both messages filled from ``values``; unknown codes are a programming error."""
    msg = MESSAGES[code]
    params = _Blank({k: ("" if v is None else str(v)) for k, v in values.items()})
    return Flag(
        code=code,
        severity=msg.severity,
        message=msg.en.format_map(params),
        message_fr=msg.fr.format_map(params),
        evidence=list(evidence or []),
        licence_field=licence_field or msg.licence_field,
    )
