"""mapi's side of the errors: the JSON body every error answer carries.

The error classes, the one table of their HTTP statuses and the mapping of another area's error to a
service error (``to_service_error``) live below every layer, in ``cyclops.errors``.
"""

from __future__ import annotations


def error_body(code: str, message: str, **extra: str) -> dict[str, str]:
    """The JSON body of every error answer mapi gives."""
    return {"error": code, "message": message, **extra}
