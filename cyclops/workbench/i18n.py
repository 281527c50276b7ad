"""Every string the analyst sees, in English and French. Pages look strings up; nothing is hard-coded in widgets."""

from __future__ import annotations

LANGUAGES = ("en", "fr")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "Cyclops: label review", "fr": "Cyclops : examen d'étiquette"},
    "language": {"en": "Language", "fr": "Langue"},
    "next": {"en": "Next", "fr": "Suivant"},
    "back": {"en": "Back", "fr": "Précédent"},
    "help": {"en": "Keyboard shortcuts", "fr": "Raccourcis clavier"},
    "help_body": {
        "en": "Alt+N: next page · Alt+B: previous page · Alt+A: accept the proposal of the page in view (Product: the licence; "
              "Flags: the highlighted flag) · Alt+S: save now (retry pending edits)",
        "fr": "Alt+N : page suivante · Alt+B : page précédente · Alt+A : accepter la proposition de la page affichée (Produit : la "
              "licence ; Signalements : le signalement en surbrillance) · Alt+S : enregistrer (réessayer les modifications en attente)",
    },
    "analyst": {"en": "Analyst", "fr": "Analyste"},
    "nothing_to_accept": {"en": "Alt+A: nothing to accept on this page.", "fr": "Alt+A : rien à accepter sur cette page."},
    # pages
    "page_upload": {"en": "Upload", "fr": "Téléversement"},
    "page_product": {"en": "Product", "fr": "Produit"},
    "page_ingredients": {"en": "Ingredients", "fr": "Ingrédients"},
    "page_claims": {"en": "Claims", "fr": "Allégations"},
    "page_flags": {"en": "Flags", "fr": "Signalements"},
    "page_report": {"en": "Report", "fr": "Rapport"},
    "page_history": {"en": "Past analyses", "fr": "Analyses antérieures"},
    # save status
    "status_idle": {"en": "No changes yet.", "fr": "Aucune modification."},
    "status_saved": {"en": "Saved: {field}", "fr": "Enregistré : {field}"},
    "status_offline": {
        "en": "Storage unavailable: saved locally, will retry ({field}).",
        "fr": "Stockage indisponible : enregistré localement, nouvel essai plus tard ({field}).",
    },
    "status_conflict": {
        "en": "Not saved: {who} changed this analysis meanwhile. Their change: {theirs}. Your change ({field} = {mine}) is kept below.",
        "fr": "Non enregistré : {who} a modifié cette analyse entre-temps. Sa modification : {theirs}. Votre modification ({field} = {mine}) est conservée ci-dessous.",
    },
    "status_error": {"en": "Error: {detail}", "fr": "Erreur : {detail}"},
    "reapply": {"en": "Apply my change on top", "fr": "Appliquer ma modification par-dessus"},
    "keep_theirs": {"en": "Keep their version", "fr": "Garder leur version"},
    "retry": {"en": "Retry saving", "fr": "Réessayer l'enregistrement"},
    # upload
    "choose_photos": {"en": "Choose photos", "fr": "Choisir des photos"},
    "analyze": {"en": "Analyse", "fr": "Analyser"},
    "remove": {"en": "Remove", "fr": "Retirer"},
    "no_photos": {"en": "Add at least one photo of the product.", "fr": "Ajoutez au moins une photo du produit."},
    "not_image": {"en": "{file} is not a photo we can read: {why}", "fr": "{file} n'est pas une photo lisible : {why}"},
    "photo_ready": {"en": "ready", "fr": "prête"},
    "photo_analysing": {"en": "analysing…", "fr": "analyse en cours…"},
    "photo_waiting": {"en": "waiting…", "fr": "en attente…"},
    "photo_reading": {"en": "reading text…", "fr": "lecture du texte…"},
    "photo_read": {"en": "text read", "fr": "texte lu"},
    "photo_done": {"en": "done", "fr": "terminée"},
    "analysis_failed": {"en": "Analysis failed: {detail}", "fr": "Échec de l'analyse : {detail}"},
    "analysis_done": {"en": "Analysis {id} ready. Press New product before choosing the next product's photos.",
                      "fr": "Analyse {id} prête. Appuyez sur Nouveau produit avant de choisir les photos du produit suivant."},
    "new_product": {"en": "New product", "fr": "Nouveau produit"},
    "npn_conflict": {
        "en": "These photos show different NPNs, so they look like two products: {npns}. Remove the other product's photos, "
              "or tick “They are one product” and press Analyse again.",
        "fr": "Ces photos montrent des NPN différents ; elles semblent venir de deux produits : {npns}. Retirez les photos de "
              "l'autre produit, ou cochez « C'est un seul produit » et appuyez de nouveau sur Analyser.",
    },
    "one_product_anyway": {"en": "They are one product", "fr": "C'est un seul produit"},
    # viewer
    "photo": {"en": "Photo", "fr": "Photo"},
    "zoom": {"en": "Zoom", "fr": "Zoom"},
    "pan_x": {"en": "Pan ←→", "fr": "Déplacer ←→"},
    "pan_y": {"en": "Pan ↑↓", "fr": "Déplacer ↑↓"},
    "selected_line": {"en": "Selected text", "fr": "Texte sélectionné"},
    "assign_to": {"en": "Field", "fr": "Champ"},
    "click_a_box": {"en": "Click a box on the photo to see its text.", "fr": "Cliquez sur un cadre de la photo pour voir son texte."},
    # product
    "npn": {"en": "NPN", "fr": "NPN"},
    "product_name": {"en": "Product name", "fr": "Nom du produit"},
    "brand": {"en": "Brand", "fr": "Marque"},
    "company": {"en": "Company", "fr": "Entreprise"},
    "confidence": {"en": "confidence {value:.0%}", "fr": "confiance {value:.0%}"},
    "as_read": {"en": "printed as read: «{text}»", "fr": "imprimé, tel que lu : « {text} »"},
    "needs_review": {"en": "read too unsurely to propose: read the photo", "fr": "lu avec trop peu de certitude : lire la photo"},
    "search_licence": {"en": "Search licences (NPN, name, company)", "fr": "Rechercher une licence (NPN, nom, entreprise)"},
    "matched_licence": {"en": "Matched licence", "fr": "Licence associée"},
    "no_match": {"en": "No licence matched.", "fr": "Aucune licence associée."},
    "candidates": {"en": "Candidates", "fr": "Candidats"},
    "use_licence": {"en": "Use this licence", "fr": "Utiliser cette licence"},
    "confirm_match": {"en": "Confirm match", "fr": "Confirmer l'association"},
    "inactive": {"en": "inactive", "fr": "inactive"},
    "licence_search": {
        "en": "This licence was found by searching the label's name, company and ingredients, not by a printed NPN: "
              "it may be another product's licence.",
        "fr": "Cette licence a été trouvée en cherchant le nom, l'entreprise et les ingrédients de l'étiquette, et non par "
              "un NPN imprimé : elle peut être celle d'un autre produit.",
    },
    "licence_npn_differs": {
        "en": "The NPN printed on the label ({printed}) is not the number of the matched licence ({matched}): "
              "it may be another product's licence.",
        "fr": "Le NPN imprimé sur l'étiquette ({printed}) n'est pas le numéro de la licence associée ({matched}) : "
              "elle peut être celle d'un autre produit.",
    },
    "licence_not_compared": {
        "en": "Nothing is compared with it until you confirm a licence on the Product page.",
        "fr": "Rien n'y est comparé tant que vous n'avez pas confirmé une licence à la page Produit.",
    },
    "check_licence": {"en": "Check the licence", "fr": "Vérifier la licence"},
    "licence_unconfirmed": {"en": "Licence not confirmed", "fr": "Licence non confirmée"},
    "not_compared": {"en": "not compared", "fr": "non comparé"},
    # ingredients
    "label_side": {"en": "On the label", "fr": "Sur l'étiquette"},
    "licence_side": {"en": "In the licence", "fr": "Dans la licence"},
    "ingredient": {"en": "Ingredient", "fr": "Ingrédient"},
    "quantity": {"en": "Quantity", "fr": "Quantité"},
    "check_amount": {"en": "Amount read unsurely: check it on the photo", "fr": "Quantité lue avec doute : vérifiez-la sur la photo"},
    "check_claim": {"en": "Read unsurely, so not compared with the licence: check it on the photo",
                    "fr": "Lu avec doute, donc non comparé à la licence : vérifiez-le sur la photo"},
    "unit": {"en": "Unit", "fr": "Unité"},
    "state": {"en": "Status", "fr": "État"},
    "matched": {"en": "matched", "fr": "concordant"},
    "mismatch": {"en": "quantity differs", "fr": "quantité différente"},
    "label_only": {"en": "only on the label", "fr": "seulement sur l'étiquette"},
    "licence_only": {"en": "only in the licence", "fr": "seulement dans la licence"},
    "delete": {"en": "Delete", "fr": "Supprimer"},
    "add": {"en": "Add", "fr": "Ajouter"},
    "to_non_medicinal": {"en": "Move to non-medicinal", "fr": "Déplacer vers non médicinaux"},
    "to_medicinal": {"en": "Move to medicinal", "fr": "Déplacer vers médicinaux"},
    "add_to_label": {"en": "Add to label list", "fr": "Ajouter à la liste de l'étiquette"},
    "non_medicinal": {"en": "Non-medicinal ingredients", "fr": "Ingrédients non médicinaux"},
    "new_ingredient": {"en": "New ingredient name", "fr": "Nom du nouvel ingrédient"},
    # claims
    "claim": {"en": "Printed claim", "fr": "Allégation imprimée"},
    "licensed_use": {"en": "Closest licensed use", "fr": "Usage autorisé le plus proche"},
    "score": {"en": "Score", "fr": "Score"},
    "compliant": {"en": "Compliant", "fr": "Conforme"},
    "not_compliant": {"en": "Not compliant", "fr": "Non conforme"},
    "undecided": {"en": "Undecided", "fr": "Non décidé"},
    "no_claims": {"en": "No recommended use was read on the label.", "fr": "Aucun usage recommandé lu sur l'étiquette."},
    # flags
    "severity": {"en": "Severity", "fr": "Gravité"},
    "high": {"en": "high", "fr": "élevée"},
    "medium": {"en": "medium", "fr": "moyenne"},
    "low": {"en": "low", "fr": "faible"},
    "confirm": {"en": "Confirm", "fr": "Confirmer"},
    "dismiss": {"en": "Dismiss", "fr": "Rejeter"},
    "reason": {"en": "Reason", "fr": "Motif"},
    "show_evidence": {"en": "Show on photo", "fr": "Voir sur la photo"},
    "confirmed": {"en": "confirmed", "fr": "confirmé"},
    "dismissed": {"en": "dismissed", "fr": "rejeté"},
    "pending": {"en": "to review", "fr": "à examiner"},
    "add_flag": {"en": "Add a flag", "fr": "Ajouter un signalement"},
    "flag_code": {"en": "Code", "fr": "Code"},
    "message": {"en": "Message", "fr": "Message"},
    "no_flags": {"en": "No flags raised.", "fr": "Aucun signalement."},
    "flag_in_view": {"en": "Alt+A confirms this flag", "fr": "Alt+A confirme ce signalement"},
    # report
    "preview": {"en": "Preview", "fr": "Aperçu"},
    "download_pdf": {"en": "Download PDF", "fr": "Télécharger le PDF"},
    "download_csv": {"en": "Download CSV", "fr": "Télécharger le CSV"},
    "download_json": {"en": "Download JSON", "fr": "Télécharger le JSON"},
    "make_report": {"en": "Build report", "fr": "Produire le rapport"},
    # history
    "filter_npn": {"en": "NPN", "fr": "NPN"},
    "filter_company": {"en": "Company", "fr": "Entreprise"},
    "filter_flag": {"en": "Flag code", "fr": "Code de signalement"},
    "filter_analyst": {"en": "Analyst", "fr": "Analyste"},
    "filter_since": {"en": "Since", "fr": "Depuis"},
    "find": {"en": "Find", "fr": "Chercher"},
    "open": {"en": "Open", "fr": "Ouvrir"},
    "no_analysis": {"en": "Upload photos or open a past analysis first.", "fr": "Téléversez des photos ou ouvrez d'abord une analyse antérieure."},
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The string ``key`` in ``lang``; unknown keys raise so a missing translation is caught by tests."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
