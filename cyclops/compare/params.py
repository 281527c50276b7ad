"""The thresholds by which the label is compared with its licence, in one frozen object.

The flags, the licence search, the Ingredients page and the report all pass one (the flags a
``FlagParams``, which extends it), so they judge an ingredient by the same numbers, and a
benchmark can change them and record which were in force. Defaults are the values the
comparison has always used."""

from __future__ import annotations

from dataclasses import dataclass

from cyclops.params import Params


@dataclass(frozen=True)
class ComparisonParams(Params):
    #: a claim is judged, a printed ingredient called unlicensed and a printed name or company called
    #: different only when the photo lines they were read from have at least this mean confidence
    #: (OCR times line classifier)
    sure_read: float = 0.6
    #: OCR confidence of an amount's digits below which a difference from the licence is not raised:
    #: a digit half-read next to a dotted leader ("5 0 IU", ".50 mg") is far likelier than a misprint
    sure_amount: float = 0.6
    #: a printed amount within a licensed range, widened by this share at either end, is in it
    range_margin: float = 0.02
    #: two ingredient names at least this similar are the same ingredient
    pair_similarity: float = 0.8
    #: looser similarity (spaces ignored) for pairing what is left over after the first pass
    weak_pair_similarity: float = 0.7
    #: looser still, for a leftover pair whose amounts are equal (an amount survives OCR better than a name)
    amount_pair_similarity: float = 0.5


#: the thresholds the comparison has always used: the default of every function that takes ``params``
DEFAULT_COMPARISON = ComparisonParams()
