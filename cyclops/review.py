"""Where a product stands in review, read from the analysis and its edit log: status, sign-off, the second
analyst's decision each high-severity flag needs, and how urgently it should be reviewed.

Who decided and when is always an edit's record (analyst and time set by the server from the credentials),
never a value an analyst typed. The rule that a second confirmation must come from a different reviewer is
the service layer's (``cyclops.service.policy``); this module only reads the record it leaves.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from cyclops.model.analysis import Analysis, Edit
from cyclops.review_priority import review_priority, unsure_values

SIGN_OFF = "review.signed_off"
ASSIGN = "review.assigned_to"

STATUSES = ("new", "in_review", "reviewed", "signed_off")


class Decision(BaseModel):
    analyst: str
    decision: str | None
    at: str | None = None
    reason: str | None = None


class FlagReview(BaseModel):
    """The decisions on one high-severity flag, oldest first."""

    index: int
    code: str
    message: str
    message_fr: str = ""
    decisions: list[Decision] = Field(default_factory=list)

    @property
    def analysts(self) -> list[str]:
        return sorted({d.analyst for d in self.decisions if d.decision})

    @property
    def second_done(self) -> bool:
        """Two different analysts have decided on it (agreeing or not)."""
        return len(self.analysts) >= 2

    @property
    def disagreement(self) -> bool:
        latest: dict[str, str | None] = {}
        for d in self.decisions:
            latest[d.analyst] = d.decision
        return len({v for v in latest.values() if v}) > 1


class ReviewState(BaseModel):
    status: str = "new"  # one of STATUSES
    assigned_to: str | None = None
    signed_off_by: str | None = None
    signed_off_at: str | None = None
    open_flags: int = 0
    high_flags: list[FlagReview] = Field(default_factory=list)

    @property
    def waiting_for_second(self) -> list[FlagReview]:
        return [f for f in self.high_flags if not f.second_done]

    @property
    def final(self) -> bool:
        """The report is final: signed off, and every high-severity flag decided by two analysts."""
        return self.status == "signed_off" and not self.waiting_for_second


def high_flag_count(analysis: Analysis) -> int:
    """High-severity flags not dismissed."""
    return sum(1 for flag in analysis.flags if flag.standing and flag.severity == "high" and flag.decision != "dismissed")


def review_state(analysis: Analysis, edits: list[Edit]) -> ReviewState:
    """Status, sign-off and the high-severity flags' decisions, from the analysis and its edit log."""
    open_flags = sum(1 for f in analysis.flags if f.standing and f.decision is None)
    signed = [e for e in edits if e.field == SIGN_OFF]
    signed_by = signed_at = None
    if analysis.review.signed_off and signed and signed[-1].after is True:
        signed_by, signed_at = signed[-1].analyst, signed[-1].at
    if analysis.review.signed_off:
        status = "signed_off"
    elif analysis.flags and open_flags == 0 and edits:
        status = "reviewed"
    elif edits:
        status = "in_review"
    else:
        status = "new"
    high = []
    for index, flag in enumerate(analysis.flags):
        if flag.severity != "high" or not flag.standing:
            continue
        decisions = [Decision(analyst=e.analyst, decision=e.after if isinstance(e.after, str) else None, at=e.at,
                              reason=e.reason) for e in edits if e.field == f"flags[{index}].decision"]
        high.append(FlagReview(index=index, code=flag.code, message=flag.message, message_fr=flag.message_fr,
                               decisions=decisions))
    assigned = analysis.review.assigned_to or next((e.analyst for e in edits), None)
    return ReviewState(status=status, assigned_to=assigned, signed_off_by=signed_by, signed_off_at=signed_at,
                       open_flags=open_flags, high_flags=high)


def unsure_fields(analysis: Analysis) -> int:
    """How many values the analyst should read on the photo (``cyclops.review_priority.unsure_values``)."""
    return unsure_values(analysis)


def priority(analysis: Analysis) -> float:
    """How urgently to review: higher first (``cyclops.review_priority``: the model's doubt, unsure values, a doubtful
    licence match and open flags, so the products most likely wrong or non-compliant come first)."""
    return float(review_priority(analysis))
