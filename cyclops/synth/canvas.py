"""A Pillow drawing surface that records the exact box of every word it draws.

Words are drawn one at a time at positions advanced with ``textlength`` so that
each word's ink box (``textbbox``) is exact; lines and their labels are kept as
``TruthLine`` objects in canvas pixel coordinates.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from cyclops.model.ocr import rect, union_polygon
from cyclops.model.truth import TruthLine, TruthWord

Colour = tuple[int, int, int]


class Canvas:
    def __init__(self, width: int, height: int, background: Colour) -> None:
        self.image = Image.new("RGB", (width, height), background)
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[TruthLine] = []

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def words(
        self, x: float, y: float, text: str, font: ImageFont.FreeTypeFont, fill: Colour, stroke: tuple[int, Colour] | None = None
    ) -> tuple[list[TruthWord], float]:
        """Draw ``text`` word by word from (x, y) (top of the font's ascent); return word boxes and the end x.

        ``stroke`` (width, colour) draws outlined letters; the boxes then include the outline."""
        out: list[TruthWord] = []
        space = self.draw.textlength(" ", font=font)
        extra = {"stroke_width": stroke[0], "stroke_fill": stroke[1]} if stroke else {}
        for word in text.split():
            self.draw.text((x, y), word, font=font, fill=fill, **extra)
            bbox_extra = {"stroke_width": stroke[0]} if stroke else {}
            x0, y0, x1, y1 = self.draw.textbbox((x, y), word, font=font, **bbox_extra)
            out.append(TruthWord(text=word, polygon=rect(x0, y0, x1, y1)))
            x += self.draw.textlength(word, font=font) + space + (2 * stroke[0] if stroke else 0)
        return out, x - space

    def line(
        self,
        x: float,
        y: float,
        text: str,
        font,
        fill: Colour,
        label: str,
        language: str | None,
        stroke: tuple[int, Colour] | None = None,
    ) -> TruthLine | None:
        """Draw one line of words and record it."""
        words, _ = self.words(x, y, text, font, fill, stroke)
        return self._record(words, label, language)

    def paste(self, other: Canvas, x: int, y: int) -> None:
        """Paste another canvas at (x, y) and take over its lines, moved with it."""
        self.image.paste(other.image, (x, y))
        for line in other.lines:
            moved = [w.model_copy(update={"polygon": [(px + x, py + y) for px, py in w.polygon]}) for w in line.words]
            self.lines.append(line.model_copy(update={"words": moved, "polygon": [(px + x, py + y) for px, py in line.polygon]}))

    def leader_line(
        self, x: float, y: float, width: float, left: str, right: str, font, fill: Colour, label: str, dots: bool = True
    ) -> TruthLine | None:
        """ "Name ........ 25 mg": left text, dotted leader (drawn as dots, not text), right-aligned amount."""
        words, end = self.words(x, y, left, font, fill)
        right_w = self.draw.textlength(right, font=font)
        rx = x + width - right_w
        if dots:
            ascent, _descent = font.getmetrics()
            dy = y + ascent - max(2, font.size // 10)
            r = max(1, font.size // 14)
            gap = max(6, font.size // 3)
            px = end + gap
            while px < rx - gap:
                self.draw.ellipse((px - r, dy - r, px + r, dy + r), fill=fill)
                px += gap
        more, _ = self.words(rx, y, right, font, fill)
        return self._record(words + more, label, None)

    def _record(self, words: list[TruthWord], label: str, language: str | None, vertical: bool = False) -> TruthLine | None:
        if not words:
            return None
        line = TruthLine(
            text=" ".join(w.text for w in words),
            polygon=union_polygon([w.polygon for w in words]),
            label=label,
            language=language,
            words=words,
            vertical=vertical,
        )
        self.lines.append(line)
        return line

    def vertical_line(self, x: float, y_bottom: float, text: str, font, fill: Colour, label: str) -> TruthLine | None:
        """Text turned 90° counter-clockwise (read bottom to top) with its left edge at x and baseline end at y_bottom."""
        strip = Canvas(int(self.draw.textlength(text, font=font)) + 8, sum(font.getmetrics()) + 8, (0, 0, 0))
        words, _ = strip.words(4, 4, text, font, (255, 255, 255))
        mask = strip.image.convert("L").rotate(90, expand=True)  # counter-clockwise
        sw, _sh = strip.size
        top = y_bottom - sw
        self.image.paste(Image.new("RGB", mask.size, fill), (int(x), int(top)), mask)
        # strip point (u, v) -> rotated (v, sw - u) -> canvas (x + v, top + sw - u)
        turned = [w.model_copy(update={"polygon": [(int(x) + v, int(top) + sw - u) for u, v in w.polygon]}) for w in words]
        return self._record(turned, label, None, vertical=True)

    def text_width(self, text: str, font) -> float:
        return self.draw.textlength(text, font=font)


def wrap(text: str, font, width: float, measure: Canvas) -> list[str]:
    """Greedy word wrap to ``width`` pixels; a word wider than the column stays on its own line (never cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and measure.text_width(trial, font) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines
