"""Bearer token verification (JWT, HS256) with PyJWT; the key comes from Secrets Manager."""

from __future__ import annotations

from dataclasses import dataclass

import jwt

ALGORITHMS = ["HS256"]
LEEWAY_SECONDS = 30


class InvalidToken(ValueError):
    """The token is missing, malformed, expired, or signed with another key."""


@dataclass(frozen=True)
class Caller:
    subject: str
    email: str | None


def bearer_token(header_value: str | None) -> str:
    if not header_value:
        raise InvalidToken("no authorization token")
    scheme, _, token = header_value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("authorization must be 'Bearer <token>'")
    return token.strip()


def verify_token_with_any(token: str, signing_keys: tuple[str, ...], issuer: str, audience: str) -> Caller:
    """Verify with the current key, then with the one its last rotation replaced (the overlap)."""
    for key in signing_keys[:-1]:
        try:
            return verify_token(token, key, issuer, audience)
        except InvalidToken as exc:
            if not isinstance(exc.__cause__, jwt.InvalidSignatureError):
                raise  # expired, wrong audience...: no other key makes it valid
    return verify_token(token, signing_keys[-1], issuer, audience)


def verify_token(token: str, signing_key: str, issuer: str, audience: str) -> Caller:
    try:
        claims = jwt.decode(
            token,
            signing_key,
            algorithms=ALGORITHMS,
            issuer=issuer,
            audience=audience,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject or len(subject) > 256:
        raise InvalidToken("sub must be a non-empty string of at most 256 characters")
    email = claims.get("email")
    return Caller(subject=subject, email=email if isinstance(email, str) else None)
