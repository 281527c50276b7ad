"""Live checks: after an analyst's correction, the rules run again on the corrected analysis.

Changing an amount from 400 to 450 mg must raise QUANTITY_MISMATCH then, not at the next analysis. The
rules see exactly what the pipeline gave them (fields, match, lines, the licence in both languages when the
match may be trusted), so a re-check and a fresh analysis of the corrected label agree. Flags are never
removed or reordered (decisions and the four-eyes record point at their place in the list): a flag the rules
no longer raise is marked resolved at that version, one they now raise is appended with the version that
raised it. The flags near their thresholds are found again too. The service commits each change as an edit of
its own (``cyclops.service.operations``).
"""

from __future__ import annotations

from cyclops.flags import raise_flags
from cyclops.flags.margins import near_flags
from cyclops.flags.params import FlagParams
from cyclops.match import DEFAULT_PARAMS, MatchParams, trusted
from cyclops.model.analysis import Analysis, Flag, NearFlag

#: parts of the analysis whose correction can change a flag
CHECKED_PARTS = ("fields.", "match", "lines[")


def affects_flags(field: str) -> bool:
    """Whether a correction of ``field`` (an edit path) can change what the rules raise."""
    return field.startswith(CHECKED_PARTS)


def merge_flags(old: list[Flag], fresh: list[Flag], version: int) -> list[Flag]:
    """``old`` with each pipeline flag updated, marked resolved or open again by ``fresh``, then the new ones appended."""
    raised = {f.identity: f for f in fresh}
    merged = []
    for flag in old:
        if flag.source == "pipeline":
            now = raised.get(flag.identity)
            if now is not None:  # still raised: today's wording, the analyst's decision kept
                flag = flag.model_copy(update={"message": now.message, "message_fr": now.message_fr,
                                               "severity": now.severity, "licence_field": now.licence_field,
                                               "resolved_at_version": None})
            elif flag.resolved_at_version is None:
                flag = flag.model_copy(update={"resolved_at_version": version})
        merged.append(flag)
    known = {f.identity for f in old if f.source == "pipeline"}
    merged += [f.model_copy(update={"raised_at_version": version}) for f in fresh if f.identity not in known]
    return merged


def _seen(analysis: Analysis, db, match_params: MatchParams) -> tuple:
    """What the rules see, as the pipeline gives it to them: fields, match, the matched licence in English and
    French when the match may be trusted (else two Nones), lines."""
    match, fields = analysis.match, analysis.fields
    checked = db is not None and match.lnhpd_id is not None and trusted(match, fields, match_params)
    licence_en = db.get_by_id(match.lnhpd_id, "en") if checked else None
    licence_fr = db.get_by_id(match.lnhpd_id, "fr") if checked else None
    return fields, match, licence_en, licence_fr, analysis.lines


def recheck(analysis: Analysis, db, *, params: FlagParams | None = None,
            match_params: MatchParams = DEFAULT_PARAMS) -> list[Flag] | None:
    """The flag list after the rules ran on ``analysis`` as it stands, or None when nothing changed.

    ``db``: the reference database (None: only the label rules run, as in an analysis without one)."""
    return _changed_flags(analysis, _seen(analysis, db, match_params), db is not None, params)


def rechecked(analysis: Analysis, db, *, params: FlagParams | None = None,
              match_params: MatchParams = DEFAULT_PARAMS) -> tuple[list[Flag] | None, list[NearFlag] | None]:
    """(``recheck``, the flags near their thresholds) for ``analysis`` as it stands, each None when it did not
    change: a corrected amount may raise or clear a flag, or leave one raised by a hair. The licence is read once."""
    seen = _seen(analysis, db, match_params)
    near = near_flags(*seen, database=db is not None, params=params)
    return _changed_flags(analysis, seen, db is not None, params), (None if near == analysis.near_flags else near)


def _changed_flags(analysis: Analysis, seen: tuple, database: bool, params: FlagParams | None) -> list[Flag] | None:
    merged = merge_flags(analysis.flags, raise_flags(*seen, database=database, params=params), analysis.version)
    return None if merged == analysis.flags else merged
