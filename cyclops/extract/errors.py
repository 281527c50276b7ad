"""Typed errors of field extraction."""

from __future__ import annotations

from cyclops.errors import CyclopsError


class ModelMissing(CyclopsError):
    """The field classifier file is not there (not trained or not shipped)."""

    code = "model_missing"


class BadExamples(CyclopsError, ValueError):
    """Training examples that cannot train a classifier (none, unknown labels, a single label)."""

    code = "bad_examples"
