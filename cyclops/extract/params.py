"""Every threshold field extraction uses, in one frozen object passed to ``extract_fields``.

A benchmark can sweep them and an analysis records which were in force (``fingerprint``).
Defaults are the values the rules have always used; the rules take the ones they need as
arguments, so a rule called with a plain string and no parameters behaves as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyclops.params import Params


@dataclass(frozen=True)
class ExtractParams(Params):
    # --- names: company and brand plausibility (cyclops.extract.names) ---
    #: least OCR confidence of a value proposed as a name (company, brand)
    plausible_confidence: float = 0.6
    #: least letters of a value proposed as a name
    plausible_letters: int = 3
    #: least share of a proposed name's characters (spaces and punctuation aside) that are letters
    plausible_letter_share: float = 0.6
    #: weight of a French run of lines against an English one (the English name is the licence's primary one)
    french_name_weight: float = 0.9
    #: a name's next line starts at most this many text heights under the one before
    name_line_gap: float = 1.2
    #: a company's address line starts at most this many text heights under its name (cyclops.extract.company)
    company_address_gap: float = 1.5

    # --- product name (cyclops.extract.product_name) ---
    #: least OCR confidence of a product name's line (a logo read as "R0°" is not a name)
    name_confidence: float = 0.7
    #: least letters of a product name's line
    name_letters: int = 3
    #: most words of a line proposed as the name when the classifier did not file it so
    name_max_words: int = 5
    #: least share of such a line's characters (spaces aside) that are letters
    name_letter_share: float = 0.6
    #: a word this long may be coined ("Cymbiotika"); shorter ones must be English or French words
    coined_length: int = 6
    #: type this much larger than the photo's text makes a short line a candidate whatever its label
    large_type: float = 1.3
    #: a line right above or under a large name's line, in type at least this share of its, is a candidate too (the name wrapped)
    wrap_type: float = 0.85
    #: when nothing on the fronts is in large type (once the brand is set aside), type this large will do
    #: (NEEDED's "Collagen Protein" is smaller than its brand). Not 0.9: a box's corners move by a pixel or two with
    #: the detector's precision, and MaryRuth's "Liquid Nighttime" measures 0.915 in float, 0.899 in bfloat16
    small_name_type: float = 0.85
    #: least height of a qualifier printed right above the name ("MULTI-ACTION" over "GUT REPAIR") or of a line joined
    #: under it ("+PROTEIN" under a stylised "GREENS" five times its size), as a share of the name's
    qualifier_type: float = 0.2
    #: similarity (0-100) at which lines of the label print the matched licence's name, so are the name
    licensed_name_match: int = 90
    #: weight of a candidate the classifier filed under another field
    other_label_weight: float = 0.6
    #: weight of a candidate on a photo with an ingredient panel (a back, not a front)
    back_photo_weight: float = 0.5
    #: a name candidate further from its photo's centre than this (0 centre, 1 edge, the larger of its two axes)
    #: counts for less, down to ``name_edge_weight`` at the edge: the product is what the photo is centred on, and
    #: a shelf's neighbours ("CoQ10", "Zinc") stand round it (real names lie within 0.5 of the centre)
    name_centre: float = 0.5
    name_edge_weight: float = 0.3
    #: a name candidate whose box runs more than this many degrees off its photo's text is a ribbon, a badge or a
    #: byline set at an angle ("BY DR. CRISTINA RAHM" across ROOT's front, read "Y DR CRIS INA RAM" from a photo
    #: sent at 1600 pixels), not the name: names run with the label's text
    name_off_level: float = 20.0
    #: lines of one name are printed in type of about one size: a line this much smaller or larger is another text
    same_type: float = 2.0
    #: partial ratio (0-100) at which a short front line appears in a company or web line, so is the brand
    brand_match: int = 88

    # --- brand (cyclops.extract.brand) ---
    #: most words of a short line that starts a product-name line and so is the brand
    brand_max_words: int = 3
    #: least type of a brand, in the label's text heights (seals and debris in fine print are not brands)
    brand_type: float = 0.75
    #: least width of a mark's letters, as a share of their height: narrower ones are squeezed by a surface turning away
    #: from the camera (a bottle's curve, a box's side), not a mark printed to face the buyer (real marks: 0.26-0.74)
    mark_letter_width: float = 0.2

    # --- licence number (cyclops.extract.npn) ---
    #: confidence kept for a licence number that is there but illegible (prefix only, or cut by the edge)
    npn_illegible_weight: float = 0.5
    #: least OCR confidence of a licence number's digits for it to be proposed: below, it is shown as read and left
    #: for the analyst (NPN_ILLEGIBLE). Printed NPNs on the real photos read their digits at 0.999-1.0; the one
    #: misread (a digit wrong, the run split) at 0.40 (``benchmarks/results/real_npn_printed.md``)
    npn_digit_confidence: float = 0.7
    #: how close to the photo's edge (share of its width or height) a number must lie to be cut by it
    npn_edge: float = 0.04

    # --- dosage form and net quantity (cyclops.extract.dosage_form) ---
    #: confidence kept for a net quantity, and a form read with it ("90 softgels")
    net_quantity_weight: float = 0.9
    #: confidence kept for a dosage form read without a count
    form_alone_weight: float = 0.6
    #: a line without a count names a dosage form only when it has at most this many words ("Softgels", not a sentence)
    form_alone_max_words: int = 4
    #: confidence kept for a dosage form that no line names but a measure implies (a serving in scoops: a powder)
    form_implied_weight: float = 0.5

    # --- medicinal ingredients (cyclops.extract.ingredients) ---
    #: confidence kept for an ingredient read without an amount
    no_amount_weight: float = 0.6
    #: ratio (0-100) at which the two halves of a name are its English and French forms ("Cholecalciferol Cholécalciférol")
    bilingual_halves_ratio: int = 80
    #: token-set ratio (0-100) at which an English and a French row with the same amount are one ingredient
    same_ingredient_ratio: int = 60
    #: a name cell this far (in text heights) off its amount's row is still its partner when no closer one is
    row_tolerance: float = 0.9
    #: how far (in text heights) a name cell's box may reach into its amount's
    cell_overlap: float = 0.5
    #: how far apart (in text heights) two consecutive rows of one table may be
    row_gap: float = 2.6
    #: label probability a cell pulled into an ingredient table keeps, as a share of its row's
    pulled_cell_weight: float = 0.8
    #: a row's label probability when none of its cells was filed as an ingredient (it joined the table by place)
    pulled_row_probability: float = 0.5
    #: a second name cell this close (in text heights) to its amount's row joins that row too
    level_row_offset: float = 0.5

    # --- supplement facts panels (cyclops.extract.panel) ---
    #: how far below its title a panel may run without an end line, in title heights, and the gap that ends it
    panel_max_gap: float = 4.0
    #: ratio (0-100) at which a garbled line start is a panel header ("Senving Size")
    panel_header_ratio: int = 75
    #: ratio (0-100) at which a lone misread word is a macronutrient row ("Cholestrol"; "Proteinase" is 82 like "protein")
    nutrient_word_ratio: int = 88
    #: how far left and right of its title (in title widths) a panel's region reaches
    panel_reach_left: float = 0.5
    panel_reach_right: float = 1.5
    #: how far under a blend's row (in its text heights) its member list may run
    blend_members_below: float = 6.0
    #: the largest gap (in text heights) between two lines of a blend's member list
    blend_member_gap: float = 1.5
    #: a line whose left edge is this far (in text heights) from the blend's is in another column
    blend_column_reach: int = 4
    #: an amount cell this close (in text heights) to a name cell's row is that name's amount
    amount_beside_offset: float = 0.6
    #: a line the panel's layout relabels keeps its label probability within these bounds
    relabel_probability_floor: float = 0.5
    relabel_probability_cap: float = 0.8

    # --- statements (cyclops.extract.statements) ---
    #: how far below the previous line (in text heights) a statement's next line may start
    statement_line_gap: float = 3.0

    # --- layout (cyclops.extract.lines) ---
    #: lines whose left edges lie more than this many text heights apart are in different columns
    column_gap: int = 3
    #: a long line whose top edge slopes more than this (dy/dx) says nothing of the photo's slope
    slope_limit: float = 0.2
    #: how many long lines near a cell give its local text slope
    slope_near_lines: int = 5
    #: how near (in text heights) those lines must be
    slope_near_heights: float = 15.0


#: the thresholds the rules have always used
DEFAULTS = ExtractParams()
