"""Who is calling mapi: bearer tokens mapped to users and roles, OIDC JWTs, and a service acting for a user.

Identities come from

- a tokens file (``CYCLOPS_MAPI_TOKENS_FILE``), one ``token user role`` per line;
- ``CYCLOPS_MAPI_TOKENS`` (comma-separated, the old form): each token is an analyst of its
  own, named ``token-`` + the first 8 hex digits of the token's SHA-256;
- OIDC bearer JWTs, verified against a JSON Web Key Set (``CYCLOPS_OIDC_JWKS``, a URL or a
  file) with a required issuer, audience and expiry.

A token whose role is ``service`` (the workbench) may act for a user it names in the
``X-Cyclops-User`` header (the JupyterHub user); any other identity naming someone else is
refused. With nothing configured, mapi serves loopback clients only; ``CYCLOPS_MAPI_AUTH=off``
switches authentication off on purpose.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from cyclops.errors import AuthError, Forbidden, MapiError, RateLimited, StorageUnavailable
from cyclops.service.identity import ROLES, Identity
from cyclops.settings import Settings

log = logging.getLogger("cyclops.mapi")

#: the header a service token uses to name the user it acts for
USER_HEADER = "x-cyclops-user"
#: only asymmetric algorithms: an HMAC "signed" with the public key must never pass
JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
_USER = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")


class AuthConfigError(MapiError):
    """The authentication settings cannot be used (mapi refuses to start)."""

    code = "auth_config"


def token_user(token: str) -> str:
    return "token-" + hashlib.sha256(token.encode()).hexdigest()[:8]


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return host == "localhost"


def read_tokens_file(path: Path) -> dict[str, tuple[str, str]]:
    """``token user role`` per line -> {token: (user, role)}; a bad line stops mapi from starting."""
    tokens: dict[str, tuple[str, str]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AuthConfigError(f"cannot read the tokens file {path}: {exc.strerror}") from None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) not in (2, 3):
            raise AuthConfigError(f"{path}:{number}: expected 'token user role'")
        token, user, role = parts[0], parts[1], parts[2] if len(parts) == 3 else "analyst"
        if role not in ROLES:
            raise AuthConfigError(f"{path}:{number}: unknown role {role!r} (one of {', '.join(ROLES)})")
        if len(token) < 16:
            raise AuthConfigError(f"{path}:{number}: a token of fewer than 16 characters is too easy to guess")
        tokens[token] = (user, role)
    return tokens


class JWTVerifier:
    """Verifies OIDC bearer JWTs: signature by a key of the JWKS, issuer, audience, expiry."""

    def __init__(self, settings: Settings) -> None:
        import jwt

        if not settings.oidc_issuer or not settings.oidc_audience:
            raise AuthConfigError("CYCLOPS_OIDC_JWKS needs CYCLOPS_OIDC_ISSUER and CYCLOPS_OIDC_AUDIENCE")
        self.settings = settings
        source = settings.oidc_jwks or ""
        self._client = None
        self._keys: Any = None
        if source.startswith(("https://", "http://")):
            self._client = jwt.PyJWKClient(source, cache_keys=True, lifespan=300, timeout=5)
        else:
            try:
                self._keys = jwt.PyJWKSet.from_json(Path(source).read_text(encoding="utf-8"))
            except (OSError, ValueError, jwt.PyJWTError) as exc:
                raise AuthConfigError(f"cannot read the JWKS {source}: {exc}") from None

    def _key(self, token: str, header: dict[str, Any]) -> Any:
        import jwt

        if self._client is not None:
            try:
                return self._client.get_signing_key_from_jwt(token).key
            except jwt.PyJWKClientConnectionError as exc:
                raise StorageUnavailable(f"the identity provider's keys cannot be fetched: {exc}", code="jwks_unavailable") from None
        kid = header.get("kid")
        keys = [k for k in self._keys.keys if kid is None or k.key_id == kid]
        if not keys:
            raise AuthError("the JWT is signed by an unknown key", code="invalid_token", status=401)
        return keys[0].key

    def verify(self, token: str) -> Identity:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in JWT_ALGORITHMS:
                raise AuthError(f"JWT algorithm {header.get('alg')!r} is not accepted", code="invalid_token", status=401)
            claims = jwt.decode(
                token, self._key(token, header), algorithms=JWT_ALGORITHMS, audience=self.settings.oidc_audience,
                issuer=self.settings.oidc_issuer, leeway=30, options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"the bearer JWT is not valid: {exc}", code="invalid_token", status=401) from None
        user = claims.get(self.settings.oidc_user_claim) or claims.get("sub")
        if not isinstance(user, str) or not _USER.match(user):
            raise AuthError("the JWT names no user", code="invalid_token", status=401)
        roles = claims.get(self.settings.oidc_roles_claim) or []
        roles = [roles] if isinstance(roles, str) else roles if isinstance(roles, list) else []
        role = next((r for r in ("admin", "service", "reviewer", "analyst") if r in roles), "analyst")
        return Identity(user=user, role=role, via="jwt")


class Authenticator:
    """Maps a request's headers (and client address) to an ``Identity``, or raises 401/403."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.off = settings.auth_off
        if settings.mapi_auth.strip().lower() not in ("on", "true", "1", "yes", "off", "false", "0", "no", "none"):
            raise AuthConfigError(f"CYCLOPS_MAPI_AUTH={settings.mapi_auth!r}: use 'on' or 'off'")
        if settings.mapi_tokens.strip() and not settings.accepted_tokens:
            # "," or " " used to switch authentication off without a word
            raise AuthConfigError(
                f"CYCLOPS_MAPI_TOKENS={settings.mapi_tokens!r} holds no token; unset it, or set CYCLOPS_MAPI_AUTH=off on purpose")
        self.tokens: dict[str, tuple[str, str]] = {t: (token_user(t), "analyst") for t in settings.accepted_tokens}
        if settings.mapi_tokens_file:
            self.tokens.update(read_tokens_file(Path(settings.mapi_tokens_file)))
        self.roles = {user: role for user, role in self.tokens.values()}
        self.jwt = JWTVerifier(settings) if settings.oidc_jwks else None

    @property
    def configured(self) -> bool:
        return bool(self.tokens or self.jwt)

    def describe(self) -> str:
        if self.off:
            return "off"
        kinds = [f"{len(self.tokens)} tokens"] if self.tokens else []
        kinds += ["OIDC JWTs"] if self.jwt else []
        return ", ".join(kinds) or "loopback only (no tokens configured)"

    def authenticate(self, headers: Any, client_host: str | None) -> Identity:
        acting = (headers.get(USER_HEADER) or "").strip() or None
        if acting is not None and not _USER.match(acting):
            raise Forbidden("the X-Cyclops-User header is not a valid user name", code="invalid_user")
        if self.off or not self.configured:
            if not self.off and not is_loopback(client_host):
                raise Forbidden("mapi has no tokens configured and serves this machine only; set CYCLOPS_MAPI_TOKENS_FILE",
                                code="auth_not_configured")
            return Identity(user=acting or self.settings.analyst or "local", role="admin", via="auth-off" if self.off else "loopback")
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthError("a bearer token is required (Authorization: Bearer ...)", code="unauthorized", status=401)
        identity = self._from_token(token)
        if acting is None or acting == identity.user:
            return identity
        if identity.role != "service":
            raise Forbidden(f"{identity.user} may not act for {acting}: only a service token may name another user",
                            code="cannot_act_for_others")
        role = self.roles.get(acting, "analyst")
        return Identity(user=acting, role="analyst" if role == "service" else role, via=identity.via, actor=identity.user)

    def _from_token(self, token: str) -> Identity:
        if self.jwt is not None and token.count(".") == 2 and token.startswith("ey"):
            return self.jwt.verify(token)
        found = None
        for known, who in self.tokens.items():  # compare every one: no early exit to time
            if secrets.compare_digest(token.encode(), known.encode()):
                found = who
        if found is None:
            raise AuthError("this token is not accepted", code="forbidden", status=403)
        return Identity(user=found[0], role=found[1], via="token")


class RateLimiter:
    """A token bucket per identity: ``rate`` requests per second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
                raise RateLimited(f"too many requests; retry in {wait:.1f} s", code="rate_limited").with_retry(wait)
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > 10_000:  # forget identities idle long enough to be full again
                horizon = now - self.burst / self.rate
                self._buckets = {k: v for k, v in self._buckets.items() if v[1] > horizon}


def identity_json(identity: Identity) -> str:
    return json.dumps({"user": identity.user, "role": identity.role, "via": identity.via, "actor": identity.actor})
