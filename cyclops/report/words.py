"""Every word of the report in English and French, and numbers and dates written the way each language writes them.

Kept in one table so a French report holds no English heading and a translator reviews the wording in one place.
"""

from __future__ import annotations

from datetime import datetime

#: headings, column names and sentences; ``{n}`` and the like are filled by ``say``
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Label review report", "Rapport d'examen d'étiquette"),
    "verdict": ("Verdict", "Conclusion"),
    "flag_summary": ("Flag summary", "Résumé des signalements"),
    "side_by_side": ("Label and licence side by side", "Étiquette et licence côte à côte"),
    "medicinal": ("Medicinal ingredients", "Ingrédients médicinaux"),
    "non_medicinal": ("Non-medicinal ingredients", "Ingrédients non médicinaux"),
    "uses": ("Recommended uses", "Usages recommandés"),
    "dose": ("Dose and directions", "Dose et mode d'emploi"),
    "cautions": ("Cautions and warnings", "Précautions et mises en garde"),
    "flags": ("Flags and decisions", "Signalements et décisions"),
    "corrections": ("Corrections", "Corrections"),
    "photos": ("Photos", "Photos"),
    "signoff": ("Review and sign-off", "Examen et approbation"),
    # columns
    "what": ("Item", "Élément"),
    "on_label": ("On the label", "Sur l'étiquette"),
    "in_licence": ("In the licence", "Dans la licence"),
    "result": ("Result", "Résultat"),
    "amount": ("Amount", "Quantité"),
    "severity": ("Severity", "Gravité"),
    "flag": ("Flag", "Signalement"),
    "evidence": ("Evidence on the photo", "Preuve sur la photo"),
    "decision": ("Decision", "Décision"),
    "reason": ("Reason", "Motif"),
    "analyst": ("Analyst", "Analyste"),
    "when": ("When", "Date"),
    "change": ("What changed", "Modification"),
    "before": ("Before", "Avant"),
    "after": ("After", "Après"),
    "open": ("Without decision", "Sans décision"),
    "confirmed_n": ("Confirmed", "Confirmés"),
    "dismissed_n": ("Dismissed", "Rejetés"),
    "total": ("Total", "Total"),
    # identity rows
    "product_name": ("Product name", "Nom du produit"),
    "brand": ("Brand", "Marque"),
    "company": ("Company", "Entreprise"),
    "npn": ("Licence number (NPN)", "Numéro de licence (NPN)"),
    "dosage_form": ("Dosage form", "Forme posologique"),
    "licence_status": ("Licence status", "Statut de la licence"),
    "match_method": ("How the licence was found", "Comment la licence a été trouvée"),
    # verdicts
    "verdict_non_compliant": ("Not compliant: {n} finding(s) confirmed by the analyst.",
                              "Non conforme : {n} constat(s) confirmé(s) par l'analyste."),
    "verdict_unfinished": ("Review not finished: {n} flag(s) still without a decision.",
                           "Examen inachevé : {n} signalement(s) encore sans décision."),
    "verdict_compliant": ("Compliant: no finding confirmed.", "Conforme : aucun constat confirmé."),
    "final": ("Final: signed off, and every high-severity flag decided by two analysts.",
              "Définitif : approuvé, et chaque signalement de gravité élevée tranché par deux analystes."),
    "draft_unsigned": ("Draft: not signed off yet.", "Ébauche : pas encore approuvé."),
    "draft_second": ("Draft: {n} high-severity flag(s) wait for a second analyst.",
                     "Ébauche : {n} signalement(s) de gravité élevée attendent un second analyste."),
    "licence_doubt": ("The licence found ({number}) was not confirmed by an analyst: nothing is compared with it.",
                      "La licence trouvée ({number}) n'a pas été confirmée par un analyste : rien n'est comparé avec elle."),
    "no_licence": ("No licence", "Aucune licence"),
    "none": ("None", "Aucun"),
    "no_photo": ("Photo not available.", "Photo non disponible."),
    "no_evidence": ("No evidence box on the photo.", "Aucune zone de preuve sur la photo."),
    "active": ("active", "active"),
    "inactive": ("inactive", "inactive"),
    # sign-off
    "status": ("Status", "État"),
    "assigned_to": ("Assigned analyst", "Analyste assigné"),
    "signed_off_by": ("Signed off by", "Approuvé par"),
    "signed_off_at": ("Signed off on", "Approuvé le"),
    "analysts": ("Analysts", "Analystes"),
    "created_at": ("Analysed on", "Analysé le"),
    "generated_at": ("Report made on", "Rapport produit le"),
    "generated_by": ("Report made by", "Rapport produit par"),
    "disagreement": ("The analysts disagree.", "Les analystes sont en désaccord."),
    "waiting_second": ("Waiting for a second analyst.", "En attente d'un second analyste."),
    "not_signed": ("Not signed off", "Non approuvé"),
    "page": ("Page", "Page"),
    "code": ("code", "code"),
    "photo": ("Photo {n}", "Photo {n}"),
}

#: a word per value of a field the report shows
VALUES: dict[str, dict[object, tuple[str, str]]] = {
    "state": {"matched": ("Matches", "Concorde"), "mismatch": ("Amount differs", "Quantité différente"),
              "label_only": ("Not in the licence", "Absent de la licence"),
              "licence_only": ("Not on the label", "Absent de l'étiquette"),
              "not_compared": ("Not compared", "Non comparé")},
    "severity": {"high": ("High", "Élevée"), "medium": ("Medium", "Moyenne"), "low": ("Low", "Faible")},
    "decision": {"confirmed": ("Confirmed", "Confirmé"), "dismissed": ("Dismissed", "Rejeté"), None: ("No decision", "Aucune décision")},
    "claim": {True: ("Compliant", "Conforme"), False: ("Not compliant", "Non conforme"), None: ("Not reviewed", "Non examiné")},
    "status": {"new": ("New", "Nouveau"), "in_review": ("In review", "En cours d'examen"),
               "reviewed": ("Reviewed", "Examiné"), "signed_off": ("Signed off", "Approuvé")},
    "method": {"npn_exact": ("the NPN printed on the label", "le NPN imprimé sur l'étiquette"),
               "search": ("a search by name, company and ingredients", "une recherche par nom, entreprise et ingrédients"),
               "analyst": ("chosen by the analyst", "choisie par l'analyste"), "none": ("no licence found", "aucune licence trouvée")},
    "source": {"pipeline": ("raised by Cyclops", "soulevé par Cyclops"), "analyst": ("added by the analyst", "ajouté par l'analyste")},
    "field": {"product_name": ("product name", "nom du produit"), "brand": ("brand", "marque"), "company": ("company", "entreprise"),
              "npn": ("licence number", "numéro de licence"), "medicinal_ingredient": ("medicinal ingredient", "ingrédient médicinal"),
              "non_medicinal_ingredient": ("non-medicinal ingredient", "ingrédient non médicinal"),
              "recommended_use": ("recommended use", "usage recommandé"), "dose": ("dose", "dose"),
              "caution": ("caution", "mise en garde"), "other": ("other text", "autre texte")},
}

#: a short plain title per flag code; a code not listed (an analyst's own) shows its message alone
FLAG_TITLES: dict[str, tuple[str, str]] = {
    "NPN_MISSING": ("No licence number on the label", "Aucun numéro de licence sur l'étiquette"),
    "NPN_ILLEGIBLE": ("Licence number unreadable", "Numéro de licence illisible"),
    "NPN_NOT_FOUND": ("Licence number not in the database", "Numéro de licence absent de la base de données"),
    "LICENCE_INACTIVE": ("Licence not active", "Licence inactive"),
    "PRODUCT_NAME_MISMATCH": ("Product name differs", "Nom du produit différent"),
    "COMPANY_MISMATCH": ("Company differs", "Entreprise différente"),
    "INGREDIENT_NOT_ON_LABEL": ("Licensed ingredient missing from the label", "Ingrédient autorisé absent de l'étiquette"),
    "INGREDIENT_NOT_LICENSED": ("Ingredient not in the licence", "Ingrédient absent de la licence"),
    "QUANTITY_MISMATCH": ("Amount differs from the licence", "Quantité différente de la licence"),
    "CLAIM_NOT_LICENSED": ("Claim not licensed", "Allégation non autorisée"),
    "SCHEDULE_A_TERM": ("Schedule A disease named", "Maladie de l'annexe A mentionnée"),
    "INJECTABLE_TERM": ("Injectable use named", "Usage injectable mentionné"),
    "PRESCRIPTION_INGREDIENT": ("Prescription ingredient", "Ingrédient sur ordonnance"),
    "CONTROLLED_SUBSTANCE": ("Controlled substance", "Substance contrôlée"),
    "FRENCH_MISSING": ("French text missing", "Texte français manquant"),
    "CAUTIONS_MISSING": ("Cautions missing", "Mises en garde manquantes"),
}

_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "fr" else pair[0]


def say(key: str, lang: str, **values: object) -> str:
    """The sentence ``key`` in ``lang``, placeholders filled."""
    return _pick(WORDS[key], lang).format(**values)


def colon(lang: str) -> str:
    """French puts a space before the colon."""
    return " : " if lang == "fr" else ": "


def value_word(kind: str, value: object, lang: str) -> str:
    """A field's value as a word: ``value_word("state", "mismatch", "fr")`` -> "Quantité différente"."""
    pair = VALUES[kind].get(value)
    return _pick(pair, lang) if pair else str(value)


def flag_title(code: str, lang: str) -> str | None:
    pair = FLAG_TITLES.get(code)
    return _pick(pair, lang) if pair else None


def number(value: float | None, lang: str) -> str:
    """7.25 -> "7.25" or "7,25"; whole numbers without decimals."""
    if value is None:
        return ""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def amount(quantity: float | None, unit: str | None, lang: str) -> str:
    if quantity is None:
        return ""
    return f"{number(quantity, lang)} {unit or ''}".strip()


def when(stamp: str | None, lang: str) -> str:
    """An ISO time as "2026-03-04 05:06 UTC" or "4 mars 2026, 05 h 06 UTC"; unreadable text is shown as given."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    zone = " UTC" if moment.utcoffset() is not None and not moment.utcoffset() else ""
    if lang == "fr":
        return f"{moment.day} {_MONTHS_FR[moment.month - 1]} {moment.year}, {moment:%H} h {moment:%M}{zone}"
    return f"{moment:%Y-%m-%d %H:%M}{zone}"
