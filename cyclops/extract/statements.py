"""Recommended uses, directions and cautions: join a section's lines, drop headings, split sentences.

Labels wrap one sentence over several lines and print English and French
blocks side by side, so statements are built per (section, language) run of
lines, and each statement cites the lines it came from.
"""

from __future__ import annotations

import re

from cyclops.extract.company import is_address
from cyclops.extract.headings import STATEMENT_SECTIONS, section_said, strip_heading
from cyclops.extract.lines import SourceLine, as_lines, follows_on_row, next_line_below
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.model.analysis import TextItem
from cyclops.model.ocr import bbox_of
from cyclops.text.language import EVERYDAY_ZIPF, common_word, guess_language
from cyclops.text.readable import is_letter_debris

VERSION = "3"
#: abbreviations that end with a period inside a sentence
ABBREVIATIONS = ("e.g.", "i.e.", "approx.", "incl.", "etc.", "p. ex.", "c.-à-d.", "min.", "max.", "env.", "Dr.", "No.", "no.", "oz.", "OZ.", "fl.", "FL.")
#: a sentence ends at its stop, or at the asterisk that marks a claim on US labels ("Cycle Regulation* Support...")
_SENTENCE_END = re.compile(r"(?<=[.!?;*†])\s+(?=[\"«(]?[A-ZÀ-Ý0-9])")


def join_lines(texts: list[str]) -> str:
    """Wrapped lines -> one text; a hyphen at a line end joins the word ("diges-" + "tion")."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if out.endswith("-") and text[:1].islower():
            out = out[:-1] + text
        else:
            out = f"{out} {text}" if out else text
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences of a statement text; abbreviations such as "e.g." do not end one."""
    protected = text
    for i, abbr in enumerate(ABBREVIATIONS):
        protected = protected.replace(abbr, f"\x00{i}\x00")
    parts = _SENTENCE_END.split(protected)
    out = []
    for part in parts:
        for i, abbr in enumerate(ABBREVIATIONS):
            part = part.replace(f"\x00{i}\x00", abbr)
        part = part.strip()
        if part and re.search(r"\w", part):
            out.append(part)
    return out


def _continues(previous: str, text: str) -> bool:
    """A wrapped sentence's next line: the previous line has not ended it and this one starts in lower case
    (a short tail such as "circulation." is often tagged with the wrong language)."""
    previous, text = previous.rstrip(), text.lstrip()
    return bool(previous) and previous[-1] not in ".!?;:" and text[:1].islower()


#: a Canadian postal code: an address line filed as a statement
_POSTAL_CODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
#: a company name ("Glacier Labs Canada Ltd.") filed as a statement
_COMPANY_END = re.compile(r"^(?:[A-Z][\w&'-]*\s+){1,5}(?:Inc|Ltd|Ltée|Corp|Co|LLC|Limited|Limitée)\.?$")


def is_statement(text: str) -> bool:
    """Whether a piece of a section reads as a statement, not a stray name or address the classifier filed there.

    One word without a full stop ("Hudson"), a line with a postal code or a company name, letter
    debris, or text that does not read as words (``reads_as_words``) is not a statement.
    """
    words = re.findall(r"[^\W\d_]+", text)
    if _POSTAL_CODE.search(text) or _COMPANY_END.search(text) or is_letter_debris(words) or not reads_as_words(text, words):
        return False
    return len(words) >= 2 or text.rstrip().endswith((".", "!"))


def reads_as_words(text: str, words: list[str]) -> bool:
    """A statement is written in words: at least two of its words of three letters or more are English or French
    (units are not words), and at least half of them are, each word counted once (debris between three "the"s is
    still debris); a list (two commas or more) also has an everyday word ("and", "of", "au":
    sentences have them, ingredient lists do not). "Refrigerate after opening." and "Immune support" are statements;
    "mcg (RAE)", "R PROT" and "beta-carotene, chromium picoli pantothenate, DL polyethylene" are table cells, OCR
    debris and ingredient lists filed as statements."""
    long = list({word.lower() for word in words if len(word) >= 3 and word.lower() not in UNIT_WORDS})
    known = sum(common_word(word) for word in long)
    if known < 2 or known < 0.5 * len(long):
        return False
    return text.count(",") < 2 or any(common_word(word, EVERYDAY_ZIPF) for word in words)


#: units and their bases printed in table cells ("mcg (RAE)", "mg (NE)", "ncg (DFE)")
UNIT_WORDS = frozenset(["mg", "mcg", "ncg", "iu", "ui", "ml", "rae", "dfe", "ne", "cfu", "ufc", "kcal", "kj"])


def _runs(lines: list[SourceLine], line_gap: float) -> list[list[SourceLine]]:
    """Lines of one statement block: one language, one photo, each line right under the one before
    (at most ``line_gap`` text heights further down).

    English and French blocks printed side by side come interleaved in reading order, so a line
    continues the latest open run it fits under (lines without positions: only the last run);
    a heading starts a new run.
    """
    runs: list[list[SourceLine]] = []
    for line in lines:
        open_runs = (reversed(runs[-4:]) if line.polygon else runs[-1:]) if strip_heading(line.text) == line.text.strip() else ()
        run = next((run for run in open_runs if _fits_under(run[-1], line, line_gap)), None)
        if run is None:
            runs.append([line])
        else:
            run.append(line)
    return runs


def _fits_under(prev: SourceLine, line: SourceLine, line_gap: float) -> bool:
    """``line`` carries on the statement block ending with ``prev``: same photo, same language (or a
    wrapped sentence's tail), right under it or the rest of its sentence on its printed row, boxed apart
    (``follows_on_row``, in lower case: a column beside it starts in capitals); a stray word elsewhere, such as a
    brand the classifier filed here, starts its own block; and not a new claim (``opens_claim``)."""
    lang = line.language or guess_language(line.text)
    prev_lang = prev.language or guess_language(prev.text)
    same = prev.image == line.image and (lang == prev_lang or lang is None or prev_lang is None
                                         or _continues(prev.text, line.text))
    beside = _continues(prev.text, line.text) and follows_on_row(prev, line, 1.0)
    return same and (next_line_below(prev, line, line_gap) or beside) and not opens_claim(prev, line)


def extract_statements(lines: list[SourceLine] | list[str], params: ExtractParams = DEFAULTS) -> list[TextItem]:
    """Statements of one section from its lines, each with language, confidence and evidence lines."""
    items: list[TextItem] = []
    for run in _runs(as_lines(lines), params.statement_line_gap):
        texts = [strip_heading(line.text) for line in run]
        # where each line starts in the joined text, to cite the right lines
        joined, spans = "", []
        for line, text in zip(run, texts):
            if not text:
                spans.append((len(joined), len(joined), line))
                continue
            start = len(joined) + (1 if joined and not (joined.endswith("-") and text[:1].islower()) else 0)
            joined = join_lines([joined, text]) if joined else text
            spans.append((start, len(joined), line))
        cursor = 0
        for sentence in split_sentences(joined):
            start = joined.find(sentence, cursor)
            end = start + len(sentence)
            cursor = end
            if not is_statement(sentence):
                continue
            used = [line for s, e, line in spans if s < end and e > start] or run
            language = guess_language(sentence, default=None) or next((u.language for u in used if u.language), None)
            if all(u.language for u in used) and len({u.language for u in used}) == 1:
                language = used[0].language
            items.append(
                TextItem(
                    text=sentence,
                    language=language,
                    confidence=round(sum(u.score for u in used) / len(used), 4),
                    evidence=[u.evidence for u in used],
                )
            )
    return items


#: the words a phrase cut at a line's end runs on after ("Helps to / support", "HELPS MAINTAIN AND / SUPPORT")
_RUNS_ON = frozenset("a an and or to of the with for in on your its by as et ou de des du la le les à au aux pour avec "
                     "en sur par votre".split())


def runs_on(text: str) -> bool:
    """Whether a line ends in the middle of a phrase: a comma, a joining sign or a joining word, or a word alone
    ("Helps" over "Support healthy bones")."""
    text = text.rstrip()
    words = re.findall(r"[^\W\d_]+", text.lower())
    return (not words or text[-1] in ",&+/-(" or words[-1] in _RUNS_ON
            or len(words) == 1)


def opens_claim(prev: SourceLine, line: SourceLine) -> bool:
    """Whether ``line`` opens a new claim under ``prev``: it leads with a claim's verb in capitals ("INCREASE SKIN
    ELASTICITY" over "REDUCE FINE WRINKLES", "Supports Healthy Prostate") and ``prev`` ended its phrase
    (``runs_on``). Fronts list their claims one to a line with no full stop, which would run them into one."""
    text = line.text.strip()
    return text[:1].isupper() and bool(CLAIM_VERB.match(text)) and not runs_on(prev.text)


#: a storage instruction ("Store below 25 °C", "STORAGE:", "Conserver au frais"): no claim, no ingredient
STORAGE_WORDS = r"\b(?:store|conserver|keep) (?:in|at|below|au|dans|à|a)\b|\bstorage\b"
STORAGE = re.compile(STORAGE_WORDS, re.IGNORECASE)

#: what the classifier files under recommended uses on real labels but is no claim: origin, web and street
#: addresses, routes of administration, storage, table headings, the FDA disclaimer
NOT_A_CLAIM = re.compile(
    r"\b(?:product|produit|made|fabriqu\w*|manufactured|packaged|emball\w*) (?:of|in|du|de|au|en|aux)\b|\bimported\b"
    r"|www\.|https?:|\.com\b|\.ca\b|@|^\W*(?:route|voie)s?\b|^\W*(?:oral|orale|topical|topique|sublingual|buccal)\W*"
    r"(?:/\W*(?:oral|orale|topique|topical)\W*)?$|" + STORAGE_WORDS +
    r"|supplement facts|nutrition facts|\bservings?\b|amount per|daily value|medicinal ingredients?|ingr[eé]dients?\b"
    r"|not been evaluated|n'ont pas été évalué|not intended to (?:diagnose|treat)|food and drug administration|\bfda\b"
    r"|lot\b|exp(?:iry)?\b\W*\d|\bbatch\b",
    re.IGNORECASE,
)


def is_claim(text: str) -> bool:
    """Whether a statement filed as a recommended use reads as one (a claim sentence)."""
    return not NOT_A_CLAIM.search(text) and not is_address(text)


#: what cautions, warnings, storage and allergen statements are written with, in English and French (Health Canada's
#: risk statements: "Consult a health care practitioner...", "Keep out of reach of children", "Ne pas utiliser si...")
CAUTION_CUE = re.compile(
    r"\b(?:consult\w*|practitioner|physician|doctor|pharmacist|health ?care|keep out|reach of children|child(?:ren)?"
    r"|do not|don'?t|never|avoid\w*|discontinue\w*|stop (?:use|using|taking)|pregnan\w*|breast-?feed\w*|nursing|lactat\w*"
    r"|allerg\w*|hypersensitiv\w*|sensitiv\w*|warnings?|caution\w*|(?:may|can|might) (?:cause|interfere|occur|"
    r"experience|become|contain)|causes?|experience\w*|side effects?|adverse|reactions?|medications?|medicines?|drugs?"
    r"|surgery|disorders?|harm\w*|seal\w*|tamper\w*|stor(?:e|age)|refrigerat\w*|keep (?:tightly|in|away|closed|cool|dry)"
    r"|facility|shared equipment|exceed\w*|overdose|adults? only|under (?:the age|\d+)|expir\w*|discard\w*|persist\w*"
    r"|worsen\w*|drows\w*|alcohol|machinery|driving|operat(?:e|ing)"
    r"|doses? (?:above|over|exceeding|of more than|greater than|de plus de|sup[ée]rieures? [àa])"
    r"|praticien|m[ée]decin|pharmacien|hors de (?:la )?port[ée]e|enfants?|ne pas|n'utilise[rz]? pas|[ée]vite[rz]?"
    r"|cesse[rz]?|interromp\w*|enceinte|allait\w*|hypersensib\w*|mises? en garde|avertissements?|peu(?:t|vent) (?:causer|"
    r"entra[îi]ner|nuire|contenir)|causer|r[ée]actions?|m[ée]dicaments?|chirurgie|troubles?|nuire|sceau|scell[ée]|conserve[rz]?"
    r"|r[ée]frig[ée]r\w*|installation|d[ée]passe[rz]?|exc[ée]de[rz]?|adultes? seulement|jete[rz]|aggrav\w*|somnolence"
    r"|alcool|machinerie|conduire|prudence|[ée]prouve\w*|ressent\w*)\b",
    re.IGNORECASE,
)
#: what is filed among cautions on real labels but is none: the FDA disclaimer, web and e-mail addresses, a facts
#: panel's headings
NOT_A_CAUTION = re.compile(
    r"not been evaluated|n'ont pas [ée]t[ée] [ée]valu|not intended to (?:diagnose|treat)|food and drug administration"
    r"|\bfda\b|www\.|https?:|\.com\b|@|supplement facts|nutrition facts|amount per serving|daily value",
    re.IGNORECASE,
)
#: an instruction to take, mix or apply the product, or doses per day: a direction filed among the cautions
DIRECTION_CUE = re.compile(
    r"^\W*(?:take|mix|combine|blend|dissolve|add|empty|chew|swallow|shake|stir|apply|adults?|prendre|prenez|m[ée]langer"
    r"|m[ée]langez|dissoudre|ajouter|croquer|avaler|agiter|appliquer|adultes?)\b"
    r"|\b\d+\s*(?:capsules?|tablets?|softgels?|caplets?|scoops?|sachets?|sticks?|drops?|gumm(?:y|ies)|lozenges?|comprim[ée]s?"
    r"|g[ée]lules?|mesures?|gouttes?)\b.*\b(?:daily|per day|a day|times|jour|fois)\b",
    re.IGNORECASE,
)


def is_caution(text: str) -> bool:
    """Whether a statement filed as a caution reads as one: it warns, tells how to store, or names an allergen,
    in the words such statements use. Marketing copy ("Start thriving."), the FDA disclaimer and addresses do not."""
    return bool(CAUTION_CUE.search(text)) and not NOT_A_CAUTION.search(text) and not is_address(text)


def reads_as_direction(text: str) -> bool:
    """Whether a statement tells how to take the product ("Combine 1 scoop with 10-12 ounces of water")."""
    return bool(DIRECTION_CUE.search(text))


def moved_direction(text: str) -> bool:
    """A statement filed as a caution that is a direction instead: it reads as one and warns of nothing."""
    return reads_as_direction(text) and not is_caution(text)


def label_by_headings(lines: list[SourceLine]) -> list[SourceLine]:
    """Lines whose own heading says their section ("Suggested Use: Take one...", "DIRECTIONS FOR USE Before
    breakfast or after") take that label, and so do the lines that carry on their sentence (same photo, filed as
    the heading's line was, starting in lower case): a US label's directions are often filed as cautions."""
    carried: tuple[SourceLine, str, str] | None = None  # (last line moved, its label as filed, its new label)
    for line in lines:
        said = section_said(line.text, line.label)
        if said is not None:
            carried = (line, line.label, said)
            line.label = said
        elif carried is not None and line.image == carried[0].image and line.label == carried[1] \
                and _continues(carried[0].text, line.text):
            line.label = carried[2]
            carried = (line, carried[1], carried[2])
        elif carried is not None and line.image == carried[0].image and line.label == carried[1]:
            carried = None
    return lines


def label_wrapped_sentences(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> list[SourceLine]:
    """A sentence wrapped over several lines belongs to one section: a statement line that carries on the sentence
    of the statement line right above it (it starts in lower case, that one has not ended) takes that line's label,
    the label of the sentence's start ("...a serving of food contributes to a daily diet. 2,000 calories a day" /
    "is used for general nutrition advice."). Lines are taken top to bottom, so a sentence's label runs down it."""
    photos: dict[str, list[tuple[SourceLine, tuple]]] = {}
    for line in lines:
        if line.label in STATEMENT_SECTIONS and line.polygon:
            photos.setdefault(line.image, []).append((line, bbox_of(line.polygon)))
    for placed in photos.values():
        placed.sort(key=lambda item: item[1][1])
        for i, (line, _) in enumerate(placed):
            if not line.text.lstrip()[:1].islower():
                continue
            above = [(prev, box) for prev, box in placed[:i]
                     if _continues(prev.text, line.text) and next_line_below(prev, line, params.statement_line_gap)]
            if above:
                line.label = max(above, key=lambda item: item[1][3])[0].label
    return lines


#: a phrase that ends with the asterisk or dagger pointing to the FDA disclaimer ("Cycle Regulation*")
STARRED = re.compile(r"[*†]\W*$")
#: a phrase led by the verb of a health claim, in English or French ("INCREASE SKIN ELASTICITY", "Supports Healthy
#: Prostate", "Aide à maintenir..."): fronts list their claims so, often after a check mark, which OCR may read as a
#: "V" joined to the verb ("VINCREASE SKIN ELASTICITY")
CLAIM_VERB = re.compile(
    r"^\W*(?:[✓✔☑√]\s*|v(?=[a-z]))?(?:supports?|helps?|promotes?|improves?|increases?|reduces?|boosts?|maintains?|enhances?|relieves?|aids?"
    r"|strengthens?|restores?|soutient|aide|favorise|am[ée]liore|r[ée]duit|augmente|contribue|renforce|soulage)\b\W*\w",
    re.IGNORECASE,
)


def label_front_claims(lines: list[SourceLine], panel_images: set[str]) -> list[SourceLine]:
    """Fronts list their claims as short phrases: US labels mark each with an asterisk that points to the FDA
    disclaimer ("Mood & Nerve Health*"), and many lead with the claim's verb ("INCREASE SKIN ELASTICITY" after a
    check mark). Such a phrase of two to six words and no figures, on a photo without a facts panel (where the
    asterisk marks an ingredient), is a recommended use, whatever else the classifier filed it as, unless it warns
    ("Reduce the dose if...")."""
    for line in lines:
        words = re.findall(r"[^\W\d_]{2,}", line.text)
        if (line.label in ("other", "non_medicinal_ingredient", "caution") and line.image not in panel_images
                and (STARRED.search(line.text) or (CLAIM_VERB.search(line.text) and not is_caution(line.text)))
                and not re.search(r"\d", line.text) and 2 <= len(words) <= 6):
            line.label = "recommended_use"
    return lines
