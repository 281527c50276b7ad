"""Who is asking: the identity an edit is recorded under and checked against (``cyclops.service.policy``).

mapi's authentication (``cyclops.mapi.auth``) makes one from a token or a JWT; the in-process client makes
one for the local user.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("analyst", "reviewer", "admin", "service")


@dataclass(frozen=True)
class Identity:
    """The caller: ``user`` is whom edits are recorded under; ``actor`` the service acting for them."""

    user: str
    role: str
    via: str  # "token", "jwt", "loopback" (nothing configured), "auth-off" or "in-process"
    actor: str | None = None

    @property
    def verified(self) -> bool:
        """False when no authentication took place (loopback or auth off): the caller's own word is all there is."""
        return self.via in ("token", "jwt")

    @property
    def can_review(self) -> bool:
        return self.role in ("reviewer", "admin") or not self.verified

    @property
    def rate_key(self) -> str:
        return f"{self.via}:{self.actor or ''}:{self.user}"
