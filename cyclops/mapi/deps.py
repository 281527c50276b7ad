"""FastAPI dependencies: the app's services and the caller's identity (established by ``Guard``)."""

from __future__ import annotations

from fastapi import Request

from cyclops.errors import AuthError
from cyclops.service.identity import Identity
from cyclops.service.operations import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_identity(request: Request) -> Identity:
    """Who is calling; ``Guard`` authenticated them before the body was read."""
    identity = request.scope.get("state", {}).get("identity")
    if identity is None:
        raise AuthError("a bearer token is required (Authorization: Bearer ...)", code="unauthorized", status=401)
    return identity
