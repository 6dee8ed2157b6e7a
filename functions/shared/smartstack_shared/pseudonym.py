"""Keyed pseudonyms: an HMAC-SHA256 of an identifier, so logs can be correlated without raw ids."""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_SCHEME = "hmac-sha256"
# A key shorter than this is a placeholder, not a secret worth the name.
MIN_KEY_BYTES = 32


def pseudonymise(key: str, identifier: str) -> str:
    """Same key and identifier give the same pseudonym; without the key it cannot be reversed or guessed."""
    digest = hmac.new(key.encode("utf-8"), identifier.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{PSEUDONYM_SCHEME}:{digest}"
