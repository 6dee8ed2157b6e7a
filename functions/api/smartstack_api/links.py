"""Signed, expiring links to a job's result, sent in the completion email.

The link opens the job in the web app; it cannot be edited to point at another job or outlive
its expiry (old emails stop working). The web app passes ``expires`` and ``signature`` on to
``GET /tasks/{task_id}/jobs/{job_id}``, which verifies them; the caller must still own the task
(the authorizer runs as for every route). The HMAC key lives in Secrets Manager.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from urllib.parse import urlencode

from smartstack_shared.pseudonym import MIN_KEY_BYTES
from smartstack_shared.settings import SecretUnavailable, get_secret_string, get_verification_keys

from smartstack_api.limits import LINK_EXPIRES_PATTERN, LINK_SIGNATURE_PATTERN

LINK_TTL_SECONDS = 7 * 24 * 3600
# Guards against absurd expiries (a key leak would otherwise yield links valid for decades).
_MAX_FUTURE_SECONDS = LINK_TTL_SECONDS + 300


class InvalidLink(ValueError):
    """The link's signature does not match, it expired, or its parameters are malformed."""


def read_link_signing_key(secret_name: str) -> str:
    key = get_secret_string(secret_name)
    if len(key.encode("utf-8")) < MIN_KEY_BYTES:
        raise SecretUnavailable(f"secret {secret_name} must hold at least {MIN_KEY_BYTES} bytes of key")
    return key


def read_link_verification_keys(secret_name: str) -> tuple[str, ...]:
    """The signing key, then the one a rotation replaced: a link mailed just before a rotation still opens."""
    keys = get_verification_keys(secret_name)
    if len(keys[0].encode("utf-8")) < MIN_KEY_BYTES:
        raise SecretUnavailable(f"secret {secret_name} must hold at least {MIN_KEY_BYTES} bytes of key")
    return keys


def _signature(key: str, task_id: str, job_id: str, expires: int) -> str:
    message = f"v1\n{task_id}\n{job_id}\n{expires}".encode()
    digest = hmac.new(key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def job_link(key: str, base_url: str, task_id: str, job_id: str, now: float | None = None) -> str:
    expires = int(now if now is not None else time.time()) + LINK_TTL_SECONDS
    query = urlencode({"expires": expires, "signature": _signature(key, task_id, job_id, expires)})
    return f"{base_url.rstrip('/')}/tasks/{task_id}/jobs/{job_id}?{query}"


def verify_job_link(
    keys: str | tuple[str, ...],
    task_id: str,
    job_id: str,
    expires: str,
    signature: str,
    now: float | None = None,
) -> None:
    """Any of ``keys`` (the current key first) may have signed the link."""
    # Checked before any comparison: hmac.compare_digest refuses non-ASCII text, and str.isdigit
    # accepts digits of other scripts that int() would read.
    if not re.fullmatch(LINK_EXPIRES_PATTERN, expires) or not re.fullmatch(LINK_SIGNATURE_PATTERN, signature):
        raise InvalidLink("malformed link")
    expires_at = int(expires)
    current = int(now if now is not None else time.time())
    candidates = (keys,) if isinstance(keys, str) else keys
    if not any(
        hmac.compare_digest(_signature(k, task_id, job_id, expires_at), signature) for k in candidates
    ):
        raise InvalidLink("link signature does not match")
    if expires_at < current or expires_at > current + _MAX_FUTURE_SECONDS:
        raise InvalidLink("link expired")
