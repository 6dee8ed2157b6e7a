"""What the API accepts, in one place: field limits, and the request sizes they add up to.

The request sizes are a contract with the edge: every WAF rule in front of the API must admit them
(policy rule contract.edge-admits-api-requests reads this module). They are derived from the field
limits, so raising a field limit raises the size the edge must admit.
"""

from __future__ import annotations

TITLE_MAX = 200  # characters
DESCRIPTION_MAX = 10_000
INSTRUCTION_MAX = 4_000
ATTACHMENT_NAME_MAX = 128
CONTENT_TYPE_MAX = 100
STATUS_MAX = 20
UUID_TEXT = 36  # canonical form, as the routes print and accept ids
LINK_EXPIRES_MAX = 12  # digits of an email link's expiry
LINK_SIGNATURE_MAX = 100
# What an email link's parameters are made of: ASCII digits, and unpadded URL-safe base64 (links.py).
LINK_EXPIRES_PATTERN = rf"^[0-9]{{1,{LINK_EXPIRES_MAX}}}$"
LINK_SIGNATURE_PATTERN = rf"^[A-Za-z0-9_-]{{1,{LINK_SIGNATURE_MAX}}}$"
PAGE_SIZE_MAX = 1_000  # the most api/max-page-size may configure (envs/common validates the same bound)

_UTF8_MAX_BYTES = 4  # per character
_JSON_OVERHEAD = 1_024  # braces, quotes, keys, separators and some whitespace around the fields

# The largest valid body: a task with every text field at its limit, each character 4 bytes of UTF-8.
# Larger bodies are refused with 413 before parsing (text sent as \u escapes can exceed it: send UTF-8).
MAX_BODY_BYTES = (TITLE_MAX + DESCRIPTION_MAX + STATUS_MAX) * _UTF8_MAX_BYTES + _JSON_OVERHEAD

# The longest path, as the edge sees it (CloudFront forwards /api/*): an attachment of a task.
MAX_PATH_BYTES = len("/api/tasks/") + UUID_TEXT + len("/attachments/") + ATTACHMENT_NAME_MAX
# The longest query: an email link's ?expires=...&signature=... (page sizes are shorter).
MAX_QUERY_BYTES = len("expires=&signature=") + LINK_EXPIRES_MAX + LINK_SIGNATURE_MAX
