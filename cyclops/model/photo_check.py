"""A photo's quality verdict, given while the product is still in hand (``cyclops.photo_quality`` makes it).

Shared by mapi's ``POST /v1/photo-check``, the client and the phone capture page.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

IssueCode = Literal["too_dark", "washed_out", "blurred", "text_too_small", "no_text", "npn_cut_off"]
#: high: take the photo again; medium: it may do, look at it
IssueSeverity = Literal["high", "medium"]
Verdict = Literal["good", "check", "retake"]


class QualityIssue(BaseModel):
    """One thing wrong with a photo, said in English and French, with the measure that showed it."""

    code: IssueCode
    severity: IssueSeverity
    message: dict[str, str] = Field(default_factory=dict)  # {"en": ..., "fr": ...}
    value: float | None = None  # what was measured
    limit: float | None = None  # the threshold it crossed


class PhotoCheck(BaseModel):
    """The verdict on one photo: ``retake`` when any issue is high, ``check`` when any is medium, else ``good``."""

    filename: str
    sha256: str = ""
    width: int = 0
    height: int = 0
    verdict: Verdict = "good"
    issues: list[QualityIssue] = Field(default_factory=list)
    read: bool = False  # the reading checks (text size, NPN cut off) ran on the photo's OCR
    npn: str | None = None  # the licence number read whole on the photo (two photos, two numbers: two products)
    seconds: float = 0.0
