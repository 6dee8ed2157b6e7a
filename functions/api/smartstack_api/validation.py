"""What the models cannot see: the body's transport (size, JSON), and validation errors as one clear
sentence for the client."""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler.exceptions import ServiceError

from smartstack_api.limits import MAX_BODY_BYTES
from smartstack_api.models import PATTERN_MEANINGS

LOCATIONS = ("body", "path", "query")


def parse_json_body(text: str) -> Any:
    """The resolver's JSON body parser: the size limit first, then JSON (too deep counts as invalid)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        raise ServiceError(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            f"request body must be at most {MAX_BODY_BYTES} bytes (send text as UTF-8, not \\u escapes)",
        )
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise json.JSONDecodeError("nested too deeply", text, 0) from exc


def _problem(error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ()) if part not in LOCATIONS]
    kind = error.get("type")
    if kind == "json_invalid":
        return "request body is not valid JSON"
    if not location and kind in ("missing", "model_attributes_type", "dict_type", "model_type"):
        return "request body must be a JSON object"
    if kind == "value_error":
        detail = str(error.get("ctx", {}).get("error", error.get("msg", "")))
    elif kind == "missing":
        detail = "is required"
    elif kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        detail = PATTERN_MEANINGS.get(pattern, f"must match {pattern}")
    else:
        detail = str(error.get("msg", "is invalid"))
    return f"'{'.'.join(location)}': {detail}" if location else detail


def describe(errors: Sequence[dict[str, Any]]) -> str:
    """All unknown fields at once, else the first problem (and how many more there are)."""
    unknown = sorted(str(e["loc"][-1]) for e in errors if e.get("type") == "extra_forbidden")
    if unknown:
        return f"unknown field(s): {', '.join(unknown)}"[:300]
    if not errors:
        return "invalid request"
    more = len(errors) - 1
    return _problem(errors[0]) + (f" (and {more} more problem(s))" if more else "")
