"""FastAPI dependencies: the app's services and bearer-token authentication."""

from __future__ import annotations

import secrets

from fastapi import Request

from cyclops.mapi.errors import AuthError
from cyclops.mapi.service import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def require_token(request: Request) -> None:
    """401 without a bearer token, 403 with a wrong one; open only when no tokens are configured."""
    accepted = request.app.state.services.settings.accepted_tokens
    if not accepted:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("a bearer token is required (Authorization: Bearer ...)", code="unauthorized", status=401)
    if not any(secrets.compare_digest(token.strip(), t) for t in accepted):
        raise AuthError("this token is not accepted", code="forbidden", status=403)
