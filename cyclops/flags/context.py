"""What every rule looks at: the label's fields and lines, the licence in both languages and the
thresholds in force, gathered once so the rules stay small pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz

from cyclops.flags.params import DEFAULT_FLAGS, FlagParams
from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.analysis import Evidence, Fields, LabelledLine, Match, TextItem
from cyclops.text.fold import fold
from cyclops.text.language import flag_language, word_languages
from cyclops.text.readable import is_readable, known_words
from cyclops.text.similarity import name_similarity


@dataclass
class Context:
    fields: Fields
    match: Match = field(default_factory=Match)
    licence_en: LicenceBundle | None = None
    licence_fr: LicenceBundle | None = None
    lines: list[LabelledLine] = field(default_factory=list)
    params: FlagParams = DEFAULT_FLAGS

    @property
    def licence(self) -> LicenceBundle | None:
        """The licence in whichever language is present (English preferred)."""
        return self.licence_en or self.licence_fr

    def bundles(self) -> list[LicenceBundle]:
        return [b for b in (self.licence_en, self.licence_fr) if b is not None]

    def purposes(self, language: str | None = None) -> list[str]:
        """Licensed recommended uses in ``language`` (falling back to the other), or in both when None."""
        if language is None:
            return [p.purpose for b in self.bundles() for p in b.purposes]
        bundle = self.licence_fr if language == "fr" else self.licence_en
        if bundle is None or not bundle.purposes:
            bundle = self.licence
        return [p.purpose for p in bundle.purposes] if bundle else []

    @cached_property
    def licence_text(self) -> str:
        """Every licensed statement, folded: words the licence itself uses are never a violation."""
        parts: list[str] = []
        for b in self.bundles():
            parts += [p.purpose for p in b.purposes] + [r.risk_text for r in b.risks]
            parts += [r.route_type_desc or "" for r in b.routes] + [b.licence.dosage_form or "", b.licence.product_name]
            parts += [i.ingredient_name for i in b.medicinal_ingredients] + [i.ingredient_name for i in b.non_medicinal_ingredients]
        return " | ".join(fold(p) for p in parts if p)

    @cached_property
    def label_unread(self) -> bool:
        """Some lines are unreadable (upside-down, mirrored, smeared): the label was not fully
        read, so the *absence* of something (French text, a caution, an ingredient) proves nothing."""
        return sum(not is_readable(t) for t in self._statement_texts) >= self.params.unreadable_statements

    @cached_property
    def photo_unread(self) -> bool:
        """Some photo's text came out as letter debris (blurred, noisy, glared): whatever that face
        prints, in whichever language, was not read, so a section missing in one language proves nothing."""
        lines: dict[str, int] = {}
        unread: dict[str, int] = {}
        for line in self.lines:
            if re.search(r"[^\W\d_]{2,}", line.text):
                lines[line.image] = lines.get(line.image, 0) + 1
                unread[line.image] = unread.get(line.image, 0) + (not is_readable(line.text))
        p = self.params
        return any(n >= p.unread_lines and n >= p.unread_share * lines[image] for image, n in unread.items())

    @cached_property
    def well_read(self) -> dict[str, list[LabelledLine]]:
        """Lines read well enough to tell their language (confident, several English or French words, French ones
        of ``well_read_letters`` letters or more), by that language: what the label says for sure, whatever field
        the extractor filed it under."""
        p = self.params
        out: dict[str, list[LabelledLine]] = {"en": [], "fr": []}
        for line in self.lines:
            if line.reading_confidence < p.well_read_confidence:
                continue
            counts = word_languages(line.text)
            # French read well excuses an English-only label, so it needs words debris does not make ("isnulb-fac
            # êtes": "fac", "êtes"); English read well only makes absences meaningful
            long = word_languages(" ".join(w for w in re.findall(r"[^\W\d_]+", line.text) if len(w) >= p.well_read_letters))
            for language, other in (("en", "fr"), ("fr", "en")):
                said = long if language == "fr" else counts
                if said[language] >= p.well_read_words and p.well_read_ratio * counts[other] <= counts[language]:
                    out[language].append(line)
        return out

    @cached_property
    def statements_unread(self) -> bool:
        """The label's statements (uses, directions, cautions) hardly gave a word (the back panel's
        photo too blurred, small or glared to read): the absence of a caution proves nothing."""
        return known_words(" ".join(self._statement_texts)) < self.params.statements_read

    @cached_property
    def _statement_texts(self) -> list[str]:
        statements = {"recommended_use", "dose", "caution"}  # names and ingredient lines have no common words
        texts = [line.text for line in self.lines if line.label in statements]
        return texts + [i.text for i in self.fields.recommended_uses + self.fields.directions + self.fields.cautions]

    def line_text(self, labels: set[str] | None = None) -> str:
        """The lines (those with one of ``labels``, or all), folded and joined: what ``appears`` searches."""
        return " | ".join(fold(line.text) for line in self.lines if labels is None or line.label in labels)

    def appears(self, needle: str, haystack_folded: str, ratio: int | None = None) -> bool:
        """Whether a name shows up (allowing OCR slips, partial ratio ``ratio``, by default ``appears_ratio``)
        somewhere in already-folded text; a short name must show up exactly."""
        target = fold(needle)
        if not target or not haystack_folded:
            return False
        if target in haystack_folded:
            return True
        ratio = self.params.appears_ratio if ratio is None else ratio
        return len(target) >= self.params.appears_min and fuzz.partial_ratio(target, haystack_folded) >= ratio

    def evidence_for(self, text: str, labels: set[str] | None = None) -> list[Evidence]:
        """Evidence for a snippet with no evidence of its own: the OCR lines that contain it."""
        target = fold(text)
        out = []
        for line in self.lines:
            if labels is not None and line.label not in labels:
                continue
            if target and (target in fold(line.text) or fuzz.partial_ratio(target, fold(line.text)) >= self.params.appears_ratio):
                out.append(Evidence(image=line.image, polygon=line.polygon, text=line.text))
        return out[:3]


def item_language(item: TextItem) -> str | None:
    """The statement's language as extracted, else guessed from its words."""
    return item.language if item.language in ("en", "fr") else flag_language(item.text)


def item_evidence(item: TextItem, ctx: Context, labels: set[str] | None = None) -> list[Evidence]:
    return list(item.evidence) or ctx.evidence_for(item.text, labels)


def looks_like_name(text: str, ctx: Context) -> bool:
    """A product, brand or company name the classifier filed as a statement (e.g. the French
    product name among the claims): not a statement."""
    f = ctx.fields
    names = [b.licence.product_name for b in ctx.bundles()] + [b.licence.company_name or "" for b in ctx.bundles()]
    names += [v for v in (f.product_name.value, f.brand.value, f.company.value) if v]
    return any(name and name_similarity(text, name) >= ctx.params.name_like for name in names)
