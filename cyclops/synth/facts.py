"""US "Supplement Facts" panels: what the panel says (decided from the label content) and how it is drawn.

Truth labels, as the benchmark reads them: every row with an amount is one ``medicinal_ingredient``
line (name and amount; the % Daily Value beside it is a separate ``other`` line); the title,
"Serving Size", "Servings Per Container", "Amount Per Serving", "% Daily Value", "Calories" and the
footnote are ``other``. A proprietary blend is one row (its name and total amount) and the paragraph
listing its members, all ``medicinal_ingredient`` lines; in ``printed`` it is one ingredient with
``parts``. "25 mcg (1000 IU)" is printed as one amount: quantity 25 mcg, potency "1000 IU".
"""

from __future__ import annotations

import random
import re

from cyclops.synth import text as wording
from cyclops.synth.canvas import Canvas, Colour, wrap
from cyclops.synth.content import Blend, FactsPanel, LabelContent

#: US Daily Values (21 CFR 101.9, adults): name keyword -> (amount, unit)
DAILY_VALUES: tuple[tuple[str, float, str], ...] = (
    ("cholecalciferol", 20, "mcg"),
    ("vitamin d", 20, "mcg"),
    ("ascorbic", 90, "mg"),
    ("vitamin c", 90, "mg"),
    ("cyanocobalamin", 2.4, "mcg"),
    ("methylcobalamin", 2.4, "mcg"),
    ("vitamin b12", 2.4, "mcg"),
    ("thiamine", 1.2, "mg"),
    ("riboflavin", 1.3, "mg"),
    ("nicotinamide", 16, "mg"),
    ("niacin", 16, "mg"),
    ("pantothen", 5, "mg"),
    ("pyridoxine", 1.7, "mg"),
    ("folic", 400, "mcg"),
    ("biotin", 30, "mcg"),
    ("calcium", 1300, "mg"),
    ("magnesium", 420, "mg"),
    ("zinc", 11, "mg"),
    ("iron", 18, "mg"),
    ("selenium", 55, "mcg"),
    ("iodine", 150, "mcg"),
    ("potassium", 4700, "mg"),
    ("vitamin a", 900, "mcg"),
    ("vitamin e", 15, "mg"),
    ("vitamin k", 120, "mcg"),
)
_TO_MG = {"mg": 1.0, "mcg": 0.001, "µg": 0.001, "g": 1000.0}

BLEND_NAMES: dict[str, tuple[str, ...]] = {
    "CFU": ("Probiotic Blend", "Proprietary Probiotic Blend"),
    "default": ("Proprietary Blend", "Herbal Blend", "Support Blend"),
}


def daily_value(name: str, quantity: float | None, unit: str | None) -> str | None:
    """ "125%" for a nutrient with a US Daily Value, None when none is established."""
    if quantity is None or not unit:
        return None
    low = name.lower()
    for key, amount, dv_unit in DAILY_VALUES:
        if key in low and unit.lower() in _TO_MG and dv_unit in _TO_MG:
            pct = quantity * _TO_MG[unit.lower()] / (amount * _TO_MG[dv_unit]) * 100
            return f"{pct:.0f}%" if pct >= 1 else "<1%"
    return None


def make_facts(content: LabelContent, rng: random.Random, blend: bool) -> FactsPanel:
    """Turn ``content`` into a US label's panel: µg printed as mcg, %DV per row, maybe a blend (edits ``content``)."""
    for row in content.ingredients:
        if row.unit == "µg":
            row.unit = "mcg"
        if (
            row.potency is None
            and row.unit == "mcg"
            and row.quantity
            and re.search(r"vitamin d|cholecalciferol", row.name, re.IGNORECASE)
        ):
            row.potency = row.potency_fr = f"{row.quantity * 40:g} IU"  # 1 mcg of vitamin D = 40 IU
    marker = rng.choice(("†", "**"))
    dv: dict[int, str] = {}
    for k, row in enumerate(content.ingredients):
        dv[k] = daily_value(row.name, row.quantity, row.unit) or marker
    panel_blend = None
    if blend:
        groups: dict[str, list[int]] = {}
        for k, row in enumerate(content.ingredients):
            if row.quantity and row.unit and not row.potency and dv[k] == marker:
                groups.setdefault(row.unit, []).append(k)
        candidates = [g for g in groups.values() if len(g) >= 2]
        if candidates:
            members = max(candidates, key=len)
            unit = content.ingredients[members[0]].unit or ""
            total = sum(content.ingredients[m].quantity or 0 for m in members)
            total = int(total) if total == int(total) else round(total, 3)
            names = BLEND_NAMES.get(unit, BLEND_NAMES["default"])
            panel_blend = Blend(name=rng.choice(names), members=members, quantity=total, unit=unit)
    form = content.form.en_singular.title() if content.form.en_singular else "Tablet"
    # one serving is what the directions say to take at once ("Take 2 capsules ...")
    said = next((m for d in content.directions if d.en and (m := re.search(r"Take (\d+)", d.en))), None)
    per_dose = max(1, int(said.group(1))) if said else 1
    count = re.match(r"\d+", content.net_quantity)
    if count and not re.search(r"[a-zA-Z]", content.net_quantity):
        serving = f"{per_dose} {form}{'s' if per_dose > 1 else ''}"
        servings = str(int(count.group()) // per_dose)
    else:
        serving, servings = "1 Scoop (5 g)", str(rng.choice((30, 50, 60)))
    calories = rng.choice((5, 10, 15, 20)) if content.form.en_singular in ("gummy", "softgel", "powder", "liquid") else None
    return FactsPanel(serving=serving, servings=servings, dv=dv, marker=marker, calories=calories, blend=panel_blend)


def draw_panel(content: LabelContent, width: int, body: int, fonts, ink: Colour, paper: Colour) -> Canvas:
    """The boxed panel on a canvas of its own (``width`` wide, cropped to its height); lines recorded with labels.

    ``fonts(scale, bold)`` returns a font of the label's family at ``body * scale`` pixels."""
    facts = content.facts
    assert facts is not None
    c = Canvas(width, 4000, paper)
    d = c.draw
    pad = max(10, body // 2)
    x0, x1 = pad + 4, width - pad - 4
    thin, thick = max(1, body // 16), max(5, body // 3)
    reg, bold, small = fonts(1.0, False), fonts(1.0, True), fonts(0.82, False)
    lh = round(body * 1.25)
    y = pad + 2
    title = fonts(1.9, True)
    c.line(x0, y, "Supplement Facts", title, ink, "other", "en")
    y += round(title.size * 1.15)
    d.rectangle((x0, y, x1, y + thin), fill=ink)
    y += thin + 6
    c.line(x0, y, f"Serving Size {facts.serving}", reg, ink, "other", "en")
    y += lh
    c.line(x0, y, f"Servings Per Container {facts.servings}", reg, ink, "other", "en")
    y += lh + 4
    d.rectangle((x0, y, x1, y + thick), fill=ink)
    y += thick + 6
    head = fonts(0.85, True)
    c.line(x0 + round((x1 - x0) * 0.36), y, "Amount Per Serving", head, ink, "other", "en")
    dv_head = "% Daily Value"
    c.line(x1 - c.text_width(dv_head, head), y, dv_head, head, ink, "other", "en")
    y += round(head.size * 1.3)
    d.rectangle((x0, y, x1, y + max(2, thick // 2)), fill=ink)
    y += max(2, thick // 2) + 6
    dv_col = max(c.text_width(v, reg) for v in [*facts.dv.values(), "100%"]) + 16  # width of the %DV column
    amount_right = x1 - dv_col - 10

    def rule() -> None:
        nonlocal y
        d.rectangle((x0, y, x1, y + thin), fill=ink)
        y += thin + 5

    if facts.calories is not None:
        c.leader_line(x0, y, amount_right - x0, "Calories", str(facts.calories), bold, ink, "other", dots=False)
        y += lh
        rule()
    blend = facts.blend
    for k, row in enumerate(content.ingredients):
        if blend and k in blend.members:
            if k != blend.members[0]:
                continue
            amount = _amount(blend.quantity, blend.unit)
            c.leader_line(x0, y, amount_right - x0, blend.name, amount, bold, ink, "medicinal_ingredient", dots=False)
            c.line(x1 - c.text_width(facts.marker, reg), y, facts.marker, reg, ink, "other", None)
            y += lh
            members = ", ".join(content.ingredients[m].name for m in blend.members)
            for part in wrap(members, small, amount_right - x0 - body, c):
                c.line(x0 + body, y, part, small, ink, "medicinal_ingredient", None)
                y += round(small.size * 1.25)
            y += 3
            rule()
            continue
        amount = row.amount_text()
        name_w = amount_right - x0 - c.text_width(amount, reg) - 24
        parts = wrap(row.name, reg, name_w, c)
        for part in parts[:-1]:
            c.line(x0, y, part, reg, ink, "medicinal_ingredient", None)
            y += lh
        c.leader_line(x0, y, amount_right - x0, parts[-1] if parts else "", amount, reg, ink, "medicinal_ingredient", dots=False)
        mark = facts.dv[k]
        c.line(x1 - c.text_width(mark, reg), y, mark, reg, ink, "other", None)
        y += lh
        rule()
    y += thick - thin
    d.rectangle((x0, y - thick, x1, y), fill=ink)
    y += 6
    foot = f"{facts.marker}Daily Value not established."
    c.line(x0, y, foot, small, ink, "other", "en")
    y += round(small.size * 1.3) + pad
    d.rectangle((2, 2, width - 3, y), outline=ink, width=max(2, body // 10))
    c.image = c.image.crop((0, 0, width, y + 3))
    return c


def _amount(quantity: float, unit: str) -> str:
    return wording.large_count(quantity, unit) or f"{wording.number(quantity, 'en')} {unit}"
