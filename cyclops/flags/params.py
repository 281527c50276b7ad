"""Every threshold the compliance flags use, in one frozen object carried by the rules' ``Context``.

A benchmark can sweep them and an analysis records which were in force (``fingerprint``). It
extends ``ComparisonParams``, so the flags judge an ingredient, a name and a read by the same
numbers as the Ingredients page and the report. Defaults are the values the rules have always used."""

from __future__ import annotations

from dataclasses import dataclass

from cyclops.compare.params import ComparisonParams


@dataclass(frozen=True)
class FlagParams(ComparisonParams):
    # --- how well the label was read (cyclops.flags.context) ---
    #: English or French words the label's statements must give before the absence of one proves anything
    statements_read: int = 5
    #: statement lines that are unreadable (upside-down, mirrored, smeared) before the label counts as not fully read
    unreadable_statements: int = 2
    #: a photo with this many unreadable lines, and this share of its lines, was not read
    unread_lines: int = 3
    unread_share: float = 0.3
    #: a line read well enough to tell its language: OCR confidence, clearly English or French words
    well_read_confidence: float = 0.7
    well_read_words: int = 2
    #: ... French ones each of at least this many letters: debris makes short words ("isnulb-fac êtes" gives "fac"
    #: and "êtes"), a sentence has longer ones; French read well excuses an English-only label
    well_read_letters: int = 4
    #: a well-read line's language has at least this many times the other language's words
    well_read_ratio: int = 3
    #: lines read well that make the absence of something (an NPN) meaningful even when no statement was filed
    well_read_lines: int = 5
    #: a statement this similar to the product, brand or company name is that name
    name_like: float = 0.7
    #: partial-ratio (0-100) at which a name or snippet shows up in a line despite OCR slips
    appears_ratio: int = 90
    #: a name shorter than this (folded characters) must appear exactly, not fuzzily
    appears_min: int = 5

    # --- licence number, product name, company (cyclops.flags.licence) ---
    #: below this similarity a printed name is a different name, not an OCR slip
    name_similarity: float = 0.6
    #: a printed name or company is judged only when at least this share of its characters are letters
    wordlike_share: float = 0.6
    #: names shorter than this (folded) are not searched for inside a longer one
    name_inside_min: int = 4
    #: a printed name at least this long (letters) that matches inside the licensed name is a piece of it
    part_min: int = 5
    #: partial-ratio (0-100) at which a printed name is a piece of the licensed one
    part_ratio: int = 90

    # --- ingredients (cyclops.flags.ingredients) ---
    #: partial-ratio (0-100) at which a licensed ingredient missing from the list is printed on some line
    ingredient_on_lines_ratio: int = 80

    # --- claims (cyclops.flags.claims) ---
    #: a claim scoring at least this against some licensed purpose is supported
    claim_supported: float = 0.55
    #: character cosine above which a claim is the purpose misread, even if a word did not map
    near_verbatim: float = 0.8
    #: most a claim naming something its purpose does not name can score
    missing_term_cap: float = 0.5
    #: share of shared key terms that makes a French statement the translation of an English one
    translation_overlap: float = 0.5
    #: a claim shorter than this (folded characters) is not judged
    claim_min_chars: int = 8
    #: a claim is only judged when at least this share of its words are words (not OCR letter debris)
    claim_legible: float = 0.5
    #: character similarity (0-100) at which a claim is a licensed purpose as printed, OCR slips aside
    verbatim_ratio: int = 88
    #: partial-ratio (0-100) at which a claim holds a licensed purpose with debris around it, or is a piece of one
    verbatim_partial_ratio: int = 92
    #: a licensed purpose shorter than this (folded characters) is not matched word for word
    verbatim_purpose_min: int = 15
    #: a claim this long (folded characters) that is part of a licensed purpose is that purpose, cut by the photo's edge
    fragment_min: int = 20

    # --- cautions (cyclops.flags.cautions) ---
    #: share of a risk statement's terms that the label must show for it to count as printed
    caution_present: float = 0.6
    #: a printed word this close (rapidfuzz ratio) to a long word of the licence's own risk statements is
    #: that word misread ("gastointetial"); only words of ``repair_min`` letters or more, where three
    #: slips still leave the word recognisable and no two caution words are that close
    repair_ratio: int = 85
    repair_min: int = 8
    #: a printed piece of one risk statement must match it this much (partial ratio) better than any other
    fragment_margin: int = 5

    # --- bilingual labelling (cyclops.flags.language) ---
    #: a line needs this many words to show which language a section is printed in
    #: (a wrapped sentence's last word, "immunosuppressants.", is often tagged with the wrong one)
    min_proof_words: int = 3
    #: one statement this long, read this surely, is a section by itself (a front's one claim), not a stray line
    whole_statement_words: int = 8
    whole_statement_confidence: float = 0.5
    #: English lines read well that make a label English-only when at most this share as many French lines were
    english_only_lines: int = 4
    french_share: float = 0.1
    #: a line at least this long (folded characters) that is part of a licensed statement (partial ratio) prints it
    licensed_line_min: int = 20
    licensed_line_ratio: int = 85


#: the thresholds the rules have always used: what ``raise_flags`` judges by unless given others
DEFAULT_FLAGS = FlagParams()
