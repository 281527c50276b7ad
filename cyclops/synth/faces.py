"""Compose the faces of a package (front, back, sides) from label content, tracking every line.

The front carries brand, product name, count and NPN; the remaining sections
flow over as many back/side faces as they need, in English and French either
side by side (two columns) or one after the other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from cyclops.model.truth import TruthLine
from cyclops.synth import text as wording
from cyclops.synth.canvas import Canvas, Colour, wrap
from cyclops.synth.content import LabelContent
from cyclops.synth.facts import draw_panel
from cyclops.synth.fonts import FontFamily, available_families, font, pick_family

BACKGROUNDS: tuple[Colour, ...] = (
    (255, 255, 255),
    (250, 246, 236),
    (240, 248, 240),
    (236, 244, 252),
    (252, 243, 232),
    (245, 245, 245),
)
INKS: tuple[Colour, ...] = ((20, 20, 20), (30, 40, 90), (60, 20, 20), (10, 60, 40), (40, 40, 40))
ACCENTS: tuple[Colour, ...] = ((200, 40, 40), (30, 110, 180), (40, 140, 80), (230, 140, 30), (120, 60, 150), (0, 130, 130))

MAX_FACES = 6


@dataclass
class Face:
    id: str  # "front", "back", "side1", ...
    canvas: Canvas
    has_npn: bool = False

    @property
    def lines(self) -> list[TruthLine]:
        return self.canvas.lines


@dataclass
class Style:
    family: FontFamily
    body: int  # body font size in px
    background: Colour
    ink: Colour
    accent: Colour
    bilingual: str  # "columns" or "sequential"
    leaders: bool
    layout_family: str = "base"
    size: tuple[int, int] = (1400, 1000)
    margin: int = 48

    def regular(self, scale: float = 1.0):
        return font(self.family.regular, max(8, round(self.body * scale)))

    def bold(self, scale: float = 1.0):
        return font(self.family.bold, max(8, round(self.body * scale)))


def pick_style(rng: random.Random, layout_family: str) -> Style:
    return Style(
        family=pick_family(rng),
        body=rng.randint(25, 30),
        background=rng.choice(BACKGROUNDS),
        ink=rng.choice(INKS),
        accent=rng.choice(ACCENTS),
        bilingual=rng.choice(("columns", "sequential")),
        leaders=rng.random() < 0.6,
        layout_family=layout_family,
        size=(rng.randint(1320, 1440), rng.randint(940, 1040)),
    )


def _decorate(canvas: Canvas, style: Style, rng: random.Random, text_box: tuple[int, int, int, int]) -> None:
    """Bands and a text-free logo mark: packaging clutter an OCR engine must ignore."""
    w, h = canvas.size
    d = canvas.draw
    band = rng.randint(14, 28)
    if rng.random() < 0.5:
        d.rectangle((0, 0, w, band), fill=style.accent)
    else:
        d.rectangle((0, h - band, w, h), fill=style.accent)
    d.rectangle((6, 6, w - 7, h - 7), outline=style.accent, width=2)
    x0, y0, x1, y1 = text_box
    if x1 - x0 > 200 and y1 - y0 > 200:  # a soft disc or leaf shape in the free area
        r = rng.randint(60, min(x1 - x0, y1 - y0) // 2)
        cx, cy = rng.randint(x0 + r, x1 - r), rng.randint(y0 + r, y1 - r)
        tint = tuple((a + 3 * b) // 4 for a, b in zip(style.accent, style.background))
        if rng.random() < 0.5:
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=tint)
        else:
            d.chord((cx - r, cy - r, cx + r, cy + r), 200, 340, fill=tint)


def front_face(content: LabelContent, style: Style, rng: random.Random, vertical_npn: bool) -> Face:
    w, h = style.size
    c = Canvas(w, h, style.background)
    m = style.margin
    _decorate(c, style, rng, (w // 2 + 80, h // 2 - 60, w - m - 130, h - m))
    # logo mark: concentric shapes, no letters
    lx, ly, lr = m + 50, m + 60, rng.randint(34, 48)
    c.draw.ellipse((lx - lr, ly - lr, lx + lr, ly + lr), fill=style.accent)
    c.draw.ellipse((lx - lr // 2, ly - lr // 2, lx + lr // 2, ly + lr // 2), fill=style.background)
    brand_font = style.bold(rng.uniform(1.5, 1.9))
    c.line(lx + lr + 24, ly - sum(brand_font.getmetrics()) // 2, content.brand, brand_font, style.accent, "brand", None)
    y = ly + lr + 50
    right_pad = 110 if vertical_npn else m
    name_font = style.bold(rng.uniform(2.0, 2.5))
    for text in wrap(content.product_name, name_font, w - m - right_pad, c)[:4]:
        c.line(m, y, text, name_font, style.ink, "product_name", None)
        y += round(name_font.size * 1.2)
    if content.product_name_fr and content.product_name_fr.casefold() != content.product_name.casefold():
        fr_font = style.regular(rng.uniform(1.3, 1.5))
        for text in wrap(content.product_name_fr, fr_font, w - m - right_pad, c)[:3]:
            c.line(m, y, text, fr_font, style.ink, "product_name", "fr")
            y += round(fr_font.size * 1.2)
    y += 30
    c.draw.rectangle((m, y, m + rng.randint(200, 500), y + 6), fill=style.accent)
    y += 40
    count_font = style.regular(1.3)
    c.line(m, y, content.count_text(), count_font, style.ink, "other", None)
    has_npn = False
    if content.npn:
        npn_font = style.bold(rng.uniform(1.1, 1.35))
        npn_text = f"{content.npn_prefix} {content.npn}"
        if vertical_npn:
            c.vertical_line(w - m - sum(npn_font.getmetrics()), h - m - 20, npn_text, npn_font, style.ink, "npn")
        else:
            c.line(m, h - m - 40 - npn_font.size, npn_text, npn_font, style.ink, "npn", None)
        has_npn = True
    return Face("front", c, has_npn=has_npn)


#: a flavour line for the forms that have one (printed under the name on stylised fronts)
FLAVOURS: tuple[str, ...] = ("Natural Orange Flavour", "Mixed Berry Flavour", "Lemon Flavour", "Unflavoured", "Cherry Flavour")
FLAVOURED_FORMS = ("chewable tablet", "gummy", "liquid", "powder", "lozenge", "drops")
SLOGANS: tuple[str, ...] = (
    "Non-GMO · Gluten Free",
    "Extra Strength",
    "Clinically Studied Dose",
    "Vegan · Sans OGM",
    "Since 1987",
)


def stylised_front_face(content: LabelContent, style: Style, rng: random.Random, vertical_npn: bool) -> Face:
    """A front like store packaging: brand line above a large bold product name (condensed, outlined, reversed
    out of a colour band or shadowed, one or two lines), then a flavour/slogan/count line (truth: brand, then
    product_name, then other)."""
    w, h = style.size
    m = style.margin
    kind = rng.choice(("solid", "outlined", "reverse", "shadow"))
    narrow = [f for f in available_families() if "Condensed" in f.name or "Narrow" in f.name]
    family = rng.choice(narrow) if narrow and rng.random() < 0.5 else style.family
    upper_name = rng.random() < 0.35
    upper_brand = rng.random() < 0.5
    centred = rng.random() < 0.5
    second_smaller = rng.random() < 0.4
    flavour = rng.choice(FLAVOURS) if content.form.en_singular in FLAVOURED_FORMS else None
    slogan = rng.choice(SLOGANS) if rng.random() < 0.5 else None
    brand_scale = rng.uniform(1.3, 1.8)
    right_pad = 110 if vertical_npn else m
    avail = w - m - right_pad
    name_text = content.product_name.upper() if upper_name else content.product_name
    npn_font = style.bold(rng.uniform(1.1, 1.35))
    bottom = h - m - (40 + npn_font.size if content.npn and not vertical_npn else 0) - 20
    decorate_seed = rng.getrandbits(32)

    def x_for(c: Canvas, text: str, f) -> float:
        return m + (avail - c.text_width(text, f)) / 2 if centred else m

    scale = 5.2
    while True:
        c = Canvas(w, h, style.background)
        _decorate(c, style, random.Random(decorate_seed), (w // 2 + 80, h - m - 200, w - m - 130, h - m))
        y = m + 30
        bfont = style.bold(brand_scale)
        brand = content.brand.upper() if upper_brand else content.brand
        c.line(x_for(c, brand, bfont), y, brand, bfont, style.accent, "brand", None)
        y += round(bfont.size * 1.5)
        nfont = font(family.bold, max(8, round(style.body * scale)))
        lines = wrap(name_text, nfont, avail, c)
        fits = len(lines) <= 2 and all(c.text_width(t, nfont) <= avail for t in lines)
        if not fits and scale > 2.4:
            scale -= 0.3
            continue
        lines = lines[:3]
        band_bottom = y
        if kind == "reverse":
            band_bottom = y + sum(round(nfont.size * 1.18) for _ in lines) + nfont.size // 3
            c.draw.rectangle((0, y - nfont.size // 6, w, band_bottom), fill=style.accent)
        for k, text in enumerate(lines):
            f = nfont
            if k == 1 and second_smaller and len(lines) == 2:
                f = font(family.bold, max(8, round(nfont.size * 0.68)))
            x = x_for(c, text, f)
            if kind == "solid":
                c.line(x, y, text, f, style.ink, "product_name", None)
            elif kind == "outlined":
                c.line(x, y, text, f, style.background, "product_name", None, stroke=(max(2, f.size // 22), style.ink))
            elif kind == "reverse":
                c.line(x, y, text, f, (255, 255, 255), "product_name", None)
            else:  # shadow: an offset copy in the accent colour, not recorded (it is not a second line of text)
                off = max(2, f.size // 24)
                c.draw.text((x + off, y + off), text, font=f, fill=style.accent)
                c.line(x, y, text, f, style.ink, "product_name", None)
            y += round(f.size * 1.18)
        y = max(y, band_bottom) + 14
        if content.product_name_fr and content.product_name_fr.casefold() != content.product_name.casefold():
            fr_font = style.regular(1.3)
            for text in wrap(content.product_name_fr, fr_font, avail, c)[:2]:
                c.line(x_for(c, text, fr_font), y, text, fr_font, style.ink, "product_name", "fr")
                y += round(fr_font.size * 1.2)
        y += 16
        small = style.bold(1.15)
        for text in (flavour, slogan, content.count_text()):
            if text:
                c.line(x_for(c, text, small), y, text, small, style.accent if text == slogan else style.ink, "other", None)
                y += round(small.size * 1.35)
        if y <= bottom or scale <= 2.0:
            break
        scale -= 0.3
    has_npn = False
    if content.npn:
        npn_text = f"{content.npn_prefix} {content.npn}"
        if vertical_npn:
            c.vertical_line(w - m - sum(npn_font.getmetrics()), h - m - 20, npn_text, npn_font, style.ink, "npn")
        else:
            c.line(m, h - m - 40 - npn_font.size, npn_text, npn_font, style.ink, "npn", None)
        has_npn = True
    return Face("front", c, has_npn=has_npn)


@dataclass
class Para:
    """A paragraph to flow: wrapped to its column; ``right`` makes it a name/amount row."""

    text: str
    label: str
    language: str | None
    bold: bool = False
    right: str | None = None
    gap: float = 0.35  # space after, in body heights


@dataclass
class _Flow:
    content: LabelContent
    style: Style
    rng: random.Random
    faces: list[Face] = field(default_factory=list)
    y: float = 0.0

    def new_face(self) -> Canvas:
        w, h = self.style.size
        c = Canvas(w, h, self.style.background)
        _decorate(c, self.style, self.rng, (0, 0, 0, 0))
        n = len(self.faces)
        self.faces.append(Face("back" if n == 0 else f"side{n}", c))
        self.y = self.style.margin + 20
        return c

    @property
    def canvas(self) -> Canvas:
        return self.faces[-1].canvas if self.faces else self.new_face()

    def _height(self, paras: list[Para], width: float) -> float:
        lh = self.style.body * 1.3
        total = 0.0
        for p in paras:
            f = self.style.bold() if p.bold else self.style.regular()
            n = 1 if p.right else len(wrap(p.text, f, width, self.canvas))
            if p.right:
                avail = width - self.canvas.text_width(p.right, f) - 40
                n = len(wrap(p.text, f, avail, self.canvas))
            total += n * lh + p.gap * self.style.body
        return total

    def add(self, columns: list[list[Para]]) -> None:
        """Place one group of paragraphs (one list per column) below the previous group, on a new face if needed."""
        w, h = self.style.size
        m = self.style.margin
        gutter = 40
        col_w = (w - 2 * m - gutter * (len(columns) - 1)) / len(columns)
        need = max(self._height(col, col_w) for col in columns)
        if need > h - 2 * m - 20:
            raise OverflowError("a section is taller than a face")
        if self.y + need > h - m and self.y > m + 20 + 1:
            if len(self.faces) >= MAX_FACES:
                raise OverflowError("label content does not fit on the faces")
            self.new_face()
        top = self.y
        bottom = top
        for k, col in enumerate(columns):
            x = m + k * (col_w + gutter)
            bottom = max(bottom, self._draw_column(col, x, top, col_w))
        self.y = bottom + self.style.body * 0.4

    def add_canvas(self, block: Canvas) -> None:
        """Place a pre-drawn block (a Supplement Facts panel) at the left margin, on a new face if it does not fit."""
        w, h = self.style.size
        m = self.style.margin
        bw, bh = block.size
        if bh > h - 2 * m - 20 or bw > w - 2 * m:
            raise OverflowError("a panel is larger than a face")
        if self.y + bh > h - m and self.y > m + 20 + 1:
            if len(self.faces) >= MAX_FACES:
                raise OverflowError("label content does not fit on the faces")
            self.new_face()
        self.canvas.paste(block, m, round(self.y))
        self.y += bh + self.style.body * 0.8

    def _draw_column(self, paras: list[Para], x: float, y: float, width: float) -> float:
        c = self.canvas
        lh = self.style.body * 1.3
        for p in paras:
            f = self.style.bold() if p.bold else self.style.regular()
            if p.right is not None:
                avail = width - c.text_width(p.right, f) - 40
                parts = wrap(p.text, f, avail, c)
                for part in parts[:-1]:
                    c.line(x, y, part, f, self.style.ink, p.label, p.language)
                    y += lh
                c.leader_line(
                    x, y, width, parts[-1] if parts else "", p.right, f, self.style.ink, p.label, dots=self.style.leaders
                )
                y += lh
            else:
                for part in wrap(p.text, f, width, c):
                    c.line(x, y, part, f, self.style.ink, p.label, p.language)
                    y += lh
            y += p.gap * self.style.body
        return y


def _statement_paras(items, language: str, section: str, label: str, family: str) -> list[Para]:
    texts = [getattr(s, language) for s in items if getattr(s, language)]
    if not texts:
        return []
    head = wording.heading(section, family, language)
    if family == "compact":  # run-on paragraph, heading inline
        return [Para(f"{head} {' '.join(texts)}", label, language, gap=0.6)]
    return (
        [Para(head, "other", language, bold=True, gap=0.1)]
        + [Para(t, label, language, gap=0.2) for t in texts[:-1]]
        + [Para(texts[-1], label, language, gap=0.6)]
    )


def info_faces(content: LabelContent, style: Style, rng: random.Random) -> list[Face]:
    """Back and side faces: ingredients, uses, directions, cautions, non-medicinal ingredients, company."""
    flow = _Flow(content, style, rng)
    fam = style.layout_family
    form = content.form
    # medicinal ingredients: bilingual, full width
    head = f"{wording.EACH_CONTAINS[0].format(form=form.en_singular)} / {wording.EACH_CONTAINS[1].format(form=form.fr_singular)}"
    if fam == "compact":
        head = f"{wording.heading('medicinal', fam, 'en')} / {wording.heading('medicinal', fam, 'fr')}"
    rows = [Para(head, "other", None, bold=True, gap=0.1)]
    if content.facts is not None:  # a US "Supplement Facts" panel instead of the list (cyclops/synth/facts.py)
        rows = []
        w = style.size[0] - 2 * style.margin
        paper = (255, 255, 255) if rng.random() < 0.5 else style.background
        width = round(w * rng.uniform(0.58, 0.78))
        k = rng.uniform(0.8, 1.0)  # panels are often in smaller print than the rest of the label
        panel = draw_panel(
            content,
            width,
            round(style.body * k),
            lambda scale, bold: style.bold(scale * k) if bold else style.regular(scale * k),
            style.ink,
            paper,
        )
        flow.add_canvas(panel)
    for ing in content.ingredients if content.facts is None else ():
        if fam == "compact":  # amount first, no leader
            rows.append(Para(f"{ing.amount_text()} {ing.label_name()}", "medicinal_ingredient", None, gap=0.05))
        elif style.leaders or rng.random() < 0.5:
            rows.append(Para(ing.label_name(), "medicinal_ingredient", None, right=ing.amount_text(), gap=0.05))
        else:
            rows.append(Para(f"{ing.label_name()} {ing.amount_text()}", "medicinal_ingredient", None, gap=0.05))
    if content.split_tables and content.facts is None and fam != "compact":
        # an English table and a French table, each name with its amount (rows of one substance in both)
        tables = []
        for lang, k in (("en", 0), ("fr", 1)):
            title = f"{wording.heading('medicinal', fam, lang)} {wording.EACH_CONTAINS[k].format(form=getattr(form, f'{lang}_singular'))}"
            table = [Para(title, "other", lang, bold=True, gap=0.1)]
            for ing in content.ingredients:
                name = ing.name if lang == "en" else ing.name_fr or ing.name
                table.append(Para(name, "medicinal_ingredient", None, right=_amount_in(ing, lang), gap=0.05))
            tables.append(table)
        rows = []
        if style.bilingual == "columns":
            flow.add(tables)
        else:
            for table in tables:
                flow.add([table])
    if rows:
        flow.add([rows])

    sections = [
        ("uses", "recommended_use", content.uses),
        ("directions", "dose", content.directions),
        ("cautions", "caution", content.cautions),
    ]
    per_lang = {lang: [_statement_paras(items, lang, sec, label, fam) for sec, label, items in sections] for lang in ("en", "fr")}
    nm = {"en": content.non_medicinal, "fr": content.non_medicinal_fr}
    for lang in ("en", "fr"):
        if nm[lang]:
            h = wording.heading("non_medicinal", fam, lang)
            per_lang[lang].append([Para(f"{h} {', '.join(nm[lang])}.", "non_medicinal_ingredient", lang, gap=0.6)])
        else:
            per_lang[lang].append([])
    extras = [Para(text, "other", None, gap=0.15) for text in content.extras]
    if style.bilingual == "columns":
        for k, (en_block, fr_block) in enumerate(zip(per_lang["en"], per_lang["fr"])):
            if en_block or fr_block:
                flow.add([en_block, fr_block])
            if k == 0 and extras:  # right under the claims, where real labels put them
                flow.add([extras])
    else:
        for lang in ("en", "fr"):
            for k, block in enumerate(per_lang[lang]):
                if block:
                    flow.add([block])
                if k == 0 and lang == "en" and extras:
                    flow.add([extras])
    company = [
        Para(f"{wording.heading('company', fam, 'en')} / {wording.heading('company', fam, 'fr')}", "other", None, gap=0.05),
        Para(content.company, "company", None, bold=True, gap=0.05),
        Para(content.address, "company", None, gap=0.3),
    ]
    flow.add([company])
    if content.barcode:
        flow.add_canvas(_barcode(content.barcode, style, random.Random(content.barcode)))
    return flow.faces


def _amount_in(ing, language: str) -> str:
    """The amount as a one-language table prints it: French tables use a decimal comma and "milliards UFC"."""
    if language == "en":
        return ing.amount_text("en")
    big = ing.quantity is not None and wording.large_count(ing.quantity, ing.unit)
    if big:
        main = f"{wording.number(ing.quantity / 1e9, 'fr')} milliards UFC"
    elif ing.quantity is not None:
        main = f"{wording.number(ing.quantity, 'fr')} {ing.unit or ''}".strip()
    else:
        main = ""
    potency = ing.potency_fr or ing.potency
    return f"{main} ({potency})" if main and potency else main or potency or ""


def _barcode(digits: str, style: Style, rng: random.Random) -> Canvas:
    """A UPC barcode (bars, not text) with its digits printed under it as an "other" line."""
    f = style.regular(0.9)
    w = max(260, round(f.size * 11))
    h = round(f.size * 4.2)
    c = Canvas(w, h, (255, 255, 255))
    x = 8
    while x < w - 10:
        bw = rng.choice((2, 2, 3, 4, 6))
        c.draw.rectangle((x, 6, x + bw - 1, h - f.size - 14), fill=(0, 0, 0))
        x += bw + rng.choice((2, 3, 4))
    text_w = c.text_width(digits, f)
    c.line((w - text_w) / 2, h - f.size - 10, digits, f, (0, 0, 0), "other", None)
    return c


def compose_faces(
    content: LabelContent, rng: random.Random, layout_family: str, vertical_npn: bool, stylised: random.Random | None = None
) -> list[Face]:
    """All faces of one package; the body size shrinks until the content fits on ``MAX_FACES`` faces.

    ``stylised``: draw a stylised front (large product name) with the choices taken from this random stream."""
    style = pick_style(rng, layout_family)
    if stylised is not None:
        front = stylised_front_face(content, style, stylised, vertical_npn)
    else:
        front = front_face(content, style, rng, vertical_npn)
    while True:
        try:
            return [front, *info_faces(content, style, rng)]
        except OverflowError:
            if style.body <= 16:
                raise
            style.body -= 2
