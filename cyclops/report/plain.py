"""Edits in plain words: "Medicinal ingredient 1 (Vitamin C): amount", never ``fields.medicinal_ingredients[0].quantity``.

The analyst reads what changed in their own language; the field path stays in the record for the machines.
It lives below the workbench so the report's correction log and the workbench's Changes page say it the same way.
"""

from __future__ import annotations

from cyclops.edits import APPEND, InvalidEdit, parse_path
from cyclops.model.analysis import Analysis

#: names of the analysis' parts, in English and French
PARTS: dict[str, tuple[str, str]] = {
    "npn": ("NPN", "NPN"), "product_name": ("Product name", "Nom du produit"), "brand": ("Brand", "Marque"),
    "company": ("Company", "Entreprise"), "dosage_form": ("Dosage form", "Forme posologique"),
    "net_quantity": ("Net quantity", "Quantité nette"),
    "medicinal_ingredients": ("Medicinal ingredient", "Ingrédient médicinal"),
    "non_medicinal_ingredients": ("Non-medicinal ingredient", "Ingrédient non médicinal"),
    "recommended_uses": ("Recommended use", "Usage recommandé"), "directions": ("Direction", "Mode d'emploi"),
    "cautions": ("Caution", "Mise en garde"), "flags": ("Flag", "Signalement"), "lines": ("Text on the photo", "Texte de la photo"),
    "match": ("Licence match", "Licence associée"),
    "name": ("name", "nom"), "quantity": ("amount", "quantité"), "unit": ("unit", "unité"), "text": ("text", "texte"),
    "language": ("language", "langue"), "label": ("field it belongs to", "champ auquel il appartient"),
    "compliant": ("decision", "décision"), "decision": ("decision", "décision"), "reason": ("reason", "motif"),
    "lnhpd_id": ("licence", "licence"), "licence_number": ("licence number", "numéro de licence"),
    "method": ("how it was found", "méthode"), "score": ("score", "score"), "confirmed": ("confirmed", "confirmée"),
    "signed_off": ("Sign-off", "Approbation"), "assigned_to": ("Assigned analyst", "Analyste assigné"),
    "potency": ("potency", "activité"), "potency_unit": ("potency unit", "unité d'activité"), "source": ("source", "source"),
}
WORDS = {"added": ("added", "ajouté"), "removed": ("removed", "retiré"), "empty": ("(empty)", "(vide)"),
         "yes": ("yes", "oui"), "no": ("no", "non"), "items": ("{n} items", "{n} éléments"),
         "rechecked": ("Flags, checked again after a correction", "Signalements, vérifiés de nouveau après une correction"),
         "rechecked_near": ("Flags near their thresholds, checked again after a correction",
                            "Signalements près de leur seuil, vérifiés de nouveau après une correction"),
         "no_flag": ("no flag", "aucun signalement")}


def _word(key: str, lang: str) -> str:
    en, fr = PARTS.get(key) or WORDS.get(key) or (key.replace("_", " "), key.replace("_", " "))
    return fr if lang == "fr" else en


def _item_name(analysis: Analysis | None, part: str, index: int, lang: str) -> str:
    if analysis is None:
        return ""
    data = analysis.fields.model_dump() if part not in ("flags", "lines") else analysis.model_dump()
    items = data.get(part) or []
    if not 0 <= index < len(items):
        return ""
    item = items[index]
    message = item.get("message_fr") if lang == "fr" and item.get("message_fr") else item.get("message")
    return str(item.get("name") or item.get("text") or message or "")[:60]


def describe_field(path: str, analysis: Analysis | None = None, lang: str = "en") -> str:
    """What an edit at ``path`` changed, in words: "Medicinal ingredient 1 (Vitamin C): amount"."""
    try:
        tokens = parse_path(path)
    except (ValueError, InvalidEdit):
        return path
    if tokens == ["flags"]:  # the whole list: only the live checks write it (cyclops.pipeline.recheck)
        return _word("rechecked", lang)
    if tokens == ["near_flags"]:  # likewise
        return _word("rechecked_near", lang)
    if tokens and tokens[0] in ("fields", "review"):
        tokens = tokens[1:]
    words: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if isinstance(token, str) and token != APPEND:
            if token == "value" and words:
                i += 1
                continue
            name = _word(token, lang)
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if isinstance(nxt, int):
                item = _item_name(analysis, token, nxt, lang)
                name += f" {nxt + 1}" + (f" ({item})" if item else "")
                i += 1
            elif nxt == APPEND:
                name += f" ({_word('added', lang)})"
                i += 1
            words.append(name)
        i += 1
    if not words:
        return path
    head, rest = words[0], words[1:]
    return head + ((" : " if lang == "fr" else ": ") + ", ".join(rest) if rest else "")


def describe_value(value: object, lang: str = "en") -> str:
    """A value as the analyst would say it."""
    if value is None or value == "":
        return _word("empty", lang)
    if isinstance(value, bool):
        return _word("yes" if value else "no", lang)
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    if isinstance(value, dict):
        name = value.get("name") or value.get("text") or value.get("message") or value.get("licence_number")
        amount = " ".join(f"{value[k]:g}" if isinstance(value.get(k), float) else str(value[k])
                          for k in ("quantity", "unit") if value.get(k) not in (None, ""))
        return " ".join(str(p) for p in (name, amount) if p) or "…"
    if isinstance(value, list) and value and all(isinstance(v, dict) and "code" in v for v in value):
        standing = sorted({v["code"] for v in value if v.get("resolved_at_version") is None})  # the flags still raised
        return ", ".join(standing) or _word("no_flag", lang)
    if isinstance(value, list):
        return _word("items", lang).format(n=len(value))
    if isinstance(value, str) and lang == "fr":
        return {"confirmed": "confirmé", "dismissed": "rejeté"}.get(value, value)
    return str(value)
