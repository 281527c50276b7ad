"""Words no natural health product label may carry unless its licence does: injection routes,
prescription drugs and controlled substances (lists in ``cyclops.reference``)."""

from __future__ import annotations

from cyclops.flags.context import Context
from cyclops.flags.messages import make_flag
from cyclops.model.analysis import Evidence, Flag
from cyclops.reference import load
from cyclops.text.readable import is_readable
from cyclops.text.terms import find_exact_terms, find_terms

_ROUTE_LINES = {"product_name", "dose", "recommended_use"}
_INGREDIENT_LINES = {"medicinal_ingredient", "non_medicinal_ingredient"}


def _route_texts(ctx: Context) -> list[tuple[str, list[Evidence]]]:
    f = ctx.fields
    out = [(fv.value, list(fv.evidence)) for fv in (f.product_name, f.dosage_form, f.net_quantity) if fv.value]
    out += [(i.text, list(i.evidence)) for i in f.directions + f.recommended_uses]
    out += [(line.text, [Evidence(image=line.image, polygon=line.polygon, text=line.text)])
            for line in ctx.lines if line.label in _ROUTE_LINES]
    return out


def injectable_term(ctx: Context) -> list[Flag]:
    """One flag per injection term, with every place it was read."""
    licence_text = ctx.licence_text
    found: dict[str, tuple[str, list[Evidence]]] = {}  # term id -> (first hit, evidence)
    for text, evidence in _route_texts(ctx):
        if not is_readable(text):
            continue  # letter debris ("Non i i M ine") spells abbreviations such as "i.m." by chance
        for item in load("injectable_terms"):
            hits = find_terms(text, item["terms_en"] + item["terms_fr"])
            hits += find_exact_terms(text, item.get("case_sensitive", []), item.get("not_after"))
            hits = [h for h in hits if not (licence_text and find_terms(licence_text, [h]))]
            if hits:
                _, ev = found.setdefault(item["id"], (hits[0], []))
                ev += [e for e in evidence if e not in ev]
    return [make_flag("INJECTABLE_TERM", ev[:4], term=hit) for hit, ev in found.values()]


def _ingredient_texts(ctx: Context) -> list[tuple[str, list[Evidence]]]:
    f = ctx.fields
    out = [(i.name, list(i.evidence)) for i in f.medicinal_ingredients]
    out += [(i.name, list(i.evidence)) for i in f.non_medicinal_ingredients]
    out += [(line.text, [Evidence(image=line.image, polygon=line.polygon, text=line.text)])
            for line in ctx.lines if line.label in _INGREDIENT_LINES]
    return out


def _substance_flags(ctx: Context, list_name: str, code: str, detail_key: str) -> list[Flag]:
    licence_text = ctx.licence_text
    found: dict[str, tuple[str, dict, list[Evidence]]] = {}
    for text, evidence in _ingredient_texts(ctx):
        for item in load(list_name):
            hits = find_terms(text, item["terms"])
            if not hits or (item.get("except") and find_terms(text, item["except"])):
                continue
            if licence_text and any(find_terms(licence_text, [h]) for h in hits):
                continue  # the licence authorises it (e.g. ephedrine within NHP limits)
            _, _, ev = found.setdefault(item["id"], (hits[0], item, []))
            ev += [e for e in evidence if e not in ev]
    return [make_flag(code, ev[:4], name=hit, detail=item[detail_key]) for hit, item, ev in found.values()]


def prescription_ingredient(ctx: Context) -> list[Flag]:
    return _substance_flags(ctx, "prescription_drugs", "PRESCRIPTION_INGREDIENT", "class")


def controlled_substance(ctx: Context) -> list[Flag]:
    return _substance_flags(ctx, "controlled_substances", "CONTROLLED_SUBSTANCE", "schedule")
